/*
 * SMS text codecs: GSM 03.38 default alphabet and extension table (packed and
 * unpacked septets), UCS-2 / UTF-16BE with surrogate pairs, IA5 and Latin-1,
 * to and from UTF-8.  Pure functions on caller-provided buffers: no I/O, no
 * allocation.  Decoded UTF-8 is always NUL-terminated and never holds a NUL.
 */
#ifndef GSM7_H
#define GSM7_H

#include <stddef.h>
#include <stdint.h>

/* Results: 0 or a count on success, one of these (negative) on failure. */
enum gsm7_err {
	GSM7_OK = 0,
	GSM7_ENOSPC = -1,	/* output buffer too small (output truncated) */
	GSM7_EINVAL = -2,	/* code not in the alphabet, embedded NUL */
	GSM7_ETRUNC = -3,	/* odd UCS-2 length, escape at the very end */
	GSM7_ESURROGATE = -4,	/* UTF-16 surrogate without its other half */
	GSM7_EUTF8 = -5,	/* invalid UTF-8 input */
	GSM7_ENOTGSM = -6,	/* character outside the GSM 7-bit alphabet */
	GSM7_EBINARY = -7,	/* data_coding says 8-bit binary data */
	GSM7_EUNSUPP = -8	/* data_coding not decoded (JIS, KS C...) */
};

/* What a data_coding value says the octets are. */
enum gsm7_alphabet {
	GSM7_A_GSM,		/* GSM 03.38 septets, one per octet in SMPP */
	GSM7_A_ASCII,		/* IA5 */
	GSM7_A_LATIN1,		/* ISO-8859-1 */
	GSM7_A_UCS2,		/* UCS-2, read as UTF-16BE */
	GSM7_A_BINARY,		/* 8-bit data */
	GSM7_A_UNSUPP
};

#define GSM7_ESC		0x1b	/* escape to the extension table */
#define GSM7_DC_DEFAULT		0x00	/* SMSC default alphabet: GSM 7-bit */
#define GSM7_DC_UCS2		0x08

/* Decode flag: replace malformed input with U+FFFD instead of failing. */
#define GSM7_F_LENIENT		0x01

/* Output bytes (with the NUL) enough to decode n input octets. */
#define GSM7_UTF8_MAX(n)	(3 * (size_t)(n) + 1)

/* Characters of a UTF-8 text as GSM septets and as UTF-16 units. */
struct gsm7_count {
	size_t	chars;		/* Unicode code points */
	size_t	septets;	/* GSM septets, extension characters count 2 */
	size_t	ucs2;		/* UTF-16 units, astral characters count 2 */
	int	gsm;		/* 1 if every character fits GSM 7-bit */
};

/* Name of an error code, for logs. */
const char	*gsm7_strerror(int);
/* Alphabet a data_coding value (SMPP 3.4 5.2.19, GSM 03.38 4) selects. */
enum gsm7_alphabet gsm7_alphabet(unsigned int data_coding);

/*
 * Decoders: in/len to NUL-terminated UTF-8 in out (outsz > 0), byte count
 * in *outlen (may be NULL).  Return the number of replaced sequences (0
 * unless GSM7_F_LENIENT), or a negative gsm7_err.
 */
/* Decode a short_message by its data_coding. */
int	gsm7_decode(unsigned int data_coding, const uint8_t *in, size_t len,
	    char *out, size_t outsz, size_t *outlen, int flags);
/* Unpacked GSM septets (one per octet) with 0x1B escapes to UTF-8. */
int	gsm7_to_utf8(const uint8_t *in, size_t len, char *out, size_t outsz,
	    size_t *outlen, int flags);
/* UCS-2 / UTF-16BE to UTF-8; a leading BOM is honoured (FF FE: LE). */
int	gsm7_ucs2_to_utf8(const uint8_t *in, size_t len, char *out,
	    size_t outsz, size_t *outlen, int flags);
/* ISO-8859-1 to UTF-8. */
int	gsm7_latin1_to_utf8(const uint8_t *in, size_t len, char *out,
	    size_t outsz, size_t *outlen, int flags);
/* IA5 (7-bit ASCII) to UTF-8. */
int	gsm7_ascii_to_utf8(const uint8_t *in, size_t len, char *out,
	    size_t outsz, size_t *outlen, int flags);

/*
 * Encoders: UTF-8 in/len to octets in out, count in *outlen.  Return 0 or a
 * negative gsm7_err; nothing past outsz is written.
 */
/* Count a UTF-8 text in septets and UTF-16 units; GSM7_EUTF8 if invalid. */
int	gsm7_count(const char *in, size_t len, struct gsm7_count *);
/* One UTF-8 character into *cp: bytes used, 0 if malformed or U+0000. */
size_t	gsm7_utf8_next(const char *p, size_t left, uint32_t *cp);
/* Septets a code point takes in GSM 7-bit: 1, 2 (escaped) or 0 (none). */
int	gsm7_septets(uint32_t cp);
/* UTF-8 to unpacked GSM septets; GSM7_ENOTGSM if a character does not fit. */
int	gsm7_from_utf8(const char *in, size_t len, uint8_t *out, size_t outsz,
	    size_t *outlen);
/* UTF-8 to UTF-16BE (surrogate pairs above U+FFFF). */
int	gsm7_utf8_to_ucs2(const char *in, size_t len, uint8_t *out,
	    size_t outsz, size_t *outlen);
/* UTF-8 to ISO-8859-1; GSM7_ENOTGSM if a character is above U+00FF. */
int	gsm7_utf8_to_latin1(const char *in, size_t len, uint8_t *out,
	    size_t outsz, size_t *outlen);
/* UTF-8 to GSM 7-bit if every character fits, else UCS-2; sets *data_coding. */
int	gsm7_encode(const char *in, size_t len, uint8_t *out, size_t outsz,
	    size_t *outlen, unsigned int *data_coding);

/*
 * Packed septets (GSM 03.38 6.1.2.1).  fill is the number of padding bits
 * (0-6) before the first septet, so that text after a UDH starts on a
 * septet boundary: gsm7_fill_bits(udh_octets).
 */
/* Fill bits after a UDH of n octets (including the UDHL octet). */
unsigned int gsm7_fill_bits(size_t udh_octets);
/* Pack n septets; octets written in *outlen. */
int	gsm7_pack(const uint8_t *sept, size_t n, unsigned int fill,
	    uint8_t *out, size_t outsz, size_t *outlen);
/* Unpack nsept septets from len octets; GSM7_ETRUNC if they are not there. */
int	gsm7_unpack(const uint8_t *in, size_t len, size_t nsept,
	    unsigned int fill, uint8_t *out, size_t outsz, size_t *outlen);

#endif /* GSM7_H */
