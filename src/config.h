/*
 * The configuration of the whole daemon: struct hotlined_conf, filled by
 * conf_load() from a "key value" file with named blocks (hotlined.conf(5)).
 * Durations are milliseconds, sizes bytes, times of day minutes after
 * midnight, booleans 0/1, paths absolute (resolved against the file's dir).
 *
 * Note: the autoconf header is also called config.h; it is reached through
 * compat.h (first include of every .c file), this one as "config.h" from
 * src/ (the including file's directory is searched first).  This header
 * includes compat.h so either order works.
 */
#ifndef HOTLINED_CONFIG_H
#define HOTLINED_CONFIG_H

#include "compat.h"

#include <stddef.h>
#include <stdint.h>

/* configure's directories: the package's /var/lib/hotlined, ... */
#define HOTLINED_STATEDIR	LOCALSTATEDIR "/lib/hotlined"
#define HOTLINED_LOGDIR		LOCALSTATEDIR "/log/hotlined"
#define HOTLINED_RUNDIR		RUNSTATEDIR "/hotlined"

#define CONF_LINE_MAX	4096		/* longest line accepted */
#define CONF_FILE_MAX	(1024 * 1024)	/* largest file accepted */
#define CONF_ERRORS_MAX	100		/* errors kept before giving up */
#define CONF_TOP_MAX	48		/* top-level options, see conf_line() */

/* checkpoint: who copies the WAL into the database file (store.h) */
enum conf_checkpoint {
	CONF_CHECKPOINT_THREAD = 0,	/* a thread of the store's own */
	CONF_CHECKPOINT_INLINE		/* the loop, in the commit (SQLite's) */
};

/* wal-sync: who makes a group commit's sync of the WAL (commit_sync.c) */
enum conf_wal_sync {
	CONF_WAL_SYNC_THREAD = 0,	/* a thread; the loop goes on */
	CONF_WAL_SYNC_INLINE		/* SQLite, in the commit */
};

enum conf_profile {
	CONF_PROFILE_HEYUAN = 0,	/* the Measures' own limits (Art. 17, 18) */
	CONF_PROFILE_GUANGDONG_2022	/* Guangdong's 2022 provincial rule */
};

enum conf_bind_mode {
	CONF_BIND_TRX = 0,		/* one bind_transceiver */
	CONF_BIND_TX_RX			/* bind_transmitter + bind_receiver */
};

/* How submit_sm_resp ids and receipt ids compare (Kannel's msg-id-type). */
enum conf_msgid_type {
	CONF_MSGID_AUTO = 0,		/* normalise: dec/hex, case, leading 0 */
	CONF_MSGID_STRING,		/* compare literally */
	CONF_MSGID_DEC_DEC,		/* submit_sm_resp id, receipt id */
	CONF_MSGID_HEX_DEC,
	CONF_MSGID_DEC_HEX,
	CONF_MSGID_HEX_HEX
};

enum conf_concat_mode {
	CONF_CONCAT_UDH8 = 0,		/* UDH IEI 0x00, 8-bit reference */
	CONF_CONCAT_UDH16,		/* UDH IEI 0x08, 16-bit reference */
	CONF_CONCAT_SAR,		/* sar_* TLVs */
	CONF_CONCAT_PAYLOAD		/* one message_payload TLV */
};

/* How a gateway names a USSD session (its dialect, ussd.h). */
enum conf_ussd_session {
	CONF_USSD_ITS_SESSION = 0,	/* its_session_info dialog id */
	CONF_USSD_UMR,			/* user_message_reference */
	CONF_USSD_NUMBER		/* the number alone */
};

/* One "smsc NAME { ... }" block: an SMPP 3.4 peer. */
/* A set of SMPP command_status values: ranges lo-hi (a code: lo == hi). */
#define CONF_CODES_MAX	32
struct conf_codes {
	size_t		 n;
	struct {
		uint32_t lo, hi;
	}		 r[CONF_CODES_MAX];
};

struct conf_smsc {
	char		*name;
	int		 line;			/* where the block opens */
	char		*host;
	int		 port;
	int		 tls;
	char		*tls_ca;		/* NULL: system store */
	char		*tls_cert;		/* NULL: no client cert */
	char		*tls_key;
	char		*tls_verify_name;	/* NULL: host */
	char		*system_id;
	char		*password;		/* NULL: none; main() fills it */
	char		*password_file;		/* from here at start-up */
	char		*system_type;
	int		 bind_mode;		/* enum conf_bind_mode */
	int		 addr_ton;
	int		 addr_npi;
	char		*address_range;
	int		 window;		/* submits in flight */
	int		 throughput;		/* messages per second */
	int64_t		 enquire_interval;	/* ms */
	int64_t		 response_timeout;	/* ms */
	int64_t		 bind_timeout;		/* ms */
	int64_t		 reconnect_min;		/* ms */
	int64_t		 reconnect_max;		/* ms */
	int		 msg_id_type;		/* enum conf_msgid_type */
	int		 concat_mode;		/* enum conf_concat_mode */
	size_t		 max_pdu_size;		/* bytes */
	struct conf_codes temporary_errors;	/* submit statuses to retry */
	/* USSD dialect (ussd.c): session naming, ussd_service_op values */
	int		 ussd_session;		/* enum conf_ussd_session */
	int		 ussd_in_begin;		/* a dial */
	int		 ussd_in_continue;	/* a choice in the session */
	struct conf_codes ussd_in_abort;	/* values that end it */
	int		 ussd_out_continue;	/* a screen awaiting a choice */
	int		 ussd_out_end;		/* the last screen */
	int		 ussd_out_abort;	/* sent on our timeout, -1: none */
	int		 ussd_service_type;	/* submit_sm service_type "USSD" */
};

/* "admin { ... }": the HTTP/JSON admin API (hotlinectl). */
struct conf_admin {
	char		*listen;		/* numeric address */
	int		 port;
	char		*tokens_file;
	int		 tls;
	char		*tls_cert;
	char		*tls_key;
	size_t		 max_body;		/* bytes */
	int		 max_conns;		/* connections at once */
	int64_t		 request_timeout;	/* ms from a request's first byte */
	int64_t		 health_outbox_age;	/* ms: older queued: degraded */
	size_t		 health_disk_min;	/* bytes free under the database */
	int		 metrics_auth;		/* enum conf_metrics_auth */
};

enum conf_metrics_auth {
	CONF_METRICS_TOKEN = 0,		/* any token of the tokens file */
	CONF_METRICS_NONE		/* anyone who reaches the listener */
};

/* "survey { ... }": the satisfaction survey after closure (Art. 15). */
struct conf_survey {
	int		 enabled;
	int64_t		 delay;			/* ms after closure */
	int		 quiet_start;		/* minutes after midnight */
	int		 quiet_end;		/* equal to quiet_start: none */
	int64_t		 remind_after;		/* ms */
	int64_t		 expire_after;		/* ms */
};

/* "kannel { ... }": Kannel smsbox as the bearer instead of direct SMPP. */
struct conf_kannel {
	int		 enabled;
	char		*listen;		/* get-url / dlr-url listener */
	int		 port;
	char		*secret_file;		/* NULL: no shared secret */
	char		*sendsms_url;
	char		*sendsms_user;
	char		*sendsms_password_file;
	char		*dlr_url;		/* NULL: built from listen/port */
	char		*allow_from;		/* caller address, or "any" */
	int		 window;		/* sendsms requests at once */
	char		*sendsms_smsc;		/* smsc= for sendsms, or NULL */
	int		 max_conns;		/* get-url connections at once */
	int64_t		 request_timeout;	/* ms from a request's first byte */
};

struct hotlined_conf {
	char		*path;			/* the file loaded, absolute */
	char		*database;
	char		*key_file;
	char		*pid_file;
	char		*log_file;
	int		 log_level;		/* enum log_level */
	int		 log_syslog;
	char		*templates;		/* directory */
	char		*rules;
	char		*model;			/* NULL: "none", the rules alone */
	int		 classify_min_score;	/* percent; -1: the model's */
	int		 classify_min_margin;	/* percent; -1: the model's */
	char		*calendar;
	char		*screen;		/* the safety screen's lexicon */
	int64_t		 alert_repeat;		/* ms: log an unacknowledged
						   alert again after this */
	int		 deadline_profile;	/* enum conf_profile */
	int		 efficiency_days;	/* working days */
	int		 classify_days;		/* to classify, working days */
	char		*case_prefix;		/* A-Z0-9, 1-8 characters */
	char		*service_number;	/* digits */
	int		 extension_digits;	/* survey extension code */
	int64_t		 group_commit_delay;	/* ms */
	int		 wal_write_gather;	/* store_vfs.c: gather */
	int		 wal_sync;	/* enum conf_wal_sync */
	int		 checkpoint;	/* enum conf_checkpoint */
	int		 checkpoint_pages;	/* WAL frames a checkpoint */
	int64_t		 concat_timeout;	/* ms */
	int64_t		 retransmit_window;	/* ms: same text = SMSC resend */
	int		 max_new_cases_per_hour;	/* per number */
	int		 max_replies_per_hour;		/* per number */
	int		 max_result_parts;	/* SMS parts of a result */
	int64_t		 shutdown_timeout;	/* ms */
	int64_t		 ussd_timeout;		/* ms a USSD session waits */
	char		*timezone;		/* IANA zone of the hotline */
	int		 retention_days;	/* 0: keep texts and numbers */
	int		 escalate_after;	/* working days overdue */

	struct conf_smsc *smsc;			/* nsmsc blocks, file order */
	size_t		 nsmsc;
	struct conf_admin admin;
	struct conf_survey survey;
	struct conf_kannel kannel;

	int		 lines[CONF_TOP_MAX];	/* see conf_line() */
};

/*
 * Collected errors: "file:line: message" lines (or "file: message" when no
 * line applies), in the order found.
 */
struct conf_errors {
	char		*buf;			/* NUL-terminated, "\n" after each */
	size_t		 len;
	size_t		 cap;
	int		 n;
};

/* 1 if code is in the set. */
int	 conf_codes_has(const struct conf_codes *, uint32_t code);
/* Parse "0x08,0x45,0x400-0x4ff" (hex or decimal) or "none"; 0 or -1. */
int	 conf_parse_codes(const char *, struct conf_codes *);

/* Fill conf with every default (no smsc block). */
void	 conf_defaults(struct hotlined_conf *conf);
/* Load path into conf; 0, or -1 with every error in errs. */
int	 conf_load(const char *path, struct hotlined_conf *conf,
	    struct conf_errors *errs);
/* Load from memory; name is used in messages and to resolve relative paths. */
int	 conf_load_buf(const char *name, const char *data, size_t len,
	    struct hotlined_conf *conf, struct conf_errors *errs);
/* Free what conf owns and zero it; conf_free(NULL) does nothing. */
void	 conf_free(struct hotlined_conf *conf);
/* Line where a top-level option was set, for messages; 0: a default. */
int	 conf_line(const struct hotlined_conf *, const char *key);
/* Find an smsc block by name; NULL when there is none. */
const struct conf_smsc *conf_smsc_find(const struct hotlined_conf *,
	    const char *name);

/* Append one error; line 0 means the whole file. */
void	 conf_error(struct conf_errors *, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Log every collected error as a warning of module ("calendar ..."). */
void	 conf_errors_log(const struct conf_errors *errs, const char *module);
/*
 * SIGHUP's reload of a file the daemon swaps whole (calendar, templates,
 * screen), one way for all: load(path) anew; on failure log every error and
 * "MODULE reload failed: keeping the old WHAT", and return NULL.  The
 * caller swaps what it returns in with its *_set_current().
 */
void	*conf_reload(const char *module, const char *what, const char *path,
	    void *(*load)(const char *, struct conf_errors *));
/* Free the error text and zero errs. */
void	 conf_errors_free(struct conf_errors *errs);

/*
 * Checks of the files the configuration references, run by "hotlined -t".
 * A check appends to errs and returns 0 or -1.  Rooms register theirs with
 * conf_add_check() (e.g. templates parse, rules compile, calendar covers
 * this year); conf_check_files() runs the built-in existence checks, then
 * every registered check.
 */
typedef int	(*conf_check_fn)(const struct hotlined_conf *,
		    struct conf_errors *, void *arg);
/* Register a named check for "hotlined -t"; run in registration order. */
void	 conf_add_check(const char *name, conf_check_fn fn, void *arg);
/* Run the built-in and registered checks; 0, or -1 with errors in errs. */
int	 conf_check_files(const struct hotlined_conf *, struct conf_errors *);

/*
 * Read a regular file whole, up to max + 1 bytes (a length over max means
 * the file is too long: the caller says so), NUL-terminated; NULL with the
 * error in errs.  Free the result.
 */
char	*conf_read_file(const char *path, size_t max, size_t *lenp,
	    struct conf_errors *errs);

/* Parse "30s", "10m", "2h", "1d", "250ms" (bare: seconds) into ms; 0 or -1. */
int	 conf_parse_duration(const char *, int64_t *ms);
/* Parse "512", "64k", "1M", "1G" into bytes; 0 or -1. */
int	 conf_parse_size(const char *, uint64_t *bytes);
/* Parse "HH:MM" into minutes after midnight; 0 or -1. */
int	 conf_parse_time(const char *, int *minutes);
/* Format ms the way the file writes it ("10m", "1500ms") into buf. */
const char *conf_fmt_duration(int64_t ms, char *buf, size_t len);
/* Name of an enum value of the option "key" (e.g. "bind-mode"); "?" if none. */
const char *conf_strenum(const char *key, int value);

#endif /* HOTLINED_CONFIG_H */
