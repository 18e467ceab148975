/*
 * bench_esme: the fastest ESME we can write, to measure what smscsim
 * offers.  Binds as receiver, answers every deliver_sm at once (one write
 * per read), and prints deliver_sm/s after n of them.
 * usage: bench_esme port n
 */
#include "compat.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void	usage(void) __attribute__((noreturn));
static uint32_t	get32(const uint8_t *);
static void	put32(uint8_t *, uint32_t);
static double	now(void);

static uint8_t	inbuf[1 << 20];
static uint8_t	outbuf[1 << 20];

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	const char		*errstr;
	uint8_t			 bind[64];
	size_t			 have = 0, off, outn, n;
	long long		 want, got = 0;
	uint32_t		 len, cmd;
	ssize_t			 r;
	double			 t0 = 0;
	int			 s, one = 1;

	if (argc != 3)
		usage();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(strtonum(argv[1], 1, 65535, &errstr));
	if (errstr != NULL)
		usage();
	want = strtonum(argv[2], 1, 1LL << 40, &errstr);
	if (errstr != NULL)
		usage();
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("bench_esme: connect");
		return 1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	n = 16;
	/* system_id, password, system_type, 0x34, ton, npi, address_range */
	memcpy(bind + n, "hotline\0secret\0\0\x34\0\0\0", 20);
	n += 20;
	put32(bind, n);
	put32(bind + 4, 0x00000001);		/* bind_receiver */
	put32(bind + 8, 0);
	put32(bind + 12, 1);
	if (write(s, bind, n) != (ssize_t)n)
		return 1;

	while (got < want) {
		if ((r = read(s, inbuf + have, sizeof(inbuf) - have)) <= 0) {
			fprintf(stderr, "bench_esme: connection lost after "
			    "%lld\n", got);
			return 1;
		}
		have += r;
		off = outn = 0;
		while (have - off >= 16) {
			len = get32(inbuf + off);
			if (len < 16 || len > sizeof(inbuf) / 2) {
				fprintf(stderr, "bench_esme: bad length\n");
				return 1;
			}
			if (have - off < len)
				break;
			cmd = get32(inbuf + off + 4);
			if (cmd == 0x00000005 || cmd == 0x00000015) {
				/* deliver_sm_resp "" / enquire_link_resp */
				put32(outbuf + outn, cmd == 5 ? 17 : 16);
				put32(outbuf + outn + 4, cmd | 0x80000000U);
				put32(outbuf + outn + 8, 0);
				memcpy(outbuf + outn + 12, inbuf + off + 12, 4);
				outn += 16;
				if (cmd == 5) {
					outbuf[outn++] = 0;
					if (got++ == 0)
						t0 = now();
				}
			} else if (cmd == 0x80000001 &&
			    get32(inbuf + off + 8) != 0) {
				fprintf(stderr, "bench_esme: bind refused\n");
				return 1;
			}
			off += len;
		}
		memmove(inbuf, inbuf + off, have - off);
		have -= off;
		if (outn > 0 && write(s, outbuf, outn) != (ssize_t)outn) {
			perror("bench_esme: write");
			return 1;
		}
	}
	printf("bench_esme: %lld deliver_sm in %.3f s: %.0f MO/s\n", got,
	    now() - t0, (double)(got - 1) / (now() - t0));
	close(s);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_esme port n\n");
	exit(2);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
