/*
 * hotlinectl: the operators' command-line client of the admin API, as
 * smtpctl is of smtpd.  One request per run over libevent's HTTP client;
 * tables for people, --json for scripts.  Exit: 0 ok, 1 the server said
 * no, 2 usage, 3 no connection.  See hotlinectl(8).
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "calendar.h"
#include "daemon.h"
#include "dbcheck.h"
#include "log.h"
#include "report.h"
#include "stats.h"
#include "tokens.h"
#include "util.h"

#define CTL_OK		0
#define CTL_SERVER	1
#define CTL_USAGE	2
#define CTL_CONNECT	3

#define CTL_SERVER_DEFAULT	"127.0.0.1:8345"
#define CTL_HOST_MAX		256
#define CTL_ARG_MAX		64	/* longest command word or argument */
#define CTL_TEXT_MAX		4000	/* longest text (result, reason) */
#define CTL_REPLY_MAX		(4 * 1024 * 1024)
#define CTL_TIMEOUT		15	/* seconds */
#define CTL_DBCHECK_TIMEOUT	3600	/* db check reads the whole file */

struct ctl {
	char		 host[CTL_HOST_MAX];
	int		 port;
	char		*token;
	int		 json;
	int		 tls;		/* -s https://... */
	const char	*ca;		/* --ca; NULL: the system's */
};

struct ctl_reply {
	int		 status;	/* 0: no HTTP answer */
	int		 error;		/* enum evhttp_request_error, or -1 */
	int		 sock_errno;
	char		*body;
	size_t		 len;
};

struct ctl_cmd {
	const char	*word1;
	const char	*word2;		/* NULL: one word */
	int		 minargs;
	int		 maxargs;
	int		 needs_token;
	int		(*fn)(struct ctl *, char **);
	const char	*usage;
	const char	*op;		/* case OP NUMBER TEXT: the route */
	const char	*field;		/* and the body's text field */
};

static void	 usage(void) __attribute__((noreturn));
static void	 ctl_die(int, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));
static int	 ctl_parse_server(struct ctl *, const char *);
static int	 ctl_check_arg(const char *, const char *);
static const char *ctl_safe(const char *, char *, size_t);
static void	 ctl_probe(struct ctl *, const char *);
static void	 ctl_cb(struct evhttp_request *, void *);
static struct evhttp_connection *ctl_tls_connection(struct ctl *,
		    struct event_base *);
static void	 ctl_errcb(enum evhttp_request_error, void *);
static json_t	*ctl_request(struct ctl *, int, const char *, json_t *);
static void	 ctl_table(json_t *);
static void	 ctl_print_value(json_t *);
static int	 cmd_status(struct ctl *, char **);
static int	 cmd_loglevel(struct ctl *, char **);
static int	 cmd_log_reopen(struct ctl *, char **);
static int	 cmd_case_show(struct ctl *, char **);
static int	 cmd_audit_verify(struct ctl *, char **);
static int	 cmd_db_check(struct ctl *, char **);
static int	 cmd_backup(struct ctl *, char **);
static int	 cmd_retention(struct ctl *, char **);
static int	 ctl_audit_offline(struct ctl *, char **);
static void	 ctl_audit_progress(void *, int64_t, int64_t);
static double	 ctl_now(void);
static int	 cmd_hash_token(struct ctl *, char **);
static int	 ctl_output(struct ctl *, json_t *, void (*)(json_t *));
static void	 ctl_case_table(json_t *);
static int	 cmd_case_list(struct ctl *, char **);
static int	 ctl_get(struct ctl *, const char *, char *,
		    void (*)(json_t *));
static int	 cmd_case_citizen(struct ctl *, char **);
static int	 cmd_case_text(struct ctl *, char **);
static int	 cmd_case_dispatch(struct ctl *, char **);
static int	 cmd_case_extend(struct ctl *, char **);
static int	 cmd_case_supervise(struct ctl *, char **);
static int	 cmd_unit_add(struct ctl *, char **);
static int	 cmd_unit_list(struct ctl *, char **);
static int	 cmd_kb_add(struct ctl *, char **);
static int	 cmd_kb_update(struct ctl *, char **);
static int	 cmd_kb_list(struct ctl *, char **);
static int	 cmd_case_classify(struct ctl *, char **);
static int	 cmd_case_queue(struct ctl *, char **);
static int	 cmd_case_labels(struct ctl *, char **);
static int	 cmd_alert_list(struct ctl *, char **);
static int	 cmd_alert_show(struct ctl *, char **);
static int	 cmd_alert_ack(struct ctl *, char **);
static int	 cmd_alert_citizen(struct ctl *, char **);
static int	 cmd_health(struct ctl *, char **);
static int	 cmd_queue_list(struct ctl *, char **);
static int	 cmd_queue_show(struct ctl *, char **);
static int	 cmd_queue_op(struct ctl *, char **);
static int	 cmd_smsc_list(struct ctl *, char **);
static int	 cmd_smsc_op(struct ctl *, char **);
static int	 cmd_stats(struct ctl *, char **);
static int	 cmd_report(struct ctl *, char **);
static int	 cmd_publish(struct ctl *, char **);

static int	ctl_timeout = CTL_TIMEOUT;	/* seconds, per request */
static int	ctl_accept;		/* a status taken like a 2xx (health) */

static const struct ctl_cmd cmds[] = {
	{ "status", NULL, 0, 0, 1, cmd_status, "status", NULL, NULL },
	{ "log-level", NULL, 0, 1, 1, cmd_loglevel, "log-level [LEVEL]", NULL, NULL },
	{ "log", "reopen", 0, 0, 1, cmd_log_reopen, "log reopen", NULL, NULL },
	{ "case", "show", 1, 1, 1, cmd_case_show, "case show NUMBER", NULL, NULL },
	{ "case", "list", 0, 20, 1, cmd_case_list, "case list [--state S] "
	    "[--category C] [--unit U] [--overdue] [--supervised]\n\t    "
	    "[--confidential] [--from DATE] [--to DATE] [--limit N] "
	    "[--before NUMBER]", NULL, NULL },
	{ "case", "answer", 2, 2, 1, cmd_case_text,
	    "case answer NUMBER RESULT", "answer", "result" },
	{ "case", "dispatch", 2, 2 + 16 + 4, 1, cmd_case_dispatch,
	    "case dispatch NUMBER LEAD [CO ...] [--due DATE] "
	    "[--approval TEXT]", NULL, NULL },
	{ "case", "approve", 2, 2, 1, cmd_case_text,
	    "case approve NUMBER PROPOSAL", "approval", "proposal" },
	{ "case", "return", 2, 2, 1, cmd_case_text,
	    "case return NUMBER REASON", "return", "reason" },
	{ "case", "extend", 3, 3, 1, cmd_case_extend,
	    "case extend NUMBER DAYS|DATE REASON", NULL, NULL },
	{ "case", "supervise", 2, 3, 1, cmd_case_supervise,
	    "case supervise NUMBER REASON [NOTE]", NULL, NULL },
	{ "case", "close", 1, 2, 1, cmd_case_text,
	    "case close NUMBER [RESULT]", "close", "result" },
	{ "case", "reopen", 2, 2, 1, cmd_case_text,
	    "case reopen NUMBER REASON", "reopen", "reason" },
	{ "case", "reply", 2, 2, 1, cmd_case_text,
	    "case reply NUMBER RESULT", "reply", "result" },
	{ "case", "note", 2, 2, 1, cmd_case_text, "case note NUMBER TEXT",
	    "note", "text" },
	{ "case", "citizen", 2, 3, 1, cmd_case_citizen,
	    "case citizen NUMBER [--reason] REASON", NULL, NULL },
	{ "case", "classify", 2, 3, 1, cmd_case_classify,
	    "case classify NUMBER CATEGORY [REASON]", NULL, NULL },
	{ "case", "queue", 0, 4, 1, cmd_case_queue,
	    "case queue [--limit N] [--offset N]", NULL, NULL },
	{ "case", "labels", 0, 2, 1, cmd_case_labels,
	    "case labels [--after ID]", NULL, NULL },
	{ "unit", "add", 2, 3, 1, cmd_unit_add,
	    "unit add CODE NAME [CONTACT]", NULL, NULL },
	{ "unit", "list", 0, 0, 1, cmd_unit_list, "unit list", NULL, NULL },
	{ "kb", "add", 2, 3, 1, cmd_kb_add,
	    "kb add KEYWORDS ANSWER [UNIT]", NULL, NULL },
	{ "kb", "update", 3, 7, 1, cmd_kb_update, "kb update ID [--keywords K] "
	    "[--answer A] [--unit U]", NULL, NULL },
	{ "kb", "list", 0, 3, 1, cmd_kb_list,
	    "kb list [--stale] [--days N]", NULL, NULL },
	{ "alert", "list", 0, 1, 1, cmd_alert_list, "alert list [--all]", NULL,
	    NULL },
	{ "alert", "show", 1, 1, 1, cmd_alert_show, "alert show ID", NULL,
	    NULL },
	{ "alert", "ack", 2, 2, 1, cmd_alert_ack, "alert ack ID NOTE", NULL,
	    NULL },
	{ "alert", "citizen", 2, 2, 1, cmd_alert_citizen,
	    "alert citizen ID REASON", NULL, NULL },
	{ "audit", "verify", 0, 4, 1, cmd_audit_verify,
	    "audit verify [--db FILE --key FILE]", NULL, NULL },
	{ "stats", NULL, 0, 12, 1, cmd_stats, "stats [units | flags] [--day D "
	    "| --week [D] | --month [YYYY-MM]\n\t    | --from D --to D] [--by "
	    "category|unit|channel|day] [--csv]\n\t    [--weights FILE]", NULL,
	    NULL },
	{ "report", NULL, 2, 14, 1, cmd_report, "report [--day D | --week [D] | "
	    "--month [YYYY-MM] | --from D --to D] -o FILE.html\n\t    "
	    "[--pdf FILE.pdf] [--weights FILE]", NULL, NULL },
	{ "publish", NULL, 2, 10, 1, cmd_publish, "publish --from D --to D "
	    "[-o FILE] [--format csv|json|html]", NULL, NULL },
	{ "db", "check", 0, 1, 1, cmd_db_check, "db check [--quick]", NULL, NULL },
	{ "backup", NULL, 1, 1, 1, cmd_backup, "backup FILE", NULL, NULL },
	{ "retention", "apply", 0, 1, 1, cmd_retention,
	    "retention apply [--dry-run]", NULL, NULL },
	{ "hash-token", NULL, 0, 0, 0, cmd_hash_token, "hash-token", NULL, NULL },
	/* issue 15: see what it is doing (the block at the end of the file) */
	{ "health", NULL, 0, 0, 2, cmd_health, "health", NULL, NULL },
	{ "queue", "list", 0, 6, 1, cmd_queue_list, "queue list [--state S] "
	    "[--after ID] [--limit N]", NULL, NULL },
	{ "queue", "show", 1, 1, 1, cmd_queue_show, "queue show ID", NULL,
	    NULL },
	{ "queue", "hold", 1, 1, 1, cmd_queue_op, "queue hold ID", "hold",
	    NULL },
	{ "queue", "release", 1, 1, 1, cmd_queue_op, "queue release ID",
	    "release", NULL },
	{ "queue", "retry", 1, 1, 1, cmd_queue_op, "queue retry ID", "retry",
	    NULL },
	{ "queue", "cancel", 2, 2, 1, cmd_queue_op, "queue cancel ID REASON",
	    "cancel", NULL },
	{ "smsc", "list", 0, 0, 1, cmd_smsc_list, "smsc list", NULL, NULL },
	{ "smsc", "stop", 1, 1, 1, cmd_smsc_op, "smsc stop NAME", "stop", NULL },
	{ "smsc", "start", 1, 1, 1, cmd_smsc_op, "smsc start NAME", "start",
	    NULL },
};

static const char	*progname = "hotlinectl";
static const struct ctl_cmd *ctl_cur;	/* the command running */

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: hotlinectl [--json] [--ca file] "
	    "[-s [https://]host:port] [-t token | -T file]\n"
	    "                  command [arg ...]\ncommands:\n");
	for (i = 0; i < nitems(cmds); i++)
		fprintf(stderr, "\t%s\n", cmds[i].usage);
	exit(CTL_USAGE);
}

static void
ctl_die(int code, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Usage error unless s is printable ASCII of at most CTL_ARG_MAX bytes. */
static int
ctl_check_arg(const char *what, const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CTL_ARG_MAX)
			ctl_die(CTL_USAGE, "%s: longer than %d bytes", what,
			    CTL_ARG_MAX);
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			ctl_die(CTL_USAGE, "%s: only printable ASCII without "
			    "blanks", what);
	}
	if (i == 0)
		ctl_die(CTL_USAGE, "%s: empty", what);
	return 0;
}

/* Untrusted text for a message: cut, non-printables shown as '?'. */
static const char *
ctl_safe(const char *s, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i < len - 4; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	buf[i] = '\0';
	if (s[i] != '\0')
		strlcat(buf, "...", len);
	return buf;
}

/* "[https://]host:port", "[v6]:port" or "host"; 0 or -1. */
static int
ctl_parse_server(struct ctl *c, const char *s)
{
	const char	*colon, *host, *errstr;
	size_t		 hlen;

	if (strlen(s) >= CTL_HOST_MAX)
		return -1;
	if (strncmp(s, "https://", 8) == 0) {
		c->tls = 1;
		s += 8;
	} else if (strncmp(s, "http://", 7) == 0)
		s += 7;
	if (*s == '[') {
		host = s + 1;
		if ((colon = strchr(host, ']')) == NULL)
			return -1;
		hlen = colon - host;
		colon++;
		if (*colon != '\0' && *colon != ':')
			return -1;
		if (*colon == '\0')
			colon = NULL;
	} else {
		host = s;
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon)
			return -1;	/* bare IPv6: needs brackets */
		hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (hlen == 0 || hlen >= sizeof(c->host) ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:") < hlen)
		return -1;
	memcpy(c->host, host, hlen);
	c->host[hlen] = '\0';
	c->port = 8345;
	if (colon != NULL) {
		c->port = (int)strtonum(colon + 1, 1, 65535, &errstr);
		if (errstr != NULL)
			return -1;
	}
	return 0;
}

/*
 * Connect once by hand so that "connection refused" is said as such:
 * libevent's HTTP client reports every failed connect alike.
 */
static void
ctl_probe(struct ctl *c, const char *hostport)
{
	struct addrinfo	 hints, *res, *ai;
	struct timeval	 tv = { CTL_TIMEOUT, 0 };
	char		 port[8];
	int		 fd, e, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", c->port);
	if ((e = getaddrinfo(c->host, port, &hints, &res)) != 0)
		ctl_die(CTL_CONNECT, "%s: %s", c->host, gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			close(fd);
			freeaddrinfo(res);
			return;
		}
		saved = errno;
		close(fd);
	}
	freeaddrinfo(res);
	ctl_die(CTL_CONNECT, "cannot connect to %s: %s", hostport,
	    strerror(saved));
}

/* An HTTPS connection that verifies the server against --ca or the system. */
static struct evhttp_connection *
ctl_tls_connection(struct ctl *c, struct event_base *base)
{
	SSL_CTX			*ctx;
	struct bufferevent	*bev;
	unsigned char		 ip[16];
	SSL			*ssl;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		ctl_die(CTL_CONNECT, "cannot set up TLS");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if ((c->ca != NULL ? SSL_CTX_load_verify_locations(ctx, c->ca, NULL) :
	    SSL_CTX_set_default_verify_paths(ctx)) != 1)
		ctl_die(CTL_USAGE, "--ca %s: cannot load it",
		    c->ca != NULL ? c->ca : "(system)");
	if ((ssl = SSL_new(ctx)) == NULL)
		ctl_die(CTL_CONNECT, "cannot set up TLS");
	if (inet_pton(AF_INET, c->host, ip) == 1 ||
	    inet_pton(AF_INET6, c->host, ip) == 1) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    c->host) != 1)
			ctl_die(CTL_CONNECT, "cannot set up TLS");
	} else if (SSL_set_tlsext_host_name(ssl, c->host) != 1 ||
	    SSL_set1_host(ssl, c->host) != 1)
		ctl_die(CTL_CONNECT, "cannot set up TLS");
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL)
		ctl_die(CTL_CONNECT, "cannot set up TLS");
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	SSL_CTX_free(ctx);		/* ssl holds a reference */
	return evhttp_connection_base_bufferevent_new(base, NULL, bev,
	    c->host, (ev_uint16_t)c->port);
}

static void
ctl_errcb(enum evhttp_request_error e, void *arg)
{
	struct ctl_reply	*r = arg;

	r->error = (int)e;
	r->sock_errno = errno;
}

static void
ctl_cb(struct evhttp_request *req, void *arg)
{
	struct ctl_reply	*r = arg;
	struct evbuffer		*in;

	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		if (r->sock_errno == 0)
			r->sock_errno = errno;
		return;
	}
	r->status = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	r->len = evbuffer_get_length(in);
	r->body = xmalloc(r->len + 1);
	evbuffer_remove(in, r->body, r->len);
	r->body[r->len] = '\0';
}

/*
 * One request, taking body (freed here); returns the reply object of a 2xx
 * answer, else exits with the right code after saying why (--json: the
 * server's error on stdout).
 */
static json_t *
ctl_request(struct ctl *c, int method, const char *path, json_t *body)
{
	struct event_base		*base;
	struct evhttp_connection	*evcon;
	struct evhttp_request		*req;
	struct evkeyvalq		*h;
	struct ctl_reply		 r;
	json_error_t			 jerr;
	json_t				*reply, *e;
	char				 hostport[CTL_HOST_MAX + 16], *s;
	struct timeval			 tv = { ctl_timeout, 0 };

	memset(&r, 0, sizeof(r));
	r.error = -1;
	snprintf(hostport, sizeof(hostport), strchr(c->host, ':') ?
	    "[%s]:%d" : "%s:%d", c->host, c->port);
	ctl_probe(c, hostport);
	if ((base = event_base_new()) == NULL)
		ctl_die(CTL_CONNECT, "event_base_new failed");
	if (c->tls)
		evcon = ctl_tls_connection(c, base);
	else
		evcon = evhttp_connection_base_new(base, NULL, c->host,
		    (ev_uint16_t)c->port);
	if (evcon == NULL)
		ctl_die(CTL_CONNECT, "cannot connect to %s port %d", c->host,
		    c->port);
	evhttp_connection_set_timeout_tv(evcon, &tv);
	evhttp_connection_set_retries(evcon, 0);
	evhttp_connection_set_max_body_size(evcon, CTL_REPLY_MAX);
	evhttp_connection_set_max_headers_size(evcon, 64 * 1024);
	if ((req = evhttp_request_new(ctl_cb, &r)) == NULL)
		ctl_die(CTL_CONNECT, "evhttp_request_new failed");
	evhttp_request_set_error_cb(req, ctl_errcb);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", hostport);
	evhttp_add_header(h, "Accept", "application/json");
	evhttp_add_header(h, "Connection", "close");
	if (c->token != NULL) {
		xasprintf(&s, "Bearer %s", c->token);
		evhttp_add_header(h, "Authorization", s);
		explicit_bzero(s, strlen(s));
		free(s);
	}
	if (body != NULL) {
		if ((s = json_dumps(body, JSON_COMPACT)) == NULL)
			ctl_die(CTL_USAGE, "cannot encode the request");
		evhttp_add_header(h, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), s,
		    strlen(s));
		free(s);
		json_decref(body);
	}
	if (evhttp_make_request(evcon, req, method, path) == -1)
		ctl_die(CTL_CONNECT, "cannot send the request to %s",
		    hostport);
	event_base_dispatch(base);
	evhttp_connection_free(evcon);
	event_base_free(base);

	if (r.status == 0)
		ctl_die(CTL_CONNECT, "no answer from %s: %s", hostport,
		    r.error == EVREQ_HTTP_TIMEOUT ? "timed out" : c->tls ?
		    "TLS failed (certificate not trusted? see --ca)" :
		    r.sock_errno != 0 ? strerror(r.sock_errno) :
		    "connection failed");
	reply = json_loadb(r.body, r.len, 0, &jerr);
	free(r.body);
	if ((r.status >= 200 && r.status < 300) || r.status == ctl_accept) {
		if (!json_is_object(reply))
			ctl_die(CTL_SERVER, "malformed reply from %s (HTTP "
			    "%d)", hostport, r.status);
		return reply;
	}
	e = json_object_get(json_object_get(reply, "error"), "message");
	if (c->json && reply != NULL) {
		json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (json_is_string(e))
		fprintf(stderr, "%s: %s (HTTP %d %s)\n", progname,
		    json_string_value(e), r.status, json_string_value(
		    json_object_get(json_object_get(reply, "error"), "code")) ?
		    json_string_value(json_object_get(json_object_get(reply,
		    "error"), "code")) : "");
	else
		fprintf(stderr, "%s: the server answered HTTP %d\n", progname,
		    r.status);
	json_decref(reply);
	exit(CTL_SERVER);
}

/* A scalar as a table cell: control characters shown as '?'. */
static void
ctl_print_value(json_t *v)
{
	const char	*s;
	char		*d;
	size_t		 i;

	if (v == NULL) {		/* a field the server left out */
		fputs("-", stdout);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		for (i = 0; s[i] != '\0'; i++)
			putchar((unsigned char)s[i] < 0x20 ||
			    s[i] == 0x7f ? '?' : s[i]);
		break;
	case JSON_INTEGER:
		printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		printf("%g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", stdout);
		break;
	case JSON_FALSE:
		fputs("no", stdout);
		break;
	case JSON_NULL:
		fputs("-", stdout);
		break;
	case JSON_ARRAY:
		if (json_array_size(v) == 0)
			fputs("-", stdout);
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				fputs(", ", stdout);
			ctl_print_value(json_array_get(v, i));
		}
		break;
	default:
		if ((d = json_dumps(v, JSON_COMPACT)) != NULL) {
			fputs(d, stdout);
			free(d);
		}
		break;
	}
}

/* An object as "key  value" lines, keys aligned, '_' shown as '-'. */
static void
ctl_table(json_t *o)
{
	const char	*k;
	json_t		*v;
	size_t		 w = 0, i;

	json_object_foreach(o, k, v)
		if (strlen(k) > w)
			w = strlen(k);
	json_object_foreach(o, k, v) {
		for (i = 0; k[i] != '\0'; i++)
			putchar(k[i] == '_' ? '-' : k[i]);
		printf("%*s  ", (int)(w - i), "");
		ctl_print_value(v);
		putchar('\n');
	}
}

/* Print a reply: as JSON with --json, else through table(). */
static int
ctl_output(struct ctl *c, json_t *reply, void (*table)(json_t *))
{
	if (c->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		table(reply);
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* Status: nested counters ("outbox": {"sent": 3}) as "outbox-sent  3". */
static void
ctl_status_table(json_t *o)
{
	json_t		*flat, *v, *sv;
	const char	*k, *sk;
	char		 name[128];

	if ((flat = json_object()) == NULL)
		ctl_die(CTL_SERVER, "out of memory");
	json_object_foreach(o, k, v) {
		if (!json_is_object(v)) {
			json_object_set(flat, k, v);
			continue;
		}
		json_object_foreach(v, sk, sv) {
			snprintf(name, sizeof(name), "%s_%s", k, sk);
			json_object_set(flat, name, sv);
		}
	}
	ctl_table(flat);
	json_decref(flat);
}

static int
cmd_status(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/status",
	    NULL), ctl_status_table);
}

static int
cmd_loglevel(struct ctl *c, char **argv)
{
	json_t	*body, *reply;

	if (argv[0] == NULL)
		return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET,
		    "/v1/log-level", NULL), ctl_table);
	ctl_check_arg("LEVEL", argv[0]);
	if (log_parselevel(argv[0]) == -1)
		ctl_die(CTL_USAGE, "LEVEL must be warn, info, debug or trace");
	body = json_pack("{s:s}", "level", argv[0]);
	reply = ctl_request(c, EVHTTP_REQ_PUT, "/v1/log-level", body);
	return ctl_output(c, reply, ctl_table);
}

static int
cmd_log_reopen(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/log/reopen",
	    NULL), ctl_table);
}

static int
cmd_case_show(struct ctl *c, char **argv)
{
	char	path[64 + CTL_ARG_MAX];

	ctl_check_arg("NUMBER", argv[0]);
	if (strspn(argv[0], "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(argv[0]) ||
	    strlen(argv[0]) > 31)
		ctl_die(CTL_USAGE, "NUMBER: a case number is letters and "
		    "digits, at most 31 (e.g. HY2611260001)");
	snprintf(path, sizeof(path), "/v1/cases/%s", argv[0]);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_case_table);
}

static double
ctl_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Offline verification's progress line, on a terminal only. */
static void
ctl_audit_progress(void *arg, int64_t ev, int64_t last)
{
	double	*t0 = arg, el = ctl_now() - *t0;

	fprintf(stderr, "\raudit verify: event %lld of %lld, %.0f events/s ",
	    (long long)ev, (long long)last, el > 0 ? ev / el : 0.0);
}

/*
 * audit verify --db FILE --key FILE: the chain of a copy (a backup), or
 * of a stopped daemon's database, read here: the daemon is not needed
 * and not slowed.
 */
static int
ctl_audit_offline(struct ctl *c, char **argv)
{
	const char	*db = NULL, *key = NULL;
	char		 err[1024];
	double		 t0;
	int64_t		 bad = 0;
	int		 rv, i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "usage: audit verify [--db FILE "
			    "--key FILE]");
		if (strcmp(argv[i], "--db") == 0 && db == NULL)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0 && key == NULL)
			key = argv[i + 1];
		else
			ctl_die(CTL_USAGE, "usage: audit verify [--db FILE "
			    "--key FILE]");
	}
	if (db == NULL || key == NULL)
		ctl_die(CTL_USAGE, "audit verify offline needs --db FILE and "
		    "--key FILE");
	log_init(LOG_TO_STDERR, LOG_L_WARN, "hotlinectl");
	t0 = ctl_now();
	rv = dbcheck_audit(db, key, &bad, isatty(STDERR_FILENO) ?
	    ctl_audit_progress : NULL, &t0, err, sizeof(err));
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%60s\r", "");
	if (rv == 2)
		ctl_die(CTL_SERVER, "%s", err);
	if (c->json) {
		printf("{\"intact\":%s", rv == 0 ? "true" : "false");
		if (rv == 1)
			printf(",\"first_bad\":%lld", (long long)bad);
		printf(",\"seconds\":%.3f}\n", ctl_now() - t0);
	} else if (rv == 0)
		printf("audit trail intact\n");
	else
		printf("audit trail broken: first bad event %lld\n",
		    (long long)bad);
	return rv == 0 ? CTL_OK : CTL_SERVER;
}

static int
cmd_audit_verify(struct ctl *c, char **argv)
{
	json_t	*reply;
	int	 intact;

	if (argv[0] != NULL)
		return ctl_audit_offline(c, argv);
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_GET, "/v1/audit/verify", NULL);
	intact = json_is_true(json_object_get(reply, "intact"));
	if (c->json)
		ctl_output(c, reply, ctl_table);
	else {
		if (intact)
			printf("audit trail intact\n");
		else
			printf("audit trail broken: first bad event %"
			    JSON_INTEGER_FORMAT "\n", json_integer_value(
			    json_object_get(reply, "first_bad")));
		json_decref(reply);
	}
	return intact ? CTL_OK : CTL_SERVER;
}

/*
 * backup FILE: the daemon writes a consistent copy into FILE (a new file;
 * a relative name is taken from here) while it keeps working.  The copy
 * is nothing without the key file: say so every time.
 */
static int
cmd_backup(struct ctl *c, char **argv)
{
	json_t	*reply;
	char	 path[PATH_MAX], cwd[PATH_MAX];

	ctl_check_arg("FILE", argv[0]);
	if (argv[0][0] == '/')
		strlcpy(path, argv[0], sizeof(path));
	else if (getcwd(cwd, sizeof(cwd)) == NULL || snprintf(path,
	    sizeof(path), "%s/%s", cwd, argv[0]) >= (int)sizeof(path))
		ctl_die(CTL_USAGE, "FILE: cannot make it absolute");
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_POST, "/v1/backup",
	    json_pack("{s:s}", "path", path));
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	printf("backup written: %s (%" JSON_INTEGER_FORMAT " pages, cases "
	    "up to id %" JSON_INTEGER_FORMAT ", longest pause %.1f ms)\n"
	    "IMPORTANT: without the key file %s and %s.database this copy "
	    "cannot be read\n(phone numbers, the audit chain): keep them "
	    "with it, apart from it (hotlined(8) RECOVERY).\n", path,
	    json_integer_value(json_object_get(reply, "pages")),
	    json_integer_value(json_object_get(reply, "last_case_id")),
	    json_real_value(json_object_get(reply, "longest_step_ms")),
	    json_string_value(json_object_get(reply, "key_file")),
	    json_string_value(json_object_get(reply, "key_file")));
	json_decref(reply);
	return CTL_OK;
}

/*
 * retention apply [--dry-run]: erase the texts and numbers of cases closed
 * more than retention-days ago (or count them), audited.
 */
static int
cmd_retention(struct ctl *c, char **argv)
{
	json_t	*reply;
	int	 dry = 0;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--dry-run") != 0)
			ctl_die(CTL_USAGE, "usage: retention apply [--dry-run]");
		dry = 1;
	}
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_POST, "/v1/retention",
	    json_pack("{s:b}", "dry_run", dry));
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	if (dry)
		printf("%" JSON_INTEGER_FORMAT " closed cases older than %"
		    JSON_INTEGER_FORMAT " days (closed before %s) would lose "
		    "their texts and numbers\n",
		    json_integer_value(json_object_get(reply, "cases")),
		    json_integer_value(json_object_get(reply,
		    "retention_days")), json_string_value(json_object_get(
		    reply, "cutoff")));
	else
		printf("erased the texts and numbers of %" JSON_INTEGER_FORMAT
		    " closed cases (closed before %s): %" JSON_INTEGER_FORMAT
		    " inbound and %" JSON_INTEGER_FORMAT " outbox rows; "
		    "audited\n",
		    json_integer_value(json_object_get(reply, "cases")),
		    json_string_value(json_object_get(reply, "cutoff")),
		    json_integer_value(json_object_get(reply, "inbound")),
		    json_integer_value(json_object_get(reply, "outbox")));
	json_decref(reply);
	return CTL_OK;
}

/*
 * The daemon checks in a child process while it keeps working; a full
 * check reads every page, so the answer may take minutes on a big file.
 */
static int
cmd_db_check(struct ctl *c, char **argv)
{
	json_t		*reply, *a;
	size_t		 i;
	int		 intact, quick = 0;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--quick") != 0)
			ctl_die(CTL_USAGE, "usage: db check [--quick]");
		quick = 1;
	}
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_GET, quick ? "/v1/db/check?quick=1" :
	    "/v1/db/check", NULL);
	intact = json_is_true(json_object_get(reply, "intact"));
	if (c->json)
		ctl_output(c, reply, ctl_table);
	else {
		a = json_object_get(reply, "problems");
		if (intact)
			printf("database intact\n");
		else
			printf("database damaged: %zu problems (hotlined(8) "
			    "RECOVERY)\n", json_array_size(a));
		for (i = 0; i < json_array_size(a); i++)
			printf("%s\n", json_string_value(json_array_get(a,
			    i)));
		json_decref(reply);
	}
	return intact ? CTL_OK : CTL_SERVER;
}

/* --- the case lifecycle, units, knowledge base --------------------------- */

/* Usage error unless s is text for the server: 1..CTL_TEXT_MAX, no controls. */
static const char *
ctl_text(const char *what, const char *s)
{
	size_t	i;

	if (s[0] == '\0')
		ctl_die(CTL_USAGE, "%s: empty", what);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CTL_TEXT_MAX)
			ctl_die(CTL_USAGE, "%s: longer than %d bytes", what,
			    CTL_TEXT_MAX);
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t') || s[i] == 0x7f)
			ctl_die(CTL_USAGE, "%s: control characters", what);
	}
	return s;
}

/* Usage error unless s is a case number; the path /v1/cases/NUMBER[/op]. */
static void
ctl_case_path(char *buf, size_t len, const char *number, const char *op)
{
	ctl_check_arg("NUMBER", number);
	if (strspn(number, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(number) ||
	    strlen(number) > 31)
		ctl_die(CTL_USAGE, "NUMBER: a case number is letters and "
		    "digits, at most 31 (e.g. HY2611260001)");
	snprintf(buf, len, "/v1/cases/%s%s%s", number, op != NULL ? "/" : "",
	    op != NULL ? op : "");
}

/* A JSON string from UTF-8 text, or a usage error. */
static json_t *
ctl_jstr(const char *what, const char *s)
{
	json_t	*v;

	if ((v = json_string(ctl_text(what, s))) == NULL)
		ctl_die(CTL_USAGE, "%s: not valid UTF-8", what);
	return v;
}

/* One line about a case after an operation. */
static void
ctl_case_line(json_t *o)
{
	json_t	*v;

	printf("%s: %s", json_string_value(json_object_get(o, "number")),
	    json_string_value(json_object_get(o, "state")));
	if (json_is_string(v = json_object_get(o, "unit"))) {
		printf(", unit ");
		ctl_print_value(v);
	}
	if (json_is_string(v = json_object_get(o, "due"))) {
		printf(", due ");
		ctl_print_value(v);
	}
	if (json_is_true(json_object_get(o, "supervised"))) {
		printf(", supervised (");
		ctl_print_value(json_object_get(o, "supervision"));
		putchar(')');
	}
	if (json_integer_value(json_object_get(o, "result_cut")) > 0)
		printf(", result cut by %" JSON_INTEGER_FORMAT " characters",
		    json_integer_value(json_object_get(o, "result_cut")));
	putchar('\n');
}

/* Print a list of objects as aligned columns (keys), '-' for null. */
static void
ctl_columns(json_t *list, const char *const *keys, const char *const *heads,
    size_t n)
{
	size_t	 w[16], i, j, len;
	json_t	*row, *v;
	char	*s;

	for (j = 0; j < n; j++)
		w[j] = strlen(heads[j]);
	json_array_foreach(list, i, row)
		for (j = 0; j + 1 < n; j++) {
			v = json_object_get(row, keys[j]);
			len = json_is_string(v) ? strlen(json_string_value(v)) :
			    4;
			if (len > w[j])
				w[j] = len;
		}
	for (j = 0; j < n; j++)
		printf("%-*s%s", j + 1 < n ? (int)w[j] : 0, heads[j],
		    j + 1 < n ? "  " : "\n");
	json_array_foreach(list, i, row)
		for (j = 0; j < n; j++) {
			v = json_object_get(row, keys[j]);
			if (json_is_boolean(v))
				s = xstrdup(json_is_true(v) ? "yes" : "no");
			else if (json_is_string(v))
				s = xstrdup(json_string_value(v));
			else if (json_is_integer(v))
				xasprintf(&s, "%" JSON_INTEGER_FORMAT,
				    json_integer_value(v));
			else
				s = xstrdup("-");
			for (len = 0; s[len] != '\0'; len++)
				if ((unsigned char)s[len] < 0x20)
					s[len] = '?';
			printf("%-*s%s", j + 1 < n ? (int)w[j] : 0, s,
			    j + 1 < n ? "  " : "\n");
			free(s);
		}
}

/* A case operation with body; prints the case's new state. */
static int
ctl_case_op(struct ctl *c, const char *number, const char *op, json_t *body)
{
	char	 path[96];
	json_t	*reply;

	ctl_case_path(path, sizeof(path), number, op);
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_case_line(reply);
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* "case OP NUMBER TEXT": the ops whose body is one text field. */
static int
cmd_case_text(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	if (argv[1] != NULL)
		json_object_set_new(body, ctl_cur->field,
		    ctl_jstr(ctl_cur->field, argv[1]));
	return ctl_case_op(c, argv[0], ctl_cur->op, body);
}

/* case dispatch NUMBER LEAD [CO ...] [--due DATE] [--approval TEXT] */
static int
cmd_case_dispatch(struct ctl *c, char **argv)
{
	json_t	*body = json_object(), *co = json_array();
	int	 i;

	for (i = 1; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--due") == 0 && argv[i + 1] != NULL) {
			ctl_check_arg("--due", argv[++i]);
			json_object_set_new(body, "due", json_string(argv[i]));
		} else if (strcmp(argv[i], "--approval") == 0 &&
		    argv[i + 1] != NULL) {
			i++;
			json_object_set_new(body, "approval",
			    ctl_jstr("--approval", argv[i]));
		} else if (argv[i][0] == '-')
			ctl_die(CTL_USAGE, "case dispatch: unknown option");
		else {
			ctl_check_arg("UNIT", argv[i]);
			if (json_object_get(body, "lead") == NULL)
				json_object_set_new(body, "lead",
				    json_string(argv[i]));
			else
				json_array_append_new(co, json_string(argv[i]));
		}
	}
	if (json_object_get(body, "lead") == NULL)
		ctl_die(CTL_USAGE, "case dispatch: missing LEAD unit");
	if (json_array_size(co) > 0)
		json_object_set(body, "co", co);
	json_decref(co);
	return ctl_case_op(c, argv[0], "dispatch", body);
}

/* case extend NUMBER DAYS|YYYY-MM-DD REASON */
static int
cmd_case_extend(struct ctl *c, char **argv)
{
	json_t		*body = json_object();
	const char	*errstr;
	long long	 days;

	ctl_check_arg("DAYS", argv[1]);
	if (strchr(argv[1], '-') != NULL)
		json_object_set_new(body, "due", json_string(argv[1]));
	else {
		days = strtonum(argv[1], 1, 60, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, "DAYS: working days, 1 to 60, or a "
			    "date YYYY-MM-DD");
		json_object_set_new(body, "days", json_integer(days));
	}
	json_object_set_new(body, "reason", ctl_jstr("REASON", argv[2]));
	return ctl_case_op(c, argv[0], "extend", body);
}

/* case supervise NUMBER REASON [NOTE] */
static int
cmd_case_supervise(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	ctl_check_arg("REASON", argv[1]);
	if (strcmp(argv[1], "disputed-result") != 0 && strcmp(argv[1],
	    "leader-instruction") != 0 && strcmp(argv[1], "overdue") != 0 &&
	    strcmp(argv[1], "other") != 0)
		ctl_die(CTL_USAGE, "REASON: disputed-result, "
		    "leader-instruction, overdue or other");
	json_object_set_new(body, "reason", json_string(argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "note", ctl_jstr("NOTE", argv[2]));
	return ctl_case_op(c, argv[0], "supervise", body);
}

static void
ctl_case_list_table(json_t *o)
{
	static const char *const keys[] = { "number", "state", "category",
	    "unit", "due", "overdue", "supervised" };
	static const char *const heads[] = { "NUMBER", "STATE", "CATEGORY",
	    "UNIT", "DUE", "OVERDUE", "SUPERVISED" };

	ctl_columns(json_object_get(o, "cases"), keys, heads, nitems(keys));
	if (json_is_string(json_object_get(o, "next")))
		printf("(more: --before %s)\n", json_string_value(
		    json_object_get(o, "next")));
}

/* Append &key=value (URI-encoded) to a query being built in *q. */
static void
ctl_query_add(char **q, const char *key, const char *value)
{
	char	*enc, *n;

	if ((enc = evhttp_uriencode(value, -1, 1)) == NULL)
		ctl_die(CTL_USAGE, "cannot encode %s", key);
	xasprintf(&n, "%s%s%s=%s", *q, **q == '\0' ? "?" : "&", key, enc);
	free(enc);
	free(*q);
	*q = n;
}

/* case list [--state S] [--category C] [--unit U] [--overdue] ... */
static int
cmd_case_list(struct ctl *c, char **argv)
{
	static const char *const valued[] = { "state", "category", "unit",
	    "from", "to", "limit", "before", NULL };
	static const char *const flags[] = { "overdue", "supervised",
	    "confidential", NULL };
	char	*q = xstrdup("");
	size_t	 j;
	int	 i, done;

	for (i = 0; argv[i] != NULL; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			ctl_die(CTL_USAGE, "case list: filters are --NAME "
			    "[VALUE] (see hotlinectl(8))");
		done = 0;
		for (j = 0; valued[j] != NULL && !done; j++)
			if (strcmp(argv[i] + 2, valued[j]) == 0) {
				if (argv[i + 1] == NULL)
					ctl_die(CTL_USAGE, "%s: missing value",
					    argv[i]);
				ctl_check_arg(argv[i], argv[i + 1]);
				ctl_query_add(&q, valued[j], argv[++i]);
				done = 1;
			}
		for (j = 0; flags[j] != NULL && !done; j++)
			if (strcmp(argv[i] + 2, flags[j]) == 0) {
				ctl_query_add(&q, flags[j], "1");
				done = 1;
			}
		if (!done)
			ctl_die(CTL_USAGE, "case list: unknown filter");
	}
	return ctl_get(c, "/v1/cases", q, ctl_case_list_table);
}

/* GET base + query (freed here) and print the answer with table. */
static int
ctl_get(struct ctl *c, const char *base, char *query,
    void (*table)(json_t *))
{
	char	*path;
	int	 rv;

	xasprintf(&path, "%s%s", base, query);
	free(query);
	rv = ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL), table);
	free(path);
	return rv;
}

/*
 * case citizen NUMBER [--reason] REASON: the citizen's phone number; the
 * server records the read and the reason in the audit trail first.
 */
static int
cmd_case_citizen(struct ctl *c, char **argv)
{
	const char	*reason = argv[1];
	char		 path[96];
	char		*q = xstrdup(""), *p;
	int		 rv;

	if (strcmp(argv[1], "--reason") == 0) {
		if ((reason = argv[2]) == NULL)
			ctl_die(CTL_USAGE, "--reason: missing value");
	} else if (argv[2] != NULL)
		ctl_die(CTL_USAGE, "too many arguments: %s", ctl_cur->usage);
	if (strlen(ctl_text("REASON", reason)) > 256)
		ctl_die(CTL_USAGE, "REASON: longer than 256 bytes");
	if (strchr(reason, '\n') != NULL || strchr(reason, '\t') != NULL)
		ctl_die(CTL_USAGE, "REASON: one line, no tabs");
	ctl_case_path(path, sizeof(path), argv[0], "citizen");
	ctl_query_add(&q, "reason", reason);
	xasprintf(&p, "%s%s", path, q);
	free(q);
	rv = ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, p, NULL),
	    ctl_table);
	free(p);
	return rv;
}

/* unit add CODE NAME [CONTACT] */
static int
cmd_unit_add(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	ctl_check_arg("CODE", argv[0]);
	json_object_set_new(body, "code", json_string(argv[0]));
	json_object_set_new(body, "name", ctl_jstr("NAME", argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "contact", ctl_jstr("CONTACT",
		    argv[2]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/units",
	    body), ctl_table);
}

static void
ctl_unit_table(json_t *o)
{
	static const char *const keys[] = { "code", "contact", "name" };
	static const char *const heads[] = { "CODE", "CONTACT", "NAME" };

	ctl_columns(json_object_get(o, "units"), keys, heads, nitems(keys));
}

static int
cmd_unit_list(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/units",
	    NULL), ctl_unit_table);
}

/* kb add KEYWORDS ANSWER [UNIT] */
static int
cmd_kb_add(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	json_object_set_new(body, "keywords", ctl_jstr("KEYWORDS", argv[0]));
	json_object_set_new(body, "answer", ctl_jstr("ANSWER", argv[1]));
	if (argv[2] != NULL) {
		ctl_check_arg("UNIT", argv[2]);
		json_object_set_new(body, "unit", json_string(argv[2]));
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/kb", body),
	    ctl_table);
}

/* kb update ID [--keywords K] [--answer A] [--unit U] */
static int
cmd_kb_update(struct ctl *c, char **argv)
{
	json_t		*body = json_object();
	const char	*errstr;
	char		 path[64];
	long long	 id;
	int		 i;

	id = strtonum(argv[0], 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		ctl_die(CTL_USAGE, "ID: an entry number");
	for (i = 1; argv[i] != NULL; i += 2) {
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "%s: missing value",
			    ctl_text("option", argv[i]));
		if (strcmp(argv[i], "--keywords") == 0)
			json_object_set_new(body, "keywords",
			    ctl_jstr("KEYWORDS", argv[i + 1]));
		else if (strcmp(argv[i], "--answer") == 0)
			json_object_set_new(body, "answer", ctl_jstr("ANSWER",
			    argv[i + 1]));
		else if (strcmp(argv[i], "--unit") == 0) {
			ctl_check_arg("UNIT", argv[i + 1]);
			json_object_set_new(body, "unit",
			    json_string(argv[i + 1]));
		} else
			ctl_die(CTL_USAGE, "kb update: unknown option");
	}
	if (json_object_size(body) == 0)
		ctl_die(CTL_USAGE, "kb update: nothing to change (--keywords, "
		    "--answer, --unit)");
	snprintf(path, sizeof(path), "/v1/kb/%lld", id);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_PUT, path, body),
	    ctl_table);
}

static void
ctl_kb_table(json_t *o)
{
	static const char *const keys[] = { "id", "unit", "updated_at",
	    "stale", "keywords" };
	static const char *const heads[] = { "ID", "UNIT", "UPDATED",
	    "STALE", "KEYWORDS" };

	ctl_columns(json_object_get(o, "entries"), keys, heads, nitems(keys));
}

/* kb list [--stale] [--days N] */
static int
cmd_kb_list(struct ctl *c, char **argv)
{
	char	*q = xstrdup(""), *path;
	int	 i;

	for (i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--stale") == 0)
			ctl_query_add(&q, "stale", "1");
		else if (strcmp(argv[i], "--days") == 0 && argv[i + 1] != NULL) {
			ctl_check_arg("--days", argv[++i]);
			ctl_query_add(&q, "days", argv[i]);
		} else
			ctl_die(CTL_USAGE, "kb list: [--stale] [--days N]");
	}
	xasprintf(&path, "/v1/kb%s", q);
	free(q);
	i = ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_kb_table);
	free(path);
	return i;
}

/* case show: the case's fields, then its history as lines. */
static void
ctl_case_table(json_t *o)
{
	static const char *const ek[] = { "id", "at", "actor", "action" };
	static const char *const eh[] = { "EVENT", "AT", "ACTOR", "ACTION" };
	static const char *const ik[] = { "at", "kind", "text" };
	static const char *const ih[] = { "AT", "KIND", "TEXT" };
	static const char *const ok[] = { "id", "at", "kind", "state",
	    "receipt", "text" };
	static const char *const oh[] = { "SMS", "AT", "KIND", "STATE",
	    "RECEIPT", "TEXT" };
	json_t	*h;

	h = json_incref(json_object_get(o, "history"));
	json_object_del(o, "history");
	ctl_table(o);
	if (h != NULL) {
		printf("\nhistory:\n");
		ctl_columns(json_object_get(h, "events"), ek, eh, nitems(ek));
		printf("\nmessages in:\n");
		ctl_columns(json_object_get(h, "in"), ik, ih, nitems(ik));
		printf("\nmessages out:\n");
		ctl_columns(json_object_get(h, "out"), ok, oh, nitems(ok));
	}
	json_decref(h);
}

/* --- the office's figures: stats, report, publish ----------------------- */

#define CTL_ASSESSMENT	SYSCONFDIR "/hotlined.assessment"

struct ctl_period {
	const char	*kind;		/* day, week, month, range; NULL: none */
	const char	*arg;
	const char	*from;
	const char	*to;
};

/* Take a period option at argv[*i]; 1 taken, 0 not a period option. */
static int
ctl_period_opt(struct ctl_period *p, char **argv, int *i)
{
	const char	*o = argv[*i], *next = argv[*i + 1];

	if (strcmp(o, "--from") == 0 || strcmp(o, "--to") == 0) {
		if (next == NULL)
			ctl_die(CTL_USAGE, "%s: missing date", o);
		if (p->kind != NULL && strcmp(p->kind, "range") != 0)
			ctl_die(CTL_USAGE, "one period only");
		p->kind = "range";
		*(o[2] == 'f' ? &p->from : &p->to) = next;
		(*i)++;
		return 1;
	}
	if (strcmp(o, "--day") != 0 && strcmp(o, "--week") != 0 &&
	    strcmp(o, "--month") != 0)
		return 0;
	if (p->kind != NULL)
		ctl_die(CTL_USAGE, "one period only");
	p->kind = o + 2;
	/* --week and --month may stand alone: this week, last month */
	if (next != NULL && strncmp(next, "--", 2) != 0 && strcmp(next,
	    "-o") != 0) {
		p->arg = next;
		(*i)++;
	} else if (strcmp(o, "--day") == 0)
		ctl_die(CTL_USAGE, "--day: missing date");
	return 1;
}

/* The period asked for, checked as the server would; dflt is the kind
 * used when no period was given. */
static void
ctl_period_get(struct ctl_period *p, const char *dflt, struct stats_period *sp)
{
	char	err[128];
	int	today, min, f, t;

	if (cal_date_local(time(NULL), &today, &min) == -1)
		ctl_die(CTL_USAGE, "no local date");
	if (p->kind == NULL)
		p->kind = dflt;
	if (strcmp(p->kind, "range") == 0) {
		if (p->from == NULL || p->to == NULL)
			ctl_die(CTL_USAGE, "--from and --to go together");
		ctl_check_arg("--from", p->from);
		ctl_check_arg("--to", p->to);
		if (stats_period_parse(sp, p->from, p->to, err,
		    sizeof(err)) == -1)
			ctl_die(CTL_USAGE, "period: %s", err);
	} else if (stats_period_named(p->kind, p->arg, today, &f, &t, err,
	    sizeof(err)) == -1 || stats_period_set(sp, f, t, err,
	    sizeof(err)) == -1)
		ctl_die(CTL_USAGE, "period: %s", err);
}

/*
 * GET base?from=&to=extra for the period, in requests of at most span
 * days (the server reads one quarter at a time), each added into the
 * first by merge.
 */
static json_t *
ctl_get_period(struct ctl *c, const char *base, const char *extra,
    const struct stats_period *sp, int span, void (*merge)(json_t *,
    json_t *, int), int arg)
{
	json_t	*all = NULL, *one;
	char	*path, from[CAL_DATE_LEN], to[CAL_DATE_LEN];
	int	 d, e;

	for (d = sp->from; d != -1 && d <= sp->to; d = cal_date_add(e, 1)) {
		e = cal_date_add(d, span - 1);
		if (e == -1 || e > sp->to)
			e = sp->to;
		xasprintf(&path, "%s?from=%s&to=%s%s", base,
		    cal_date_format(d, from, sizeof(from)),
		    cal_date_format(e, to, sizeof(to)), extra);
		one = ctl_request(c, EVHTTP_REQ_GET, path, NULL);
		free(path);
		if (all == NULL)
			all = one;
		else {
			merge(all, one, arg);
			json_decref(one);
		}
	}
	return all;
}

static void
ctl_merge_stats(json_t *a, json_t *b, int arg)
{
	(void)arg;
	stats_merge(a, b);
}

static void
ctl_merge_units(json_t *a, json_t *b, int arg)
{
	(void)arg;
	stats_merge_units(a, b);
}

static void
ctl_merge_lists(json_t *a, json_t *b, int limit)
{
	stats_merge_lists(a, b, limit);
}

static void
ctl_merge_flags(json_t *a, json_t *b, int limit)
{
	stats_merge_flags(a, b, limit);
}

static void
ctl_merge_publish(json_t *a, json_t *b, int arg)
{
	(void)arg;
	json_array_extend(json_object_get(a, "matters"), json_object_get(b,
	    "matters"));
	json_object_set(a, "to", json_object_get(b, "to"));
}

static void
ctl_weights(const char *path, struct stats_weights *w)
{
	char	err[256];
	int	found;

	if (stats_weights_load(path != NULL ? path : CTL_ASSESSMENT, w,
	    &found, err, sizeof(err)) == -1)
		ctl_die(CTL_USAGE, "%s", err);
	if (!found && path != NULL)
		ctl_die(CTL_USAGE, "%s: no such file", path);
}

/* Write what fn renders to path through a temporary file; 0 or -1. */
static void
ctl_write(const char *path, int (*fn)(FILE *, void *), void *arg)
{
	char	*tmp;
	FILE	*f;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fn(stdout, arg) == -1 || fflush(stdout) != 0)
			ctl_die(CTL_SERVER, "cannot write the output");
		return;
	}
	xasprintf(&tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		ctl_die(CTL_USAGE, "%s: %s", tmp, strerror(errno));
	if (fn(f, arg) == -1 || fclose(f) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		ctl_die(CTL_SERVER, "%s: cannot write", path);
	}
	free(tmp);
}

struct ctl_stats_out {
	json_t		*reply;
	int		 csv;
	int		 units;
	int		 flags;
};

static int
ctl_stats_render(FILE *f, void *arg)
{
	struct ctl_stats_out	*o = arg;

	if (o->flags)
		report_flags_table(f, o->reply);
	else if (o->units)
		(o->csv ? report_units_csv : report_units_table)(f, o->reply);
	else
		(o->csv ? report_stats_csv : report_stats_table)(f, o->reply);
	return ferror(f) ? -1 : 0;
}

/* stats [units] [period] [--by B] [--csv] [--weights FILE] */
static int
cmd_stats(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_stats_out	 o = { 0 };
	struct stats_weights	 w;
	struct stats_period	 sp;
	const char		*by = NULL, *weights = NULL;
	char			*q;
	int			 i = 0;

	if (argv[0] != NULL && strcmp(argv[0], "units") == 0) {
		o.units = 1;
		i++;
	} else if (argv[0] != NULL && strcmp(argv[0], "flags") == 0) {
		o.flags = 1;
		i++;
	}
	for (; argv[i] != NULL; i++) {
		if (ctl_period_opt(&p, argv, &i))
			continue;
		if (strcmp(argv[i], "--csv") == 0)
			o.csv = 1;
		else if (strcmp(argv[i], "--json") == 0)
			c->json = 1;	/* after the command, too */
		else if (strcmp(argv[i], "--by") == 0 && !o.units && !o.flags &&
		    argv[i + 1] != NULL) {
			by = argv[++i];
			if (stats_by_parse(by) == -1)
				ctl_die(CTL_USAGE, "--by: category, unit, "
				    "channel, day or none");
		} else if (strcmp(argv[i], "--weights") == 0 && o.units &&
		    argv[i + 1] != NULL)
			weights = argv[++i];
		else
			ctl_die(CTL_USAGE, "stats: unknown option (see "
			    "hotlinectl(8))");
	}
	if (o.units)
		ctl_weights(weights, &w);
	ctl_period_get(&p, "day", &sp);
	xasprintf(&q, "%s%s", by != NULL ? "&by=" : "", by != NULL ? by : "");
	if (o.flags)
		o.reply = ctl_get_period(c, "/v1/stats/flags", "&limit=1000",
		    &sp, STATS_API_SPAN_MAX, ctl_merge_flags, STATS_LIST_MAX);
	else
		o.reply = ctl_get_period(c, o.units ? "/v1/stats/units" :
		    "/v1/stats", q, &sp, STATS_API_SPAN_MAX, o.units ?
		    ctl_merge_units : ctl_merge_stats, 0);
	free(q);
	if (o.units)
		stats_score(json_object_get(o.reply, "units"), &w);
	if (c->json)
		return ctl_output(c, o.reply, NULL);
	ctl_write(NULL, ctl_stats_render, &o);
	json_decref(o.reply);
	return CTL_OK;
}

struct ctl_report {
	json_t			*days, *cats, *units, *lists, *flags;
	struct stats_weights	 w;
	char			 generated[32];
};

static int
ctl_report_render(FILE *f, void *arg)
{
	struct ctl_report	*r = arg;

	return report_html(f, r->days, r->cats, r->units, r->lists, r->flags,
	    &r->w, r->generated);
}

/* Print the HTML at html to pdf with chromium (HOTLINECTL_CHROMIUM). */
static void
ctl_pdf(const char *html, const char *pdf)
{
	extern char		**environ;
	posix_spawn_file_actions_t fa;
	const char		*bin = getenv("HOTLINECTL_CHROMIUM");
	char		*out, *url, *argv[8];
	pid_t		 pid;
	int		 st;

	if (bin == NULL)
		bin = "chromium";
	xasprintf(&out, "--print-to-pdf=%s", pdf);
	if (html[0] == '/')
		xasprintf(&url, "file://%s", html);
	else {
		char	cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			ctl_die(CTL_USAGE, "cannot get the directory");
		xasprintf(&url, "file://%s/%s", cwd, html);
	}
	argv[0] = (char *)bin;
	argv[1] = "--headless";
	argv[2] = "--no-sandbox";
	argv[3] = "--disable-gpu";
	argv[4] = "--no-pdf-header-footer";
	argv[5] = out;
	argv[6] = url;
	argv[7] = NULL;
	/* the browser talks (D-Bus, GPU) on its own outputs: not ours */
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0) != 0 || posix_spawn_file_actions_adddup2(&fa, 1, 2) != 0)
		ctl_die(CTL_USAGE, "--pdf: cannot prepare %s", bin);
	if (posix_spawnp(&pid, bin, &fa, NULL, argv, environ) != 0)
		ctl_die(CTL_USAGE, "--pdf: cannot run %s (install chromium)",
		    bin);
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0 || access(pdf, F_OK) == -1)
		ctl_die(CTL_SERVER, "--pdf: %s failed (the HTML is written: "
		    "print it from a browser)", bin);
	free(out);
	free(url);
}

/* report [period] -o FILE.html [--pdf FILE.pdf] [--weights FILE] */
static int
cmd_report(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_report	 r;
	struct stats_period	 sp;
	const char		*out = NULL, *pdf = NULL, *weights = NULL;
	struct tm		 tm;
	time_t			 now = time(NULL);
	int			 i;

	memset(&r, 0, sizeof(r));
	for (i = 0; argv[i] != NULL; i++) {
		if (ctl_period_opt(&p, argv, &i))
			continue;
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "%s: missing value", argv[i]);
		if (strcmp(argv[i], "-o") == 0)
			out = argv[++i];
		else if (strcmp(argv[i], "--pdf") == 0)
			pdf = argv[++i];
		else if (strcmp(argv[i], "--weights") == 0)
			weights = argv[++i];
		else
			ctl_die(CTL_USAGE, "report: unknown option (see "
			    "hotlinectl(8))");
	}
	if (out == NULL)
		ctl_die(CTL_USAGE, "report: -o FILE.html is required");
	ctl_weights(weights, &r.w);
	ctl_period_get(&p, "month", &sp);
	r.days = ctl_get_period(c, "/v1/stats", "&by=day", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_stats, 0);
	r.cats = ctl_get_period(c, "/v1/stats", "&by=category", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_stats, 0);
	r.units = ctl_get_period(c, "/v1/stats/units", "", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_units, 0);
	r.lists = ctl_get_period(c, "/v1/stats/lists", "&limit=200", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_lists, 200);
	r.flags = ctl_get_period(c, "/v1/stats/flags", "&limit=200", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_flags, 200);
	stats_score(json_object_get(r.units, "units"), &r.w);
	localtime_r(&now, &tm);
	strftime(r.generated, sizeof(r.generated), "%Y-%m-%d %H:%M", &tm);
	ctl_write(out, ctl_report_render, &r);
	if (pdf != NULL)
		ctl_pdf(out, pdf);
	json_decref(r.days);
	json_decref(r.cats);
	json_decref(r.units);
	json_decref(r.lists);
	json_decref(r.flags);
	return CTL_OK;
}

struct ctl_publish {
	json_t		*reply;
	const char	*format;
};

static int
ctl_publish_render(FILE *f, void *arg)
{
	struct ctl_publish	*p = arg;

	return report_publish(f, p->reply, p->format);
}

/* publish --from D --to D [-o FILE] [--format csv|json|html] */
static int
cmd_publish(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_publish	 pub = { NULL, NULL };
	struct stats_period	 sp;
	const char		*out = NULL, *ext;
	int			 i;

	for (i = 0; argv[i] != NULL; i++) {
		if (ctl_period_opt(&p, argv, &i))
			continue;
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "%s: missing value", argv[i]);
		if (strcmp(argv[i], "-o") == 0)
			out = argv[++i];
		else if (strcmp(argv[i], "--format") == 0)
			pub.format = argv[++i];
		else
			ctl_die(CTL_USAGE, "publish: unknown option (see "
			    "hotlinectl(8))");
	}
	if (pub.format == NULL && out != NULL &&
	    (ext = strrchr(out, '.')) != NULL)
		pub.format = strcmp(ext, ".json") == 0 ? "json" :
		    strcmp(ext, ".html") == 0 || strcmp(ext, ".htm") == 0 ?
		    "html" : "csv";
	if (pub.format == NULL)
		pub.format = "csv";
	if (strcmp(pub.format, "csv") != 0 && strcmp(pub.format, "json") !=
	    0 && strcmp(pub.format, "html") != 0)
		ctl_die(CTL_USAGE, "--format: csv, json or html");
	if (p.kind == NULL)
		ctl_die(CTL_USAGE, "publish: which period (--from D --to D)?");
	ctl_period_get(&p, "range", &sp);
	/* a day a request: a day of matters is a few hundred kB */
	pub.reply = ctl_get_period(c, "/v1/publish", "", &sp, 1,
	    ctl_merge_publish, 0);
	ctl_write(out, ctl_publish_render, &pub);
	json_decref(pub.reply);
	return CTL_OK;
}

/* Read a token on stdin, print the "sha256:" form for the tokens file. */
static int
cmd_hash_token(struct ctl *c, char **argv)
{
	char	buf[TOKEN_SECRET_MAX + 3];
	uint8_t	h[TOKEN_HASH_LEN];
	size_t	len, i;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		ctl_die(CTL_USAGE, "hash-token: no token on stdin");
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == sizeof(buf) - 1)
		ctl_die(CTL_USAGE, "hash-token: longer than %d bytes",
		    TOKEN_SECRET_MAX);
	buf[len] = '\0';
	if (len < TOKEN_SECRET_MIN || len > TOKEN_SECRET_MAX)
		ctl_die(CTL_USAGE, "hash-token: a token is %d to %d "
		    "characters", TOKEN_SECRET_MIN, TOKEN_SECRET_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			ctl_die(CTL_USAGE, "hash-token: only printable ASCII "
			    "without blanks");
	tokens_hash(buf, len, h);
	explicit_bzero(buf, sizeof(buf));
	printf("sha256:");
	for (i = 0; i < sizeof(h); i++)
		printf("%02x", h[i]);
	putchar('\n');
	return CTL_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "server",	required_argument,	NULL, 's' },
		{ "token",	required_argument,	NULL, 't' },
		{ "token-file",	required_argument,	NULL, 'T' },
		{ "ca",		required_argument,	NULL, 'C' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct ctl_cmd	*cmd = NULL, *sub = NULL;
	struct ctl		 c;
	const char		*server, *tokfile = NULL, *tok = NULL;
	char			 err[1024], safe[40];
	size_t			 i;
	int			 ch, nargs;

	memset(&c, 0, sizeof(c));
	server = getenv("HOTLINECTL_SERVER");
	c.ca = getenv("HOTLINECTL_CA");
	while ((ch = getopt_long(argc, argv, "+C:hjs:t:T:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			c.ca = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 's':
			server = optarg;
			break;
		case 't':
			tok = optarg;
			tokfile = NULL;
			break;
		case 'T':
			tokfile = optarg;
			tok = NULL;
			break;
		case 'V':
			printf("hotlinectl %s\n", PACKAGE_VERSION);
			return CTL_OK;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	for (i = 0; i < (size_t)argc; i++)
		if (strlen(argv[i]) > CTL_TEXT_MAX)
			ctl_die(CTL_USAGE, "argument %zu: longer than %d "
			    "bytes", i + 1, CTL_TEXT_MAX);
	for (i = 0; i < nitems(cmds) && cmd == NULL; i++) {
		if (strcmp(argv[0], cmds[i].word1) != 0)
			continue;
		if (cmds[i].word2 == NULL)
			cmd = &cmds[i];
		else if (argc < 2)
			ctl_die(CTL_USAGE, "%s: missing subcommand (%s)",
			    argv[0], cmds[i].usage);
		else if (strcmp(argv[1], cmds[i].word2) == 0)
			cmd = &cmds[i];
		else
			sub = &cmds[i];
	}
	if (cmd == NULL && sub != NULL) {
		fprintf(stderr, "%s: unknown subcommand '%s'; %s takes:\n",
		    progname, ctl_safe(argv[1], safe, sizeof(safe)),
		    sub->word1);
		for (i = 0; i < nitems(cmds); i++)
			if (strcmp(cmds[i].word1, sub->word1) == 0)
				fprintf(stderr, "\t%s\n", cmds[i].usage);
		exit(CTL_USAGE);
	}
	if (cmd == NULL)
		ctl_die(CTL_USAGE, "unknown command '%s' (try --help)",
		    ctl_safe(argv[0], safe, sizeof(safe)));
	argv += cmd->word2 != NULL ? 2 : 1;
	nargs = argc - (cmd->word2 != NULL ? 2 : 1);
	if (nargs < cmd->minargs)
		ctl_die(CTL_USAGE, "missing argument: %s", cmd->usage);
	if (nargs > cmd->maxargs)
		ctl_die(CTL_USAGE, "too many arguments: %s", cmd->usage);

	/* audit verify --db FILE --key FILE: offline, no daemon, no token */
	if (cmd->needs_token && !(cmd->fn == cmd_audit_verify && nargs > 0)) {
		if (ctl_parse_server(&c, server != NULL ? server :
		    CTL_SERVER_DEFAULT) == -1)
			ctl_die(CTL_USAGE, "bad server address (host:port, "
			    "[v6]:port)");
		if (tok == NULL && tokfile == NULL)
			tok = getenv("HOTLINECTL_TOKEN");
		if (tokfile != NULL) {
			if (daemon_check_secret("token file", tokfile, 1, err,
			    sizeof(err)) == -1 || daemon_read_secret(tokfile,
			    &c.token, err, sizeof(err)) == -1)
				ctl_die(CTL_USAGE, "%s", err);
		} else if (tok != NULL)
			c.token = xstrdup(tok);
		else if (cmd->needs_token == 2)	/* health: a token is optional */
			c.token = NULL;
		else
			ctl_die(CTL_USAGE, "no token: use -t, -T or "
			    "HOTLINECTL_TOKEN");
		if (c.token == NULL)
			;
		else if (strlen(c.token) > TOKEN_SECRET_MAX)
			ctl_die(CTL_USAGE, "token: longer than %d bytes",
			    TOKEN_SECRET_MAX);
		for (i = 0; c.token != NULL && c.token[i] != '\0'; i++)
			if ((unsigned char)c.token[i] <= 0x20 ||
			    (unsigned char)c.token[i] >= 0x7f)
				ctl_die(CTL_USAGE, "token: only printable "
				    "ASCII without blanks");
		if (c.token != NULL && i == 0)
			ctl_die(CTL_USAGE, "token: empty");
	}
	signal(SIGPIPE, SIG_IGN);
	ctl_cur = cmd;
	ch = cmd->fn(&c, argv);
	if (c.token != NULL) {
		explicit_bzero(c.token, strlen(c.token));
		free(c.token);
	}
	return ch;
}

/* --- the office classifies ---------------------------------------------- */

/* case classify NUMBER CATEGORY [REASON]: prints the category and due. */
static int
cmd_case_classify(struct ctl *c, char **argv)
{
	json_t	*body = json_object(), *reply;
	char	 path[96];

	ctl_check_arg("CATEGORY", argv[1]);
	json_object_set_new(body, "category", json_string(argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "reason", ctl_jstr("REASON",
		    argv[2]));
	ctl_case_path(path, sizeof(path), argv[0], "classify");
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_print_value(json_object_get(reply, "number"));
	printf(": ");
	ctl_print_value(json_object_get(reply, "category"));
	printf(", due ");
	ctl_print_value(json_object_get(reply, "due"));
	printf("%s\n", json_is_true(json_object_get(reply, "confirmed")) ?
	    " (confirmed)" : "");
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* The queue: waited as working hours and minutes, the text cut short. */
static void
ctl_queue_table(json_t *o)
{
	static const char *const keys[] = { "number", "received_at",
	    "waited", "due", "overdue", "text" };
	static const char *const heads[] = { "NUMBER", "RECEIVED", "WAITED",
	    "DUE", "OVERDUE", "TEXT" };
	json_t		*row, *list = json_object_get(o, "cases");
	const char	*t;
	json_int_t	 m;
	size_t		 i, n, chars;
	char		 w[32], *cut;

	json_array_foreach(list, i, row) {
		m = json_integer_value(json_object_get(row, "waited_minutes"));
		snprintf(w, sizeof(w), "%" JSON_INTEGER_FORMAT "h%02d", m / 60,
		    (int)(m % 60));
		json_object_set_new(row, "waited", json_string(w));
		/* 24 characters of the text, cut at a character */
		t = json_string_value(json_object_get(row, "text"));
		for (n = 0, chars = 0; t != NULL && t[n] != '\0'; n++)
			if (((unsigned char)t[n] & 0xc0) != 0x80 &&
			    chars++ == 24)
				break;
		if (t != NULL && t[n] != '\0') {
			xasprintf(&cut, "%.*s...", (int)n, t);
			json_object_set_new(row, "text", json_string(cut));
			free(cut);
		}
	}
	ctl_columns(list, keys, heads, nitems(keys));
	printf("(%" JSON_INTEGER_FORMAT " waiting)\n", json_integer_value(
	    json_object_get(o, "waiting")));
}

/* case queue [--limit N] [--offset N]: unclassified, oldest first. */
static int
cmd_case_queue(struct ctl *c, char **argv)
{
	char	*q = xstrdup("");
	int	 i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if ((strcmp(argv[i], "--limit") != 0 &&
		    strcmp(argv[i], "--offset") != 0) || argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "usage: %s", ctl_cur->usage);
		ctl_check_arg(argv[i], argv[i + 1]);
		ctl_query_add(&q, argv[i] + 2, argv[i + 1]);
	}
	return ctl_get(c, "/v1/queue", q, ctl_queue_table);
}

/*
 * case labels [--after ID]: every operator-labelled example as JSON lines
 * {"text","label"} for the training tool, page after page; --json prints
 * the server's pages whole (with case, previous, actor, at, id).
 */
#define CTL_LABEL_PAGES	400000		/* pages of 50 (long texts: < 4 MiB) */
static int
cmd_case_labels(struct ctl *c, char **argv)
{
	json_t		*reply, *row, *out, *next;
	json_int_t	 after = 0;
	const char	*errstr;
	char		*path, *line;
	size_t		 i;
	int		 page;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--after") != 0 || argv[1] == NULL)
			ctl_die(CTL_USAGE, "usage: %s", ctl_cur->usage);
		ctl_check_arg("--after", argv[1]);
		after = strtonum(argv[1], 0, LLONG_MAX, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, "--after: a label id, 0 or more");
	}
	for (page = 0; page < CTL_LABEL_PAGES; page++) {
		xasprintf(&path, "/v1/labels?limit=50&after=%"
		    JSON_INTEGER_FORMAT, after);
		reply = ctl_request(c, EVHTTP_REQ_GET, path, NULL);
		free(path);
		if (c->json) {
			json_dumpf(reply, stdout, JSON_INDENT(2));
			putchar('\n');
		} else
			json_array_foreach(json_object_get(reply, "labels"),
			    i, row) {
				out = json_pack("{s:O,s:O}", "text",
				    json_object_get(row, "text"), "label",
				    json_object_get(row, "label"));
				if (out == NULL || (line = json_dumps(out,
				    JSON_COMPACT)) ==
				    NULL)
					ctl_die(CTL_SERVER, "malformed label");
				puts(line);
				free(line);
				json_decref(out);
			}
		next = json_object_get(reply, "next");
		after = json_integer_value(next);
		json_decref(reply);
		if (!json_is_integer(next))
			break;
	}
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* --- the safety screen's alerts ---------------------------------------- */

static void
ctl_alert_table(json_t *o)
{
	static const char *const keys[] = { "id", "raised_at", "verdict",
	    "channel", "msisdn", "case", "refusal", "logs", "open", "word" };
	static const char *const heads[] = { "ID", "RAISED", "VERDICT",
	    "CHANNEL", "NUMBER", "CASE", "REFUSAL", "LOGGED", "OPEN", "WORD" };

	ctl_columns(json_object_get(o, "alerts"), keys, heads, nitems(keys));
}

/* alert list [--all]: open alerts (--all: acknowledged ones too) */
static int
cmd_alert_list(struct ctl *c, char **argv)
{
	const char	*path = "/v1/alerts";

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--all") != 0)
			ctl_die(CTL_USAGE, "alert list: unknown option");
		path = "/v1/alerts?all=1";
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_alert_table);
}

/* The path of alert ID (digits only) with tail. */
static void
ctl_alert_path(char *buf, size_t len, const char *id, const char *tail)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(id, 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		ctl_die(CTL_USAGE, "ID: an alert number");
	snprintf(buf, len, "/v1/alerts/%lld%s", n, tail);
}

/* alert show ID */
static int
cmd_alert_show(struct ctl *c, char **argv)
{
	char	path[64];

	ctl_alert_path(path, sizeof(path), argv[0], "");
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_table);
}

/* alert ack ID NOTE: who called back and what was done */
static int
cmd_alert_ack(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[64];

	ctl_alert_path(path, sizeof(path), argv[0], "/ack");
	json_object_set_new(body, "note", ctl_jstr("NOTE", argv[1]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path, body),
	    ctl_table);
}

/* alert citizen ID REASON: the number to call back (audited) */
static int
cmd_alert_citizen(struct ctl *c, char **argv)
{
	char	 path[64];
	char	*q = xstrdup(""), *p;
	int	 rv;

	if (strlen(ctl_text("REASON", argv[1])) > 256)
		ctl_die(CTL_USAGE, "REASON: longer than 256 bytes");
	if (strchr(argv[1], '\n') != NULL || strchr(argv[1], '\t') != NULL)
		ctl_die(CTL_USAGE, "REASON: one line, no tabs");
	ctl_alert_path(path, sizeof(path), argv[0], "/citizen");
	ctl_query_add(&q, "reason", argv[1]);
	xasprintf(&p, "%s%s", path, q);
	free(q);
	rv = ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, p, NULL),
	    ctl_table);
	free(p);
	return rv;
}

/* --- see what it is doing: health, the outbox, the links (issue 15) ----- */

/*
 * health: "ok", "degraded" or "failing" and the reasons; exits 0, 1 or 2
 * so that scripts and monitoring can act on it (3: no answer).
 */
static int
cmd_health(struct ctl *c, char **argv)
{
	json_t		*reply, *r;
	const char	*st;
	size_t		 i;

	ctl_accept = 503;		/* failing answers 503, with reasons */
	reply = ctl_request(c, EVHTTP_REQ_GET, "/v1/health", NULL);
	st = json_string_value(json_object_get(reply, "status"));
	if (st == NULL)
		ctl_die(CTL_SERVER, "malformed health reply");
	i = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "degraded") == 0 ? 1 : 2;
	if (c->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("%s\n", st);
		json_array_foreach(json_object_get(reply, "reasons"), i, r) {
			printf("  %s %s: ", json_string_value(json_object_get(
			    r, "status")), json_string_value(json_object_get(r,
			    "check")));
			ctl_print_value(json_object_get(r, "message"));
			putchar('\n');
		}
		i = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "degraded") == 0 ?
		    1 : 2;
	}
	json_decref(reply);
	fflush(stdout);
	return (int)i;
}

/* An outbox row id: digits only, 1 or more. */
static long long
ctl_row_id(const char *s)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(s, 1, LLONG_MAX, &errstr);
	if (errstr != NULL || strspn(s, "0123456789") != strlen(s))
		ctl_die(CTL_USAGE, "ID: an outbox row number (queue list)");
	return n;
}

static void
ctl_outbox_table(json_t *o)
{
	static const char *const keys[] = { "id", "state", "kind", "case",
	    "msisdn", "attempts", "next_attempt_at", "last_error" };
	static const char *const heads[] = { "ID", "STATE", "KIND", "CASE",
	    "NUMBER", "TRIES", "NEXT", "ERROR" };

	ctl_columns(json_object_get(o, "rows"), keys, heads, nitems(keys));
	if (json_is_integer(json_object_get(o, "next")))
		printf("(more: --after %" JSON_INTEGER_FORMAT ")\n",
		    json_integer_value(json_object_get(o, "next")));
}

/* queue list [--state S] [--after ID] [--limit N]: waiting rows first */
static int
cmd_queue_list(struct ctl *c, char **argv)
{
	char	*q = xstrdup("");
	int	 i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if ((strcmp(argv[i], "--state") != 0 &&
		    strcmp(argv[i], "--after") != 0 &&
		    strcmp(argv[i], "--limit") != 0) || argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "usage: %s", ctl_cur->usage);
		ctl_check_arg(argv[i], argv[i + 1]);
		ctl_query_add(&q, argv[i] + 2, argv[i + 1]);
	}
	return ctl_get(c, "/v1/outbox", q, ctl_outbox_table);
}

/* queue show ID: one row with its text (the number masked) */
static int
cmd_queue_show(struct ctl *c, char **argv)
{
	char	path[64];

	snprintf(path, sizeof(path), "/v1/outbox/%lld", ctl_row_id(argv[0]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_table);
}

/* queue hold|release|retry ID, queue cancel ID REASON (audited) */
static int
cmd_queue_op(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[96];

	snprintf(path, sizeof(path), "/v1/outbox/%lld/%s",
	    ctl_row_id(argv[0]), ctl_cur->op);
	if (argv[1] != NULL) {
		if (strlen(ctl_text("REASON", argv[1])) > 256 ||
		    strchr(argv[1], '\n') != NULL ||
		    strchr(argv[1], '\t') != NULL)
			ctl_die(CTL_USAGE, "REASON: one line of at most 256 "
			    "bytes");
		json_object_set_new(body, "reason", ctl_jstr("REASON",
		    argv[1]));
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path, body),
	    ctl_table);
}

static void
ctl_smsc_table(json_t *o)
{
	static const char *const keys[] = { "name", "state", "stopped",
	    "binds", "submits", "delivers", "throttled", "throughput" };
	static const char *const heads[] = { "NAME", "STATE", "STOPPED",
	    "BINDS", "SUBMITS", "DELIVERS", "THROTTLED", "LIMIT/S" };

	ctl_columns(json_object_get(o, "smsc"), keys, heads, nitems(keys));
}

static int
cmd_smsc_list(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/smsc", NULL),
	    ctl_smsc_table);
}

/* smsc stop|start NAME */
static int
cmd_smsc_op(struct ctl *c, char **argv)
{
	char	path[128];

	ctl_check_arg("NAME", argv[0]);
	if (strspn(argv[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789_.-") != strlen(argv[0]))
		ctl_die(CTL_USAGE, "NAME: an smsc block's name");
	snprintf(path, sizeof(path), "/v1/smsc/%s/%s", argv[0], ctl_cur->op);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path,
	    json_object()), ctl_table);
}
