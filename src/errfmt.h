/*
 * The admin API's error texts in the reader's language (issue 16): the
 * daemon sends each error's printf format untranslated with its arguments
 * as strings ({"format": "no case %s", "args": ["HY..."]}) next to the
 * English "message"; hotlinectl looks the format up in its catalogue and
 * puts the arguments in the translation.  Both sides read a format with
 * errfmt_next(), so they agree on what a conversion is.  Nothing here
 * ever hands a received format to printf.
 */
#ifndef ERRFMT_H
#define ERRFMT_H

#include <stdarg.h>
#include <stddef.h>

struct json_t;

#define ERRFMT_ARGS	16	/* conversions in one format, at most */
#define ERRFMT_SPEC	16	/* bytes of one conversion, "%-12.200lld" */

/* One conversion: "%%" (conv '%'), else "%[n$][flags][w][.p][len]conv". */
struct errfmt_conv {
	const char	*start;		/* its '%' in the format */
	size_t		 len;		/* its bytes, up to the conversion */
	int		 pos;		/* n of "%n$", 0 without */
	char		 length[3];	/* "", "hh", "h", "l", "ll", "z", "j" */
	char		 conv;		/* one of "diouxXcs%" */
};

/*
 * The next conversion of the format at *p, *p moved past it: 1, 0 at the
 * end, -1 on anything else (%n, %p, %*d, a lone '%', a width over 3
 * digits, a position over ERRFMT_ARGS).
 */
int	 errfmt_next(const char **p, struct errfmt_conv *);

/*
 * The daemon: the arguments of fmt in ap, each as fmt's conversion prints
 * it, as a JSON array of strings; NULL when fmt has a conversion that
 * errfmt_next() refuses or a position, or an argument is not UTF-8.
 */
struct json_t	*errfmt_args(const char *fmt, va_list ap);

/*
 * A module that writes its errors into a caller's buffer (lifecycle.c,
 * extension.c) writes them with errfmt_note(): vsnprintf() into err, and
 * the format and its arguments kept, the last one only.  An error the
 * daemon then answers as admin_error(r, ..., "%s", err) is sent with
 * them, as if it had been written there.
 */
void	 errfmt_note(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));
/* The same with the arguments given here. */
void	 errfmt_notef(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A text without conversions into err: the format is the text itself. */
void	 errfmt_note_text(char *err, size_t errlen, const char *text);
/*
 * The format and arguments (a new reference) of s when s is the buffer
 * errfmt_note() wrote last and still holds what it wrote; else NULL.
 */
struct json_t	*errfmt_noted(const char *s, const char **fmtp);

/*
 * The client, for an error of its own made by errfmt_note(): err in the
 * reader's language, tr(format) with the arguments, else err itself.
 */
const char	*errfmt_local(const char *err, const char *(*tr)(const char *),
		    char *buf, size_t len);

/*
 * The client: trans (fmt's translation) with args[0..nargs-1] put in its
 * conversions (in order, or "%n$" in any order), "%%" a '%', flags and
 * widths ignored; into out.  -1 (out undefined) when fmt's conversions
 * are not exactly nargs, either format has a conversion errfmt_next()
 * refuses, trans mixes "%n$" with plain ones or names an argument there
 * is not, an argument is not UTF-8 or holds a control character, or the
 * text does not fit.
 */
int	 errfmt_subst(const char *fmt, const char *trans,
	    const char *const *args, size_t nargs, char *out, size_t outlen);

/*
 * The client: the text to show for the API's error object e: tr(format)
 * with the args put in when the format is translated, the args fit it
 * and the untranslated format with them gives the "message" back; else
 * the "message" as sent; NULL when e has none.  buf holds the text made.
 */
const char	*errfmt_text(struct json_t *e, const char *(*tr)(const char *),
		    char *buf, size_t len);

#endif /* ERRFMT_H */
