/*
 * Redaction for publication: the text is decoded into code points (bad
 * UTF-8 as U+FFFD), names are marked in one pass backwards from each
 * title, then one pass forwards replaces numbers and plates.  The whole
 * text is redacted before it is cut to length, so a cut never leaves the
 * first digits of a number that would have been taken out.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "log.h"
#include "util.h"

#define REDACT_DEL	0xffffffffu	/* a code point taken out */
#define REDACT_PLATE	0x110001u	/* past Unicode: stand for a mark */
#define REDACT_ID	0x110002u
#define REDACT_PHONE	0x110003u

static size_t	 redact_decode(const unsigned char *, size_t, uint32_t *);
static void	 redact_names(uint32_t *, size_t);
static int	 redact_digit(uint32_t);
static uint32_t	 redact_fold(uint32_t);
static size_t	 redact_run(const uint32_t *, size_t, size_t);
static size_t	 redact_plate(const uint32_t *, size_t, size_t);
static size_t	 redact_phone(const uint32_t *, size_t, size_t, size_t);
static int	 redact_addr_before(const uint32_t *, size_t);
static size_t	 redact_addr_after(const uint32_t *, size_t, size_t);
static void	 redact_put(char **, size_t *, size_t *, uint32_t);
static void	 redact_puts(char **, size_t *, size_t *, const char *);

/* Common surnames: a name before a title starts at one of these. */
static const char redact_surnames[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付"
    "方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤温欧司诸冼骆麦钟蓝柯甘古赖练利植巫凌庞黎区";
static const char *const redact_titles[] = { "先生", "女士", "小姐" };
/* What may stand before the numbers of an address, and after them. */
static const char redact_addr_markers[] =
    "路街道巷弄村区园苑厦城庄里栋幢座号楼元层院场";
static const char *const redact_addr_units[] = { "号楼", "单元", "号",
    "栋", "幢", "座", "室", "楼", "层", "弄", "户", "房" };
static const char redact_provinces[] =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
static const char redact_cn_digits[] = "零〇一二三四五六七八九十百两";

/* Decode up to len bytes into cps (room for len); the count. */
static size_t
redact_decode(const unsigned char *s, size_t len, uint32_t *cps)
{
	size_t		 i = 0, n = 0, k, need;
	uint32_t	 c, min;

	while (i < len) {
		c = s[i];
		need = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 :
		    (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 4;
		min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
		if (need == 0) {
			cps[n++] = c;
			i++;
			continue;
		}
		if (need == 4 || i + need >= len) {
			cps[n++] = 0xfffd;
			i++;
			continue;
		}
		c &= need == 1 ? 0x1f : need == 2 ? 0x0f : 0x07;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				break;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (k <= need || c < min || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff)) {
			cps[n++] = 0xfffd;
			i++;
			continue;
		}
		cps[n++] = c;
		i += need + 1;
	}
	return n;
}

/* 1 when the UTF-8 set holds c (sets are decoded once, kept sorted). */
static int
redact_in(const char *set, uint32_t c)
{
	static struct {
		const char	*set;
		uint32_t	 cp[1024];
		size_t		 n;
	}		 cache[8];
	size_t		 i, k;

	for (i = 0; i < nitems(cache) && cache[i].set != NULL &&
	    cache[i].set != set; i++)
		;
	if (i == nitems(cache))
		fatalx("redact too many sets");
	if (cache[i].set == NULL) {
		cache[i].n = redact_decode((const unsigned char *)set,
		    MINIMUM(strlen(set), nitems(cache[i].cp)), cache[i].cp);
		cache[i].set = set;
	}
	for (k = 0; k < cache[i].n; k++)
		if (cache[i].cp[k] == c)
			return 1;
	return 0;
}

/* 1 when the UTF-8 word w stands in cps at i. */
static int
redact_at(const uint32_t *cps, size_t n, size_t i, const char *w)
{
	uint32_t	buf[8];
	size_t		m, k;

	m = redact_decode((const unsigned char *)w, strlen(w), buf);
	if (i + m > n)
		return 0;
	for (k = 0; k < m; k++)
		if (cps[i + k] != buf[k])
			return 0;
	return (int)m;
}

static int
redact_han(uint32_t c)
{
	return c >= 0x4e00 && c <= 0x9fff;
}

/* Names before a title become 某: the earliest surname within 3 chars. */
static void
redact_names(uint32_t *cps, size_t n)
{
	size_t	i, t, s, k, from;

	for (i = 1; i < n; i++) {
		for (t = 0; t < nitems(redact_titles); t++)
			if (redact_at(cps, n, i, redact_titles[t]))
				break;
		if (t == nitems(redact_titles))
			continue;
		from = i > 3 ? i - 3 : 0;
		for (s = from; s < i; s++)
			if (redact_in(redact_surnames, cps[s]))
				break;
		/* every char from the surname to the title a Han char */
		for (k = s; k < i; k++)
			if (!redact_han(cps[k]))
				s = k + 1;
		if (s >= i || !redact_in(redact_surnames, cps[s]))
			continue;
		cps[s] = 0x67d0;		/* 某 */
		for (k = s + 1; k < i; k++)
			cps[k] = REDACT_DEL;
	}
}

/* Full-width ASCII (Ａ, １) as ASCII, letters upper case. */
static uint32_t
redact_fold(uint32_t c)
{
	if (c >= 0xff01 && c <= 0xff5e)
		c -= 0xfee0;
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	return c;
}

static int
redact_digit(uint32_t c)
{
	c = redact_fold(c);
	return c >= '0' && c <= '9';
}

/* The end of the digit run starting at i. */
static size_t
redact_run(const uint32_t *cps, size_t n, size_t i)
{
	while (i < n && redact_digit(cps[i]))
		i++;
	return i;
}

/* A plate at i (粤P·12345, 粤B12345D): its end, or 0. */
static size_t
redact_plate(const uint32_t *cps, size_t n, size_t i)
{
	size_t		j = i + 1, k;
	uint32_t	c;

	if (!redact_in(redact_provinces, cps[i]) || j >= n ||
	    (c = redact_fold(cps[j])) < 'A' || c > 'Z')
		return 0;
	j++;
	if (j < n && (cps[j] == 0xb7 || cps[j] == 0x30fb || cps[j] == '.' ||
	    cps[j] == ' ' || cps[j] == '-' || cps[j] == 0x2022 ||
	    cps[j] == 0xff0e))
		j++;
	for (k = j; k < n && k < j + 7; k++) {
		c = redact_fold(cps[k]);
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			break;
	}
	if (k - j < 5 || k - j > 6)
		return 0;
	/* a plate has digits: 粤BABCDE is a word */
	for (c = 0; j < k; j++)
		if (redact_digit(cps[j]))
			c++;
	return c >= 3 ? k : 0;
}

/* A phone number whose digits start at i (run ends at e): its end, or 0. */
static size_t
redact_phone(const uint32_t *cps, size_t n, size_t i, size_t e)
{
	size_t		len = e - i, e2, e3;
	uint32_t	d0 = redact_fold(cps[i]), d1;

	d1 = len > 1 ? redact_fold(cps[i + 1]) : 0;
	if (len == 11 && d0 == '1' && d1 >= '3' && d1 <= '9')
		return e;			/* mobile */
	if (len == 13 && d0 == '8' && d1 == '6' &&
	    redact_fold(cps[i + 2]) == '1')
		return e;			/* 86 + mobile */
	if (len >= 10 && len <= 12 && d0 == '0')
		return e;			/* area code + number */
	/* 138 0013 8000, 138-0013-8000 */
	if (len == 3 && d0 == '1' && e + 10 <= n &&
	    (cps[e] == ' ' || cps[e] == '-') &&
	    (e2 = redact_run(cps, n, e + 1)) == e + 5 &&
	    (cps[e2] == ' ' || cps[e2] == '-') &&
	    (e3 = redact_run(cps, n, e2 + 1)) == e2 + 5)
		return e3;
	/* 0762-3331234, 020-88881234 */
	if ((len == 3 || len == 4) && d0 == '0' && e + 1 < n &&
	    (cps[e] == '-' || cps[e] == ' ') &&
	    (e2 = redact_run(cps, n, e + 1)) >= e + 8 && e2 <= e + 9)
		return e2;
	return 0;
}

/*
 * 1 when an address marker (路, 小区's 区, 栋...) stands within 3 chars
 * before i: 中山大道西123号; "5月3号" and "地铁3号线" have none.
 */
static int
redact_addr_before(const uint32_t *cps, size_t i)
{
	size_t	k;

	for (k = 1; k <= 3 && k <= i; k++) {
		if (redact_in(redact_addr_markers, cps[i - k]))
			return 1;
		if (!redact_han(cps[i - k]))
			return 0;
	}
	return 0;
}

/* The length of the address unit at i (号, 单元...), or 0. */
static size_t
redact_addr_after(const uint32_t *cps, size_t n, size_t i)
{
	size_t	t;
	int	m;

	for (t = 0; t < nitems(redact_addr_units); t++)
		if ((m = redact_at(cps, n, i, redact_addr_units[t])) > 0)
			return (size_t)m;
	return 0;
}

static void
redact_put(char **buf, size_t *len, size_t *cap, uint32_t c)
{
	char	u[4];
	size_t	m;

	if (c < 0x80) {
		u[0] = (char)c;
		m = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		m = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		m = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		m = 4;
	}
	if (*len + m + 1 > *cap) {
		*cap = (*cap + m + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, u, m);
	*len += m;
	(*buf)[*len] = '\0';
}

static void
redact_puts(char **buf, size_t *len, size_t *cap, const char *s)
{
	uint32_t	cps[16];
	size_t		n, i;

	n = redact_decode((const unsigned char *)s, strlen(s), cps);
	for (i = 0; i < n; i++)
		redact_put(buf, len, cap, cps[i]);
}

char *
redact_text(const char *text, size_t max)
{
	uint32_t	*cps, *out;
	char		*buf = NULL;
	size_t		 len, n, i, e, end, m, no = 0, blen = 0, bcap = 0;
	int		 cn, cut = 0;

	if (text == NULL)
		text = "";
	len = strnlen(text, REDACT_INPUT_MAX);
	cps = xcalloc(len + 1, sizeof(*cps));
	out = xcalloc(len * 2 + 8, sizeof(*out));
	n = redact_decode((const unsigned char *)text, len, cps);
	if (text[len] != '\0') {
		/* cut: what the cut split (digits, a word) goes too */
		while (n > 0 && (redact_digit(cps[n - 1]) ||
		    (redact_fold(cps[n - 1]) >= 'A' &&
		    redact_fold(cps[n - 1]) <= 'Z')))
			n--;
		cut = 1;
	}
	redact_names(cps, n);
	for (i = 0; i < n; ) {
		if (cps[i] == REDACT_DEL) {
			i++;
			continue;
		}
		if ((end = redact_plate(cps, n, i)) > 0) {
			out[no++] = REDACT_PLATE;	/* [车牌] */
			i = end;
			continue;
		}
		cn = redact_in(redact_cn_digits, cps[i]);
		if (!redact_digit(cps[i]) && !cn) {
			out[no++] = cps[i++];
			continue;
		}
		if (cn) {
			for (e = i; e < n && redact_in(redact_cn_digits,
			    cps[e]); e++)
				;
		} else
			e = redact_run(cps, n, i);
		/* ID numbers: 17 digits and a check digit or X */
		if (!cn && ((e - i == 17 && e < n &&
		    redact_fold(cps[e]) == 'X') || e - i == 18)) {
			out[no++] = REDACT_ID;
			i = e - i == 17 ? e + 1 : e;
			continue;
		}
		if (!cn && (end = redact_phone(cps, n, i, e)) > 0) {
			/* "+86" before a number goes with it */
			if (no > 0 && out[no - 1] == '+')
				no--;
			out[no++] = REDACT_PHONE;
			i = end;
			continue;
		}
		if (redact_addr_before(cps, i) &&
		    (m = redact_addr_after(cps, n, e)) > 0) {
			out[no++] = '*';
			for (i = e; i < e + m; i++)
				out[no++] = cps[i];
			continue;
		}
		while (i < e)
			out[no++] = cps[i++];
	}
	buf = xmalloc(bcap = len + 16);
	buf[0] = '\0';
	for (i = 0; i < no && (max == 0 || i < max); i++) {
		if (out[i] == REDACT_PLATE)
			redact_puts(&buf, &blen, &bcap, "[车牌]");
		else if (out[i] == REDACT_ID)
			redact_puts(&buf, &blen, &bcap, "[身份证号]");
		else if (out[i] == REDACT_PHONE)
			redact_puts(&buf, &blen, &bcap, "[电话]");
		else
			redact_put(&buf, &blen, &bcap, out[i]);
	}
	if (i < no || cut)
		redact_put(&buf, &blen, &bcap, 0x2026);	/* … */
	free(cps);
	free(out);
	return buf;
}
