/*
 * hotlined main(): options, configuration, start-up refusals, detaching,
 * the pid file, signals and the event loop.  Everything the rooms share
 * lives in libhotline.a; this file only wires it together.
 */
#include "compat.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "admin.h"
#include "calendar.h"
#include "config.h"
#include "daemon.h"
#include "dbcheck.h"
#include "dbguard.h"
#include "engine.h"
#include "hooks.h"
#include "intake.h"
#include "log.h"
#include "screen.h"
#include "store.h"
#include "template.h"
#include "tokens.h"
#include "util.h"

#define HOTLINED_CONF	SYSCONFDIR "/hotlined.conf"

static void	usage(void) __attribute__((noreturn));
static void	hotlined_signal(evutil_socket_t, short, void *);
static void	hotlined_refuse(const char *) __attribute__((noreturn));
static int	hotlined_check(struct hotlined_conf *);
static int	hotlined_preflight(struct hotlined_conf *, struct conf_errors *);
static int	hotlined_dbcheck(struct hotlined_conf *, int);
static void	hotlined_dbcheck_line(void *, const char *);
static int	hotlined_log_dests(int);
static void	hotlined_conf_changed(void);
static int	hotlined_auditcheck(const char *, const char *);

static struct hotlined_conf	 conf;
static int			 base_level;	/* level after config and -v */
static int			 log_stderr = 1;	/* the log reaches stderr */
static char			*conf_text;	/* the file as started */
static size_t			 conf_textlen;

static void
usage(void)
{
	fprintf(stderr, "usage: hotlined [-dfntvV] [-c file]\n"
	    "       hotlined -C | -Q [-c file | database]\n"
	    "       hotlined -A database key-file\n");
	exit(1);
}

/* One line on stderr (and in the log, if open), then exit 1. */
static void
hotlined_refuse(const char *why)
{
	log_warnx("hotlined refusing to start: %s", why);
	if (!log_stderr)
		fprintf(stderr, "hotlined: refusing to start: %s\n", why);
	exit(1);
}

/*
 * The file, the files it references, and the start-up refusals: all of
 * them, every error collected, before anything is created or dialled.
 */
static int
hotlined_preflight(struct hotlined_conf *c, struct conf_errors *errs)
{
	conf_add_check("templates", template_conf_check, NULL);
	conf_add_check("calendar", calendar_conf_check, NULL);
	conf_add_check("rules", intake_rules_check, NULL);
	conf_add_check("screen", screen_conf_check, NULL);
	conf_add_check("model", intake_model_check, NULL);
	conf_add_check("tokens", tokens_conf_check, NULL);
	conf_add_check("database", dbguard_conf_check, NULL);
	conf_check_files(c, errs);
	daemon_preflight(c, errs);
	return errs->n > 0 ? -1 : 0;
}

/* -t: what hotlined_preflight() finds, on stderr. */
static int
hotlined_check(struct hotlined_conf *c)
{
	struct conf_errors	errs;

	memset(&errs, 0, sizeof(errs));
	if (hotlined_preflight(c, &errs) == -1) {
		fputs(errs.buf, stderr);
		conf_errors_free(&errs);
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}

static void
hotlined_dbcheck_line(void *arg, const char *line)
{
	printf("%s\n", line);
}

/*
 * -A DATABASE KEY: verify the audit chain through a connection of its own
 * (a snapshot: the daemon keeps going).  "intact", "first_bad N" or the
 * error on stdout; exit 0, 1 or 2 (dbcheck.h).
 */
static int
hotlined_auditcheck(const char *db, const char *key)
{
	char	err[1024];
	int64_t	bad = 0;
	int	rv;

	rv = dbcheck_audit(db, key, &bad, NULL, NULL, err, sizeof(err));
	if (rv == 0)
		printf("intact\n");
	else if (rv == 1)
		printf("first_bad %lld\n", (long long)bad);
	else
		printf("error %s\n", err);
	return rv;
}

/*
 * -C (PRAGMA integrity_check) and -Q (quick_check): the database, through a
 * connection of its own, never created; a running daemon may keep going
 * (the check reads a snapshot).  Problems on stdout, one a line; exit 0
 * intact, 1 damaged, 2 unreadable.  The admin API's db check runs this in
 * a child process, so the daemon's loop never waits for it.
 */
static int
hotlined_dbcheck(struct hotlined_conf *c, int full)
{
	char	err[1024];
	int	n;

	n = store_integrity(c->database, full, 100, hotlined_dbcheck_line,
	    NULL, err, sizeof(err));
	if (n == -1) {
		fprintf(stderr, "hotlined: %s\n", err);
		return 2;
	}
	if (n == 0)
		printf("ok\n");
	return n == 0 ? 0 : 1;
}

/*
 * Where the log goes besides the file.  Under systemd (the unit runs -f)
 * stderr is the journal's stream: lines go there with their priority,
 * once.  Otherwise under systemd (NOTIFY_SOCKET, JOURNAL_STREAM) or with
 * log-syslog yes, to syslog(3); else to stderr in the foreground only.
 */
static int
hotlined_log_dests(int foreground)
{
	int	dests = LOG_TO_FILE;

	if (foreground && log_stderr_is_journal())
		return dests | LOG_TO_STDERR | LOG_TO_JOURNAL;
	if (foreground)
		dests |= LOG_TO_STDERR;
	if (conf.log_syslog || getenv("NOTIFY_SOCKET") != NULL ||
	    getenv("JOURNAL_STREAM") != NULL)
		dests |= LOG_TO_SYSLOG;
	return dests;
}

/*
 * SIGHUP does not re-read hotlined.conf (hotlined.conf(5) RELOAD): when
 * the file differs from the one the daemon started with, say so, and
 * whether a restart would accept it, so nobody waits for a change that
 * only a restart makes.
 */
static void
hotlined_conf_changed(void)
{
	struct hotlined_conf	 c;
	struct conf_errors	 errs;
	char			*text, err[256];
	size_t			 len;

	if (conf_text == NULL || (text = read_file_max(conf.path,
	    CONF_FILE_MAX, &len, err, sizeof(err))) == NULL)
		return;
	if (len != conf_textlen || memcmp(text, conf_text, len) != 0) {
		memset(&c, 0, sizeof(c));
		memset(&errs, 0, sizeof(errs));
		if (conf_load(conf.path, &c, &errs) == -1)
			log_warnx("hotlined reload: %s changed since start and "
			    "has errors=%d (hotlined -t); the running "
			    "configuration stays", conf.path, errs.n);
		else
			log_warnx("hotlined reload: %s changed since start; "
			    "its options take effect at restart, the files "
			    "it names are reloaded now", conf.path);
		conf_free(&c);
		conf_errors_free(&errs);
	}
	explicit_bzero(text, len);
	free(text);
}

static void
hotlined_signal(evutil_socket_t sig, short ev, void *arg)
{
	int	level;

	switch (sig) {
	case SIGTERM:
		hook_shutdown("SIGTERM");
		break;
	case SIGINT:
		hook_shutdown("SIGINT");
		break;
	case SIGHUP:
		/* the configuration's files, never the log (SIGUSR1) */
		log_info("hotlined SIGHUP reload");
		hotlined_conf_changed();
		hook_reload();
		break;
	case SIGUSR1:
		/* logrotate: the log file alone, nothing reloaded */
		(void)hotlined_log_reopen("SIGUSR1");
		break;
	case SIGUSR2:
		/* up one step; after trace, back to info */
		level = log_getlevel() + 1;
		if (level > LOG_L_TRACE)
			level = LOG_L_INFO;
		log_setlevel(level);
		log_info("hotlined SIGUSR2 log-level=%s", log_strlevel(level));
		break;
	default:
		break;
	}
}

int
main(int argc, char *argv[])
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1,
				    SIGUSR2 };
	struct event		*ev_sig[nitems(sigs)];
	struct event_base	*base;
	struct hotline		*hl;	/* borrowed: engine.c frees it */
	struct conf_errors	 errs;
	const char		*conffile = HOTLINED_CONF;
	char			*p, *nl;
	char			 err[1024];
	size_t			 i;
	int			 ch, foreground = 0, verbose = 0, check = 0;
	int			 debug = 0, dests, dbcheck = 0;

	while ((ch = getopt(argc, argv, "ACc:dfnQtvV")) != -1) {
		switch (ch) {
		case 'A':
			dbcheck = 3;
			break;
		case 'C':
			dbcheck = 2;
			break;
		case 'Q':
			dbcheck = 1;
			break;
		case 'c':
			conffile = optarg;
			break;
		case 'd':
			debug = 1;
			foreground = 1;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
		case 't':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("hotlined %s%s\n", PACKAGE_VERSION,
			    clock_is_test() ? " test-clock" : "");
			return 0;
		default:
			usage();
		}
	}
	log_init(LOG_TO_STDERR, LOG_L_INFO, "hotlined");
	/* -C DATABASE: a file named, no configuration (the admin API's child) */
	/* -A DATABASE KEY: the audit chain (the admin API's child) */
	if (dbcheck == 3) {
		if (optind != argc - 2)
			usage();
		return hotlined_auditcheck(argv[optind], argv[optind + 1]);
	}
	if (dbcheck && optind == argc - 1) {
		conf.database = argv[optind];
		return hotlined_dbcheck(&conf, dbcheck == 2);
	}
	if (optind != argc)
		usage();

	memset(&errs, 0, sizeof(errs));
	if (conf_load(conffile, &conf, &errs) == -1) {
		fputs(errs.buf, stderr);
		conf_errors_free(&errs);
		return 1;
	}
	/*
	 * The whole process keeps the hotline's time (hotlined.conf(5),
	 * timezone): deadlines, quiet hours, case-number days and the log's
	 * local times all follow the zone the office works in, whatever the
	 * server's TZ.  conf_load() checked that the zone file exists.
	 */
	if (setenv("TZ", conf.timezone, 1) == -1)
		fatal("hotlined setenv TZ");
	tzset();
	if (check) {
		ch = hotlined_check(&conf);
		conf_free(&conf);
		return ch;
	}
	if (dbcheck) {
		ch = hotlined_dbcheck(&conf, dbcheck == 2);
		conf_free(&conf);
		return ch;
	}

	/* to tell, at a reload, whether the file changed since (SIGHUP) */
	conf_text = read_file_max(conf.path, CONF_FILE_MAX, &conf_textlen,
	    err, sizeof(err));
	base_level = conf.log_level + verbose;
	if (debug && base_level < LOG_L_DEBUG)
		base_level = LOG_L_DEBUG;
	if (base_level > LOG_L_TRACE)
		base_level = LOG_L_TRACE;

	/* its warnings come again in the log when the rooms load */
	log_init(0, LOG_L_WARN, "hotlined");
	ch = hotlined_preflight(&conf, &errs);
	log_init(LOG_TO_STDERR, LOG_L_INFO, "hotlined");
	if (ch == -1) {
		/* one line each: "hotlined: refusing to start: file:line: why" */
		for (p = errs.buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			fprintf(stderr, "hotlined: refusing to start: %.*s\n",
			    (int)(nl - p), p);
		conf_errors_free(&errs);
		return 1;
	}
	/* rooms read s->password; a password-file fills it in once, here */
	for (i = 0; i < conf.nsmsc; i++) {
		if (conf.smsc[i].password_file == NULL)
			continue;
		if (daemon_read_secret(conf.smsc[i].password_file,
		    &conf.smsc[i].password, err, sizeof(err)) == -1) {
			fprintf(stderr, "hotlined: refusing to start: smsc %s: "
			    "%s\n", conf.smsc[i].name, err);
			return 1;
		}
	}
	dests = hotlined_log_dests(foreground);
	log_init(dests, base_level, "hotlined");
	log_stderr = foreground;
	hotlined_set_log_file(conf.log_file);
	if (log_reopen(conf.log_file) == -1) {
		snprintf(err, sizeof(err), "log file %s: %s", conf.log_file,
		    strerror(errno));
		log_init(LOG_TO_STDERR, base_level, "hotlined");
		log_stderr = 1;
		hotlined_refuse(err);
	}
	if (daemon_pidfile_open(conf.pid_file, err, sizeof(err)) == -1)
		hotlined_refuse(err);
	if (!foreground) {
		if (daemon_detach(err, sizeof(err)) == -1)
			hotlined_refuse(err);
		log_init(dests & ~LOG_TO_STDERR, base_level, "hotlined");
	}
	if (daemon_pidfile_write() == -1)
		hotlined_refuse("cannot write the pid file");

	signal(SIGPIPE, SIG_IGN);
	/* a file-size limit is a full disk: the write fails, we go on */
	signal(SIGXFSZ, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("hotlined event_base_new failed");
	hook_set_base(base, conf.shutdown_timeout);
	for (i = 0; i < nitems(sigs); i++) {
		ev_sig[i] = evsignal_new(base, sigs[i], hotlined_signal, NULL);
		if (ev_sig[i] == NULL || evsignal_add(ev_sig[i], NULL) == -1)
			fatalx("hotlined cannot handle signal %d", sigs[i]);
	}

	if ((hl = engine_start(base, &conf, err, sizeof(err))) == NULL) {
		hook_exit();
		daemon_pidfile_remove();
		hotlined_refuse(err);
	}
	admin_data_conf(conf.retention_days, conf.key_file);
	if (admin_start(base, &conf.admin, engine_store(hl), err,
	    sizeof(err)) == -1) {
		hook_exit();
		daemon_pidfile_remove();
		hotlined_refuse(err);
	}

	log_info("hotlined started version=%s pid=%ld config=%s "
	    "log-level=%s timezone=%s%s%s", PACKAGE_VERSION, (long)getpid(),
	    conf.path, log_strlevel(base_level), conf.timezone,
	    foreground ? " foreground" : "",
	    (dests & LOG_TO_JOURNAL) ? " journal" :
	    (dests & LOG_TO_SYSLOG) ? " syslog" : "");
	/* the database is open and checked, every listener bound */
	daemon_ready();
	daemon_notify("READY=1");
	daemon_watchdog_start(base);
	event_base_dispatch(base);

	hook_exit();
	for (i = 0; i < nitems(sigs); i++)
		event_free(ev_sig[i]);
	event_base_free(base);
	daemon_pidfile_remove();
	log_info("hotlined stopped");
	conf_free(&conf);
	if (conf_text != NULL) {
		explicit_bzero(conf_text, conf_textlen);
		free(conf_text);
	}
	log_close();
	return 0;
}
