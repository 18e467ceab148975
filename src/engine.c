/*
 * engine: the daemon's rooms, started in dependency order with their hooks.
 * The store opens first and closes last; the bearers (SMSC sessions,
 * Kannel's listener) start last, once everything a received text needs is
 * in place, and stop first.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "admin.h"
#include "alert.h"
#include "calendar.h"
#include "commit.h"
#include "config.h"
#include "crypto.h"
#include "dbguard.h"
#include "deadline.h"
#include "engine.h"
#include "hooks.h"
#include "health.h"
#include "inbound.h"
#include "kannel.h"
#include "lifecycle.h"
#include "log.h"
#include "mo.h"
#include "notify.h"
#include "outbox.h"
#include "screen.h"
#include "smsc.h"
#include "store.h"
#include "template.h"
#include "ussd.h"
#include "util.h"

#define ENGINE_BATCH_MAX	512	/* messages per group commit at most */
#define ENGINE_WAL_CHECK_MS	1000	/* the WAL file looked at when idle */

static void	engine_exit(void *);
static int	engine_shutdown(void *);
static void	engine_smsc_closed(void *);
static void	engine_status(json_t *, void *);
static int	engine_open_store(struct hotline *, char *, size_t);
static int	engine_start_rooms(struct hotline *, char *, size_t);
static int	engine_start_path(struct hotline *, char *, size_t);
static void	engine_wal_timer(evutil_socket_t, short, void *);
static void	engine_backlog(struct hotline *);

struct store *
engine_store(const struct hotline *hl)
{
	return hl->store;
}

struct hotline *
engine_start(struct event_base *base, const struct hotlined_conf *conf,
    char *err, size_t errlen)
{
	struct timeval		 tv = { ENGINE_WAL_CHECK_MS / 1000,
				    (ENGINE_WAL_CHECK_MS % 1000) * 1000 };
	struct hotline		*hl;
	uint8_t			 logkey[CRYPTO_HASH_LEN];

	hl = xcalloc(1, sizeof(*hl));
	hl->base = base;
	hl->conf = conf;
	if (engine_open_store(hl, err, errlen) == -1)
		goto fail;
	/* masked numbers in the log get a tag keyed from the data key */
	if (crypto_log_key(hl->crypto, logkey) == -1) {
		snprintf(err, errlen, "key file %s: cannot derive the log key",
		    conf->key_file);
		goto fail;
	}
	log_msisdn_key(logkey);
	explicit_bzero(logkey, sizeof(logkey));
	/* from here on, hook_exit() frees hl whatever start-up did */
	hook_on_exit("store", engine_exit, hl);
	if ((hl->ev_wal = event_new(base, -1, EV_PERSIST, engine_wal_timer,
	    hl)) == NULL || evtimer_add(hl->ev_wal, &tv) == -1)
		fatalx("engine cannot arm the WAL check");
	if (engine_start_path(hl, err, errlen) == -1)
		return NULL;
	hook_on_shutdown("smsc", engine_shutdown, hl);
	admin_on_status("engine", engine_status, hl);
	/* after the SMSC hooks: it stops taking texts before they unbind */
	if (kannel_start(base, conf, err, errlen) == -1)
		return NULL;
	/* texts a crash left between store and intake */
	inbound_sweep(hl->inbound);
	outbox_kick(hl->outbox);
	return hl;
 fail:
	store_close(hl->store);
	crypto_free(hl->crypto);
	free(hl);
	return NULL;
}

/*
 * The core path, each room given what it borrows: the group commit over
 * the store, the outbox, mo.c and the reception into it, the daemon's own
 * doings, the SMSC links.  The rooms outside it reach these through
 * commit_default() and its likes.
 */
static int
engine_start_path(struct hotline *hl, char *err, size_t errlen)
{
	const struct hotlined_conf	*conf = hl->conf;
	char				 why[512];
	int				 n;

	hl->commit = commit_new(hl->base, hl->store, conf->group_commit_delay,
	    ENGINE_BATCH_MAX);
	if (conf->wal_sync == CONF_WAL_SYNC_THREAD) {
		if (commit_sync_thread(hl->commit, hl->base, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "wal-sync thread: %s", why);
			return -1;
		}
	} else
		log_info("commit wal-sync=inline");
	commit_set_default(hl->commit);
	hl->outbox = outbox_new(hl->base, hl->store, hl->commit, 0);
	outbox_set_default(hl->outbox);
	if ((hl->mo = mo_new(hl->store, conf, hl->commit, hl->outbox, why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	mo_set_default(hl->mo);
	hook_on_reload("rules", mo_reload, hl->mo);
	if (engine_start_rooms(hl, err, errlen) == -1)
		return -1;
	hl->inbound = inbound_new(hl->base, hl->store, hl->commit, hl->mo,
	    conf->concat_timeout, conf->retransmit_window);
	inbound_set_default(hl->inbound);
	ussd_init(hl->base, hl->store, conf->ussd_timeout);
	hl->notify = notify_new(hl->base, hl->store, conf, hl->commit,
	    hl->outbox);
	alert_init(hl->base, hl->store, conf->alert_repeat);
	if ((n = store_outbox_reset_inflight(hl->store)) > 0)
		log_info("outbox %d messages in flight at the last stop go out "
		    "again", n);
	engine_backlog(hl);
	if ((hl->smsc = smsc_new(hl->base, conf, hl->inbound,
	    hl->outbox)) == NULL) {
		snprintf(err, errlen, "cannot set up the SMSC sessions");
		return -1;
	}
	smsc_set_default(hl->smsc);
	return 0;
}

/*
 * The rooms a text is read and answered with: the calendar, the
 * templates and the safety screen, each reloaded on SIGHUP; and the
 * lifecycle's working days and deadline rule on that calendar.
 */
static int
engine_start_rooms(struct hotline *hl, char *err, size_t errlen)
{
	const struct hotlined_conf	*conf = hl->conf;
	struct conf_errors		 errs;

	memset(&errs, 0, sizeof(errs));
	if (calendar_start(conf, &errs) == -1 ||
	    template_start(conf, &errs) == -1 ||
	    screen_start(conf, &errs) == -1) {
		snprintf(err, errlen, "%s", errs.buf ? errs.buf : "start-up");
		conf_errors_free(&errs);
		return -1;
	}
	conf_errors_free(&errs);
	hook_on_reload("calendar", calendar_reload, (void *)conf);
	hook_on_reload("templates", template_reload, (void *)conf);
	hook_on_reload("screen", screen_reload, NULL);
	lifecycle_set_workdays(calendar_lc_workdays, NULL);
	lifecycle_set_due(mo_deadline, hl->mo);
	lifecycle_set_due_days(deadline_lc_due_days, NULL);
	if (conf->deadline_profile == CONF_PROFILE_GUANGDONG_2022)
		lifecycle_set_help_limit("help", 0);
	return 0;
}

/*
 * Start-up says what it found waiting (issue 15: 13,567 acknowledgements
 * sat queued and only sqlite3 could tell), and, from November on, that
 * next year's holidays are missing from the calendar.
 */
static void
engine_backlog(struct hotline *hl)
{
	const struct hotlined_conf	*conf = hl->conf;
	struct store_obs_outbox		 o;
	int				 today, year;

	health_conf(conf->admin.health_outbox_age, conf->admin.health_disk_min,
	    conf->kannel.enabled);
	if (store_obs_outbox(hl->store, &o) == 0)
		log_info("outbox backlog queued=%lld held=%lld oldest-age=%llds",
		    (long long)o.queued, (long long)o.held, o.oldest > 0 ?
		    (long long)(((int64_t)clock_now_ms() - o.oldest) / 1000) :
		    0LL);
	if (cal_date_local(clock_now(), &today, NULL) == 0 &&
	    health_calendar_late(today, &year))
		log_warnx("calendar year %d missing from %s: deadlines after "
		    "New Year will count weekends only; add the State "
		    "Council's holidays (hotlined.calendar(5))", year,
		    conf->calendar);
}

/*
 * The key and the database, checked together before either is created or
 * written (dbguard.h): refuse, create the key of a new database, or open
 * both; then the record beside the key names the database.
 */
static int
engine_open_store(struct hotline *hl, char *err, size_t errlen)
{
	const struct hotlined_conf	*conf = hl->conf;
	struct dbguard_state		 g;
	struct dbguard_record		 rec;
	struct store_opts		 opts;
	char				 why[1024], kcv[CRYPTO_KCV_LEN + 1];
	const char			*ident;

	if (dbguard_look(&g, conf->key_file, conf->database, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	switch (dbguard_decide(&g, why, sizeof(why))) {
	case DBGUARD_REFUSE:
		snprintf(err, errlen, "%s", why);
		return -1;
	case DBGUARD_CREATE_KEY:
		log_info("engine key created for a new database key-file=%s",
		    conf->key_file);
		break;
	case DBGUARD_START:
		break;
	}
	if ((hl->crypto = crypto_open(conf->key_file, why, sizeof(why))) ==
	    NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (crypto_check_value(hl->crypto, kcv) == -1 ||
	    dbguard_check_key(&g, kcv, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	memset(&opts, 0, sizeof(opts));
	opts.case_prefix = conf->case_prefix;
	opts.no_wal_gather = !conf->wal_write_gather;
	opts.checkpoint_thread = conf->checkpoint == CONF_CHECKPOINT_THREAD;
	opts.checkpoint_wake = conf->checkpoint_pages;
	if ((hl->store = store_open(conf->database, hl->crypto, &opts, why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	ident = store_ident(hl->store, &rec.created_at);
	if (ident[0] != '\0' && (!g.has_record ||
	    strcmp(g.record.ident, ident) != 0)) {
		strlcpy(rec.ident, ident, sizeof(rec.ident));
		strlcpy(rec.kcv, kcv, sizeof(rec.kcv));
		if (dbguard_write(conf->key_file, &rec, why, sizeof(why)) ==
		    -1) {
			snprintf(err, errlen, "key-file record: %s", why);
			return -1;
		}
		log_info("engine key-file record written database=%.8s "
		    "path=%s%s", ident, conf->key_file, DBGUARD_SUFFIX);
	}
	return 0;
}

/* Idle or busy, a deleted WAL is noticed within a second (store.h). */
static void
engine_wal_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct hotline	*hl = arg;

	if (hl->store != NULL && !store_in_batch(hl->store))
		store_wal_check(hl->store);
}

/* GET /v1/status: what the bearers, the commits and the outbox have done. */
static void
engine_status(json_t *st, void *arg)
{
	struct hotline		*hl = arg;
	struct store_obs_outbox	o;
	struct store_citmap_stats cs;
	uint64_t	parts, dups, texts, sent, failed, retried, receipts;
	uint64_t	batches, bfailed, refused, undone;
	uint64_t	ubegun, uscreens, urated;
	size_t		largest;
	int		failing;

	inbound_stats(hl->inbound, &parts, &dups, &texts);
	outbox_stats(hl->outbox, &sent, &failed, &retried, &receipts);
	commit_stats(hl->commit, &batches, &bfailed, &largest);
	json_object_set_new(st, "database", json_string(hl->store != NULL &&
	    store_failed(hl->store) != NULL ? store_failed(hl->store) : "ok"));
	commit_health(hl->commit, &failing, &refused, &undone);
	json_object_set_new(st, "smsc_bound",
	    json_integer(smsc_bound(hl->smsc)));
	json_object_set_new(st, "inbound", json_pack("{s:I,s:I,s:I}",
	    "parts", (json_int_t)parts, "duplicates", (json_int_t)dups,
	    "texts", (json_int_t)texts));
	json_object_set_new(st, "outbox", json_pack("{s:I,s:I,s:I,s:I}",
	    "sent", (json_int_t)sent, "failed", (json_int_t)failed,
	    "retried", (json_int_t)retried, "receipts", (json_int_t)receipts));
	ussd_stats(&ubegun, &uscreens, &urated);
	json_object_set_new(st, "ussd", json_pack("{s:I,s:I,s:I,s:I}",
	    "sessions", (json_int_t)ussd_sessions(), "begun",
	    (json_int_t)ubegun, "screens", (json_int_t)uscreens, "rated",
	    (json_int_t)urated));
	/* what waits, so that status shows a backlog (issue 15) */
	if (hl->store != NULL && store_obs_outbox(hl->store, &o) == 0) {
		json_object_set_new(json_object_get(st, "outbox"), "queued",
		    json_integer((json_int_t)o.queued));
		json_object_set_new(json_object_get(st, "outbox"), "held",
		    json_integer((json_int_t)o.held));
		json_object_set_new(json_object_get(st, "outbox"),
		    "oldest_age_s", json_integer(o.oldest > 0 ?
		    (json_int_t)(((int64_t)clock_now_ms() - o.oldest) / 1000) :
		    0));
	}
	json_object_set_new(st, "commits", json_pack("{s:I,s:I,s:I,s:b,s:I,"
	    "s:I,s:I,s:I}", "batches", (json_int_t)batches, "failed",
	    (json_int_t)bfailed, "largest", (json_int_t)largest, "failing",
	    failing, "refused", (json_int_t)refused, "undone",
	    (json_int_t)undone, "syncs", (json_int_t)commit_syncs_made(
	    hl->commit), "unsynced", (json_int_t)commit_syncs_waiting(
	    hl->commit)));
	/* citizens lagging behind the rows (v24, store_citmap.c) */
	if (hl->store != NULL) {
		store_citmap_stats(hl->store, &cs);
		json_object_set_new(st, "citizens", json_pack("{s:I,s:I,s:I}",
		    "lagging", (json_int_t)cs.lagging, "frozen",
		    (json_int_t)cs.frozen, "passes", (json_int_t)cs.passes));
	}
}

static void
engine_smsc_closed(void *arg)
{
	struct hotline	*hl = arg;

	hl->smsc_stopped = 1;
	hook_shutdown_done("smsc");
}

/*
 * Answer what is committed-to-be first (deliver_sm_resp after the last
 * commit), then unbind every session; the loop ends once they are closed.
 */
static int
engine_shutdown(void *arg)
{
	struct hotline	*hl = arg;

	commit_flush(hl->commit);
	/* refusals held for a pause: answer them now */
	commit_release(hl->commit);
	hl->smsc_stopped = 0;
	smsc_stop(hl->smsc, engine_smsc_closed, hl);
	return hl->smsc_stopped ? 0 : 1;
}

/* After the loop: commit what is pending, then close the store. */
static void
engine_exit(void *arg)
{
	struct hotline	*hl = arg;
	uint64_t	 committed = 0, failed = 0;
	size_t		 largest = 0;

	if (hl->commit != NULL)
		commit_stats(hl->commit, &committed, &failed, &largest);
	if (hl->ev_wal != NULL)
		event_free(hl->ev_wal);
	notify_free(hl->notify);
	commit_free(hl->commit);
	alert_shutdown();
	outbox_free(hl->outbox);
	inbound_free(hl->inbound);
	ussd_shutdown();
	smsc_free(hl->smsc);
	mo_free(hl->mo);
	template_stop(NULL);
	calendar_stop(NULL);
	screen_stop(NULL);
	store_close(hl->store);
	crypto_free(hl->crypto);
	free(hl);
	log_info("engine stopped batches=%llu failed=%llu largest=%zu",
	    (unsigned long long)committed, (unsigned long long)failed,
	    largest);
}
