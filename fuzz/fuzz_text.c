/*
 * libFuzzer target for the SMS text codecs: the first octet is a
 * data_coding, the second picks options; the rest goes to every decoder,
 * the septet packer, the UDH parser, the splitter and the receipt parser.
 * Beyond the sanitizers, decoded text must be valid UTF-8 without a NUL.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlr.h"
#include "gsm7.h"
#include "udh.h"

#define FUZZ_MAX	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char		out[GSM7_UTF8_MAX(FUZZ_MAX)];
static uint8_t		enc[4 * FUZZ_MAX + 2048];
static struct udh_split	sp;

/* Decoded text must be what the encoders accept as UTF-8. */
static void
check_utf8(const char *s, size_t n)
{
	struct gsm7_count	c;

	if (strlen(s) != n || gsm7_count(s, n, &c) != GSM7_OK)
		abort();
}

static void
fuzz_decode(unsigned int dc, const uint8_t *p, size_t n, unsigned int opt)
{
	size_t	len, sz;
	int	rc;

	rc = gsm7_decode(dc, p, n, out, sizeof(out), &len, 0);
	if (rc >= 0)
		check_utf8(out, len);
	rc = gsm7_decode(dc, p, n, out, sizeof(out), &len, GSM7_F_LENIENT);
	if (rc >= 0 || rc == GSM7_ENOSPC)
		check_utf8(out, len);
	sz = opt % 32;		/* too small on purpose */
	rc = gsm7_decode(dc, p, n, out, sz, &len, opt & 1);
	if (sz > 0 && (len >= sz || (rc >= 0 && strlen(out) != len)))
		abort();
	rc = gsm7_ucs2_to_utf8(p, n, out, sizeof(out), &len, GSM7_F_LENIENT);
	if (rc >= 0)
		check_utf8(out, len);
	rc = gsm7_to_utf8(p, n, out, sizeof(out), &len, GSM7_F_LENIENT);
	if (rc >= 0)
		check_utf8(out, len);
}

static void
fuzz_septets(const uint8_t *p, size_t n, unsigned int opt)
{
	uint8_t	sept[FUZZ_MAX * 8 / 7 + 8], back[FUZZ_MAX + 8];
	size_t	ns, nb, i;

	ns = n * 8 >= opt % 7 ? (n * 8 - opt % 7) / 7 : 0;
	if (gsm7_unpack(p, n, ns, opt % 7, sept, sizeof(sept), &ns) !=
	    GSM7_OK)
		abort();
	if (gsm7_unpack(p, n, ns + 1, opt % 7, sept, sizeof(sept), &nb) !=
	    GSM7_ETRUNC)
		abort();
	if (gsm7_pack(sept, ns, opt % 7, back, sizeof(back), &nb) != GSM7_OK)
		abort();
	if (gsm7_unpack(back, nb, ns, opt % 7, enc, sizeof(enc), &nb) !=
	    GSM7_OK || nb != ns || memcmp(enc, sept, ns) != 0)
		abort();
	for (i = 0; i < ns; i++)	/* septets decode whatever they are */
		if (sept[i] > 0x7f)
			abort();
}

static void
fuzz_udh(const uint8_t *p, size_t n)
{
	struct udh_info	u;

	if (udh_parse(p, n, &u) == UDH_OK) {
		if (u.len > n || u.len == 0)
			abort();
		if (u.has_concat && (u.concat.seq == 0 ||
		    u.concat.seq > u.concat.total))
			abort();
	}
}

static void
fuzz_split(const char *t, size_t n, unsigned int opt)
{
	struct udh_opts	o;
	size_t		i, at;
	int		rc;

	o.mode = (enum udh_mode)(opt % 4);
	o.ref = (uint16_t)(opt * 257);
	o.max_parts = (opt >> 2) % 5;
	o.ucs2 = (opt >> 5) & 1;
	rc = udh_split(t, n, &o, enc, sizeof(enc), &sp);
	if (rc != GSM7_OK)
		return;
	if (sp.nparts == 0 || sp.nparts > sp.needed)
		abort();
	for (i = 0, at = 0; i < sp.nparts; i++) {
		if (sp.part[i].text_off != at)
			abort();
		at += sp.part[i].text_len;
		if (o.mode != UDH_MODE_PAYLOAD && sp.part[i].len > 160)
			abort();
	}
	if (at != sp.cut_at || (sp.cut == 0) != (at == n))
		abort();
	if (udh_count(t, n, o.mode, o.ucs2) != (int)sp.needed)
		abort();
}

static void
fuzz_dlr(const uint8_t *p, size_t n)
{
	struct dlr_tlv	t = { NULL, -1, -1, -1 };
	struct dlr	d;
	char		a[DLR_ID_MAX], b[DLR_ID_MAX];
	size_t		h;
	int		k;

	(void)dlr_parse((const char *)p, n, &t, &d);
	if (strlen(d.id) >= DLR_ID_MAX || strlen(d.text) >= sizeof(d.text))
		abort();
	h = n / 2 < DLR_ID_MAX - 1 ? n / 2 : DLR_ID_MAX - 1;
	memcpy(a, p, h);
	a[h] = '\0';
	h = n - n / 2 < DLR_ID_MAX - 1 ? n - n / 2 : DLR_ID_MAX - 1;
	memcpy(b, p + n / 2, h);
	b[h] = '\0';
	for (k = DLR_ID_STRING; k <= DLR_ID_AUTO; k++) {
		(void)dlr_id_match(a, b, (enum dlr_idtype)k);
		if (dlr_id_match(a, a, (enum dlr_idtype)k) !=
		    dlr_id_match(a, a, (enum dlr_idtype)k))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int	dc, opt;

	if (size < 2 || size - 2 > FUZZ_MAX)
		return 0;
	dc = data[0];
	opt = data[1];
	data += 2;
	size -= 2;
	fuzz_decode(dc, data, size, opt);
	fuzz_septets(data, size, opt);
	fuzz_udh(data, size);
	fuzz_split((const char *)data, size, opt);
	fuzz_dlr(data, size);
	return 0;
}
