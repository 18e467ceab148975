/*
 * httpd: what the admin API and the Kannel listener add around libevent's
 * evhttp, which on its own spins on accept() errors (out of descriptors),
 * takes any number of connections, restarts its timeout at every byte (a
 * client sending one byte a second holds a connection forever) and refuses
 * some requests (a header block too large, a malformed request line)
 * without a word to the application.  A guard on a listener:
 *
 *  - pauses the listener HTTPD_PAUSE_MS after an accept() error instead
 *    of retrying at once, and says so at most once a minute;
 *  - stops accepting at max_conns connections at once (further clients
 *    wait in the kernel's backlog) and resumes when one closes;
 *  - closes a connection whose request (line, headers and body) has not
 *    all arrived timeout_ms after its first byte (or after the accept),
 *    however steadily it trickles; time the application spends on a
 *    request and writing the answer is not counted;
 *  - logs every request evhttp answers itself with an error status.
 */
#ifndef HOTLINED_HTTPD_H
#define HOTLINED_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct bufferevent;
struct event_base;
struct evhttp;
struct evhttp_bound_socket;
struct evhttp_request;
struct json_t;

#define HTTPD_PAUSE_MS		1000	/* listener paused after an error */
#define HTTPD_RESERVE_FDS	64	/* descriptors kept for all else */

/* Makes the bufferevent a connection reads through (TLS), or NULL. */
typedef struct bufferevent *(*httpd_bev_fn)(struct event_base *, void *);

struct httpd_stats {
	uint64_t	 accepted;	/* connections taken */
	uint64_t	 accept_errors;	/* accept() failures (each a pause) */
	uint64_t	 at_cap;	/* times the cap stopped the listener */
	uint64_t	 timeouts;	/* requests cut by the deadline */
	uint64_t	 refused;	/* error statuses evhttp gave itself */
	unsigned	 open;		/* connections now */
};

struct httpd;

/*
 * Guard http's bound socket sock under name (the log word: "admin",
 * "kannel").  max_conns 0: no cap; timeout_ms 0: no deadline; mkbev NULL:
 * plain sockets.  NULL on failure (out of memory at start-up).
 */
struct httpd	*httpd_guard(struct event_base *, struct evhttp *,
		    struct evhttp_bound_socket *, const char *name,
		    int max_conns, int64_t timeout_ms, size_t max_headers,
		    httpd_bev_fn mkbev, void *arg);
/* Stop accepting and free the listener (evhttp_del_accept_socket()). */
void		 httpd_unlisten(struct httpd *);
/*
 * Free the guard; after evhttp_free(), whose connections are closed a
 * loop turn later.  httpd_free(NULL) does nothing.
 */
void		 httpd_free(struct httpd *);
/* The handler has req: whatever it answers, it logs itself. */
void		 httpd_dispatched(struct httpd *, struct evhttp_request *);
/*
 * Call fn(arg) if req's connection closes while a handler holds req (fn
 * NULL: no longer); never evhttp_connection_set_closecb() on ours.
 */
int		 httpd_on_close(struct evhttp_request *, void (*fn)(void *),
		    void *arg);
void		 httpd_stats(const struct httpd *, struct httpd_stats *);
/* GET /v1/status: {"http": {NAME: {open, accepted, ...}, ...}}. */
void		 httpd_status(struct json_t *, void *);
/*
 * Whether a Content-Type value names the media type type (ASCII case
 * aside), alone or followed by parameters: "application/json;
 * charset=utf-8" is application/json, "application/jsonp" is not.
 */
int		 httpd_media_is(const char *ct, const char *type);
/* 1 for a numeric address only this machine reaches (127/8, ::1). */
int		 httpd_is_loopback(const char *addr);

#endif /* HOTLINED_HTTPD_H */
