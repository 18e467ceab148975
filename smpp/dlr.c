/*
 * Delivery receipts (SMPP 3.4 Appendix B text, 5.3.2.12/.35/.31 TLVs) into
 * one struct dlr, and message id normalisation: SMSCs write the same id in
 * hex in submit_sm_resp and in decimal in the receipt, drop leading zeros
 * or change case, so ids are matched by key, never by raw bytes.
 */
#include "compat.h"

#include <ctype.h>
#include <strings.h>
#include <string.h>

#include "dlr.h"

enum dlr_field {
	DLR_K_ID, DLR_K_SUB, DLR_K_DLVRD, DLR_K_SUBMIT, DLR_K_DONE,
	DLR_K_STAT, DLR_K_ERR, DLR_K_TEXT, DLR_K_NONE
};

static int	dlr_isspace(int);
static size_t	dlr_word(const char *, size_t, const char *);
static enum dlr_field dlr_key(const char *, size_t, size_t *);
static int	dlr_num(const char *, size_t);
static void	dlr_date(const char *, size_t, struct dlr_date *);
static void	dlr_print(const char *, size_t, char *, size_t);
static int	dlr_dec2hex(const char *, size_t, char *, size_t);

/* Key words in SMPP 3.4 Appendix B order; two-word keys split at the space. */
static const struct {
	const char	*w1, *w2;
} dlr_keys[] = {
	[DLR_K_ID] = { "id", NULL },
	[DLR_K_SUB] = { "sub", NULL },
	[DLR_K_DLVRD] = { "dlvrd", NULL },
	[DLR_K_SUBMIT] = { "submit", "date" },
	[DLR_K_DONE] = { "done", "date" },
	[DLR_K_STAT] = { "stat", NULL },
	[DLR_K_ERR] = { "err", NULL },
	[DLR_K_TEXT] = { "text", NULL }
};

static const struct {
	const char	*word;
	enum dlr_state	 state;
} dlr_stats[] = {
	{ "DELIVRD", DLR_DELIVERED }, { "DELIVERED", DLR_DELIVERED },
	{ "ACCEPTD", DLR_ACCEPTED }, { "ACCEPTED", DLR_ACCEPTED },
	{ "ENROUTE", DLR_ENROUTE },
	{ "EXPIRED", DLR_EXPIRED },
	{ "DELETED", DLR_DELETED },
	{ "UNDELIV", DLR_UNDELIVERABLE },
	{ "UNDELIVERABLE", DLR_UNDELIVERABLE },
	{ "FAILED", DLR_UNDELIVERABLE },
	{ "UNKNOWN", DLR_UNKNOWN },
	{ "REJECTD", DLR_REJECTED }, { "REJECTED", DLR_REJECTED }
};

const char *
dlr_strstate(enum dlr_state s)
{
	switch (s) {
	case DLR_ENROUTE:
		return "ENROUTE";
	case DLR_DELIVERED:
		return "DELIVERED";
	case DLR_EXPIRED:
		return "EXPIRED";
	case DLR_DELETED:
		return "DELETED";
	case DLR_UNDELIVERABLE:
		return "UNDELIVERABLE";
	case DLR_ACCEPTED:
		return "ACCEPTED";
	case DLR_UNKNOWN:
		return "UNKNOWN";
	case DLR_REJECTED:
		return "REJECTED";
	}
	return "UNKNOWN";
}

int
dlr_stat_state(const char *w, size_t len, enum dlr_state *st)
{
	size_t	i;
	int	n;

	*st = DLR_UNKNOWN;
	if ((n = dlr_num(w, len)) >= 1 && n <= 8) {	/* a message_state */
		*st = (enum dlr_state)n;
		return 0;
	}
	for (i = 0; i < nitems(dlr_stats); i++)
		if (strlen(dlr_stats[i].word) == len &&
		    strncasecmp(dlr_stats[i].word, w, len) == 0) {
			*st = dlr_stats[i].state;
			return 0;
		}
	return -1;
}

/*
 * SMPP 3.4 5.2.28 counts ACCEPTED as final ("read on behalf of the
 * subscriber"), but aggregators send ACCEPTD for "taken by the SMSC" and
 * a DELIVRD later, so it is not final here (as in Kannel).
 */
int
dlr_is_final(enum dlr_state s)
{
	return s != DLR_ENROUTE && s != DLR_ACCEPTED;
}

static int
dlr_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Length of word w at s (case-insensitive), 0 if not there. */
static size_t
dlr_word(const char *s, size_t left, const char *w)
{
	size_t	n = strlen(w);

	if (left < n || strncasecmp(s, w, n) != 0)
		return 0;
	return n;
}

/* Which key starts at s ("stat:", "submit  date :"); *used: through ':'. */
static enum dlr_field
dlr_key(const char *s, size_t left, size_t *used)
{
	size_t	k, p, n;

	for (k = 0; k < nitems(dlr_keys); k++) {
		if ((p = dlr_word(s, left, dlr_keys[k].w1)) == 0)
			continue;
		if (dlr_keys[k].w2 != NULL) {
			if (p == left || !dlr_isspace(s[p]))
				continue;
			while (p < left && dlr_isspace(s[p]))
				p++;
			n = dlr_word(s + p, left - p, dlr_keys[k].w2);
			if (n == 0)
				continue;
			p += n;
		}
		while (p < left && (s[p] == ' ' || s[p] == '\t'))
			p++;
		if (p < left && s[p] == ':') {
			*used = p + 1;
			return (enum dlr_field)k;
		}
	}
	return DLR_K_NONE;
}

/* A short decimal number, or -1. */
static int
dlr_num(const char *s, size_t len)
{
	size_t	i;
	int	n = 0;

	if (len == 0 || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return n;
}

/* YYMMDDhhmm or YYMMDDhhmmss; anything else leaves the date zero. */
static void
dlr_date(const char *s, size_t len, struct dlr_date *d)
{
	int	v[6] = { 0 };
	size_t	i;

	memset(d, 0, sizeof(*d));
	if (len != 10 && len != 12)
		return;
	for (i = 0; i < len; i += 2) {
		if (!isdigit((unsigned char)s[i]) ||
		    !isdigit((unsigned char)s[i + 1]))
			return;
		v[i / 2] = (s[i] - '0') * 10 + (s[i + 1] - '0');
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return;
	d->year = (uint16_t)(2000 + v[0]);
	d->mon = (uint8_t)v[1];
	d->day = (uint8_t)v[2];
	d->hour = (uint8_t)v[3];
	d->min = (uint8_t)v[4];
	d->sec = (uint8_t)v[5];
}

/* Copy as printable ASCII ('?' for anything else), truncating. */
static void
dlr_print(const char *s, size_t len, char *out, size_t sz)
{
	size_t	i;

	for (i = 0; i < len && i + 1 < sz; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}

/*
 * Tolerant scan: keys in any case and order, extra spaces, missing
 * fields, unknown words skipped; text: takes the rest of the message, so
 * nothing inside it is read as a field.
 */
int
dlr_parse_text(const char *sm, size_t len, struct dlr *d)
{
	const char	*v;
	size_t		 p = 0, used, vl, q;
	enum dlr_field	 k;
	int		 seen = 0;

	if (sm != NULL && memchr(sm, '\0', len) != NULL)
		len = (size_t)((const char *)memchr(sm, '\0', len) - sm);
	while (p < len) {
		while (p < len && dlr_isspace(sm[p]))
			p++;
		if (p == len)
			break;
		if ((k = dlr_key(sm + p, len - p, &used)) == DLR_K_NONE) {
			while (p < len && !dlr_isspace(sm[p]))
				p++;
			continue;
		}
		p += used;
		while (p < len && (sm[p] == ' ' || sm[p] == '\t'))
			p++;
		if (k == DLR_K_TEXT) {
			vl = len - p;
			while (vl > 0 && dlr_isspace(sm[p + vl - 1]))
				vl--;
			dlr_print(sm + p, vl, d->text, sizeof(d->text));
			break;
		}
		/* "stat: err:0": an empty value before the next key */
		if (dlr_key(sm + p, len - p, &q) != DLR_K_NONE)
			continue;
		v = sm + p;
		for (vl = 0; p < len && !dlr_isspace(sm[p]); p++)
			vl++;
		switch (k) {
		case DLR_K_ID:
			seen = 1;
			if (vl < sizeof(d->text_id)) {
				memcpy(d->text_id, v, vl);
				d->text_id[vl] = '\0';
			}
			break;
		case DLR_K_SUB:
			d->sub = dlr_num(v, vl);
			break;
		case DLR_K_DLVRD:
			d->dlvrd = dlr_num(v, vl);
			break;
		case DLR_K_SUBMIT:
			dlr_date(v, vl, &d->submit_date);
			break;
		case DLR_K_DONE:
			dlr_date(v, vl, &d->done_date);
			break;
		case DLR_K_STAT:
			seen = 1;
			dlr_print(v, vl, d->stat, sizeof(d->stat));
			if (vl < sizeof(d->stat) &&
			    dlr_stat_state(v, vl, &d->state) == 0)
				d->has_state = 1;
			break;
		case DLR_K_ERR:
			d->err = dlr_num(v, vl);
			break;
		default:
			break;
		}
	}
	d->is_text = seen;
	d->final = d->has_state && dlr_is_final(d->state);
	return seen ? 0 : -1;
}

/*
 * The TLVs are the machine-readable form and win over the text; the
 * text's err: (network specific) is kept over network_error_code.
 * "stat:DELIVRD err:002" is delivered: err never changes the state.
 */
int
dlr_parse(const char *sm, size_t len, const struct dlr_tlv *t, struct dlr *d)
{
	const char	*rid;
	size_t		 n;

	memset(d, 0, sizeof(*d));
	d->state = DLR_UNKNOWN;
	d->err = d->network_type = d->sub = d->dlvrd = -1;
	if (sm != NULL && len > 0)
		dlr_parse_text(sm, len, d);
	strlcpy(d->id, d->text_id, sizeof(d->id));
	if (t != NULL) {
		rid = t->receipted_message_id;
		if (rid != NULL && (n = strnlen(rid, DLR_ID_MAX)) > 0 &&
		    n < DLR_ID_MAX)
			memcpy(d->id, rid, n + 1);
		if (t->message_state >= DLR_ENROUTE &&
		    t->message_state <= DLR_REJECTED) {
			d->state = (enum dlr_state)t->message_state;
			d->has_state = 1;
		}
		if (t->network_error >= 0 && d->err < 0)
			d->err = t->network_error;
		if (t->network_type >= 0)
			d->network_type = t->network_type;
	}
	d->final = d->has_state && dlr_is_final(d->state);
	return d->id[0] != '\0' ? 0 : -1;
}

/* Decimal digits to lowercase hex without leading zeros; 0 or -1. */
static int
dlr_dec2hex(const char *s, size_t len, char *out, size_t sz)
{
	uint8_t	d[DLR_KEY_MAX];
	char	rev[DLR_KEY_MAX];
	size_t	i, n = 0, start = 0;
	unsigned int r;

	if (len == 0 || len > sizeof(d))
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		d[i] = (uint8_t)(s[i] - '0');
	}
	/* long division by 16, least significant hex digit first */
	while (start < len) {
		r = 0;
		for (i = start; i < len; i++) {
			r = r * 10 + d[i];
			d[i] = (uint8_t)(r / 16);
			r %= 16;
		}
		rev[n++] = "0123456789abcdef"[r];
		while (start < len && d[start] == 0)
			start++;
	}
	while (n > 1 && rev[n - 1] == '0')
		n--;
	if (n == 0)
		rev[n++] = '0';
	if (n >= sz)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
	return 0;
}

/*
 * Keys: base 0 is the id trimmed and lowercased; base 16 and 10 give the
 * value as lowercase hex without leading zeros, of any length (ids above
 * 64 bits exist).
 */
int
dlr_id_key(const char *id, int base, char *key, size_t sz)
{
	size_t	len, i, n;

	if (id == NULL || sz == 0)
		return -1;
	len = strnlen(id, DLR_ID_MAX);
	while (len > 0 && dlr_isspace(id[len - 1]))
		len--;
	while (len > 0 && dlr_isspace(*id)) {
		id++;
		len--;
	}
	if (len == 0 || len >= DLR_ID_MAX)
		return -1;
	switch (base) {
	case 0:
		if (len >= sz)
			return -1;
		for (i = 0; i < len; i++)
			key[i] = (char)tolower((unsigned char)id[i]);
		key[len] = '\0';
		return 0;
	case 10:
		while (len > 1 && *id == '0') {
			id++;
			len--;
		}
		return dlr_dec2hex(id, len, key, sz);
	case 16:
		if (len > 2 && id[0] == '0' && (id[1] == 'x' || id[1] == 'X')) {
			id += 2;
			len -= 2;
		}
		for (i = 0; i < len; i++)
			if (!isxdigit((unsigned char)id[i]))
				return -1;
		while (len > 1 && *id == '0') {
			id++;
			len--;
		}
		if (len >= sz)
			return -1;
		for (n = 0; n < len; n++)
			key[n] = (char)tolower((unsigned char)id[n]);
		key[n] = '\0';
		return 0;
	}
	return -1;
}

/* AUTO: a hex-looking id is a hex number, anything else a string. */
static int
dlr_key_auto(const char *id, char *key, size_t sz)
{
	if (dlr_id_key(id, 16, key, sz) == 0)
		return 0;
	return dlr_id_key(id, 0, key, sz);
}

int
dlr_key_submit(const char *id, enum dlr_idtype t, char *key, size_t sz)
{
	switch (t) {
	case DLR_ID_STRING:
		return dlr_id_key(id, 0, key, sz);
	case DLR_ID_HEX_DEC:
	case DLR_ID_HEX:
		return dlr_id_key(id, 16, key, sz);
	case DLR_ID_DEC_HEX:
	case DLR_ID_DEC:
		return dlr_id_key(id, 10, key, sz);
	case DLR_ID_AUTO:
		return dlr_key_auto(id, key, sz);
	}
	return -1;
}

/* AUTO adds, for an all-digit receipt id, its decimal value (Vonage). */
int
dlr_key_receipt(const char *id, enum dlr_idtype t, char key[2][DLR_KEY_MAX])
{
	int	rc;

	switch (t) {
	case DLR_ID_STRING:
		rc = dlr_id_key(id, 0, key[0], DLR_KEY_MAX);
		break;
	case DLR_ID_HEX_DEC:
	case DLR_ID_DEC:
		rc = dlr_id_key(id, 10, key[0], DLR_KEY_MAX);
		break;
	case DLR_ID_DEC_HEX:
	case DLR_ID_HEX:
		rc = dlr_id_key(id, 16, key[0], DLR_KEY_MAX);
		break;
	case DLR_ID_AUTO:
		if (dlr_key_auto(id, key[0], DLR_KEY_MAX) == -1)
			return -1;
		if (dlr_id_key(id, 10, key[1], DLR_KEY_MAX) == 0 &&
		    strcmp(key[0], key[1]) != 0)
			return 2;
		return 1;
	default:
		return -1;
	}
	return rc == 0 ? 1 : -1;
}

int
dlr_id_match(const char *submit_id, const char *receipt_id,
    enum dlr_idtype t)
{
	char	sk[DLR_KEY_MAX], rk[2][DLR_KEY_MAX];
	int	n, i;

	if (dlr_key_submit(submit_id, t, sk, sizeof(sk)) == -1)
		return 0;
	if ((n = dlr_key_receipt(receipt_id, t, rk)) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(sk, rk[i]) == 0)
			return 1;
	return 0;
}
