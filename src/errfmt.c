/*
 * The admin API's error formats (issue 16): the daemon turns an error's
 * arguments into strings (errfmt_args()), hotlinectl puts them into the
 * format's translation (errfmt_subst(), errfmt_text()).  One reader of
 * conversions, errfmt_next(), for both; a received format only ever goes
 * through it, never to printf.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "errfmt.h"

/* What errfmt_note() wrote last: where, the text, its format, its args. */
static struct {
	const char	*buf;
	char		 text[512];
	const char	*fmt;
	json_t		*args;
} errfmt_last;

static int	errfmt_digits(const char **, int, int *);
static int	errfmt_arg(char *, size_t, const struct errfmt_conv *,
		    va_list *);
static int	errfmt_arg_ok(const char *);
static int	errfmt_put(char *, size_t, size_t *, const char *, size_t);

/* Up to max decimal digits at *p into *v; -1 past max. */
static int
errfmt_digits(const char **p, int max, int *v)
{
	int	n;

	*v = 0;
	for (n = 0; **p >= '0' && **p <= '9'; n++, (*p)++) {
		if (n == max)
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return n;
}

int
errfmt_next(const char **p, struct errfmt_conv *c)
{
	const char	*s, *q;
	int		 v;

	if ((s = strchr(*p, '%')) == NULL) {
		*p += strlen(*p);
		return 0;
	}
	memset(c, 0, sizeof(*c));
	c->start = s;
	q = s + 1;
	if (*q == '%') {
		c->conv = '%';
		c->len = 2;
		*p = q + 1;
		return 1;
	}
	if (*q >= '1' && *q <= '9') {		/* "%n$", else a width */
		if (errfmt_digits(&q, 3, &v) == -1)
			return -1;
		if (*q == '$') {
			if (v > ERRFMT_ARGS)
				return -1;
			c->pos = v;
			q++;
		} else
			q = s + 1;
	}
	q += strspn(q, "-+ #0");
	if (q - s > 8 || errfmt_digits(&q, 3, &v) == -1)
		return -1;
	if (*q == '.') {
		q++;
		if (errfmt_digits(&q, 3, &v) == -1)
			return -1;
	}
	if ((q[0] == 'h' && q[1] == 'h') || (q[0] == 'l' && q[1] == 'l')) {
		memcpy(c->length, q, 2);
		q += 2;
	} else if (*q != '\0' && strchr("hlzj", *q) != NULL)
		c->length[0] = *q++;
	if (*q == '\0' || strchr("diouxXcs", *q) == NULL ||
	    (c->length[0] != '\0' && (*q == 'c' || *q == 's')))
		return -1;
	c->conv = *q++;
	c->len = (size_t)(q - s);
	if (c->len >= ERRFMT_SPEC)
		return -1;
	*p = q;
	return 1;
}

/* One argument taken from ap as c prints it, into buf; -1 on none. */
static int
errfmt_arg(char *buf, size_t len, const struct errfmt_conv *c, va_list *ap)
{
	char	spec[ERRFMT_SPEC];
	int	l = c->length[0] == '\0' ? 0 : c->length[0] == 'l' ?
		    (c->length[1] == 'l' ? 2 : 1) : c->length[0] == 'z' ? 3 :
		    c->length[0] == 'j' ? 4 : 0;

	memcpy(spec, c->start, c->len);	/* checked by errfmt_next() */
	spec[c->len] = '\0';
	if (c->conv == 's')
		return snprintf(buf, len, spec, va_arg(*ap, const char *));
	if (c->conv == 'c' || l == 0)	/* hh, h: promoted to int */
		return snprintf(buf, len, spec, va_arg(*ap, int));
	if (c->conv == 'd' || c->conv == 'i')
		switch (l) {
		case 1:
			return snprintf(buf, len, spec, va_arg(*ap, long));
		case 2:
			return snprintf(buf, len, spec, va_arg(*ap,
			    long long));
		case 3:
			return snprintf(buf, len, spec, va_arg(*ap, ssize_t));
		default:
			return snprintf(buf, len, spec, va_arg(*ap,
			    intmax_t));
		}
	switch (l) {
	case 1:
		return snprintf(buf, len, spec, va_arg(*ap, unsigned long));
	case 2:
		return snprintf(buf, len, spec, va_arg(*ap,
		    unsigned long long));
	case 3:
		return snprintf(buf, len, spec, va_arg(*ap, size_t));
	default:
		return snprintf(buf, len, spec, va_arg(*ap, uintmax_t));
	}
}

json_t *
errfmt_args(const char *fmt, va_list ap)
{
	struct errfmt_conv	 c;
	json_t			*args, *s;
	const char		*p = fmt;
	char			 buf[512];
	va_list			 aq;
	int			 r;

	if ((args = json_array()) == NULL)
		return NULL;
	va_copy(aq, ap);
	while ((r = errfmt_next(&p, &c)) == 1) {
		if (c.conv == '%')
			continue;
		if (c.pos != 0 || json_array_size(args) == ERRFMT_ARGS ||
		    errfmt_arg(buf, sizeof(buf), &c, &aq) < 0 ||
		    (s = json_string(buf)) == NULL ||
		    json_array_append_new(args, s) == -1)
			break;
	}
	va_end(aq);
	if (r != 0) {
		json_decref(args);
		return NULL;
	}
	return args;
}

void
errfmt_note(char *err, size_t errlen, const char *fmt, va_list ap)
{
	va_list	aq;

	va_copy(aq, ap);
	vsnprintf(err, errlen, fmt, ap);
	json_decref(errfmt_last.args);
	errfmt_last.args = errfmt_args(fmt, aq);
	va_end(aq);
	errfmt_last.buf = err;
	errfmt_last.fmt = fmt;
	strlcpy(errfmt_last.text, err, sizeof(errfmt_last.text));
}

void
errfmt_notef(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errfmt_note(err, errlen, fmt, ap);
	va_end(ap);
}

void
errfmt_note_text(char *err, size_t errlen, const char *text)
{
	strlcpy(err, text, errlen);
	json_decref(errfmt_last.args);
	/* a '%' would be read as a conversion: then no format */
	errfmt_last.args = strchr(text, '%') == NULL ? json_array() : NULL;
	errfmt_last.buf = err;
	errfmt_last.fmt = text;
	strlcpy(errfmt_last.text, err, sizeof(errfmt_last.text));
}

json_t *
errfmt_noted(const char *s, const char **fmtp)
{
	/* the same buffer, and the text unchanged since */
	if (s == NULL || s != errfmt_last.buf || errfmt_last.args == NULL ||
	    strcmp(s, errfmt_last.text) != 0)
		return NULL;
	*fmtp = errfmt_last.fmt;
	return json_incref(errfmt_last.args);
}

/* 1 when s is UTF-8 without control characters. */
static int
errfmt_arg_ok(const char *s)
{
	json_t	*t;
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	if ((t = json_string(s)) == NULL)
		return 0;
	json_decref(t);
	return 1;
}

/* Append n bytes of s to out at *o; -1 when they and a NUL do not fit. */
static int
errfmt_put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (n >= outlen - *o)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

int
errfmt_subst(const char *fmt, const char *trans, const char *const *args,
    size_t nargs, char *out, size_t outlen)
{
	struct errfmt_conv	 c;
	const char		*p = fmt, *q;
	size_t			 i, n = 0, o = 0, k;
	int			 r, positional = -1;

	if (outlen == 0 || nargs > ERRFMT_ARGS)
		return -1;
	out[0] = '\0';
	for (i = 0; i < nargs; i++)
		if (args[i] == NULL || !errfmt_arg_ok(args[i]))
			return -1;
	while ((r = errfmt_next(&p, &c)) == 1)
		if (c.conv != '%' && (c.pos != 0 || n++ == nargs))
			return -1;
	if (r == -1 || n != nargs)
		return -1;
	for (p = trans, n = 0;;) {
		q = p;
		if ((r = errfmt_next(&p, &c)) == -1 || errfmt_put(out, outlen,
		    &o, q, r == 0 ? strlen(q) : (size_t)(c.start - q)) == -1)
			return -1;
		if (r == 0)
			break;
		if (c.conv == '%') {
			if (errfmt_put(out, outlen, &o, "%", 1) == -1)
				return -1;
			continue;
		}
		if (positional == -1)
			positional = c.pos != 0;
		else if (positional != (c.pos != 0))
			return -1;
		k = c.pos != 0 ? (size_t)c.pos - 1 : n++;
		if (k >= nargs || errfmt_put(out, outlen, &o, args[k],
		    strlen(args[k])) == -1)
			return -1;
	}
	return positional == 1 || n == nargs ? 0 : -1;
}

const char *
errfmt_local(const char *err, const char *(*tr)(const char *), char *buf,
    size_t len)
{
	const char	*fmt, *t = err;
	json_t		*a, *e;

	if ((a = errfmt_noted(err, &fmt)) == NULL)
		return err;
	if ((e = json_pack("{s:s,s:s,s:o}", "message", err, "format", fmt,
	    "args", a)) != NULL)
		t = errfmt_text(e, tr, buf, len);
	json_decref(e);
	return t == buf ? buf : err;	/* not e's message: freed */
}

const char *
errfmt_text(json_t *e, const char *(*tr)(const char *), char *buf,
    size_t len)
{
	const char	*msg, *fmt, *trans, *args[ERRFMT_ARGS];
	json_t		*a;
	size_t		 i, n;

	if ((msg = json_string_value(json_object_get(e, "message"))) == NULL)
		return NULL;
	fmt = json_string_value(json_object_get(e, "format"));
	a = json_object_get(e, "args");
	if (fmt == NULL || !json_is_array(a) ||
	    (n = json_array_size(a)) > ERRFMT_ARGS)
		return msg;
	for (i = 0; i < n; i++)
		if ((args[i] = json_string_value(json_array_get(a, i))) ==
		    NULL)
			return msg;
	/* the format and args must say what the message says */
	if (errfmt_subst(fmt, fmt, args, n, buf, len) == -1 ||
	    strcmp(buf, msg) != 0)
		return msg;
	if ((trans = tr(fmt)) == NULL || trans == fmt ||
	    strcmp(trans, fmt) == 0 ||
	    errfmt_subst(fmt, trans, args, n, buf, len) == -1)
		return msg;
	return buf;
}
