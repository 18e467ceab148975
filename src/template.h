/*
 * SMS templates: one UTF-8 file a template in the templates directory,
 * templates/NAME.txt, with {name} placeholders checked against a table at
 * load time.  A set is loaded whole or not at all; the daemon swaps sets
 * on SIGHUP only when the new one loads.
 */
#ifndef HOTLINED_TEMPLATE_H
#define HOTLINED_TEMPLATE_H

#include <stddef.h>

struct conf_errors;
struct hotlined_conf;

#define TEMPLATE_FILE_MAX	(8 * 1024)	/* bytes of one file */
#define TEMPLATE_VAR_MAX	32		/* bytes of a placeholder name */
#define TEMPLATE_OUT_MAX	4096		/* a rendered text, bytes + NUL */

/* One value for a placeholder; value is inserted literally. */
struct template_var {
	const char	*name;		/* "case", without braces */
	const char	*value;
};

struct template_set;

/* Load every template of dir; NULL with "file:line: message" in errs. */
struct template_set *template_load(const char *dir, struct conf_errors *errs);
/* Free a set; template_free(NULL) does nothing. */
void		 template_free(struct template_set *);
/* 1 when the set holds the template, else 0. */
int		 template_has(const struct template_set *, const char *name);
/* The template's text as loaded (comments gone), or NULL. */
const char	*template_text(const struct template_set *, const char *name);
/* 1 when name is a template the table knows, else 0. */
int		 template_known(const char *name);
/* 1 when the table lets template name use placeholder var, else 0. */
int		 template_allows(const char *name, const char *var);
/* The table's idx-th template name, or NULL past the end. */
const char	*template_name(size_t idx);
/*
 * Render template name with vars into out (NUL-terminated); {service} is
 * the configured service number unless vars give it.  0, or -1 (out is
 * then "") when the template is unknown or absent, out is too small, or a
 * placeholder has no value or an empty one: a citizen never receives a
 * half-filled SMS (logged; the caller sends nothing).
 */
int		 template_render(const struct template_set *, const char *name,
		    const struct template_var *vars, size_t nvars, char *out,
		    size_t outlen);
/* SMS parts text takes (UDH 8-bit concatenation), or -1. */
int		 template_parts(const char *text);

/* Load conf's templates as the current set; 0 or -1 (errors in errs). */
int		 template_start(const struct hotlined_conf *,
		    struct conf_errors *);
/* Reload hook (hook_on_reload): 0, or -1 keeping the old set. */
int		 template_reload(void *arg);
/* The current set (NULL before template_start()). */
const struct template_set *template_current(void);
/* Replace the current set (taking ownership), freeing the old one. */
void		 template_set_current(struct template_set *);
/* Free the current set (an exit hook). */
void		 template_stop(void *arg);
/* "hotlined -t" check (conf_add_check): every template loads. */
int		 template_conf_check(const struct hotlined_conf *,
		    struct conf_errors *, void *arg);

#endif /* HOTLINED_TEMPLATE_H */
