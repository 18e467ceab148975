/*
 * hotlined main(): options, daemon lifecycle, signals and the event loop.
 */
#include "hotlined.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

static void	usage(void) __attribute__((noreturn));
static void	hotlined_signal(evutil_socket_t, short, void *);

static struct event_base *base;

static void
usage(void)
{
	fprintf(stderr, "usage: hotlined [-dfntvV] [-c file]\n");
	exit(1);
}

static void
hotlined_signal(evutil_socket_t sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("hotlined shutting down signal=%d", (int)sig);
		event_base_loopexit(base, NULL);
		break;
	case SIGHUP:
		log_info("hotlined reload");
		break;
	default:
		break;
	}
}

int
main(int argc, char *argv[])
{
	struct event	*ev_term, *ev_int, *ev_hup;
	const char	*conffile = HOTLINED_CONF;
	int		 ch, foreground = 0, verbose = LOG_L_INFO, check = 0;

	while ((ch = getopt(argc, argv, "c:ftvV")) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 't':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("hotlined %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init(LOG_TO_STDERR, verbose, "hotlined");
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	(void)foreground;
	(void)conffile;

	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("hotlined event_base_new failed");
	ev_term = evsignal_new(base, SIGTERM, hotlined_signal, NULL);
	ev_int = evsignal_new(base, SIGINT, hotlined_signal, NULL);
	ev_hup = evsignal_new(base, SIGHUP, hotlined_signal, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_hup, NULL);
	log_info("hotlined started version=%s", PACKAGE_VERSION);
	event_base_dispatch(base);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	event_base_free(base);
	log_info("hotlined stopped");
	return 0;
}
