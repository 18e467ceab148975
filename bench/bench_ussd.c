/*
 * bench_ussd: a USSD gateway that keeps C sessions going at once against
 * hotlined, closed loop: each of C citizens (13800130000 + i) dials, and
 * answers every screen with the next choice of the script (1 my cases,
 * 1 the first case, 00, 00, 3 contact: six screens), then dials again.
 * It listens, takes hotlined's bind, optionally first files one SMS matter
 * per citizen (so "my cases" lists something), then runs S seconds and
 * prints sessions/s, screens/s and the time from each message sent to the
 * screen it caused (p50, p99, max).  A benchmark, not a test.
 * usage: bench_ussd port concurrency seconds [with-cases 0|1]
 *        bench_ussd port concurrency seconds rate GOFILE
 * rate: each citizen files a matter, waits until GOFILE exists (the caller
 * closes the cases meanwhile, so that each has a survey), then dials once
 * and rates its case (menu, 2, 1, 1): every confirmation waits for a
 * commit (synchronous=FULL); its own p99 is printed too.
 */
#include "compat.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smpp_pdu.h"
#include "smpp_ussd.h"

#define CMAX	4096
#define LATMAX	(1 << 22)

static const char *const menu_script[] = { "*12345#", "1", "1", "00", "00",
    "3", NULL };
static const char *const rate_script[] = { "*12345#", "2", "1", "1", NULL };
static const char *const *script = menu_script;

struct citizen {
	char	 msisdn[16];
	int	 dialog;
	size_t	 step;		/* next script entry to send */
	double	 sent_at;
};

static void	usage(void) __attribute__((noreturn));
static double	now(void);
static void	out_pdu(struct smpp_pdu *);
static void	send_step(struct citizen *, size_t);
static void	send_sms(struct citizen *);
static void	pump(int, int);
static void	on_pdu(const uint8_t *, size_t);
static int	cmp(const void *, const void *);

static uint8_t		 inbuf[1 << 20], outbuf[1 << 22];
static size_t		 have, outn;
static uint32_t		 seq = 1;
static struct citizen	 cit[CMAX];
static size_t		 ncit;
static double		*lat;
static size_t		 nlat;
static long long	 nsess, nscreens, nsms_resp, nacks;
static int		 bound, measuring, with_cases, rate;
static double		*last;		/* rate: the confirmations' times */
static size_t		 nlast;
static long long	 ndone;		/* rate: citizens finished */

static void
usage(void)
{
	fprintf(stderr, "usage: bench_ussd port concurrency seconds "
	    "[with-cases]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
out_pdu(struct smpp_pdu *p)
{
	size_t	len;

	if (smpp_pdu_encode(p, outbuf + outn, sizeof(outbuf) - outn, &len) ==
	    -1) {
		fprintf(stderr, "bench_ussd: output full\n");
		exit(1);
	}
	outn += len;
}

/* Citizen c's script entry i as a deliver_sm in its dialog. */
static void
send_step(struct citizen *c, size_t i)
{
	struct smpp_pdu		 p;
	struct smpp_ussd	 u;
	const char		*t = script[i];

	smpp_pdu_init(&p, SMPP_deliver_sm, seq++);
	strlcpy(p.u.deliver_sm.service_type, "USSD",
	    sizeof(p.u.deliver_sm.service_type));
	strlcpy(p.u.deliver_sm.source_addr, c->msisdn,
	    sizeof(p.u.deliver_sm.source_addr));
	strlcpy(p.u.deliver_sm.destination_addr, "*12345#",
	    sizeof(p.u.deliver_sm.destination_addr));
	p.u.deliver_sm.sm_length = (uint8_t)strlen(t);
	p.u.deliver_sm.short_message = (const uint8_t *)t;
	smpp_ussd_init(&u);
	u.op = i == 0 ? SMPP_USSD_PSSR_IND : SMPP_USSD_USSR_CONF;
	u.dialog = c->dialog;
	/* smpp_ussd_set() writes submit_sm only: add the TLVs by hand */
	u.wire[0] = (uint8_t)u.op;
	u.wire[1] = (uint8_t)(u.dialog >> 7);
	u.wire[2] = (uint8_t)(u.dialog << 1);
	smpp_tlv_add(&p, SMPP_TLV_ussd_service_op, &u.wire[0], 1);
	smpp_tlv_add(&p, SMPP_TLV_its_session_info, &u.wire[1], 2);
	out_pdu(&p);
	c->step = i + 1;
	c->sent_at = now();
}

/* One matter by SMS from citizen c (UCS-2 "路灯坏了"). */
static void
send_sms(struct citizen *c)
{
	static const uint8_t	 sm[] = { 0x8d, 0xef, 0x70, 0x6f, 0x57, 0x4f,
				    0x4e, 0x86, 0xff, 0x0c, 0x53, 0xf7,
				    0x00, 0x30 };
	struct smpp_pdu		 p;
	uint8_t			 b[sizeof(sm)];

	memcpy(b, sm, sizeof(sm));
	b[sizeof(b) - 1] = (uint8_t)('0' + (c - cit) % 10);
	smpp_pdu_init(&p, SMPP_deliver_sm, seq++);
	strlcpy(p.u.deliver_sm.source_addr, c->msisdn,
	    sizeof(p.u.deliver_sm.source_addr));
	strlcpy(p.u.deliver_sm.destination_addr, "12345",
	    sizeof(p.u.deliver_sm.destination_addr));
	p.u.deliver_sm.data_coding = 8;
	p.u.deliver_sm.sm_length = sizeof(b);
	p.u.deliver_sm.short_message = b;
	out_pdu(&p);
}

static void
on_pdu(const uint8_t *buf, size_t len)
{
	struct smpp_pdu		 p, r;
	struct smpp_ussd	 u;
	struct citizen		*c;
	size_t			 i;

	if (smpp_pdu_decode(&p, buf, len, len) != ESME_ROK)
		return;
	switch (p.command_id) {
	case SMPP_bind_transceiver:
		smpp_pdu_init(&r, SMPP_bind_transceiver_resp,
		    p.sequence_number);
		strlcpy(r.u.bind_transceiver_resp.system_id, "bench",
		    sizeof(r.u.bind_transceiver_resp.system_id));
		out_pdu(&r);
		bound = 1;
		return;
	case SMPP_enquire_link:
		smpp_pdu_init(&r, SMPP_enquire_link_resp, p.sequence_number);
		out_pdu(&r);
		return;
	case SMPP_deliver_sm_resp:
		nsms_resp++;
		return;
	case SMPP_submit_sm:
		smpp_pdu_init(&r, SMPP_submit_sm_resp, p.sequence_number);
		snprintf(r.u.submit_sm_resp.message_id,
		    sizeof(r.u.submit_sm_resp.message_id), "%u",
		    p.sequence_number);
		out_pdu(&r);
		break;
	default:
		return;
	}
	if (smpp_ussd_get(&p, &u) != 1) {
		nacks++;		/* an SMS: the matter's acknowledgement */
		return;
	}
	for (i = 0; i < ncit; i++)
		if (strcmp(cit[i].msisdn, p.u.submit_sm.destination_addr) == 0)
			break;
	if (i == ncit)
		return;
	c = &cit[i];
	if (measuring && nlat < LATMAX)
		lat[nlat++] = now() - c->sent_at;
	nscreens++;
	if (rate && (script[c->step] == NULL || u.end)) {
		if (nlast < LATMAX)
			last[nlast++] = now() - c->sent_at;
		ndone++;
		return;
	}
	if (script[c->step] == NULL || u.end) {
		nsess++;
		c->dialog = (c->dialog + 1) & SMPP_USSD_DIALOG_MAX;
		send_step(c, 0);
	} else
		send_step(c, c->step);
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Read what came, frame it, write what waits; wait at most ms. */
static void
pump(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		n;
	size_t		off;
	uint32_t	len;

	if (outn > 0)
		pfd.events |= POLLOUT;
	if (poll(&pfd, 1, ms) <= 0)
		return;
	if (pfd.revents & POLLOUT) {
		if ((n = write(fd, outbuf, outn)) > 0) {
			memmove(outbuf, outbuf + n, outn - (size_t)n);
			outn -= (size_t)n;
		}
	}
	if (pfd.revents & (POLLIN | POLLHUP)) {
		n = read(fd, inbuf + have, sizeof(inbuf) - have);
		if (n <= 0) {
			fprintf(stderr, "bench_ussd: hotlined closed\n");
			exit(1);
		}
		have += (size_t)n;
		off = 0;
		while (have - off >= 4 &&
		    (len = smpp_get32(inbuf + off)) <= have - off) {
			if (len < SMPP_HDR_LEN) {
				fprintf(stderr, "bench_ussd: bad PDU\n");
				exit(1);
			}
			on_pdu(inbuf + off, len);
			off += len;
		}
		memmove(inbuf, inbuf + off, have - off);
		have -= off;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	const char		*errstr;
	double			 t0, t1, secs;
	long long		 s0, sc0;
	size_t			 i;
	int			 ls, fd, one = 1, port, seconds;

	if (argc < 4 || argc > 6)
		usage();
	port = (int)strtonum(argv[1], 1, 65535, &errstr);
	if (errstr != NULL)
		usage();
	ncit = (size_t)strtonum(argv[2], 1, CMAX, &errstr);
	if (errstr != NULL)
		usage();
	seconds = (int)strtonum(argv[3], 1, 3600, &errstr);
	if (errstr != NULL)
		usage();
	with_cases = argc >= 5 && strcmp(argv[4], "1") == 0;
	if (argc == 6 && strcmp(argv[4], "rate") == 0) {
		rate = with_cases = 1;
		script = rate_script;
	} else if (argc == 6)
		usage();
	if ((lat = calloc(LATMAX, sizeof(*lat))) == NULL ||
	    (last = calloc(LATMAX, sizeof(*last))) == NULL)
		return 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(ls, 1) == -1 || (fd = accept(ls, NULL, NULL)) == -1) {
		perror("bench_ussd");
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < ncit; i++) {
		snprintf(cit[i].msisdn, sizeof(cit[i].msisdn), "138%08zu",
		    130000 + i);
		cit[i].dialog = (int)(i & SMPP_USSD_DIALOG_MAX);
	}
	t0 = now();
	while (!bound && now() - t0 < 30)
		pump(fd, 100);
	if (with_cases) {
		for (i = 0; i < ncit; i++)
			send_sms(&cit[i]);
		t0 = now();
		while (nacks < (long long)ncit && now() - t0 < 120)
			pump(fd, 100);
	}
	if (rate) {
		/* the caller closes the cases, then says go */
		t0 = now();
		while (access(argv[5], F_OK) == -1 && now() - t0 < 600)
			pump(fd, 50);
		measuring = 1;
		t0 = now();
		for (i = 0; i < ncit; i++)
			send_step(&cit[i], 0);
		while (ndone < (long long)ncit && now() - t0 < seconds)
			pump(fd, 10);
		secs = now() - t0;
		qsort(lat, nlat, sizeof(*lat), cmp);
		qsort(last, nlast, sizeof(*last), cmp);
		printf("%11zu %10.0f %10.0f %9.2f %9.2f %9.2f %8s\n", ncit,
		    ndone / secs, nscreens / secs, nlat ? lat[nlat / 2] * 1e3 :
		    0, nlat ? lat[nlat * 99 / 100] * 1e3 : 0, nlat ?
		    lat[nlat - 1] * 1e3 : 0, "rate");
		printf("%11s confirmations: %lld of %zu, p50 %.2f ms, p99 %.2f "
		    "ms, max %.2f ms (each after its commit)\n", "",
		    (long long)nlast, ncit, nlast ? last[nlast / 2] * 1e3 : 0,
		    nlast ? last[nlast * 99 / 100] * 1e3 : 0, nlast ?
		    last[nlast - 1] * 1e3 : 0);
		return 0;
	}
	for (i = 0; i < ncit; i++)
		send_step(&cit[i], 0);
	/* warm up one second, then measure */
	t0 = now();
	while (now() - t0 < 1)
		pump(fd, 10);
	measuring = 1;
	s0 = nsess;
	sc0 = nscreens;
	t0 = now();
	while ((t1 = now()) - t0 < seconds)
		pump(fd, 10);
	secs = t1 - t0;
	qsort(lat, nlat, sizeof(*lat), cmp);
	printf("%11zu %10.0f %10.0f %9.2f %9.2f %9.2f %8s\n", ncit,
	    (nsess - s0) / secs, (nscreens - sc0) / secs,
	    nlat ? lat[nlat / 2] * 1e3 : 0, nlat ? lat[nlat * 99 / 100] * 1e3 :
	    0, nlat ? lat[nlat - 1] * 1e3 : 0, with_cases ? "yes" : "no");
	return 0;
}
