/*
 * Concatenated SMS: the user data header of GSM 03.40 9.2.3.24 (IEI 0x00
 * and 0x08 read, application ports noted, everything else skipped by its
 * length), SAR TLV values (SMPP 3.4 5.3.2.22-24), and outbound splitting
 * that never cuts a GSM escape or a UTF-16 surrogate pair in two.
 */
#include "compat.h"

#include <string.h>

#include "gsm7.h"
#include "udh.h"

static size_t	udh_walk(const char *, size_t, int, size_t, size_t,
		    struct udh_part *, size_t *, size_t *);
static int	udh_put(const char *, size_t, int, uint8_t *, size_t,
		    size_t *);

const char *
udh_strerror(int e)
{
	switch (e) {
	case UDH_ETRUNC:
		return "UDH longer than the message";
	case UDH_EBADIE:
		return "UDH information element overruns the header";
	case UDH_ERANGE:
		return "SAR value out of range";
	}
	return gsm7_strerror(e);
}

/*
 * GSM 03.40 9.2.3.24.1: a concatenation IE with a zero total, a zero
 * sequence number or one above the total is ignored, as is one of the
 * wrong length; when the IE is repeated the last one counts.
 */
int
udh_parse(const uint8_t *sm, size_t len, struct udh_info *u)
{
	const uint8_t	*d;
	size_t		 p, end;
	uint8_t		 iei, iel;

	memset(u, 0, sizeof(*u));
	if (len == 0 || (size_t)sm[0] + 1 > len)
		return UDH_ETRUNC;
	end = (size_t)sm[0] + 1;
	u->len = end;
	for (p = 1; p < end; p += 2 + (size_t)iel) {
		if (end - p < 2)
			return UDH_EBADIE;
		iei = sm[p];
		iel = sm[p + 1];
		if (end - p - 2 < iel)
			return UDH_EBADIE;
		d = sm + p + 2;
		u->nie++;
		switch (iei) {
		case UDH_IEI_CONCAT8:
			if (iel != 3 || d[1] == 0 || d[2] == 0 || d[2] > d[1])
				break;
			u->has_concat = 1;
			u->concat.ref = d[0];
			u->concat.total = d[1];
			u->concat.seq = d[2];
			u->concat.ref_bits = 8;
			break;
		case UDH_IEI_CONCAT16:
			if (iel != 4 || d[2] == 0 || d[3] == 0 || d[3] > d[2])
				break;
			u->has_concat = 1;
			u->concat.ref = (uint16_t)(d[0] << 8 | d[1]);
			u->concat.total = d[2];
			u->concat.seq = d[3];
			u->concat.ref_bits = 16;
			break;
		case UDH_IEI_PORT8:
			if (iel != 2)
				break;
			u->has_ports = 1;
			u->dst_port = d[0];
			u->src_port = d[1];
			break;
		case UDH_IEI_PORT16:
			if (iel != 4)
				break;
			u->has_ports = 1;
			u->dst_port = (uint16_t)(d[0] << 8 | d[1]);
			u->src_port = (uint16_t)(d[2] << 8 | d[3]);
			break;
		default:
			break;		/* skipped by its length */
		}
	}
	return UDH_OK;
}

int
udh_sar(long ref, long total, long seq, struct udh_concat *c)
{
	memset(c, 0, sizeof(*c));
	if (ref < 0 || ref > 0xffff || total < 1 || total > 255 ||
	    seq < 1 || seq > total)
		return UDH_ERANGE;
	c->ref = (uint16_t)ref;
	c->total = (uint8_t)total;
	c->seq = (uint8_t)seq;
	c->ref_bits = 16;
	return UDH_OK;
}

/*
 * A reference reused for one recipient splices two messages together on
 * the handset; consecutive counters give distinct references (256 of them
 * for an 8-bit UDH), and the recipient's hash spreads the starting points.
 */
uint16_t
udh_ref(const char *recipient, uint32_t counter, enum udh_mode mode)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	if (recipient != NULL)
		for (; *recipient != '\0'; recipient++)
			h = (h ^ (uint8_t)*recipient) * 16777619u;
	h = (h ^ h >> 16) + counter;
	return mode == UDH_MODE_UDH8 ? (uint16_t)(h & 0xff) :
	    (uint16_t)(h & 0xffff);
}

size_t
udh_capacity(enum udh_mode mode, unsigned int dc, int concat)
{
	int	gsm = dc == GSM7_DC_DEFAULT;

	if (mode == UDH_MODE_PAYLOAD)
		return gsm ? UDH_PAYLOAD_MAX : UDH_PAYLOAD_MAX / 2;
	if (!concat)
		return gsm ? 160 : 70;
	if (mode == UDH_MODE_UDH16)
		return gsm ? 152 : 66;
	return gsm ? 153 : 67;
}

/*
 * Walk the (valid) text in parts of cap units, each character whole.  Fill
 * part[0 .. maxp-1] when part is not NULL; *stop and *nchars say where part
 * maxp ends.  Returns the parts the whole text needs.
 */
static size_t
udh_walk(const char *t, size_t len, int gsm, size_t cap, size_t maxp,
    struct udh_part *part, size_t *stop, size_t *nchars)
{
	size_t		i = 0, n, cur = 0, np = 1, start = 0, chars = 0;
	uint32_t	cp;
	int		cost;

	*stop = len;
	*nchars = 0;
	while (i < len) {
		if ((n = gsm7_utf8_next(t + i, len - i, &cp)) == 0)
			break;			/* validated by the caller */
		cost = gsm ? gsm7_septets(cp) : (cp > 0xffff ? 2 : 1);
		if (cur + (size_t)cost > cap) {
			if (np <= maxp && part != NULL) {
				part[np - 1].text_off = start;
				part[np - 1].text_len = i - start;
			}
			if (np == maxp) {
				*stop = i;
				*nchars = chars;
			}
			np++;
			start = i;
			cur = 0;
		}
		cur += (size_t)cost;
		i += n;
		chars++;
	}
	if (np <= maxp) {
		if (part != NULL) {
			part[np - 1].text_off = start;
			part[np - 1].text_len = len - start;
		}
		*stop = len;
		*nchars = chars;
	}
	return np;
}

int
udh_count(const char *text, size_t len, enum udh_mode mode, int ucs2)
{
	struct gsm7_count	c;
	size_t			units, stop, nchars, np;
	int			rc, gsm;

	if ((rc = gsm7_count(text, len, &c)) != GSM7_OK)
		return rc;
	gsm = c.gsm && !ucs2;
	units = gsm ? c.septets : c.ucs2;
	if (mode == UDH_MODE_PAYLOAD ||
	    units <= udh_capacity(mode, gsm ? 0 : 8, 0))
		return 1;
	np = udh_walk(text, len, gsm, udh_capacity(mode, gsm ? 0 : 8, 1), 0,
	    NULL, &stop, &nchars);
	return np > 0x7fff ? 0x7fff : (int)np;
}

/* Encode one UTF-8 slice at buf. */
static int
udh_put(const char *t, size_t len, int gsm, uint8_t *buf, size_t sz,
    size_t *n)
{
	if (gsm)
		return gsm7_from_utf8(t, len, buf, sz, n);
	return gsm7_utf8_to_ucs2(t, len, buf, sz, n);
}

int
udh_split(const char *text, size_t len, const struct udh_opts *o,
    uint8_t *buf, size_t bufsz, struct udh_split *s)
{
	struct gsm7_count	 c;
	struct udh_part		*pt;
	size_t			 units, maxp, stop, nchars, pos, n, i, hl;
	unsigned int		 dc;
	int			 rc, gsm;

	s->nparts = s->needed = s->cut = 0;
	s->cut_at = len;
	s->udhi = s->sar = 0;
	s->sar_msg_ref_num = 0;
	s->sar_total_segments = 0;
	if ((rc = gsm7_count(text, len, &c)) != GSM7_OK)
		return rc;
	gsm = c.gsm && !o->ucs2;
	dc = gsm ? GSM7_DC_DEFAULT : GSM7_DC_UCS2;
	s->data_coding = dc;
	units = gsm ? c.septets : c.ucs2;
	maxp = o->max_parts == 0 || o->max_parts > UDH_MAX_PARTS ?
	    UDH_MAX_PARTS : o->max_parts;

	if (o->mode == UDH_MODE_PAYLOAD) {
		if (units > udh_capacity(o->mode, dc, 1))
			return GSM7_ENOSPC;
		s->needed = s->nparts = 1;
		s->part[0].text_off = 0;
		s->part[0].text_len = len;
	} else if (units <= udh_capacity(o->mode, dc, 0)) {
		s->needed = s->nparts = 1;
		s->part[0].text_off = 0;
		s->part[0].text_len = len;
	} else if (maxp == 1) {
		s->needed = udh_walk(text, len, gsm,
		    udh_capacity(o->mode, dc, 1), 0, NULL, &stop, &nchars);
		udh_walk(text, len, gsm, udh_capacity(o->mode, dc, 0), 1,
		    s->part, &stop, &nchars);
		s->nparts = 1;
		s->cut = c.chars - nchars;
		s->cut_at = stop;
	} else {
		s->needed = udh_walk(text, len, gsm,
		    udh_capacity(o->mode, dc, 1), maxp, s->part, &stop,
		    &nchars);
		s->nparts = s->needed < maxp ? s->needed : maxp;
		s->cut = c.chars - nchars;
		s->cut_at = stop;
	}

	if (s->nparts > 1) {
		s->udhi = o->mode == UDH_MODE_UDH8 || o->mode == UDH_MODE_UDH16;
		s->sar = o->mode == UDH_MODE_SAR;
		s->sar_msg_ref_num = o->mode == UDH_MODE_UDH8 ?
		    (o->ref & 0xff) : o->ref;
		s->sar_total_segments = (uint8_t)s->nparts;
	}
	hl = !s->udhi ? 0 : o->mode == UDH_MODE_UDH16 ? 7 : 6;
	for (i = 0, pos = 0; i < s->nparts; i++) {
		pt = &s->part[i];
		pt->off = pos;
		pt->sar_segment_seqnum = (uint8_t)(i + 1);
		if (bufsz - pos < hl)
			return GSM7_ENOSPC;
		if (hl == 6) {
			buf[pos++] = 5;
			buf[pos++] = UDH_IEI_CONCAT8;
			buf[pos++] = 3;
			buf[pos++] = (uint8_t)o->ref;
		} else if (hl == 7) {
			buf[pos++] = 6;
			buf[pos++] = UDH_IEI_CONCAT16;
			buf[pos++] = 4;
			buf[pos++] = (uint8_t)(o->ref >> 8);
			buf[pos++] = (uint8_t)o->ref;
		}
		if (hl != 0) {
			buf[pos++] = (uint8_t)s->nparts;
			buf[pos++] = (uint8_t)(i + 1);
		}
		rc = udh_put(text + pt->text_off, pt->text_len, gsm,
		    buf + pos, bufsz - pos, &n);
		if (rc != GSM7_OK)
			return rc;
		pos += n;
		pt->len = pos - pt->off;
	}
	return GSM7_OK;
}
