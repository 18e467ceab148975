/*
 * SMPP PDU codec speed: decodes and encodes per second, on one core, of a
 * 40-character UCS-2 deliver_sm (an MO in Chinese) and a submit_sm (a
 * reply with a receipt request and a SAR part), printed as one table.
 * Usage: bench_pdu [seconds per row, default 1].  Target: 5,000,000
 * deliver_sm decodes/s (issue 3).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smpp_pdu.h"

/* What one timed operation works on. */
struct job {
	const uint8_t		*buf;	/* a framed PDU to decode */
	size_t			 len;
	const struct smpp_pdu	*pdu;	/* a PDU to encode */
	uint64_t		 sink;	/* keeps the work from being elided */
};

static double	now(void);
static void	make_deliver(struct smpp_pdu *, const uint8_t *);
static void	make_submit(struct smpp_pdu *, const uint8_t *);
static int	op_decode(struct job *);
static int	op_encode(struct job *);
static double	run(int (*)(struct job *), struct job *, double);
static void	row(const char *, size_t, double);

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
make_deliver(struct smpp_pdu *p, const uint8_t *text)
{
	struct smpp_deliver_sm	*b = &p->u.deliver_sm;

	smpp_pdu_init(p, SMPP_deliver_sm, 4711);
	b->source_addr_ton = 1;
	b->source_addr_npi = 1;
	strlcpy(b->source_addr, "8613800138000", sizeof(b->source_addr));
	b->dest_addr_npi = 1;
	strlcpy(b->destination_addr, "123450417", sizeof(b->destination_addr));
	b->data_coding = 8;
	b->sm_length = 80;
	b->short_message = text;
}

static void
make_submit(struct smpp_pdu *p, const uint8_t *text)
{
	struct smpp_submit_sm	*b = &p->u.submit_sm;

	smpp_pdu_init(p, SMPP_submit_sm, 4712);
	b->source_addr_ton = 5;
	strlcpy(b->source_addr, "12345", sizeof(b->source_addr));
	b->dest_addr_ton = 1;
	b->dest_addr_npi = 1;
	strlcpy(b->destination_addr, "8613800138000",
	    sizeof(b->destination_addr));
	b->registered_delivery = 1;
	b->data_coding = 8;
	b->sm_length = 80;
	b->short_message = text;
	smpp_tlv_add_int(p, SMPP_TLV_sar_msg_ref_num, 0x1234);
	smpp_tlv_add_int(p, SMPP_TLV_sar_total_segments, 2);
	smpp_tlv_add_int(p, SMPP_TLV_sar_segment_seqnum, 1);
}

/* One decode of the framed PDU in job; fails the run on error. */
static int
op_decode(struct job *j)
{
	struct smpp_pdu	pdu;

	if (smpp_pdu_decode(&pdu, j->buf, j->len, j->len) != ESME_ROK)
		return -1;
	j->sink += pdu.u.deliver_sm.sm_length + pdu.ntlv;
	return 0;
}

/* One encode of job's PDU. */
static int
op_encode(struct job *j)
{
	uint8_t	buf[512];
	size_t	len;

	if (smpp_pdu_encode(j->pdu, buf, sizeof(buf), &len) == -1)
		return -1;
	j->sink += len + buf[len - 1];
	return 0;
}

/* Repeat op for secs; operations/s. */
static double
run(int (*op)(struct job *), struct job *j, double secs)
{
	double		t0, t;
	uint64_t	n = 0;
	int		i;

	t0 = now();
	do {
		for (i = 0; i < 100000; i++)
			if (op(j) == -1) {
				fprintf(stderr, "bench_pdu: codec failed\n");
				exit(1);
			}
		n += i;
	} while ((t = now() - t0) < secs);
	return n / t;
}

static void
row(const char *what, size_t octets, double rate)
{
	printf("%-36s %6zu %14.0f %8.1f\n", what, octets, rate, 1e9 / rate);
}

int
main(int argc, char *argv[])
{
	struct smpp_pdu	 dlv, sub;
	uint8_t		 text[80], dbuf[512], sbuf[512];
	size_t		 dlen, slen, i;
	struct job	 jd, js;
	double		 secs = 1.0;

	if (argc > 1 && (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_pdu [seconds]\n");
		return 1;
	}
	for (i = 0; i < 40; i++) {		/* 40 CJK characters */
		text[2 * i] = 0x4e + (i & 1);
		text[2 * i + 1] = (uint8_t)(0x10 + i);
	}
	make_deliver(&dlv, text);
	make_submit(&sub, text);
	if (smpp_pdu_encode(&dlv, dbuf, sizeof(dbuf), &dlen) == -1 ||
	    smpp_pdu_encode(&sub, sbuf, sizeof(sbuf), &slen) == -1) {
		fprintf(stderr, "bench_pdu: encode failed\n");
		return 1;
	}

	printf("%-36s %6s %14s %8s\n", "pdu", "octets", "PDUs/s", "ns/PDU");
	jd = (struct job){ dbuf, dlen, &dlv, 0 };
	js = (struct job){ sbuf, slen, &sub, 0 };
	row("decode deliver_sm (40 UCS-2 chars)", dlen,
	    run(op_decode, &jd, secs));
	row("encode deliver_sm (40 UCS-2 chars)", dlen,
	    run(op_encode, &jd, secs));
	row("decode submit_sm (80 octets, SAR)", slen,
	    run(op_decode, &js, secs));
	row("encode submit_sm (80 octets, SAR)", slen,
	    run(op_encode, &js, secs));
	fprintf(stderr, "bench_pdu: checksum %llu\n",
	    (unsigned long long)(jd.sink + js.sink));
	return 0;
}
