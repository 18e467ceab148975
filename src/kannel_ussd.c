/*
 * kannel_ussd: USSD through Kannel's smsbox.  bearerbox passes the SMPP
 * TLVs it is told about (smpp-tlv groups, etc/kannel/kannel.conf) as
 * meta-data: "?smpp?ussd_service_op=1&its_session_info=..." in %D of the
 * get-url; the screens go back through sendsms with meta-data= in the
 * same form.  A value is read as Kannel writes it for either smpp-tlv
 * type: decimal digits (type integer, as we ship) or the raw octets
 * (type octetstring).  The dialect is SMPP 3.4's with its_session_info
 * as most gateways use it (hotlined.conf(5), USSD): the session is named
 * by its_session_info's dialog id when there is one, else by
 * user_message_reference, else by the number; 1 dials, 18 chooses, 0x81
 * or the end bit aborts; screens go as 2, the last as 17.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "log.h"
#include "util.h"
#include "kannel.h"
#include "ussd.h"

#define KU_IN_BEGIN	1
#define KU_IN_CONTINUE	18
#define KU_IN_ABORT	0x81
#define KU_OUT_CONTINUE	2
#define KU_OUT_END	17
/*
 * smsbox splits a text longer than one SMS into concatenated parts, which
 * no handset shows as a USSD screen: a screen through Kannel is one SMS,
 * 70 UCS-2 or 160 GSM characters (lists get shorter pages).
 */
#define KU_UCS2_MAX	70
#define KU_GSM_MAX	160

static int	ku_value(const char *, size_t, size_t, long *);
static int	ku_send(void *, const struct ussd_ref *, const char *, int);

/*
 * One meta-data value of an octets-long TLV: decimal digits, or exactly
 * octets raw bytes (%-encoded once more inside the meta-data).  0 or -1.
 */
static int
ku_value(const char *v, size_t len, size_t octets, long *out)
{
	uint8_t		 buf[16];
	const char	*e;
	char		 num[16];
	size_t		 n, i;
	long		 max = octets == 1 ? 0xff : 0xffff;

	if (kannel_urldecode(v, len, buf, sizeof(buf), &n) == -1 || n == 0)
		return -1;
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		;
	if (i == n && n < sizeof(num)) {
		memcpy(num, buf, n);
		num[n] = '\0';
		*out = (long)strtonum(num, 0, max, &e);
		return e == NULL ? 0 : -1;
	}
	if (n != octets)
		return -1;
	*out = octets == 1 ? buf[0] : buf[0] << 8 | buf[1];
	return 0;
}

int
kannel_ussd_meta(const char *meta, struct kannel_ussd *u)
{
	const char	*p, *amp, *eq, *grp;
	size_t		 klen;
	long		 v;
	int		 any = 0;

	u->op = u->dialog = u->umr = -1;
	u->end = 0;
	if ((grp = strstr(meta, "?smpp?")) == NULL)
		return 0;
	for (p = grp + 6; *p != '\0' && *p != '?'; p = amp + (*amp == '&')) {
		amp = p + strcspn(p, "&?");
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			continue;
		klen = (size_t)(eq - p);
		eq++;
		if (klen == 15 && memcmp(p, "ussd_service_op", 15) == 0) {
			if (ku_value(eq, (size_t)(amp - eq), 1, &v) == -1)
				return -1;
			u->op = (int)v;
		} else if (klen == 16 && memcmp(p, "its_session_info", 16) ==
		    0) {
			if (ku_value(eq, (size_t)(amp - eq), 2, &v) == -1)
				return -1;
			u->dialog = (int)(v >> 1);
			u->end = (int)(v & 1);
		} else if (klen == 22 && memcmp(p, "user_message_reference",
		    22) == 0) {
			if (ku_value(eq, (size_t)(amp - eq), 2, &v) == -1)
				return -1;
			u->umr = (int)v;
		} else
			continue;
		any = 1;
	}
	return any;
}

void
kannel_ussd_in(const struct kannel_fields *f, const char *text,
    const struct kannel_ussd *u, commit_fn done, void *arg)
{
	struct ussd_msg	m;

	memset(&m, 0, sizeof(m));
	m.bearer = KANNEL_BEARER;
	m.send = ku_send;
	m.text = text;
	m.ucs2_max = KU_UCS2_MAX;
	m.gsm_max = KU_GSM_MAX;
	if (u->op == KU_IN_ABORT || (u->dialog >= 0 && u->end))
		m.kind = USSD_ABORT;
	else if (u->op == KU_IN_BEGIN)
		m.kind = USSD_BEGIN;
	else if (u->op == KU_IN_CONTINUE)
		m.kind = USSD_CONTINUE;
	else
		m.kind = USSD_AUTO;
	strlcpy(m.ref.msisdn, f->from, sizeof(m.ref.msisdn));
	strlcpy(m.ref.code, f->to, sizeof(m.ref.code));
	m.ref.dialog = u->dialog;
	m.ref.umr = u->umr;
	m.ref.key = u->dialog >= 0 ? u->dialog : u->umr;
	ussd_receive(&m, done, arg);
}

/* A screen as a sendsms with the session's TLVs in meta-data. */
static int
ku_send(void *ctx, const struct ussd_ref *ref, const char *text, int end)
{
	char	meta[160], part[48];

	if (text == NULL)
		return 0;		/* no abort op for Kannel's gateways */
	snprintf(meta, sizeof(meta), "?smpp?ussd_service_op=%d",
	    end ? KU_OUT_END : KU_OUT_CONTINUE);
	if (ref->dialog >= 0) {
		snprintf(part, sizeof(part), "&its_session_info=%d",
		    ref->dialog << 1 | (end ? 1 : 0));
		strlcat(meta, part, sizeof(meta));
	}
	if (ref->umr >= 0) {
		snprintf(part, sizeof(part), "&user_message_reference=%d",
		    ref->umr);
		strlcat(meta, part, sizeof(meta));
	}
	return kannel_send_ussd(ref->code[0] != '\0' ? ref->code : "12345",
	    ref->msisdn, text, meta);
}
