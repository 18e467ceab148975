/*
 * SMS templates: the table of known templates and the placeholders each
 * may use, the loader (every error collected as "file:line: message"),
 * {name} expansion into a caller's buffer with the part count logged, and
 * the daemon's current set, swapped whole on reload.
 */
#include "compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "gsm7.h"
#include "log.h"
#include "template.h"
#include "udh.h"
#include "util.h"

#define TPL_SUFFIX	".txt"

/*
 * Every template the daemon sends: its name (templates/NAME.txt), whether
 * the set is refused without it, and the placeholders it may use.
 */
static const struct tpl_def {
	const char	*name;
	int		 required;
	const char	*vars;		/* space-separated */
} tpl_defs[] = {
	{ "ack",		 1, "case category due service" },
	{ "ack_confidential",	 1, "case category due service" },
	{ "ack_unclassified",	 1, "case due service" },
	/* a case from another channel (admin_import.c); else "ack" */
	{ "ack_channel",	 0, "case category due channel service" },
	{ "ack_channel_confidential", 0, "case category due channel service" },
	{ "ack_unclassified_confidential", 1, "case due service" },
	{ "classified",		 1, "case category due service" },
	{ "incomplete_note",	 0, "case service" },
	{ "refuse_emergency_110", 1, "service channel" },
	{ "refuse_emergency_119", 1, "service channel" },
	{ "refuse_emergency_120", 1, "service channel" },
	{ "refuse_emergency_122", 1, "service channel" },
	{ "refuse_emergency_selfharm", 1, "service channel" },
	{ "advice_110",		 1, "" },
	{ "advice_119",		 1, "" },
	{ "advice_120",		 1, "" },
	{ "advice_122",		 1, "" },
	{ "advice_selfharm",	 1, "" },
	{ "refuse_military",	 1, "service channel" },
	{ "refuse_litigation",	 1, "service channel" },
	{ "refuse_unlawful",	 1, "service channel" },
	{ "refuse_repeat",	 1, "case service" },
	{ "help",		 1, "service" },
	{ "status",		 1, "case category state due service" },
	{ "status_unclassified", 1, "case state due service" },
	{ "status_list",	 1, "count cases service" },
	{ "status_none",	 1, "service" },
	{ "status_notfound",	 1, "case service" },
	{ "confidential_ok",	 1, "case service" },
	{ "confidential_notfound", 1, "case service" },
	{ "supplement_ok",	 1, "case service" },
	{ "supplement_notfound", 1, "case service" },
	{ "optout_ok",		 1, "service" },
	{ "rate_limited",	 0, "service" },
	{ "result",		 1, "case result service" },
	{ "result_more",	 1, "case service" },
	{ "survey",		 1, "case service code" },
	{ "survey_remind",	 0, "case service code" },
	{ "survey_thanks",	 1, "case service" },
	{ "survey_unclear",	 1, "case service" },
	{ "survey_which_case",	 0, "cases service" },
	{ "survey_closed",	 0, "case service" },
	{ "extended",		 0, "case due service" },
	{ "ussd_menu",		 0, "service" },
	/* the *12345# screens (ussd_menu.c), each one USSD string */
	{ "ussd_cases",		 0, "page pages items nav service" },
	{ "ussd_case_item",	 0, "n case state due category" },
	{ "ussd_cases_none",	 0, "service" },
	{ "ussd_case",		 0, "case category state due service" },
	{ "ussd_rate",		 0, "page pages items nav service" },
	{ "ussd_rate_item",	 0, "n case category state due" },
	{ "ussd_rate_none",	 0, "service" },
	{ "ussd_rate_case",	 0, "case category state due service" },
	{ "ussd_rated",		 0, "case service" },
	{ "ussd_rated_reopened", 0, "case service" },
	{ "ussd_rate_closed",	 0, "case service" },
	{ "ussd_contact",	 0, "service" },
	{ "ussd_invalid",	 0, "service" },
	{ "ussd_expired",	 0, "service" },
	{ "ussd_error",		 0, "service" },
	{ "ussd_nav_more",	 0, "" },
	{ "ussd_nav_back",	 0, "" },
	/* notices to the units (notice.h): absent, the unit gets no SMS */
	{ "unit_dispatch",	 0, "case category due unit service" },
	{ "unit_due",		 0, "case category due unit service" },
	{ "unit_overdue",	 0, "case category due unit service" },
	{ "unit_supervised",	 0, "case category due unit reason service" },
	{ "unit_rehandle",	 0, "case category due unit service" },
	{ "unit_escalated",	 0, "case category due unit days service" },
	{ "unit_extension_approved", 0, "case category due unit service" },
	{ "unit_extension_refused", 0,
	    "case category due unit reason service" },
};
#define TPL_N	(sizeof(tpl_defs) / sizeof(tpl_defs[0]))

struct template_set {
	char		*text[TPL_N];	/* NULL: absent (optional) */
	size_t		 len[TPL_N];
};

static int	 tpl_index(const char *);
static int	 tpl_var_ok(size_t, const char *, size_t);
static int	 tpl_parse(size_t, const char *, const char *, size_t,
		    struct template_set *, struct conf_errors *);
static int	 tpl_check_text(const char *, const char *, size_t, int,
		    struct conf_errors *);
static int	 tpl_check_line(size_t, const char *, const char *, size_t,
		    int, struct conf_errors *);
static int	 tpl_read(const char *, char **, size_t *,
		    struct conf_errors *);
static const char *tpl_value(const struct template_var *, size_t,
		    const char *, size_t);

static struct template_set	*tpl_cur;
static char			*tpl_dir;	/* what template_reload() reads */
static char			*tpl_service;	/* {service}, unless a caller gives it */

/* Index of a template in tpl_defs, or -1. */
static int
tpl_index(const char *name)
{
	size_t	i;

	if (name == NULL)
		return -1;
	for (i = 0; i < TPL_N; i++)
		if (strcmp(tpl_defs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* 1 when template idx may use the placeholder var[0..len). */
static int
tpl_var_ok(size_t idx, const char *var, size_t len)
{
	const char	*p = tpl_defs[idx].vars, *e;

	while (*p != '\0') {
		if ((e = strchr(p, ' ')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && memcmp(p, var, len) == 0)
			return 1;
		p = *e == ' ' ? e + 1 : e;
	}
	return 0;
}

int
template_known(const char *name)
{
	return tpl_index(name) != -1;
}

int
template_allows(const char *name, const char *var)
{
	int	i;

	if ((i = tpl_index(name)) == -1 || var == NULL)
		return 0;
	return tpl_var_ok((size_t)i, var, strlen(var));
}

const char *
template_name(size_t idx)
{
	return idx < TPL_N ? tpl_defs[idx].name : NULL;
}

/*
 * One line of a template's body: UTF-8, no control characters but tab,
 * "{{" and "}}" for literal braces, {name} a placeholder the table allows.
 */
/* UTF-8 without NUL or control characters but tab; 0 or -1. */
static int
tpl_check_text(const char *file, const char *s, size_t len, int line,
    struct conf_errors *errs)
{
	size_t		 i, n;
	uint32_t	 cp;

	for (i = 0; i < len; i += n)
		if ((n = gsm7_utf8_next(s + i, len - i, &cp)) == 0) {
			conf_error(errs, file, line, s[i] == '\0' ?
			    "NUL byte" : "invalid UTF-8");
			return -1;
		} else if ((cp < 0x20 && cp != '\t') || cp == 0x7f) {
			conf_error(errs, file, line, "control character "
			    "0x%02x", (unsigned int)cp);
			return -1;
		}
	return 0;
}

static int
tpl_check_line(size_t idx, const char *file, const char *s, size_t len,
    int line, struct conf_errors *errs)
{
	size_t		 i, n, j;

	if (tpl_check_text(file, s, len, line, errs) == -1)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '}') {
			if (i + 1 < len && s[i + 1] == '}') {
				i++;
				continue;
			}
			conf_error(errs, file, line, "unmatched \"}\" (write "
			    "\"}}\" for a brace)");
			return -1;
		}
		if (s[i] != '{')
			continue;
		if (i + 1 < len && s[i + 1] == '{') {
			i++;
			continue;
		}
		for (j = i + 1; j < len && s[j] != '}' && s[j] != '{'; j++)
			;
		if (j == len || s[j] == '{') {
			conf_error(errs, file, line, "unclosed \"{\" (write "
			    "\"{{\" for a brace)");
			return -1;
		}
		n = j - i - 1;
		if (n == 0 || n >= TEMPLATE_VAR_MAX ||
		    strspn(s + i + 1, "abcdefghijklmnopqrstuvwxyz_") < n) {
			conf_error(errs, file, line, "bad placeholder "
			    "\"{%.*s}\"", (int)(n > 40 ? 40 : n), s + i + 1);
			return -1;
		}
		if (!tpl_var_ok(idx, s + i + 1, n)) {
			conf_error(errs, file, line, "unknown placeholder "
			    "{%.*s} (%s allows: %s)", (int)n, s + i + 1,
			    tpl_defs[idx].name, tpl_defs[idx].vars);
			return -1;
		}
		i = j;
	}
	return 0;
}

/*
 * A template file: lines starting with "#" are comments, blank lines at
 * either end go, CRLF becomes LF, the rest is the text.
 */
static int
tpl_parse(size_t idx, const char *file, const char *buf, size_t len,
    struct template_set *set, struct conf_errors *errs)
{
	const char	*s = buf, *end = buf + len, *nl;
	char		*out;
	size_t		 llen, olen = 0, keep = 0;
	int		 line = 0, rv = 0;

	out = xmalloc(len + 1);
	while (s < end) {
		line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		llen = (size_t)(nl - s);
		if (llen > 0 && s[llen - 1] == '\r')
			llen--;
		if (llen > 0 && s[0] == '#') {
			/* comments must still be text */
			if (tpl_check_text(file, s, llen, line, errs) == -1)
				rv = -1;
		} else if (tpl_check_line(idx, file, s, llen, line, errs) ==
		    -1)
			rv = -1;
		else if (olen > 0 || llen > 0) {
			if (olen > 0)
				out[olen++] = '\n';
			memcpy(out + olen, s, llen);
			olen += llen;
			if (llen > 0)
				keep = olen;	/* trailing blank lines go */
		}
		s = nl < end ? nl + 1 : end;
	}
	olen = keep;
	while (olen > 0 && (out[olen - 1] == ' ' || out[olen - 1] == '\t'))
		olen--;
	if (rv == 0 && olen == 0) {
		conf_error(errs, file, 0, "empty template");
		rv = -1;
	}
	if (rv == -1) {
		free(out);
		return -1;
	}
	out[olen] = '\0';
	set->text[idx] = out;
	set->len[idx] = olen;
	return 0;
}

/* Read a regular file of at most TEMPLATE_FILE_MAX bytes; 0 or -1. */
static int
tpl_read(const char *path, char **bufp, size_t *lenp,
    struct conf_errors *errs)
{
	if ((*bufp = conf_read_file(path, TEMPLATE_FILE_MAX, lenp,
	    errs)) == NULL)
		return -1;
	if (*lenp > TEMPLATE_FILE_MAX) {
		conf_error(errs, path, 0, "file larger than %d bytes",
		    TEMPLATE_FILE_MAX);
		free(*bufp);
		*bufp = NULL;
		return -1;
	}
	return 0;
}

struct template_set *
template_load(const char *dir, struct conf_errors *errs)
{
	struct template_set	*set;
	struct dirent		*de;
	DIR			*d;
	char			 path[PATH_MAX], base[NAME_MAX + 1], *buf;
	size_t			 nlen, len, i;
	int			 idx, nerr = 0;

	if ((d = opendir(dir)) == NULL) {
		conf_error(errs, dir, 0, "%s", strerror(errno));
		return NULL;
	}
	set = xcalloc(1, sizeof(*set));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nlen = strlen(de->d_name);
		if (nlen <= strlen(TPL_SUFFIX) || strcmp(de->d_name + nlen -
		    strlen(TPL_SUFFIX), TPL_SUFFIX) != 0) {
			if (strncmp(de->d_name, "Makefile", 8) != 0 &&
			    strncmp(de->d_name, "README", 6) != 0)
				log_warnx("template ignoring %s/%s: not a "
				    "template (NAME.txt)", dir, de->d_name);
			continue;
		}
		strlcpy(base, de->d_name, sizeof(base));
		base[nlen - strlen(TPL_SUFFIX)] = '\0';
		if ((idx = tpl_index(base)) == -1) {
			log_warnx("template ignoring %s/%s: unknown template",
			    dir, de->d_name);
			continue;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path)) {
			conf_error(errs, dir, 0, "path too long");
			nerr++;
			continue;
		}
		if (tpl_read(path, &buf, &len, errs) == -1) {
			nerr++;
			continue;
		}
		if (tpl_parse((size_t)idx, path, buf, len, set, errs) == -1)
			nerr++;
		free(buf);
	}
	closedir(d);
	for (i = 0; i < TPL_N; i++)
		if (tpl_defs[i].required && set->text[i] == NULL) {
			snprintf(path, sizeof(path), "%s/%s%s", dir,
			    tpl_defs[i].name, TPL_SUFFIX);
			/* a file that failed to parse is reported already */
			if (access(path, F_OK) == 0)
				continue;
			conf_error(errs, path, 0, "missing required template");
			nerr++;
		}
	if (nerr > 0) {
		template_free(set);
		return NULL;
	}
	return set;
}

void
template_free(struct template_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < TPL_N; i++)
		free(set->text[i]);
	free(set);
}

int
template_has(const struct template_set *set, const char *name)
{
	int	i;

	if (set == NULL || (i = tpl_index(name)) == -1)
		return 0;
	return set->text[i] != NULL;
}

const char *
template_text(const struct template_set *set, const char *name)
{
	int	i;

	if (set == NULL || (i = tpl_index(name)) == -1)
		return NULL;
	return set->text[i];
}

/* The value of placeholder name[0..len) in vars, or NULL. */
static const char *
tpl_value(const struct template_var *vars, size_t nvars, const char *name,
    size_t len)
{
	size_t	i;

	for (i = 0; i < nvars; i++)
		if (vars[i].name != NULL && strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return vars[i].value != NULL ? vars[i].value : "";
	/* every template may say {service}: the configured service number */
	if (len == strlen("service") && memcmp(name, "service", len) == 0)
		return tpl_service;
	return NULL;
}

int
template_render(const struct template_set *set, const char *name,
    const struct template_var *vars, size_t nvars, char *out, size_t outlen)
{
	const char	*s, *v, *e;
	size_t		 o = 0, n;
	int		 i, parts;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (set == NULL || (i = tpl_index(name)) == -1 ||
	    set->text[i] == NULL)
		return -1;
	for (s = set->text[i]; *s != '\0'; s += n) {
		if ((s[0] == '{' && s[1] == '{') ||
		    (s[0] == '}' && s[1] == '}')) {
			v = s;
			n = 2;
			e = s + 1;
		} else if (s[0] == '{') {
			if ((e = strchr(s, '}')) == NULL) {
				/* the loader refuses this; be safe anyway */
				v = s;
				e = s + strlen(s);
				n = (size_t)(e - s);
				goto copy;
			}
			n = (size_t)(e - s) + 1;
			if ((v = tpl_value(vars, nvars, s + 1, n - 2)) ==
			    NULL || *v == '\0') {
				/*
				 * A citizen never gets a half-filled SMS
				 * ("案件" and no number): the caller sends
				 * nothing and logs the failure.
				 */
				out[0] = '\0';
				log_warnx("template name=%s placeholder=%.*s "
				    "has no value, not rendered", name,
				    (int)(n - 2), s + 1);
				return -1;
			}
			e = v + strlen(v);
		} else {
			v = s;
			e = strpbrk(s, "{}");
			if (e == NULL)
				e = s + strlen(s);
			else if (e == s)
				e = s + 1;	/* a lone brace: refused at load */
			n = (size_t)(e - s);
		}
copy:
		if ((size_t)(e - v) >= outlen - o) {
			out[0] = '\0';
			log_warnx("template name=%s does not fit in %zu bytes",
			    name, outlen);
			return -1;
		}
		memcpy(out + o, v, (size_t)(e - v));
		o += (size_t)(e - v);
	}
	out[o] = '\0';
	parts = udh_count(out, o, UDH_MODE_UDH8, 0);
	log_debug("template name=%s parts=%d bytes=%zu", name, parts, o);
	return 0;
}

int
template_parts(const char *text)
{
	int	n;

	if (text == NULL)
		return -1;
	n = udh_count(text, strlen(text), UDH_MODE_UDH8, 0);
	return n < 0 ? -1 : n;
}

/* The daemon's set. */

int
template_start(const struct hotlined_conf *conf, struct conf_errors *errs)
{
	struct template_set	*set;

	free(tpl_dir);
	tpl_dir = xstrdup(conf->templates);
	free(tpl_service);
	tpl_service = conf->service_number != NULL ?
	    xstrdup(conf->service_number) : NULL;
	if ((set = template_load(tpl_dir, errs)) == NULL)
		return -1;
	template_set_current(set);
	log_info("template loaded dir=%s", tpl_dir);
	return 0;
}

/* template_load() for conf_reload(). */
static void *
template_load_any(const char *dir, struct conf_errors *errs)
{
	return template_load(dir, errs);
}

int
template_reload(void *arg)
{
	struct template_set	*set;

	(void)arg;
	if (tpl_dir == NULL)
		return 0;
	if ((set = conf_reload("template", "templates", tpl_dir,
	    template_load_any)) == NULL)
		return -1;
	template_set_current(set);
	log_info("template reloaded dir=%s", tpl_dir);
	return 0;
}

const struct template_set *
template_current(void)
{
	return tpl_cur;
}

void
template_set_current(struct template_set *set)
{
	template_free(tpl_cur);
	tpl_cur = set;
}

void
template_stop(void *arg)
{
	(void)arg;
	template_set_current(NULL);
	free(tpl_dir);
	tpl_dir = NULL;
	free(tpl_service);
	tpl_service = NULL;
}

int
template_conf_check(const struct hotlined_conf *conf,
    struct conf_errors *errs, void *arg)
{
	struct template_set	*set;

	(void)arg;
	if ((set = template_load(conf->templates, errs)) == NULL)
		return -1;
	template_free(set);
	return 0;
}
