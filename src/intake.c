/*
 * Intake: normalisation of a citizen's text, the commands at its start,
 * survey answers, empty texts, and the rules file (parser with every error
 * collected as "file:line: message", and the matcher: one Aho-Corasick
 * pass over the normalised, ASCII-lowered text marks the keywords found in
 * a bitmap, then the rules are read off it; no allocation per message).
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "category.h"
#include "classify.h"
#include "config.h"
#include "intake.h"
#include "log.h"
#include "screen.h"
#include "util.h"

#define RULES_NAME_MAX	63		/* bytes of a rule name */
#define RULES_KW_MAX	255		/* bytes of one keyword */
#define RULES_ERRS_MAX	100		/* errors reported, then "too many" */
#define RULES_IDS_MAX	65536		/* distinct keywords (scan bitmap) */
#define RULES_AC_CELLS	(4 * 1024 * 1024) /* transitions of the matcher */
#define AC_ROW		0x7fffffffU	/* of a transition: the row offset,
					   below RULES_AC_CELLS */
#define AC_OUT		0x80000000U	/* of a transition: a keyword ends */
#define INTAKE_HITS_MAX	64		/* rules weighed for one text */
#define CASE_DIGITS_MIN	10
#define CASE_DIGITS_MAX	11

enum rule_list { RL_ANY, RL_ALL, RL_NONE, RL_MAX };

enum rule_reason {
	RR_EMERGENCY, RR_MILITARY, RR_LITIGATION, RR_UNLAWFUL, RR_MAX
};

struct rule_kw {
	size_t		 off;		/* into rules->pool */
	size_t		 len;
	uint32_t	 id;		/* distinct keyword: its bit in seen */
};

struct rule {
	char		 name[RULES_NAME_MAX + 1];
	int		 line;
	int		 refuse;	/* 1: refuse reason/channel; 0: category */
	int		 reason;	/* enum rule_reason */
	char		 channel[8];
	int		 category;
	double		 weight;	/* evidence for its label */
	int		 override;	/* decides alone (emergencies always) */
	size_t		 first[RL_MAX];	/* into rules->kw */
	size_t		 n[RL_MAX];
};

/* A state of the matcher; state 0 is the root (the empty prefix). */
struct ac_state {
	uint32_t	 fail;		/* longest proper suffix, a state */
	uint32_t	 out;		/* this state or the nearest down the
					   fail chain that ends a keyword, 0 */
	uint32_t	 kw;		/* 1 + id of a keyword ending here */
};

/*
 * The matcher is a full DFA over bytes, the fail links folded in: from the
 * state whose row starts at r, delta[r + cls[byte]] is the next state's
 * row offset (state * ncls), with AC_OUT when a keyword ends there.  Bytes
 * in no keyword share class 0, which always leads back to the root.
 */
struct rules {
	struct rule	*rule;
	size_t		 nrule, rulecap;
	struct rule_kw	*kw;
	size_t		 nkw, kwcap;
	char		*pool;
	size_t		 poollen, poolcap;
	size_t		 nid;		/* distinct keywords */
	uint8_t		 cls[256];
	size_t		 ncls;
	uint32_t	*delta;		/* nstate * ncls transitions */
	struct ac_state	*st;
	size_t		 nstate;
};

/* A keyword while the matcher is built: its bytes and its rules->kw index. */
struct kw_ref {
	const char	*s;
	size_t		 len;
	size_t		 kw;
};

/* Where parse errors go: a caller's buffer or a struct conf_errors. */
struct rules_errs {
	char			*buf;
	size_t			 len;
	size_t			 used;
	struct conf_errors	*conf;
	const char		*name;
	int			 n;
};

/* A rule being read, with its keywords until the rule is complete. */
struct rule_tmp {
	struct rule	 r;
	int		 open;
	int		 failed;	/* the rule above was dropped */
	char		*kw[RL_MAX];	/* NUL-separated keywords */
	size_t		 kwlen[RL_MAX];
	size_t		 kwcap[RL_MAX];
	size_t		 nkw[RL_MAX];
};

/* builder */
static struct rules *rules_parse(const char *, const char *, size_t,
		    struct rules_errs *);
static void	 rules_error(struct rules_errs *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 rules_line(struct rules *, struct rule_tmp *,
		    struct rules_errs *, int, char *);
static void	 rules_close(struct rules *, struct rule_tmp *,
		    struct rules_errs *);
static int	 rules_clause(const char *);
static int	 rules_modifier(struct rule_tmp *, char **, size_t, size_t *,
		    struct rules_errs *, int);
static void	*rules_grow(void *, size_t *, size_t, size_t);
static int	 rules_build(struct rules *, struct rules_errs *);
static int	 kw_ref_cmp(const void *, const void *);
static size_t	 rules_number(struct rules *, struct kw_ref *);
static void	 rules_trie(struct rules *, const struct kw_ref *, size_t);
static void	 rules_links(struct rules *);
static void	 rules_rows(struct rules *);
/* text */
static uint32_t	 utf8_next(const unsigned char *, size_t, size_t *);
static size_t	 utf8_put(uint32_t, char *);
static int	 cp_is_space(uint32_t);
static int	 cp_is_drop(uint32_t);
static int	 cp_is_punct(uint32_t);
static size_t	 skip_sep(const char *, size_t, size_t);
static size_t	 content_chars(const char *, size_t, size_t);
static int	 kw_find(const char *, size_t, const char *, size_t);
/* commands */
static int	 intake_command(const char *, size_t, const char *,
		    struct intake_verdict *);
static int	 intake_keyword(const char *, size_t, const char *, size_t *);
static int	 intake_number(const char *, size_t, size_t, const char *,
		    char *, size_t, size_t *);
static int	 intake_survey(const char *, size_t);
static int	 intake_survey_for(const char *, size_t, const char *,
		    struct intake_verdict *);
/* matching */
static int	 intake_screen(const struct intake_ctx *, const char *, size_t,
		    struct intake_verdict *, int);
static const struct rule *intake_hits(const struct rules *, const char *,
		    size_t, int, struct classify_hit *, size_t *, int *);
static void	 intake_match(const struct rules *, const char *, size_t,
		    const struct intake_ctx *, struct intake_verdict *);
static void	 rules_scan(const struct rules *, const char *, size_t,
		    uint64_t *);
static void	 rules_mark(const struct rules *, uint32_t, uint64_t *);
static int	 rule_match(const struct rules *, const struct rule *,
		    const uint64_t *);

static const char *reason_names[RR_MAX] = {
	"emergency", "military", "litigation", "unlawful"
};
static const char *channels[] = { "110", "119", "120", "122" };
static const char *list_names[RL_MAX] = { "any", "all", "none" };
static const int reason_labels[RR_MAX] = {
	-1, CL_MILITARY, CL_LITIGATION, CL_UNLAWFUL
};

/* Satisfaction words that start a survey answer, longest first. */
static const char *survey_words[] = {
	"非常不满意", "很不满意", "基本满意", "非常满意", "比较满意",
	"不太满意", "很满意", "不满意", "满意", "一般", "还行", "还可以"
};

/* --- UTF-8 and characters --------------------------------------------- */

/*
 * Decode one code point at s[*i] (len bytes in all) and advance *i; an
 * invalid or truncated sequence, an overlong form or a surrogate gives
 * U+FFFD and advances one byte.
 */
static uint32_t
utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	uint32_t	c = s[*i], min;
	size_t		n, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len - *i <= n)
		goto bad;
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[*i + k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*i += n + 1;
	return c;
bad:
	(*i)++;
	return 0xfffd;
}

/* Encode c into out (4 bytes room); returns the bytes written. */
static size_t
utf8_put(uint32_t c, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if (c < 0x80) {
		o[0] = c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = 0xc0 | c >> 6;
		o[1] = 0x80 | (c & 0x3f);
		return 2;
	}
	if (c < 0x10000) {
		o[0] = 0xe0 | c >> 12;
		o[1] = 0x80 | (c >> 6 & 0x3f);
		o[2] = 0x80 | (c & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | c >> 18;
	o[1] = 0x80 | (c >> 12 & 0x3f);
	o[2] = 0x80 | (c >> 6 & 0x3f);
	o[3] = 0x80 | (c & 0x3f);
	return 4;
}

/* Whitespace of any width (after normalisation: a single ASCII space). */
static int
cp_is_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

/* Controls and invisible format characters, dropped by normalisation. */
static int
cp_is_drop(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2064) || c == 0xfeff;
}

/* Punctuation and symbols that carry no content (with U+FFFD). */
static int
cp_is_punct(uint32_t c)
{
	if (c < 0x80)
		return (c > 0x20 && c < 0x30) || (c >= 0x3a && c <= 0x40) ||
		    (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
	return (c >= 0xa1 && c <= 0xbf) || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) ||
	    (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
	    (c >= 0x3014 && c <= 0x301f) || c == 0x30fb ||
	    (c >= 0xfe10 && c <= 0xfe19) || (c >= 0xfe30 && c <= 0xfe6b) ||
	    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    c == 0xfffd;
}

/* Skip whitespace and punctuation in s[i..len); returns the new index. */
static size_t
skip_sep(const char *s, size_t len, size_t i)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 j;
	uint32_t		 c;

	while (i < len) {
		j = i;
		c = utf8_next(u, len, &j);
		if (!cp_is_space(c) && !cp_is_punct(c))
			break;
		i = j;
	}
	return i;
}

/* Count code points of s[i..len) that are neither space nor punctuation. */
static size_t
content_chars(const char *s, size_t len, size_t i)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n = 0;
	uint32_t		 c;

	while (i < len) {
		c = utf8_next(u, len, &i);
		if (!cp_is_space(c) && !cp_is_punct(c))
			n++;
	}
	return n;
}

/* Whether the keyword k (klen bytes) occurs in s (len bytes). */
static int
kw_find(const char *s, size_t len, const char *k, size_t klen)
{
	const char	*p, *end;

	if (klen == 0 || klen > len)
		return klen == 0;
	end = s + len - klen + 1;
	for (p = s; p < end; p++) {
		p = memchr(p, k[0], end - p);
		if (p == NULL)
			return 0;
		if (memcmp(p, k, klen) == 0)
			return 1;
	}
	return 0;
}

uint32_t
intake_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	return utf8_next(s, len, i);
}

int
intake_is_sep(uint32_t c)
{
	return cp_is_space(c) || cp_is_punct(c);
}

size_t
intake_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char	*u = (const unsigned char *)in;
	char			 enc[4];
	size_t			 i = 0, o = 0, n;
	int			 space = 0;
	uint32_t		 c;

	if (outlen == 0)
		return 0;
	if (in == NULL)
		len = 0;
	while (i < len) {
		c = utf8_next(u, len, &i);
		if (cp_is_space(c)) {
			space = o > 0;
			continue;
		}
		if (cp_is_drop(c))
			continue;
		if (c >= 0xff01 && c <= 0xff5e)
			c -= 0xfee0;	/* full-width ASCII to ASCII */
		n = utf8_put(c, enc);
		if (o + space + n + 1 > outlen)
			break;
		if (space) {
			out[o++] = ' ';
			space = 0;
		}
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* --- commands ---------------------------------------------------------- */

/*
 * Whether s[0..len) starts with the command word kw (ASCII words compare
 * without case), *end set past it: 1 when followed by the end, whitespace
 * or punctuation; 2 when followed by an ASCII letter or digit (a case
 * number may follow: "CXHY2611260001"); 0 otherwise ("查询一下").
 */
static int
intake_keyword(const char *s, size_t len, const char *kw, size_t *end)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 k = strlen(kw), i, j;
	uint32_t		 c;

	if (k > len)
		return 0;
	for (i = 0; i < k; i++) {
		c = u[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)kw[i])
			return 0;
	}
	*end = k;
	if (k == len)
		return 1;
	j = k;
	c = utf8_next(u, len, &j);
	if (cp_is_space(c) || cp_is_punct(c))
		return 1;
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 2;	/* maybe a case number: the caller checks */
	return 0;
}

/*
 * A case number at s[i..len): prefix (without case) then digits, or the
 * digits alone.  Returns 1 with the canonical number in out ("HY" + digits)
 * and *end past it; -1 for something that looks like a case number but is
 * not one (wrong digit count); 0 for anything else.
 */
static int
intake_number(const char *s, size_t len, size_t i, const char *prefix,
    char *out, size_t outlen, size_t *end)
{
	size_t	 plen = strlen(prefix), k, d;

	if (plen > 0 && len - i >= plen) {
		for (k = 0; k < plen; k++) {
			unsigned char	a = s[i + k], b = prefix[k];

			if (a >= 'a' && a <= 'z')
				a -= 'a' - 'A';
			if (b >= 'a' && b <= 'z')
				b -= 'a' - 'A';
			if (a != b)
				break;
		}
		if (k == plen && i + plen < len &&
		    s[i + plen] >= '0' && s[i + plen] <= '9')
			i += plen;
		else if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	} else if (i >= len || !(s[i] >= '0' && s[i] <= '9'))
		return 0;
	for (d = 0; i + d < len && s[i + d] >= '0' && s[i + d] <= '9'; d++)
		;
	if (d < CASE_DIGITS_MIN || d > CASE_DIGITS_MAX ||
	    (i + d < len && ((s[i + d] >= 'a' && s[i + d] <= 'z') ||
	    (s[i + d] >= 'A' && s[i + d] <= 'Z'))))
		return -1;
	if (plen + d + 1 > outlen)
		return -1;
	for (k = 0; k < plen; k++)
		out[k] = (prefix[k] >= 'a' && prefix[k] <= 'z') ?
		    prefix[k] - ('a' - 'A') : prefix[k];
	memcpy(out + plen, s + i, d);
	out[plen + d] = '\0';
	*end = i + d;
	return 1;
}

/*
 * Commands at the start of the normalised text s: 1 with v->kind set
 * (HELP also for a malformed command), 0 when s is not a command.
 */
static int
intake_command(const char *s, size_t len, const char *prefix,
    struct intake_verdict *v)
{
	static const char *help[] = { "帮助", "help", "?" };
	static const char *optout[] = { "退订", "td" };
	static const char *query[] = { "查询", "cx" };
	static const char *supp[] = { "补充", "bc" };
	static const char *secret[] = { "保密", "bm" };
	size_t	 i, end, at;
	int	 r, kw;

	for (i = 0; i < nitems(help); i++)
		if (intake_keyword(s, len, help[i], &end) == 1 &&
		    content_chars(s, len, end) == 0) {
			v->kind = INTAKE_HELP;
			return 1;
		}
	for (i = 0; i < nitems(optout); i++)
		if (intake_keyword(s, len, optout[i], &end) == 1 &&
		    content_chars(s, len, end) == 0) {
			v->kind = INTAKE_OPTOUT;
			return 1;
		}
	for (i = 0; i < nitems(query); i++) {
		if ((kw = intake_keyword(s, len, query[i], &end)) == 0)
			continue;
		at = skip_sep(s, len, end);
		if (kw == 1 && at == len) {
			v->kind = INTAKE_QUERY;	/* all my open cases */
			return 1;
		}
		r = intake_number(s, len, at, prefix, v->number,
		    sizeof(v->number), &end);
		if (r == 0)
			return 0;	/* 查询 + other text: a new matter */
		if (r == -1) {
			v->number[0] = '\0';
			v->kind = INTAKE_HELP;
			return 1;
		}
		v->kind = INTAKE_QUERY;
		return 1;
	}
	/*
	 * 保密 HY2611260001 [more]: make that case confidential (Art. 19), the
	 * rest added to it.  Only a number with its prefix: "保密，我举报…"
	 * and "保密 138…" are new matters that ask for confidentiality.
	 * "BM", the pinyin initials as CX and BC are, only before a number.
	 */
	for (i = 0; i < nitems(secret); i++) {
		if (intake_keyword(s, len, secret[i], &end) == 0 ||
		    prefix == NULL || *prefix == '\0')
			continue;
		at = skip_sep(s, len, end);
		if (strncasecmp(s + at, prefix, strlen(prefix)) == 0 &&
		    intake_number(s, len, at, prefix, v->number,
		    sizeof(v->number), &end) == 1) {
			v->kind = INTAKE_CONFIDENTIAL;
			v->body = s + skip_sep(s, len, end);
			return 1;
		}
		v->number[0] = '\0';
	}
	for (i = 0; i < nitems(supp); i++) {
		if ((kw = intake_keyword(s, len, supp[i], &end)) == 0)
			continue;
		at = skip_sep(s, len, end);
		r = intake_number(s, len, at, prefix, v->number,
		    sizeof(v->number), &end);
		if (r == 0) {
			if (kw == 1 && at == len) {
				v->kind = INTAKE_HELP;	/* "补充" alone */
				return 1;
			}
			return 0;	/* 补充 + text without a number */
		}
		at = skip_sep(s, len, end);
		if (r == -1 || at == len) {
			v->number[0] = '\0';
			v->kind = INTAKE_HELP;
			return 1;
		}
		v->kind = INTAKE_SUPPLEMENT;
		v->body = s + at;
		return 1;
	}
	return 0;
}

/*
 * "HY2611260001 1", "案件HY2611260001满意": an answer naming the case, as
 * survey_which_case asks for when several surveys are open.  1 with
 * v->kind INTAKE_SURVEY and v->number set; 0 when s is not that.
 */
static int
intake_survey_for(const char *s, size_t len, const char *prefix,
    struct intake_verdict *v)
{
	static const char *leads[] = { "案件号", "案件", "编号" };
	size_t	 i, at = 0, end, k;

	for (i = 0; i < nitems(leads); i++) {
		k = strlen(leads[i]);
		if (k <= len && memcmp(s, leads[i], k) == 0) {
			at = skip_sep(s, len, k);
			break;
		}
	}
	if (prefix == NULL || *prefix == '\0' ||
	    intake_number(s, len, at, prefix, v->number, sizeof(v->number),
	    &end) != 1 || strncasecmp(s + at, prefix, strlen(prefix)) != 0) {
		v->number[0] = '\0';
		return 0;	/* only a number with its prefix names a case */
	}
	at = skip_sep(s, len, end);
	if (at == len || !intake_survey(s + at, len - at)) {
		v->number[0] = '\0';
		return 0;
	}
	v->kind = INTAKE_SURVEY;
	v->body = s + at;
	return 1;
}

/* Whether s looks like an answer to a survey: 1-3 or a satisfaction word. */
static int
intake_survey(const char *s, size_t len)
{
	size_t	 i, k, j;
	uint32_t c;

	if (len > 0 && s[0] >= '1' && s[0] <= '3') {
		if (len == 1)
			return 1;
		j = 1;
		c = utf8_next((const unsigned char *)s, len, &j);
		if (cp_is_space(c) || cp_is_punct(c))
			return 1;
		s++;
		len--;
	}
	for (i = 0; i < nitems(survey_words); i++) {
		k = strlen(survey_words[i]);
		if (k <= len && memcmp(s, survey_words[i], k) == 0)
			return 1;
	}
	return 0;
}

/* --- matching ----------------------------------------------------------- */

#define KW_SEEN(seen, id)	((seen)[(id) / 64] >> ((id) % 64) & 1)

/*
 * Mark the keywords ending at state q: down its fail chain until one
 * already seen (when that one was marked, so was every shorter keyword
 * ending with it).
 */
static void
rules_mark(const struct rules *rs, uint32_t q, uint64_t *seen)
{
	const struct ac_state	*st = rs->st;
	uint32_t		 t, id;

	for (t = st[q].out; t != 0; t = st[st[t].fail].out) {
		id = st[t].kw - 1;
		if (KW_SEEN(seen, id))
			break;
		seen[id / 64] |= (uint64_t)1 << (id % 64);
	}
}

/* One pass over the lowered text s: mark in seen every keyword in it. */
static void
rules_scan(const struct rules *rs, const char *s, size_t len, uint64_t *seen)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;
	uint32_t		 tr = 0;	/* the root */

	memset(seen, 0, (rs->nid + 63) / 64 * sizeof(*seen));
	for (i = 0; i < len; i++) {
		tr = rs->delta[(tr & AC_ROW) + rs->cls[u[i]]];
		if (tr & AC_OUT)
			rules_mark(rs, (tr & AC_ROW) / rs->ncls, seen);
	}
}

/* Whether rule r matches a text whose keywords are marked in seen. */
static int
rule_match(const struct rules *rs, const struct rule *r,
    const uint64_t *seen)
{
	size_t	 i;
	int	 hit;

	if (r->n[RL_ANY] > 0) {
		hit = 0;
		for (i = 0; i < r->n[RL_ANY] && !hit; i++)
			hit = KW_SEEN(seen, rs->kw[r->first[RL_ANY] + i].id);
		if (!hit)
			return 0;
	}
	for (i = 0; i < r->n[RL_ALL]; i++)
		if (!KW_SEEN(seen, rs->kw[r->first[RL_ALL] + i].id))
			return 0;
	for (i = 0; i < r->n[RL_NONE]; i++)
		if (KW_SEEN(seen, rs->kw[r->first[RL_NONE] + i].id))
			return 0;
	return 1;
}

/* Refuse for the rule r (Art. 8). */
static void
intake_refuse(const struct rule *r, struct intake_verdict *v)
{
	v->kind = INTAKE_REFUSE;
	strlcpy(v->rule, r->name, sizeof(v->rule));
	strlcpy(v->reason, reason_names[r->reason], sizeof(v->reason));
	strlcpy(v->channel, r->channel, sizeof(v->channel));
	if (r->reason == RR_EMERGENCY)
		snprintf(v->template, sizeof(v->template),
		    "refuse_emergency_%s", r->channel);
	else
		snprintf(v->template, sizeof(v->template), "refuse_%s",
		    reason_names[r->reason]);
}

/*
 * The rules that match s, in file order, into hit (*nhit of them, at most
 * INTAKE_HITS_MAX); *force is 1 + the index of the first that says
 * "category unclassified" (0: none).  An
 * emergency rule ends the search: it is returned (or, without a model, the
 * refusal rule before it in file order, as hotlined always did).
 */
static const struct rule *
intake_hits(const struct rules *rs, const char *s, size_t len, int model,
    struct classify_hit *hit, size_t *nhit, int *force)
{
	uint64_t		 seen[RULES_IDS_MAX / 64];	/* 8 KiB */
	const struct rule	*r;
	size_t			 i, k;

	*nhit = 0;
	*force = 0;
	if (rs == NULL)
		return NULL;
	rules_scan(rs, s, len, seen);
	for (i = 0; i < rs->nrule; i++) {
		r = &rs->rule[i];
		if (!rule_match(rs, r, seen))
			continue;
		if (r->refuse && r->reason == RR_EMERGENCY) {
			for (k = 0; !model && k < *nhit; k++)
				if (hit[k].label >= CL_CATEGORIES)
					return &rs->rule[hit[k].rule];
			return r;
		}
		if (!r->refuse && r->category == CAT_UNCLASSIFIED) {
			if (*force == 0)
				*force = (int)i + 1;	/* a person decides */
			continue;
		}
		if (*nhit == INTAKE_HITS_MAX)
			continue;	/* the first ones in file order */
		hit[*nhit].label = r->refuse ? reason_labels[r->reason] :
		    r->category;
		hit[*nhit].weight = r->weight;
		hit[*nhit].override = r->override;
		hit[*nhit].rule = (int)i;
		(*nhit)++;
	}
	return NULL;
}

/*
 * A new matter.  An emergency rule refuses first.  Every other rule that
 * matches is evidence for its label, or an override (hotlined.rules(5));
 * classify.c weighs them with the model's scores.
 */
static void
intake_match(const struct rules *rs, const char *s, size_t len,
    const struct intake_ctx *ctx, struct intake_verdict *v)
{
	struct classify_hit	 hit[INTAKE_HITS_MAX];
	struct classify_result	 res;
	const struct rule	*r;
	const struct model	*model = ctx != NULL ? ctx->model : NULL;
	size_t			 i, nhit;
	int			 force;

	v->kind = INTAKE_NEW_CASE;
	v->category = CAT_OTHER;
	v->guess = CL_OTHER;
	v->score = v->margin = 1.0;
	if ((r = intake_hits(rs, s, len, model != NULL, hit, &nhit,
	    &force)) != NULL) {
		intake_refuse(r, v);
		return;
	}
	classify_decide(model, s, len, hit, nhit,
	    ctx != NULL ? ctx->classify : NULL, &res);
	if (force && !(res.hit != -1 && res.label >= CL_CATEGORIES))
		res.unsure = 1;
	v->guess = res.label;
	v->unsure = res.unsure;
	v->score = res.score;
	v->margin = res.margin;
	/* the rule that decided, or the first that agreed */
	for (i = 0; i < nhit && res.hit == -1; i++)
		if (hit[i].label == res.label)
			res.hit = (int)i;
	if (res.unsure && force)	/* the rule that sent it to a person */
		strlcpy(v->rule, rs->rule[force - 1].name, sizeof(v->rule));
	else if (res.hit != -1)
		strlcpy(v->rule, rs->rule[hit[res.hit].rule].name,
		    sizeof(v->rule));
	if (res.unsure)
		v->category = CAT_UNCLASSIFIED;
	else if (res.label < CL_CATEGORIES)
		v->category = res.label;
	else if (res.hit != -1)	/* classify.c made sure a rule said so */
		intake_refuse(&rs->rule[hit[res.hit].rule], v);
	else
		v->category = CAT_UNCLASSIFIED;	/* not reached */
}

/*
 * The safety screen (screen.c's current lexicon; none loaded: nothing is
 * screened), before every rule (Art. 8(1)): 1 when the text is a
 * clear emergency and refused here (only when refuse); 0 otherwise, with
 * the verdict kept for the caller to advise and alert (a clear one that is
 * not refused is advised and alerted as a possible one).
 */
static int
intake_screen(const struct intake_ctx *ctx, const char *s, size_t len,
    struct intake_verdict *v, int refuse)
{
	struct screen_result	r;

	screen_check(screen_current(), s, len, &r);
	v->screen = r.verdict;
	if (r.verdict == SCREEN_NONE)
		return 0;
	v->screen_channel = screen_channel_name(r.channel);
	strlcpy(v->screen_word, r.word, sizeof(v->screen_word));
	if (r.verdict != SCREEN_CLEAR)
		return 0;
	if (!refuse) {
		v->screen = SCREEN_POSSIBLE;
		return 0;
	}
	v->kind = INTAKE_REFUSE;
	strlcpy(v->rule, "screen", sizeof(v->rule));
	strlcpy(v->reason, "emergency", sizeof(v->reason));
	strlcpy(v->channel, v->screen_channel, sizeof(v->channel));
	snprintf(v->template, sizeof(v->template), "refuse_emergency_%s",
	    v->screen_channel);
	return 1;
}

int
intake_classify(const struct rules *rs, const char *text,
    const struct intake_ctx *ctx, struct intake_verdict *v, char *norm,
    size_t normlen)
{
	return intake_classify_len(rs, text, text ? strlen(text) : 0, ctx, v,
	    norm, normlen);
}

int
intake_classify_len(const struct rules *rs, const char *text, size_t len,
    const struct intake_ctx *ctx, struct intake_verdict *v, char *norm,
    size_t normlen)
{
	char		 low[INTAKE_NORM_MAX];
	const char	*prefix = "";
	size_t		 n, i;

	if (v == NULL || norm == NULL || normlen == 0)
		return -1;
	memset(v, 0, sizeof(*v));
	v->category = CAT_OTHER;
	if (text == NULL)
		len = 0;
	if (len > INTAKE_TEXT_MAX) {
		/* cut on a character boundary */
		for (n = INTAKE_TEXT_MAX; n > INTAKE_TEXT_MAX - 4 &&
		    ((unsigned char)text[n] & 0xc0) == 0x80; n--)
			;
		len = n;
		v->truncated = 1;
	}
	n = intake_normalize(text, len, norm, MINIMUM(normlen, sizeof(low)));
	if (ctx != NULL && ctx->case_prefix != NULL)
		prefix = ctx->case_prefix;

	for (i = 0; i < n; i++)
		low[i] = (norm[i] >= 'A' && norm[i] <= 'Z') ?
		    norm[i] + ('a' - 'A') : norm[i];
	low[n] = '\0';
	/*
	 * A command (a supplement to a case) or a survey answer is carried
	 * out as usual, but screened too: a danger written there is advised
	 * and alerted, never refused.
	 */
	if (intake_command(norm, n, prefix, v)) {
		intake_screen(ctx, low, n, v, 0);
		return 0;
	}
	if (ctx != NULL && (ctx->to_extension ||
	    (ctx->survey_pending && intake_survey(norm, n)))) {
		v->kind = n == 0 ? INTAKE_EMPTY : INTAKE_SURVEY;
		intake_screen(ctx, low, n, v, 0);
		return 0;
	}
	if (ctx != NULL && ctx->survey_pending &&
	    intake_survey_for(norm, n, prefix, v))
		return 0;
	if (content_chars(norm, n, 0) <= 1) {
		v->kind = INTAKE_EMPTY;
		return 0;
	}
	if (!intake_screen(ctx, low, n, v, 1))
		intake_match(rs, low, n, ctx, v);
	v->confidential = kw_find(low, n, "保密", strlen("保密"));
	return 0;
}

const char *
intake_kind_name(enum intake_kind k)
{
	static const char *names[] = {
		"new_case", "refuse", "query", "supplement", "help", "empty",
		"optout", "survey", "confidential"
	};

	if ((unsigned)k >= nitems(names))
		return "?";
	return names[k];
}

/* --- the rules file ----------------------------------------------------- */

/* Record one error at line of the file being parsed. */
static void
rules_error(struct rules_errs *e, int line, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	if (e->n++ > RULES_ERRS_MAX)
		return;
	if (e->n > RULES_ERRS_MAX)
		snprintf(msg, sizeof(msg), "too many errors, giving up");
	else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (e->conf != NULL) {
		conf_error(e->conf, e->name, line, "%s", msg);
		return;
	}
	errbuf_add(e->buf, e->len, &e->used, e->name, line, msg);
}

/* The clause word at tok (any, all, none), or -1. */
static int
rules_clause(const char *tok)
{
	int	 i;

	for (i = 0; i < RL_MAX; i++)
		if (strcmp(tok, list_names[i]) == 0)
			return i;
	return -1;
}

/* Whether tok is a modifier word (weight, override). */
static int
rules_is_modifier(const char *tok)
{
	return strcmp(tok, "weight") == 0 || strcmp(tok, "override") == 0;
}

/*
 * A modifier at tok[*i] ("weight N" or "override"): 1 and *i past it, 0
 * when tok[*i] is none, -1 (error reported) when it is wrong.
 */
static int
rules_modifier(struct rule_tmp *t, char **tok, size_t ntok, size_t *i,
    struct rules_errs *e, int line)
{
	char	*end;
	double	 w;

	if (strcmp(tok[*i], "override") == 0) {
		t->r.override = 1;
		(*i)++;
		return 1;
	}
	if (strcmp(tok[*i], "weight") != 0)
		return 0;
	if (*i + 1 >= ntok) {
		rules_error(e, line, "rule %s: weight without a number",
		    t->r.name);
		return -1;
	}
	errno = 0;
	w = strtod(tok[*i + 1], &end);
	if (end == tok[*i + 1] || *end != '\0' || errno == ERANGE ||
	    !(w >= -CLASSIFY_WEIGHT_MAX && w <= CLASSIFY_WEIGHT_MAX)) {
		rules_error(e, line, "rule %s: weight '%.40s' is not a number "
		    "from %g to %g", t->r.name, tok[*i + 1],
		    -CLASSIFY_WEIGHT_MAX, CLASSIFY_WEIGHT_MAX);
		return -1;
	}
	t->r.weight = w;
	*i += 2;
	return 1;
}

/* Room for n elements of size in p, which has room for *cap; doubles. */
static void *
rules_grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return p;
	*cap = MAXIMUM(n, *cap * 2);
	return xreallocarray(p, *cap, size);
}

/* Check the rule being read and, when it is whole, add it to rs. */
static void
rules_close(struct rules *rs, struct rule_tmp *t, struct rules_errs *e)
{
	struct rule	*r = &t->r;
	size_t		 l, k, off, klen;
	int		 ok = 1;

	if (!t->open)
		return;
	t->open = 0;
	if (t->nkw[RL_ANY] + t->nkw[RL_ALL] == 0) {
		rules_error(e, r->line, "rule %s: no keywords (any or all)",
		    r->name);
		ok = 0;
	}
	for (l = 0; l < RL_MAX && ok; l++) {
		r->first[l] = rs->nkw;
		r->n[l] = t->nkw[l];
		for (off = 0, k = 0; k < t->nkw[l]; k++) {
			klen = strlen(t->kw[l] + off);
			rs->kw = rules_grow(rs->kw, &rs->kwcap, rs->nkw + 1,
			    sizeof(*rs->kw));
			rs->pool = rules_grow(rs->pool, &rs->poolcap,
			    rs->poollen + klen + 1, 1);
			memcpy(rs->pool + rs->poollen, t->kw[l] + off, klen + 1);
			rs->kw[rs->nkw].off = rs->poollen;
			rs->kw[rs->nkw].len = klen;
			rs->nkw++;
			rs->poollen += klen + 1;
			off += klen + 1;
		}
	}
	if (ok) {
		rs->rule = rules_grow(rs->rule, &rs->rulecap, rs->nrule + 1,
		    sizeof(*rs->rule));
		rs->rule[rs->nrule++] = *r;
	}
	for (l = 0; l < RL_MAX; l++) {
		free(t->kw[l]);
		t->kw[l] = NULL;
		t->kwlen[l] = t->nkw[l] = t->kwcap[l] = 0;
	}
}

/* Add the keywords of one token (comma-separated) to list l of t. */
static int
rules_keywords(struct rule_tmp *t, int l, char *tok, struct rules_errs *e,
    int line)
{
	char	*kw, *next;
	size_t	 k, i, n = 0;

	for (kw = tok; kw != NULL; kw = next) {
		if ((next = strchr(kw, ',')) != NULL)
			*next++ = '\0';
		if ((k = strlen(kw)) == 0)
			continue;
		if (k > RULES_KW_MAX) {
			rules_error(e, line, "keyword longer than %d bytes",
			    RULES_KW_MAX);
			return -1;
		}
		for (i = 0; i < k; i++)
			if (kw[i] >= 'A' && kw[i] <= 'Z')
				kw[i] += 'a' - 'A';
		t->kw[l] = rules_grow(t->kw[l], &t->kwcap[l],
		    t->kwlen[l] + k + 1, 1);
		memcpy(t->kw[l] + t->kwlen[l], kw, k + 1);
		t->kwlen[l] += k + 1;
		t->nkw[l]++;
		n++;
	}
	return (int)n;
}

/*
 * One line, already normalised (single spaces, no controls): a rule, or
 * when indented (cont) more clauses for the rule above.
 */
static void
rules_line(struct rules *rs, struct rule_tmp *t, struct rules_errs *e,
    int line, char *s)
{
	char	*tok[RULES_LINE_MAX / 2 + 1], *p, *end;
	size_t	 ntok = 0, i, j;
	int	 l, n, cont, c;

	cont = s[0] == ' ';
	for (p = s; *p != '\0'; p = end) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		for (end = p; *end != '\0' && *end != ' '; end++)
			;
		if (*end == ' ')
			*end++ = '\0';
		tok[ntok++] = p;
	}
	if (ntok == 0)
		return;
	i = 0;
	if (cont && (rules_clause(tok[0]) != -1 ||
	    rules_is_modifier(tok[0]))) {
		if (!t->open) {
			if (!t->failed)
				rules_error(e, line, "%s outside a rule",
				    tok[0]);
			return;
		}
	} else {
		rules_close(rs, t, e);
		t->failed = 1;	/* until the rule line is whole */
		if (strcmp(tok[0], "rule") != 0) {
			rules_error(e, line, "unknown directive '%.40s' "
			    "(expected rule, any, all, none, weight or "
			    "override)", tok[0]);
			return;
		}
		memset(&t->r, 0, sizeof(t->r));
		t->r.line = line;
		t->r.weight = CLASSIFY_WEIGHT_DEFAULT;
		if (ntok < 2) {
			rules_error(e, line, "rule without a name");
			return;
		}
		if (strlen(tok[1]) > RULES_NAME_MAX ||
		    strspn(tok[1], "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
		    strlen(tok[1])) {
			rules_error(e, line, "bad rule name '%.40s' (letters, "
			    "digits, - _ . up to %d bytes)", tok[1],
			    RULES_NAME_MAX);
			return;
		}
		for (j = 0; j < rs->nrule; j++)
			if (strcmp(rs->rule[j].name, tok[1]) == 0) {
				rules_error(e, line, "duplicate rule name %s "
				    "(first at line %d)", tok[1],
				    rs->rule[j].line);
				return;
			}
		strlcpy(t->r.name, tok[1], sizeof(t->r.name));
		if (ntok < 3) {
			rules_error(e, line, "rule %s: no action (refuse "
			    "REASON [CHANNEL] or category NAME)", tok[1]);
			return;
		}
		if (strcmp(tok[2], "category") == 0) {
			if (ntok < 4 || rules_clause(tok[3]) != -1 ||
			    (c = category_from_name(tok[3])) == -1) {
				rules_error(e, line, "rule %s: unknown category "
				    "'%.40s' (consultation, help, complaint, "
				    "suggestion, efficiency, other or "
				    "unclassified)", tok[1],
				    ntok < 4 ? "" : tok[3]);
				return;
			}
			t->r.category = c;
			i = 4;
		} else if (strcmp(tok[2], "refuse") == 0) {
			t->r.refuse = 1;
			t->r.reason = -1;
			for (j = 0; ntok > 3 && j < RR_MAX; j++)
				if (strcmp(tok[3], reason_names[j]) == 0)
					t->r.reason = j;
			if (t->r.reason == -1) {
				rules_error(e, line, "rule %s: unknown refusal "
				    "reason '%.40s' (emergency, military, "
				    "litigation or unlawful)", tok[1],
				    ntok < 4 ? "" : tok[3]);
				return;
			}
			i = 4;
			if (ntok > 4 && rules_clause(tok[4]) == -1 &&
			    !rules_is_modifier(tok[4])) {
				for (j = 0; j < nitems(channels); j++)
					if (strcmp(tok[4], channels[j]) == 0)
						break;
				if (j == nitems(channels)) {
					rules_error(e, line, "rule %s: unknown "
					    "channel '%.40s' (110, 119, 120 or "
					    "122)", tok[1], tok[4]);
					return;
				}
				strlcpy(t->r.channel, tok[4],
				    sizeof(t->r.channel));
				i = 5;
			}
			/* a life comes first: no score outweighs it */
			t->r.override = t->r.reason == RR_EMERGENCY;
			if (t->r.reason == RR_EMERGENCY &&
			    t->r.channel[0] == '\0') {
				rules_error(e, line, "rule %s: emergency needs "
				    "a channel (110, 119, 120 or 122)", tok[1]);
				return;
			}
		} else {
			rules_error(e, line, "rule %s: unknown action '%.40s' "
			    "(refuse or category)", tok[1], tok[2]);
			return;
		}
		t->open = 1;
		t->failed = 0;
	}
	while (i < ntok) {
		if ((c = rules_modifier(t, tok, ntok, &i, e, line)) == -1)
			goto fail;
		if (c == 1)
			continue;
		if ((l = rules_clause(tok[i])) == -1) {
			rules_error(e, line, "rule %s: expected any, all, "
			    "none, weight or override, not '%.40s'", t->r.name,
			    tok[i]);
			goto fail;
		}
		for (n = 0, i++; i < ntok && rules_clause(tok[i]) == -1 &&
		    !rules_is_modifier(tok[i]); i++) {
			if ((c = rules_keywords(t, l, tok[i], e, line)) == -1)
				goto fail;
			n += c;
		}
		if (n == 0) {
			rules_error(e, line, "rule %s: empty keyword list "
			    "after %s", t->r.name, list_names[l]);
			goto fail;
		}
	}
	return;
fail:
	/* drop the rule, keep reading for more errors */
	for (l = 0; l < RL_MAX; l++) {
		free(t->kw[l]);
		t->kw[l] = NULL;
		t->kwlen[l] = t->nkw[l] = t->kwcap[l] = 0;
	}
	t->open = 0;
	t->failed = 1;
}

/* Order keywords by their bytes, a prefix before what it starts. */
static int
kw_ref_cmp(const void *a, const void *b)
{
	const struct kw_ref	*x = a, *y = b;
	int			 c;

	if ((c = memcmp(x->s, y->s, MINIMUM(x->len, y->len))) != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/*
 * Sort the keywords into ref, give each distinct one an id (rules->kw[].id)
 * and each byte they use a class.  Returns how many states the trie needs,
 * one for each distinct prefix: the root, then for each keyword the bytes
 * past what it shares with the one sorted before it.
 */
static size_t
rules_number(struct rules *rs, struct kw_ref *ref)
{
	const struct kw_ref	*prev = NULL;
	size_t			 i, j, nstate = 1;
	int			 b;

	for (i = 0; i < rs->nkw; i++) {
		ref[i].s = rs->pool + rs->kw[i].off;
		ref[i].len = rs->kw[i].len;
		ref[i].kw = i;
	}
	qsort(ref, rs->nkw, sizeof(*ref), kw_ref_cmp);
	memset(rs->cls, 0, sizeof(rs->cls));
	rs->nid = 0;
	for (i = 0; i < rs->nkw; prev = &ref[i++]) {
		for (j = 0; prev != NULL && j < prev->len && j < ref[i].len &&
		    prev->s[j] == ref[i].s[j]; j++)
			;
		if (prev == NULL || j < prev->len || j < ref[i].len)
			rs->nid++;
		rs->kw[ref[i].kw].id = rs->nid - 1;
		nstate += ref[i].len - j;
		for (; j < ref[i].len; j++)
			rs->cls[(unsigned char)ref[i].s[j]] = 1;
	}
	/* no keyword holds a NUL: byte 0 stays in class 0, classes fit */
	rs->ncls = 1;
	for (b = 1; b < 256; b++)
		if (rs->cls[b])
			rs->cls[b] = rs->ncls++;
	return nstate;
}

/* Add every keyword to the trie in rs->delta (0: no edge yet). */
static void
rules_trie(struct rules *rs, const struct kw_ref *ref, size_t nstate)
{
	uint32_t	*cell, q;
	size_t		 i, j;

	rs->nstate = 1;
	for (i = 0; i < rs->nkw; i++) {
		for (q = 0, j = 0; j < ref[i].len; j++) {
			cell = &rs->delta[q * rs->ncls +
			    rs->cls[(unsigned char)ref[i].s[j]]];
			if (*cell == 0 && rs->nstate == nstate)
				fatalx("%s: more than %zu states", __func__,
				    nstate);
			if (*cell == 0)
				*cell = rs->nstate++;
			q = *cell;
		}
		rs->st[q].kw = rs->kw[ref[i].kw].id + 1;
	}
}

/*
 * Breadth first, so that a state's fail state (shallower) is complete
 * before it: set fail and out, and fill each missing transition with the
 * fail state's.  The root's missing transitions stay 0, to itself.
 */
static void
rules_links(struct rules *rs)
{
	struct ac_state	*st = rs->st;
	uint32_t	*queue, *row, *frow, q, t;
	size_t		 head = 0, tail = 0, c;

	queue = xreallocarray(NULL, rs->nstate, sizeof(*queue));
	for (c = 0; c < rs->ncls; c++)
		if ((t = rs->delta[c]) != 0)
			queue[tail++] = t;
	while (head < tail) {
		q = queue[head++];
		st[q].out = st[q].kw != 0 ? q : st[st[q].fail].out;
		row = rs->delta + (size_t)q * rs->ncls;
		frow = rs->delta + (size_t)st[q].fail * rs->ncls;
		for (c = 0; c < rs->ncls; c++) {
			if ((t = row[c]) == 0) {
				row[c] = frow[c];
				continue;
			}
			st[t].fail = frow[c];
			queue[tail++] = t;
		}
	}
	free(queue);
}

/* Turn the states in rs->delta into row offsets, flagged by AC_OUT. */
static void
rules_rows(struct rules *rs)
{
	size_t		 i;
	uint32_t	 t;

	for (i = 0; i < rs->nstate * rs->ncls; i++) {
		t = rs->delta[i];
		rs->delta[i] = t * rs->ncls | (rs->st[t].out != 0 ? AC_OUT : 0);
	}
}

/*
 * Build the matcher of rs, an Aho-Corasick automaton over the bytes of
 * every distinct keyword; -1 when the keywords need more than the scan's
 * bitmap or RULES_AC_CELLS transitions.
 */
static int
rules_build(struct rules *rs, struct rules_errs *e)
{
	struct kw_ref	*ref;
	size_t		 nstate;

	ref = xreallocarray(NULL, rs->nkw, sizeof(*ref));
	nstate = rules_number(rs, ref);
	if (rs->nid > RULES_IDS_MAX) {
		rules_error(e, 0, "%zu different keywords (at most %d)",
		    rs->nid, RULES_IDS_MAX);
		free(ref);
		return -1;
	}
	if (nstate > RULES_AC_CELLS / rs->ncls) {
		rules_error(e, 0, "keywords too many or too long: the matcher "
		    "would take %zu KiB (at most %zu KiB)",
		    nstate * rs->ncls * sizeof(*rs->delta) / 1024,
		    RULES_AC_CELLS * sizeof(*rs->delta) / 1024);
		free(ref);
		return -1;
	}
	rs->delta = xcalloc(nstate * rs->ncls, sizeof(*rs->delta));
	rs->st = xcalloc(nstate, sizeof(*rs->st));
	rules_trie(rs, ref, nstate);
	free(ref);
	rules_links(rs);
	rules_rows(rs);
	return 0;
}

/* Parse buf; NULL when anything was wrong (errors in e). */
static struct rules *
rules_parse(const char *name, const char *buf, size_t len,
    struct rules_errs *e)
{
	struct rules	*rs;
	struct rule_tmp	 t;
	char		 norm[RULES_LINE_MAX * 3 + 2];
	const char	*p, *nl, *end;
	size_t		 ll, i, j;
	int		 line = 0, bad, cont;

	e->name = name;
	rs = xcalloc(1, sizeof(*rs));
	memset(&t, 0, sizeof(t));
	if (buf == NULL)
		len = 0;
	if (len > RULES_FILE_MAX) {
		for (i = 0, line = 1; i < RULES_FILE_MAX; i++)
			line += buf[i] == '\n';
		rules_error(e, line, "file longer than %d bytes",
		    RULES_FILE_MAX);
		rules_free(rs);
		return NULL;
	}
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		ll = nl - p;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll > RULES_LINE_MAX) {
			rules_error(e, line, "line longer than %d bytes",
			    RULES_LINE_MAX);
			continue;
		}
		if (memchr(p, '\0', ll) != NULL) {
			rules_error(e, line, "NUL byte");
			continue;
		}
		for (bad = 0, i = 0; i < ll && !bad; ) {
			j = i;
			if (utf8_next((const unsigned char *)p, ll, &i) ==
			    0xfffd && i - j == 1)
				bad = 1;
			else if (i - j == 1 && (unsigned char)p[j] < 0x20 &&
			    p[j] != '\t')
				bad = 2;
		}
		if (bad) {
			rules_error(e, line, bad == 1 ? "invalid UTF-8" :
			    "control character");
			continue;
		}
		cont = ll > 0 && (p[0] == ' ' || p[0] == '\t');
		norm[0] = ' ';
		intake_normalize(p, ll, norm + 1, sizeof(norm) - 1);
		rules_line(rs, &t, e, line, cont ? norm : norm + 1);
	}
	rules_close(rs, &t, e);
	if (e->n == 0 && rs->nrule == 0)
		rules_error(e, line > 0 ? line : 1, "no rules");
	if (e->n > 0 || rules_build(rs, e) == -1) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

struct rules *
rules_load_buf(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct rules_errs	e;

	memset(&e, 0, sizeof(e));
	e.buf = err;
	e.len = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return rules_parse(name ? name : "rules", buf, len, &e);
}

/* Read path whole (up to the size limit + 1); NULL with an error in e. */
static char *
rules_read(const char *path, size_t *lenp, struct rules_errs *e)
{
	char	*buf, why[256];

	e->name = path;
	/* rules_parse() refuses *lenp > RULES_FILE_MAX */
	if ((buf = read_file_bounded(path, RULES_FILE_MAX, 0, lenp, why,
	    sizeof(why))) == NULL)
		rules_error(e, 0, "%s", why);
	return buf;
}

struct rules *
rules_load(const char *path, char *err, size_t errlen)
{
	struct rules_errs	 e;
	struct rules		*rs;
	char			*buf;
	size_t			 len;

	memset(&e, 0, sizeof(e));
	e.buf = err;
	e.len = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((buf = rules_read(path, &len, &e)) == NULL)
		return NULL;
	rs = rules_parse(path, buf, len, &e);
	free(buf);
	return rs;
}

void
rules_free(struct rules *rs)
{
	if (rs == NULL)
		return;
	free(rs->rule);
	free(rs->kw);
	free(rs->pool);
	free(rs->delta);
	free(rs->st);
	free(rs);
}

size_t
rules_count(const struct rules *rs)
{
	return rs == NULL ? 0 : rs->nrule;
}

const char *
rules_name(const struct rules *rs, size_t i)
{
	return rs == NULL || i >= rs->nrule ? "" : rs->rule[i].name;
}

int
rules_label(const struct rules *rs, size_t i)
{
	const struct rule	*r;

	if (rs == NULL || i >= rs->nrule)
		return -1;
	r = &rs->rule[i];
	if (!r->refuse)
		return r->category == CAT_UNCLASSIFIED ? -2 : r->category;
	return reason_labels[r->reason];
}

size_t
rules_matching(const struct rules *rs, const char *text, size_t len,
    size_t *idx, size_t max)
{
	static char	 low[INTAKE_NORM_MAX];
	uint64_t	 seen[RULES_IDS_MAX / 64];
	size_t		 i, n, k = 0;

	if (rs == NULL)
		return 0;
	n = intake_normalize(text, MINIMUM(len, INTAKE_TEXT_MAX), low,
	    sizeof(low));
	for (i = 0; i < n; i++)
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] += 'a' - 'A';
	rules_scan(rs, low, n, seen);
	for (i = 0; i < rs->nrule && k < max; i++)
		if (rule_match(rs, &rs->rule[i], seen))
			idx[k++] = i;
	return k;
}

int
intake_conf_check(const char *path, char *err, size_t errlen)
{
	struct rules	*rs;

	if ((rs = rules_load(path, err, errlen)) == NULL)
		return -1;
	rules_free(rs);
	return 0;
}

int
intake_rules_check(const struct hotlined_conf *conf, struct conf_errors *errs,
    void *arg)
{
	struct rules_errs	 e;
	struct rules		*rs;
	char			*buf;
	size_t			 len;

	(void)arg;
	memset(&e, 0, sizeof(e));
	e.conf = errs;
	if (conf->rules == NULL)
		return 0;
	if ((buf = rules_read(conf->rules, &len, &e)) == NULL)
		return -1;
	rs = rules_parse(conf->rules, buf, len, &e);
	free(buf);
	if (rs == NULL)
		return -1;
	rules_free(rs);
	return 0;
}

int
intake_model_check(const struct hotlined_conf *conf, struct conf_errors *errs,
    void *arg)
{
	struct model	*m;
	char		 err[2048], *line, *next;

	(void)arg;
	if (conf->model == NULL)
		return 0;
	if ((m = model_load(conf->model, err, sizeof(err))) != NULL) {
		model_free(m);
		return 0;
	}
	/* model_load() wrote "file:line: message" lines */
	for (line = err; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		conf_error(errs, "model", 0, "%s", line);
	}
	return -1;
}
