/*
 * hotlinectl's translations (gettext, textdomain "hotlinectl"): _() for a
 * text shown to people, N_() marks one kept in a table and translated
 * where it is shown, NC_() one with a context ("column", "state"...) told
 * apart from the same English word elsewhere, shown through nls_ctx().
 * Machine output (--json, --csv, publish, the bulletin) is never
 * translated.  Without ENABLE_NLS (no msgfmt at configure) all is English.
 */
#ifndef NLS_H
#define NLS_H

#include <stddef.h>

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)		gettext(s)
#else
#define _(s)		(s)
#endif
#define N_(s)		(s)
#define NC_(c, s)	c "\004" s

const char	*nls_ctx(const char *);
const char	*nls_word(const char *const *, const char *);
size_t		 nls_width(const char *);

#endif /* NLS_H */
