/*
 * SMS text codecs: GSM 03.38 (3GPP TS 23.038) default alphabet and extension
 * table, UCS-2 / UTF-16BE, IA5 and Latin-1, to and from UTF-8, and septet
 * packing.  Every loop is bounded by the input length and by the output size;
 * malformed input is an error code (or U+FFFD when lenient), never a crash.
 */
#include "compat.h"

#include <string.h>

#include "gsm7.h"

struct gsm7_out {
	char	*p;
	size_t	 len;
	size_t	 sz;		/* room for the NUL is kept back */
};

static int	gsm7_put(struct gsm7_out *, uint32_t);
static int	gsm7_bad(struct gsm7_out *, int, int, int *);
static int	gsm7_end(struct gsm7_out *, size_t *, int);
static int	gsm7_octets(const uint8_t *, size_t, char *, size_t, size_t *,
		    int, unsigned int);
static size_t	utf8_dec(const uint8_t *, size_t, uint32_t *);
static int	gsm7_lookup(uint32_t);
static int	gsm7_enc(const char *, size_t, uint8_t *, size_t, size_t *,
		    enum gsm7_alphabet);

#define GSM7_NONE	0xffff
#define GSM7_REPL	0xfffd	/* U+FFFD REPLACEMENT CHARACTER */
#define GSM7_EXTBIT	0x100	/* gsm7_rev[]: code is in the extension table */

/* GSM 03.38 6.2.1: default alphabet, septet -> code point (0x1B: escape). */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec,
	0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
	0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8,
	0x03a3, 0x0398, 0x039e, 0xffff, 0x00c6, 0x00e6, 0x00df, 0x00c9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
	0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

/* GSM 03.38 6.2.1.1: extension table after 0x1B; 0 where none is defined. */
static const uint16_t gsm7_ext[128] = {
	[0x0a] = 0x000c, [0x14] = 0x005e, [0x28] = 0x007b, [0x29] = 0x007d,
	[0x2f] = 0x005c, [0x3c] = 0x005b, [0x3d] = 0x007e, [0x3e] = 0x005d,
	[0x40] = 0x007c, [0x65] = 0x20ac
};

/* Code point (below U+0100) -> septet, GSM7_EXTBIT | septet, or GSM7_NONE. */
static const uint16_t gsm7_rev[256] = {
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0x000a, 0xffff, 0x010a, 0x000d, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0002, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0000, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x013c, 0x012f, 0x013e, 0x0114, 0x0011,
	0xffff, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x0128, 0x0140, 0x0129, 0x013d, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0x0040, 0xffff, 0x0001, 0x0024, 0x0003, 0xffff, 0x005f,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x0060,
	0xffff, 0xffff, 0xffff, 0xffff, 0x005b, 0x000e, 0x001c, 0x0009,
	0xffff, 0x001f, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0x005d, 0xffff, 0xffff, 0xffff, 0xffff, 0x005c, 0xffff,
	0x000b, 0xffff, 0xffff, 0xffff, 0x005e, 0xffff, 0xffff, 0x001e,
	0x007f, 0xffff, 0xffff, 0xffff, 0x007b, 0x000f, 0x001d, 0xffff,
	0x0004, 0x0005, 0xffff, 0xffff, 0x0007, 0xffff, 0xffff, 0xffff,
	0xffff, 0x007d, 0x0008, 0xffff, 0xffff, 0xffff, 0x007c, 0xffff,
	0x000c, 0x0006, 0xffff, 0xffff, 0x007e, 0xffff, 0xffff, 0xffff,
};

const char *
gsm7_strerror(int e)
{
	switch (e) {
	case GSM7_OK:
		return "ok";
	case GSM7_ENOSPC:
		return "output buffer too small";
	case GSM7_EINVAL:
		return "invalid code in input";
	case GSM7_ETRUNC:
		return "truncated input";
	case GSM7_ESURROGATE:
		return "unpaired UTF-16 surrogate";
	case GSM7_EUTF8:
		return "invalid UTF-8";
	case GSM7_ENOTGSM:
		return "character outside the alphabet";
	case GSM7_EBINARY:
		return "binary data";
	case GSM7_EUNSUPP:
		return "unsupported data_coding";
	}
	return e > 0 ? "replaced invalid input" : "unknown error";
}

/*
 * SMPP 3.4 5.2.19 defines 0x00-0x0F; SMSCs pass the GSM 03.38 section 4
 * coding groups through unchanged above that, so those are read too.
 */
enum gsm7_alphabet
gsm7_alphabet(unsigned int dc)
{
	static const enum gsm7_alphabet group[4] = {
		GSM7_A_GSM, GSM7_A_BINARY, GSM7_A_UCS2, GSM7_A_UNSUPP
	};

	dc &= 0xff;
	switch (dc) {
	case 0x00:
		return GSM7_A_GSM;
	case 0x01:
		return GSM7_A_ASCII;
	case 0x02:
	case 0x04:
		return GSM7_A_BINARY;
	case 0x03:
		return GSM7_A_LATIN1;
	case 0x08:
		return GSM7_A_UCS2;
	}
	if (dc < 0x10)
		return GSM7_A_UNSUPP;		/* JIS, Cyrillic, Hebrew, ... */
	if (dc < 0x80) {			/* 00xx xxxx, 01xx xxxx */
		if (dc & 0x20)
			return GSM7_A_UNSUPP;	/* compressed */
		return group[(dc >> 2) & 3];
	}
	if (dc < 0xc0)
		return GSM7_A_UNSUPP;		/* reserved groups */
	if (dc < 0xe0)
		return GSM7_A_GSM;		/* message waiting */
	if (dc < 0xf0)
		return GSM7_A_UCS2;		/* message waiting, UCS-2 */
	return (dc & 0x04) ? GSM7_A_BINARY : GSM7_A_GSM; /* 1111 0xyy */
}

/* Append one code point; keeps a byte for the NUL. */
static inline int
gsm7_put(struct gsm7_out *o, uint32_t cp)
{
	char	*p;
	size_t	 n;

	n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (o->sz - o->len <= n)
		return GSM7_ENOSPC;
	p = o->p + o->len;
	switch (n) {
	case 1:
		p[0] = (char)cp;
		break;
	case 2:
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		break;
	case 3:
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		break;
	default:
		p[0] = (char)(0xf0 | cp >> 18);
		p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		p[3] = (char)(0x80 | (cp & 0x3f));
		break;
	}
	o->len += n;
	return GSM7_OK;
}

/* Malformed input: fail, or write U+FFFD and count it when lenient. */
static int
gsm7_bad(struct gsm7_out *o, int err, int flags, int *nbad)
{
	if (!(flags & GSM7_F_LENIENT))
		return err;
	(*nbad)++;
	return gsm7_put(o, GSM7_REPL);
}

/* NUL-terminate the output and report its length. */
static int
gsm7_end(struct gsm7_out *o, size_t *outlen, int rc)
{
	o->p[o->len] = '\0';
	if (outlen != NULL)
		*outlen = o->len;
	return rc;
}

#define GSM7_OUT_INIT(o, out, outsz, outlen) do {			\
	if ((outsz) == 0) {						\
		if ((outlen) != NULL)					\
			*(outlen) = 0;					\
		return GSM7_ENOSPC;					\
	}								\
	(o).p = (out);							\
	(o).len = 0;							\
	(o).sz = (outsz);						\
} while (0)

int
gsm7_decode(unsigned int dc, const uint8_t *in, size_t len, char *out,
    size_t outsz, size_t *outlen, int flags)
{
	switch (gsm7_alphabet(dc)) {
	case GSM7_A_GSM:
		return gsm7_to_utf8(in, len, out, outsz, outlen, flags);
	case GSM7_A_ASCII:
		return gsm7_ascii_to_utf8(in, len, out, outsz, outlen, flags);
	case GSM7_A_LATIN1:
		return gsm7_latin1_to_utf8(in, len, out, outsz, outlen, flags);
	case GSM7_A_UCS2:
		return gsm7_ucs2_to_utf8(in, len, out, outsz, outlen, flags);
	case GSM7_A_BINARY:
		break;
	case GSM7_A_UNSUPP:
		if (outsz > 0)
			out[0] = '\0';
		if (outlen != NULL)
			*outlen = 0;
		return GSM7_EUNSUPP;
	}
	if (outsz > 0)
		out[0] = '\0';
	if (outlen != NULL)
		*outlen = 0;
	return GSM7_EBINARY;
}

/*
 * GSM 03.38 6.2.1.1: an escape followed by a code without an extension is
 * shown as the default-alphabet character; 0x1B 0x1B (reserved for a
 * further table) and a trailing lone escape are malformed.
 */
int
gsm7_to_utf8(const uint8_t *in, size_t len, char *out, size_t outsz,
    size_t *outlen, int flags)
{
	struct gsm7_out	o;
	size_t		i = 0;
	uint32_t	cp;
	uint8_t		c;
	int		rc, nbad = 0;

	GSM7_OUT_INIT(o, out, outsz, outlen);
	while (i < len) {
		c = in[i++];
		if (c & 0x80) {
			rc = gsm7_bad(&o, GSM7_EINVAL, flags, &nbad);
		} else if (c != GSM7_ESC) {
			rc = gsm7_put(&o, gsm7_basic[c]);
		} else if (i == len) {
			rc = gsm7_bad(&o, GSM7_ETRUNC, flags, &nbad);
		} else {
			c = in[i++];
			if (c & 0x80 || c == GSM7_ESC)
				rc = gsm7_bad(&o, GSM7_EINVAL, flags, &nbad);
			else {
				cp = gsm7_ext[c] ? gsm7_ext[c] : gsm7_basic[c];
				rc = gsm7_put(&o, cp);
			}
		}
		if (rc != GSM7_OK)
			return gsm7_end(&o, outlen, rc);
	}
	return gsm7_end(&o, outlen, nbad);
}

/*
 * Trailing NUL units are padding and dropped; an embedded NUL is malformed.
 * A BOM is not UTF-16BE's, but phones send one: FE FF is skipped, FF FE
 * switches to little-endian.
 */
int
gsm7_ucs2_to_utf8(const uint8_t *in, size_t len, char *out, size_t outsz,
    size_t *outlen, int flags)
{
	struct gsm7_out	o;
	size_t		i = 0, start, end;
	uint32_t	u, u2;
	int		rc, nbad = 0, hi = 0, lo = 1;

	GSM7_OUT_INIT(o, out, outsz, outlen);
	if (len >= 2 && in[0] == 0xfe && in[1] == 0xff)
		i = 2;
	else if (len >= 2 && in[0] == 0xff && in[1] == 0xfe) {
		i = 2;
		hi = 1;
		lo = 0;
	}
	start = i;
	end = i + ((len - i) & ~(size_t)1);
	while (end - i >= 2 && in[end - 2] == 0 && in[end - 1] == 0)
		end -= 2;
	while (i < end) {
		u = (uint32_t)in[i + hi] << 8 | in[i + lo];
		i += 2;
		if (u - 0xd800 < 0x400) {
			u2 = 0;
			if (i < end)
				u2 = (uint32_t)in[i + hi] << 8 | in[i + lo];
			if (u2 - 0xdc00 < 0x400) {
				i += 2;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (u2 - 0xdc00);
				rc = gsm7_put(&o, u);
			} else
				rc = gsm7_bad(&o, GSM7_ESURROGATE, flags,
				    &nbad);
		} else if (u - 0xdc00 < 0x400)
			rc = gsm7_bad(&o, GSM7_ESURROGATE, flags, &nbad);
		else if (u == 0)
			rc = gsm7_bad(&o, GSM7_EINVAL, flags, &nbad);
		else
			rc = gsm7_put(&o, u);
		if (rc != GSM7_OK)
			return gsm7_end(&o, outlen, rc);
	}
	if ((len - start) & 1) {
		rc = gsm7_bad(&o, GSM7_ETRUNC, flags, &nbad);
		if (rc != GSM7_OK)
			return gsm7_end(&o, outlen, rc);
	}
	return gsm7_end(&o, outlen, nbad);
}

/* Octets that are code points up to max; trailing NULs are padding. */
static int
gsm7_octets(const uint8_t *in, size_t len, char *out, size_t outsz,
    size_t *outlen, int flags, unsigned int max)
{
	struct gsm7_out	o;
	size_t		i;
	int		rc, nbad = 0;

	GSM7_OUT_INIT(o, out, outsz, outlen);
	while (len > 0 && in[len - 1] == 0)
		len--;
	for (i = 0; i < len; i++) {
		if (in[i] == 0 || in[i] > max)
			rc = gsm7_bad(&o, GSM7_EINVAL, flags, &nbad);
		else
			rc = gsm7_put(&o, in[i]);
		if (rc != GSM7_OK)
			return gsm7_end(&o, outlen, rc);
	}
	return gsm7_end(&o, outlen, nbad);
}

/* ISO-8859-1 is the first 256 code points. */
int
gsm7_latin1_to_utf8(const uint8_t *in, size_t len, char *out, size_t outsz,
    size_t *outlen, int flags)
{
	return gsm7_octets(in, len, out, outsz, outlen, flags, 0xff);
}

int
gsm7_ascii_to_utf8(const uint8_t *in, size_t len, char *out, size_t outsz,
    size_t *outlen, int flags)
{
	return gsm7_octets(in, len, out, outsz, outlen, flags, 0x7f);
}

/*
 * One code point from UTF-8: bytes used, or 0 if malformed (overlong,
 * surrogate, above U+10FFFF, truncated, or U+0000, which SMS text never holds).
 */
static inline size_t
utf8_dec(const uint8_t *p, size_t left, uint32_t *cp)
{
	uint32_t	c = p[0];

	if (c < 0x80) {
		*cp = c;
		return c != 0;
	}
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		if (left < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		*cp = (c & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (c < 0xf0) {
		if (left < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		c = (c & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
		    (p[2] & 0x3f);
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*cp = c;
		return 3;
	}
	if (c < 0xf5) {
		if (left < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		c = (c & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		if (c < 0x10000 || c > 0x10ffff)
			return 0;
		*cp = c;
		return 4;
	}
	return 0;
}

/* Septet for a code point: as gsm7_rev[], for every code point. */
static inline int
gsm7_lookup(uint32_t cp)
{
	if (cp < 0x100)
		return gsm7_rev[cp];
	switch (cp) {
	case 0x0394:
		return 0x10;
	case 0x03a6:
		return 0x12;
	case 0x0393:
		return 0x13;
	case 0x039b:
		return 0x14;
	case 0x03a9:
		return 0x15;
	case 0x03a0:
		return 0x16;
	case 0x03a8:
		return 0x17;
	case 0x03a3:
		return 0x18;
	case 0x0398:
		return 0x19;
	case 0x039e:
		return 0x1a;
	case 0x20ac:
		return GSM7_EXTBIT | 0x65;
	}
	return GSM7_NONE;
}

size_t
gsm7_utf8_next(const char *p, size_t left, uint32_t *cp)
{
	if (left == 0)
		return 0;
	return utf8_dec((const uint8_t *)p, left, cp);
}

int
gsm7_septets(uint32_t cp)
{
	int	g;

	if ((g = gsm7_lookup(cp)) == GSM7_NONE)
		return 0;
	return (g & GSM7_EXTBIT) ? 2 : 1;
}

int
gsm7_count(const char *in, size_t len, struct gsm7_count *c)
{
	const uint8_t	*p = (const uint8_t *)in;
	size_t		 i = 0, n;
	uint32_t	 cp;
	int		 g;

	memset(c, 0, sizeof(*c));
	c->gsm = 1;
	while (i < len) {
		if ((n = utf8_dec(p + i, len - i, &cp)) == 0)
			return GSM7_EUTF8;
		i += n;
		c->chars++;
		c->ucs2 += cp > 0xffff ? 2 : 1;
		g = gsm7_lookup(cp);
		if (g == GSM7_NONE)
			c->gsm = 0;
		else
			c->septets += (g & GSM7_EXTBIT) ? 2 : 1;
	}
	return GSM7_OK;
}

/* One encoder loop for the three targets, inlined into each. */
static inline __attribute__((always_inline)) int
gsm7_enc(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen, enum gsm7_alphabet to)
{
	const uint8_t	*p = (const uint8_t *)in;
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;
	int		 g;

	*outlen = 0;
	while (i < len) {
		if ((n = utf8_dec(p + i, len - i, &cp)) == 0)
			return GSM7_EUTF8;
		i += n;
		switch (to) {
		case GSM7_A_GSM:
			if ((g = gsm7_lookup(cp)) == GSM7_NONE)
				return GSM7_ENOTGSM;
			if (outsz - o < ((g & GSM7_EXTBIT) ? 2 : 1))
				return GSM7_ENOSPC;
			if (g & GSM7_EXTBIT)
				out[o++] = GSM7_ESC;
			out[o++] = (uint8_t)(g & 0x7f);
			break;
		case GSM7_A_UCS2:
			if (outsz - o < (cp > 0xffff ? 4 : 2))
				return GSM7_ENOSPC;
			if (cp > 0xffff) {
				cp -= 0x10000;
				out[o++] = (uint8_t)(0xd8 | cp >> 18);
				out[o++] = (uint8_t)(cp >> 10);
				cp = 0xdc00 | (cp & 0x3ff);
			}
			out[o++] = (uint8_t)(cp >> 8);
			out[o++] = (uint8_t)cp;
			break;
		default:
			if (cp > 0xff)
				return GSM7_ENOTGSM;
			if (o == outsz)
				return GSM7_ENOSPC;
			out[o++] = (uint8_t)cp;
			break;
		}
		*outlen = o;
	}
	return GSM7_OK;
}

int
gsm7_from_utf8(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	return gsm7_enc(in, len, out, outsz, outlen, GSM7_A_GSM);
}

int
gsm7_utf8_to_ucs2(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	return gsm7_enc(in, len, out, outsz, outlen, GSM7_A_UCS2);
}

int
gsm7_utf8_to_latin1(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	return gsm7_enc(in, len, out, outsz, outlen, GSM7_A_LATIN1);
}

/* GSM text never takes more octets than its UCS-2 form: one try will do. */
int
gsm7_encode(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen, unsigned int *dc)
{
	int	rc;

	*dc = GSM7_DC_DEFAULT;
	if ((rc = gsm7_from_utf8(in, len, out, outsz, outlen)) != GSM7_ENOTGSM)
		return rc;
	*dc = GSM7_DC_UCS2;
	return gsm7_utf8_to_ucs2(in, len, out, outsz, outlen);
}

unsigned int
gsm7_fill_bits(size_t udh_octets)
{
	return (unsigned int)((7 - (udh_octets * 8) % 7) % 7);
}

/*
 * GSM 03.38 6.1.2.1.1: septets are packed least significant bit first;
 * when 7 spare bits remain in the last octet they hold CR (6.1.2.3.1), so
 * a receiver cannot mistake them for '@'.
 */
int
gsm7_pack(const uint8_t *sept, size_t n, unsigned int fill, uint8_t *out,
    size_t outsz, size_t *outlen)
{
	size_t		i, need, bit, byte;
	unsigned int	sh, v;

	*outlen = 0;
	if (fill > 6)
		return GSM7_EINVAL;
	if (n > (SIZE_MAX - 14) / 7)
		return GSM7_ENOSPC;
	need = (fill + 7 * n + 7) / 8;
	if (need > outsz)
		return GSM7_ENOSPC;
	memset(out, 0, need);
	for (i = 0, bit = fill; i < n; i++, bit += 7) {
		if (sept[i] & 0x80)
			return GSM7_EINVAL;
		v = sept[i];
		byte = bit >> 3;
		sh = bit & 7;
		out[byte] |= (uint8_t)(v << sh);
		if (sh > 1)
			out[byte + 1] |= (uint8_t)(v >> (8 - sh));
	}
	if (n > 0 && bit % 8 == 1)
		out[need - 1] |= 0x0d << 1;
	*outlen = need;
	return GSM7_OK;
}

int
gsm7_unpack(const uint8_t *in, size_t len, size_t nsept, unsigned int fill,
    uint8_t *out, size_t outsz, size_t *outlen)
{
	size_t		i, bit, byte;
	unsigned int	sh, v;

	*outlen = 0;
	if (fill > 6)
		return GSM7_EINVAL;
	if (nsept == 0)
		return GSM7_OK;
	if (len > SIZE_MAX / 8 || fill > len * 8 ||
	    nsept > (len * 8 - fill) / 7)
		return GSM7_ETRUNC;
	if (nsept > outsz)
		return GSM7_ENOSPC;
	for (i = 0, bit = fill; i < nsept; i++, bit += 7) {
		byte = bit >> 3;
		sh = bit & 7;
		v = in[byte] >> sh;
		if (sh > 1)
			v |= (unsigned int)in[byte + 1] << (8 - sh);
		out[i] = (uint8_t)(v & 0x7f);
	}
	*outlen = nsept;
	return GSM7_OK;
}
