/*
 * libFuzzer target for what smsbox and bearerbox send the Kannel listener.
 * The first octet picks the mode: 0, any bytes as a get-url query string
 * through kannel_query_parse, kannel_text_utf8, kannel_mo_read and the
 * report functions; 1, a post-url body through kannel_text_utf8 in a
 * charset the second octet picks; 2, a sendsms answer; 3, urldecode into a
 * buffer of chosen size.  Beyond the sanitizers: decoded text is valid
 * UTF-8 without a NUL, and every result stays within its bounds.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inbound.h"
#include "kannel.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The charsets Kannel passes (%C) and some it could. */
static const char *const charsets[] = { "", "8-BIT", "UTF-8", "UTF-16BE",
    "UTF-16LE", "UTF-16", "UCS-2", "UCS-4", "UTF-32BE", "UTF-7",
    "ISO-8859-1", "WINDOWS-1252", "GB18030", "GBK", "BIG5", "SHIFT_JIS",
    "EUC-KR", "ISO-2022-JP", "ISO-2022-CN-EXT", "X-NO-SUCH" };

static struct kannel_fields	f;
static char			query[KANNEL_REQ_MAX + 1];
static char			out[KANNEL_TEXT_MAX * 3 + 1];

/* Well-formed UTF-8 (Unicode 3.9, table 3-7) without a NUL, or abort. */
static void
check_utf8(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0, n, k;
	uint8_t		 lo, hi;

	if (s[len] != '\0')
		abort();
	while (i < len) {
		if (p[i] == 0)
			abort();
		n = p[i] < 0x80 ? 1 : p[i] >= 0xc2 && p[i] <= 0xdf ? 2 :
		    p[i] >= 0xe0 && p[i] <= 0xef ? 3 :
		    p[i] >= 0xf0 && p[i] <= 0xf4 ? 4 : 0;
		if (n == 0 || len - i < n)
			abort();
		lo = p[i] == 0xe0 ? 0xa0 : p[i] == 0xf0 ? 0x90 : 0x80;
		hi = p[i] == 0xed ? 0x9f : p[i] == 0xf4 ? 0x8f : 0xbf;
		for (k = 1; k < n; k++)
			if (p[i + k] < (k == 1 ? lo : 0x80) ||
			    p[i + k] > (k == 1 ? hi : 0xbf))
				abort();
		i += n;
	}
}

static void
check_field(const char *s)
{
	if (memchr(s, '\0', KANNEL_FIELD_MAX) == NULL)
		abort();
}

/* Decode f's text into out, small outsz included; check what comes back. */
static int
decode(size_t outsz)
{
	char	why[160];
	int	n;

	why[0] = '\0';
	n = kannel_text_utf8(&f, out, outsz, why, sizeof(why));
	if (n < -1 || (n == -1 && why[0] == '\0' && outsz > 0) ||
	    (n >= 0 && (size_t)n >= outsz))
		abort();
	if (n >= 0)
		check_utf8(out, (size_t)n);
	return n;
}

static void
fuzz_query(const uint8_t *data, size_t len)
{
	struct inbound_msg	m;
	struct kannel_ussd	u;
	char			why[160], stat[16], err[8];
	int			n, st;

	if (len > KANNEL_REQ_MAX)
		len = KANNEL_REQ_MAX;
	memcpy(query, data, len);
	query[len] = '\0';
	why[0] = '\0';
	if (kannel_query_parse(query, &f, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			abort();		/* a refusal says why */
		return;
	}
	check_field(f.from);
	check_field(f.to);
	check_field(f.id);
	check_field(f.charset);
	check_field(f.meta);
	check_field(f.reply);
	if (f.textlen >= KANNEL_TEXT_MAX || f.udhlen >= KANNEL_FIELD_MAX ||
	    f.coding < -1 || f.coding > 2 || f.dlr_type < -1 ||
	    f.dlr_type > 255 || f.dlr_id == 0 || f.dlr_id < -1)
		abort();
	st = kannel_dlr_state(f.dlr_type);
	if (st < -1 || st > 3)
		abort();
	kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
	if (strlen(stat) >= sizeof(stat) || strlen(err) >= sizeof(err))
		abort();
	/* the listener's buffer must take any text the parser accepted */
	if ((n = decode(sizeof(out))) == -1) {
		if (f.charset[0] == '\0' || strcasecmp(f.charset, "8-BIT") == 0)
			abort();	/* only a charset may be refused */
		return;
	}
	/* the USSD TLVs of the meta-data: within their ranges, or refused */
	if (kannel_ussd_meta(f.meta, &u) == 1 && (u.op > 255 ||
	    u.dialog > 0x7fff || u.umr > 0xffff || u.end < 0 || u.end > 1))
		abort();
	if (kannel_mo_read(&f, out, (size_t)n, &m, why, sizeof(why)) == -1)
		return;
	if (m.source == NULL || m.dest == NULL || m.text != out ||
	    m.concat_total < 1 || m.concat_seq < 1 ||
	    m.concat_seq > m.concat_total || strlen(m.source) > 20 ||
	    strlen(m.dest) > 20 || m.rawlen != f.textlen)
		abort();
}

static void
fuzz_post(const uint8_t *data, size_t len)
{
	int	n;

	if (len < 2)
		return;
	memset(&f, 0, sizeof(f));
	strlcpy(f.charset, charsets[data[0] % nitems(charsets)],
	    sizeof(f.charset));
	f.coding = (int)(data[1] % 4) - 1;
	f.dlr_id = f.dlr_type = -1;
	data += 2;
	len -= 2;
	if (len > sizeof(f.text) - 1)
		len = sizeof(f.text) - 1;
	memcpy(f.text, data, len);
	f.textlen = len;
	f.has_text = 1;
	n = decode(sizeof(out));
	if (n == -1 && strcmp(f.charset, "X-NO-SUCH") != 0 &&
	    len * 4 < sizeof(out))
		abort();	/* a known charset fits 4 bytes a byte */
	/* the same into a small buffer: refused or complete, never cut */
	if (len > 0)
		decode(1 + data[0] % 64);
}

static void
fuzz_answer(const uint8_t *data, size_t len)
{
	enum kannel_answer	a;
	int			status;

	if (len < 2)
		return;
	status = (int)(data[0] << 8 | data[1]) - 1000;
	a = kannel_sendsms_answer(status, (const char *)data + 2, len - 2);
	if (a != KANNEL_ACCEPTED && a != KANNEL_QUEUED &&
	    a != KANNEL_TEMPORARY && a != KANNEL_PERMANENT)
		abort();
	/* only a 4xx fails an SMS for good */
	if ((status < 400 || status >= 500) && a == KANNEL_PERMANENT)
		abort();
	if (status >= 200 && status < 300 && a != KANNEL_ACCEPTED &&
	    a != KANNEL_QUEUED)
		abort();
}

static void
fuzz_urldecode(const uint8_t *data, size_t len)
{
	uint8_t	*buf;
	size_t	 sz, n = 0;

	if (len < 1)
		return;
	sz = data[0];
	buf = malloc(sz > 0 ? sz : 1);	/* exactly sz, for ASan */
	if (buf == NULL)
		abort();
	if (kannel_urldecode((const char *)data + 1, len - 1, buf, sz,
	    &n) == 0 && (n >= sz || n > len - 1 || buf[n] != '\0'))
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_query(data + 1, len - 1);
		break;
	case 1:
		fuzz_post(data + 1, len - 1);
		break;
	case 2:
		fuzz_answer(data + 1, len - 1);
		break;
	default:
		fuzz_urldecode(data + 1, len - 1);
		break;
	}
	return 0;
}
