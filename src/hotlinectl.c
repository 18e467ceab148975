/*
 * hotlinectl: the operators' command-line client of the admin API, as
 * smtpctl is of smtpd.  One request per run over libevent's HTTP client;
 * tables for people, --json for scripts.  Exit: 0 ok, 1 the server said
 * no, 2 usage, 3 no connection.  See hotlinectl(8).
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>

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

#include "ctl.h"
#include "errfmt.h"
#include "daemon.h"
#include "tokens.h"
#include "util.h"

struct ctl_reply {
	int		 status;	/* 0: no HTTP answer */
	int		 error;		/* enum evhttp_request_error, or -1 */
	int		 sock_errno;
	char		*body;
	size_t		 len;
};

static void	 usage(void) __attribute__((noreturn));
static int	 ctl_parse_server(struct ctl *, const char *);
static const char *ctl_safe(const char *, char *, size_t);
static void	 ctl_probe(struct ctl *, const char *);
static void	 ctl_cb(struct evhttp_request *, void *);
static struct evhttp_connection *ctl_tls_connection(struct ctl *,
		    struct event_base *);
static void	 ctl_errcb(enum evhttp_request_error, void *);
static void	 ctl_locale(void);
static void	 ctl_server_error(json_t *, int);
static const char *ctl_gettext(const char *);
static const char *ctl_word(const char *, const char *);
static char	*ctl_label(const char *);
static char	*ctl_cell(json_t *, const char *);
static void	 ctl_pad(const char *, size_t);

int	ctl_timeout = CTL_TIMEOUT;	/* seconds, per request */
int	ctl_accept;		/* a status taken like a 2xx (health) */

static const struct ctl_cmd cmds[] = {
	{ "status", NULL, 0, 0, 1, cmd_status, N_("status"), NULL, NULL },
	{ "log-level", NULL, 0, 1, 1, cmd_loglevel, N_("log-level [LEVEL]"),
	    NULL, NULL },
	{ "log", "reopen", 0, 0, 1, cmd_log_reopen, N_("log reopen"), NULL,
	    NULL },
	{ "case", "show", 1, 1, 1, cmd_case_show, N_("case show NUMBER"), NULL,
	    NULL },
	{ "case", "list", 0, 20, 1, cmd_case_list, N_("case list [--state S] "
	    "[--category C] [--unit U] [--overdue] [--supervised]\n\t    "
	    "[--confidential] [--from DATE] [--to DATE] [--limit N] "
	    "[--before NUMBER]"), NULL, NULL },
	{ "case", "answer", 2, 2, 1, cmd_case_text,
	    N_("case answer NUMBER RESULT"), "answer", "result" },
	{ "case", "dispatch", 2, 2 + 16 + 4, 1, cmd_case_dispatch,
	    N_("case dispatch NUMBER LEAD [CO ...] [--due DATE] "
	    "[--approval TEXT]"), NULL, NULL },
	{ "case", "approve", 2, 2, 1, cmd_case_text,
	    N_("case approve NUMBER PROPOSAL"), "approval", "proposal" },
	{ "case", "return", 2, 2, 1, cmd_case_text,
	    N_("case return NUMBER REASON"), "return", "reason" },
	{ "case", "extend", 3, 3, 1, cmd_case_extend,
	    N_("case extend NUMBER DAYS|DATE REASON"), NULL, NULL },
	{ "case", "confidential", 3, 3, 1, cmd_case_disclose,
	    N_("case confidential NUMBER on|off REASON"), "confidential",
	    NULL },
	{ "case", "nopublish", 3, 3, 1, cmd_case_disclose,
	    N_("case nopublish NUMBER on|off REASON"), "nopublish", NULL },
	{ "extension", "request", 3, 3, 1, cmd_ext_request,
	    N_("extension request NUMBER DAYS|DATE REASON"), NULL, NULL },
	{ "extension", "list", 0, 5, 1, cmd_ext_list, N_("extension list "
	    "[--all | --state S] [--before ID] [--limit N]"), NULL, NULL },
	{ "extension", "show", 1, 1, 1, cmd_ext_show,
	    N_("extension show ID"), NULL, NULL },
	{ "extension", "approve", 1, 2, 1, cmd_ext_decide,
	    N_("extension approve ID [NOTE]"), "approve", "note" },
	{ "extension", "refuse", 2, 2, 1, cmd_ext_decide,
	    N_("extension refuse ID REASON"), "refuse", "reason" },
	{ "case", "supervise", 2, 3, 1, cmd_case_supervise,
	    N_("case supervise NUMBER REASON [NOTE]"), NULL, NULL },
	{ "case", "close", 1, 2, 1, cmd_case_text,
	    N_("case close NUMBER [RESULT]"), "close", "result" },
	{ "case", "reopen", 2, 2, 1, cmd_case_text,
	    N_("case reopen NUMBER REASON"), "reopen", "reason" },
	{ "case", "reply", 2, 2, 1, cmd_case_text,
	    N_("case reply NUMBER RESULT"), "reply", "result" },
	{ "case", "note", 2, 2, 1, cmd_case_text, N_("case note NUMBER TEXT"),
	    "note", "text" },
	{ "case", "citizen", 2, 3, 1, cmd_case_citizen,
	    N_("case citizen NUMBER [--reason] REASON"), NULL, NULL },
	{ "case", "classify", 2, 3, 1, cmd_case_classify,
	    N_("case classify NUMBER CATEGORY [REASON]"), NULL, NULL },
	{ "case", "queue", 0, 4, 1, cmd_case_queue,
	    N_("case queue [--limit N] [--offset N]"), NULL, NULL },
	{ "case", "import", 2, 24, 1, cmd_case_import,
	    N_("case import --channel CH --id ID --category CAT --msisdn "
	    "NUMBER\n\t    --text TEXT "
	    "[--received TIME] [--confidential] [--ack]\n\t"
	    "case import --file FILE [--format csv|jsonl] [--channel CH] "
	    "[--ack]"), NULL, NULL },
	{ "case", "labels", 0, 2, 1, cmd_case_labels,
	    N_("case labels [--after ID]"), NULL, NULL },
	{ "unit", "add", 2, 3, 1, cmd_unit_add,
	    N_("unit add CODE NAME [CONTACT]"), NULL, NULL },
	{ "unit", "list", 0, 0, 1, cmd_unit_list, N_("unit list"), NULL, NULL },
	{ "contact", "add", 3, 4, 1, cmd_contact_add,
	    N_("contact add UNIT|office ROLE NUMBER [NAME]"), NULL, NULL },
	{ "contact", "list", 0, 1, 1, cmd_contact_list,
	    N_("contact list [UNIT|office]"), NULL, NULL },
	{ "contact", "remove", 1, 1, 1, cmd_contact_remove,
	    N_("contact remove ID"), NULL, NULL },
	{ "webhook", "set", 2, 2, 1, cmd_webhook_set,
	    N_("webhook set UNIT URL"), NULL, NULL },
	{ "webhook", "remove", 1, 1, 1, cmd_webhook_remove,
	    N_("webhook remove UNIT"), NULL, NULL },
	{ "webhook", "list", 0, 1, 1, cmd_webhook_list,
	    N_("webhook list [UNIT]"), NULL, NULL },
	{ "kb", "add", 2, 3, 1, cmd_kb_add,
	    N_("kb add KEYWORDS ANSWER [UNIT]"), NULL, NULL },
	{ "kb", "update", 3, 7, 1, cmd_kb_update,
	    N_("kb update ID [--keywords K] [--answer A] [--unit U]"), NULL,
	    NULL },
	{ "kb", "list", 0, 3, 1, cmd_kb_list,
	    N_("kb list [--stale] [--days N]"), NULL, NULL },
	{ "alert", "list", 0, 1, 1, cmd_alert_list, N_("alert list [--all]"),
	    NULL, NULL },
	{ "alert", "show", 1, 1, 1, cmd_alert_show, N_("alert show ID"), NULL,
	    NULL },
	{ "alert", "ack", 2, 2, 1, cmd_alert_ack, N_("alert ack ID NOTE"), NULL,
	    NULL },
	{ "alert", "citizen", 2, 2, 1, cmd_alert_citizen,
	    N_("alert citizen ID REASON"), NULL, NULL },
	{ "audit", "verify", 0, 4, 1, cmd_audit_verify,
	    N_("audit verify [--db FILE --key FILE]"), NULL, NULL },
	{ "stats", NULL, 0, 12, 1, cmd_stats, N_("stats [units | flags] "
	    "[--day D | --week [D] | --month [YYYY-MM]\n\t    "
	    "| --from D --to D] [--by category|unit|channel|day] "
	    "[--csv]\n\t    [--weights FILE]"), NULL, NULL },
	{ "report", NULL, 2, 14, 1, cmd_report, N_("report [--day D | "
	    "--week [D] | --month [YYYY-MM] | --from D --to D] "
	    "-o FILE.html\n\t    [--pdf FILE.pdf] [--weights FILE]"), NULL,
	    NULL },
	{ "publish", NULL, 2, 10, 1, cmd_publish, N_("publish --from D --to D "
	    "[-o FILE] [--format csv|json|html]"), NULL, NULL },
	{ "db", "check", 0, 1, 1, cmd_db_check, N_("db check [--quick]"), NULL,
	    NULL },
	{ "backup", NULL, 1, 1, 1, cmd_backup, N_("backup FILE"), NULL, NULL },
	{ "retention", "apply", 0, 1, 1, cmd_retention,
	    N_("retention apply [--dry-run]"), NULL, NULL },
	{ "hash-token", NULL, 0, 0, 0, cmd_hash_token, N_("hash-token"), NULL,
	    NULL },
	/* issue 15: see what it is doing (the block at the end of the file) */
	{ "health", NULL, 0, 0, 2, cmd_health, N_("health"), NULL, NULL },
	{ "queue", "list", 0, 6, 1, cmd_queue_list, N_("queue list [--state S] "
	    "[--after ID] [--limit N]"), NULL, NULL },
	{ "queue", "show", 1, 1, 1, cmd_queue_show, N_("queue show ID"), NULL,
	    NULL },
	{ "queue", "hold", 1, 1, 1, cmd_queue_op, N_("queue hold ID"), "hold",
	    NULL },
	{ "queue", "release", 1, 1, 1, cmd_queue_op, N_("queue release ID"),
	    "release", NULL },
	{ "queue", "retry", 1, 1, 1, cmd_queue_op, N_("queue retry ID"),
	    "retry", NULL },
	{ "queue", "cancel", 2, 2, 1, cmd_queue_op,
	    N_("queue cancel ID REASON"), "cancel", NULL },
	{ "smsc", "list", 0, 0, 1, cmd_smsc_list, N_("smsc list"), NULL, NULL },
	{ "smsc", "stop", 1, 1, 1, cmd_smsc_op, N_("smsc stop NAME"), "stop",
	    NULL },
	{ "smsc", "start", 1, 1, 1, cmd_smsc_op, N_("smsc start NAME"), "start",
	    NULL },
};

static const char	*progname = "hotlinectl";
const struct ctl_cmd	*ctl_cur;	/* the command running */
const char *const	*ctl_fields_own;	/* its labels, or NULL */

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, _("usage: hotlinectl [--json] [--ca file] "
	    "[-s [https://]host:port] [-t token | -T file]\n"
	    "                  command [arg ...]\ncommands:\n"));
	for (i = 0; i < nitems(cmds); i++)
		fprintf(stderr, "\t%s\n", _(cmds[i].usage));
	exit(CTL_USAGE);
}

void
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
int
ctl_check_arg(const char *what, const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CTL_ARG_MAX)
			ctl_die(CTL_USAGE, _("%s: longer than %d bytes"),
			    _(what), CTL_ARG_MAX);
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			ctl_die(CTL_USAGE, _("%s: only printable ASCII without "
			    "blanks"), _(what));
	}
	if (i == 0)
		ctl_die(CTL_USAGE, _("%s: empty"), _(what));
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
	ctl_die(CTL_CONNECT, _("cannot connect to %s: %s"), hostport,
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
		ctl_die(CTL_CONNECT, _("cannot set up TLS"));
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if ((c->ca != NULL ? SSL_CTX_load_verify_locations(ctx, c->ca, NULL) :
	    SSL_CTX_set_default_verify_paths(ctx)) != 1)
		ctl_die(CTL_USAGE, _("--ca %s: cannot load it"),
		    c->ca != NULL ? c->ca : "(system)");
	if ((ssl = SSL_new(ctx)) == NULL)
		ctl_die(CTL_CONNECT, _("cannot set up TLS"));
	if (inet_pton(AF_INET, c->host, ip) == 1 ||
	    inet_pton(AF_INET6, c->host, ip) == 1) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    c->host) != 1)
			ctl_die(CTL_CONNECT, _("cannot set up TLS"));
	} else if (SSL_set_tlsext_host_name(ssl, c->host) != 1 ||
	    SSL_set1_host(ssl, c->host) != 1)
		ctl_die(CTL_CONNECT, _("cannot set up TLS"));
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL)
		ctl_die(CTL_CONNECT, _("cannot set up TLS"));
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
json_t *
ctl_request(struct ctl *c, int method, const char *path, json_t *body)
{
	return ctl_call(c, method, path, body, NULL);
}

json_t *
ctl_call(struct ctl *c, int method, const char *path, json_t *body,
    int *statusp)
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
		ctl_die(CTL_CONNECT, _("event_base_new failed"));
	if (c->tls)
		evcon = ctl_tls_connection(c, base);
	else
		evcon = evhttp_connection_base_new(base, NULL, c->host,
		    (ev_uint16_t)c->port);
	if (evcon == NULL)
		ctl_die(CTL_CONNECT, _("cannot connect to %s port %d"), c->host,
		    c->port);
	evhttp_connection_set_timeout_tv(evcon, &tv);
	evhttp_connection_set_retries(evcon, 0);
	evhttp_connection_set_max_body_size(evcon, CTL_REPLY_MAX);
	evhttp_connection_set_max_headers_size(evcon, 64 * 1024);
	if ((req = evhttp_request_new(ctl_cb, &r)) == NULL)
		ctl_die(CTL_CONNECT, _("evhttp_request_new failed"));
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
			ctl_die(CTL_USAGE, _("cannot encode the request"));
		evhttp_add_header(h, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), s,
		    strlen(s));
		free(s);
		json_decref(body);
	}
	if (evhttp_make_request(evcon, req, method, path) == -1)
		ctl_die(CTL_CONNECT, _("cannot send the request to %s"),
		    hostport);
	event_base_dispatch(base);
	evhttp_connection_free(evcon);
	event_base_free(base);

	if (r.status == 0)
		ctl_die(CTL_CONNECT, _("no answer from %s: %s"), hostport,
		    r.error == EVREQ_HTTP_TIMEOUT ? _("timed out") : c->tls ?
		    _("TLS failed (certificate not trusted? see --ca)") :
		    r.sock_errno != 0 ? strerror(r.sock_errno) :
		    _("connection failed"));
	reply = json_loadb(r.body, r.len, 0, &jerr);
	free(r.body);
	if (statusp != NULL) {		/* every answer to the caller */
		*statusp = r.status;
		return reply;
	}
	if ((r.status >= 200 && r.status < 300) || r.status == ctl_accept) {
		if (!json_is_object(reply))
			ctl_die(CTL_SERVER, _("malformed reply from %s (HTTP "
			    "%d)"), hostport, r.status);
		return reply;
	}
	e = json_object_get(reply, "error");
	if (c->json && reply != NULL) {
		json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (json_is_string(json_object_get(e, "message")))
		ctl_server_error(e, r.status);
	else
		fprintf(stderr, _("%s: the server answered HTTP %d\n"),
		    progname, r.status);
	json_decref(reply);
	exit(CTL_SERVER);
}

/*
 * The server's error e: its message in the reader's language (the format
 * the server sends translated, its arguments put in: ctl_error_text()),
 * after what kind of error it is when that language is not English (the
 * code translated).
 */
static void
ctl_server_error(json_t *e, int status)
{
	static const char *const kinds[] = { NC_("error", "bad_request"),
	    NC_("error", "unauthorized"), NC_("error", "forbidden"),
	    NC_("error", "not_found"), NC_("error", "method_not_allowed"),
	    NC_("error", "conflict"), NC_("error", "too_large"),
	    NC_("error", "busy"), NC_("error", "unavailable"),
	    NC_("error", "internal"), NULL };
	const char	*kind, *code, *msg;
	char		 buf[CTL_ERROR_MAX];

	if ((code = json_string_value(json_object_get(e, "code"))) == NULL)
		code = "";
	msg = ctl_error_text(e, buf, sizeof(buf));
	kind = nls_word(kinds, code);
	if (strcmp(kind, code) != 0)
		fprintf(stderr, "%s: %s: ", progname, kind);
	else
		fprintf(stderr, "%s: ", progname);
	fprintf(stderr, _("%s (HTTP %d %s)\n"), msg, status, code);
}

/* The catalogue's translation of an error's format (errfmt_text()). */
static const char *
ctl_gettext(const char *fmt)
{
	return _(fmt);
}

/*
 * The text of the API's error object e for people: the "message" (the
 * API's English), or under a translated locale the "format" translated
 * with the "args" put in, when the catalogue has it and they fit; never
 * a received format given to printf.  NULL when e has no message.
 */
const char *
ctl_error_text(json_t *e, char *buf, size_t len)
{
	return errfmt_text(e, ctl_gettext, buf, len);
}

/* One of hotlinectl's own errors made by errfmt_note(), translated. */
const char *
ctl_local_text(const char *err, char *buf, size_t len)
{
	return errfmt_local(err, ctl_gettext, buf, len);
}

/* A scalar as a table cell: control characters shown as '?'. */
void
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
		fputs(_("yes"), stdout);
		break;
	case JSON_FALSE:
		fputs(_("no"), stdout);
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

/*
 * The words the server sends that a reader sees in tables: case and
 * outbox states and the categories (the office's terms: the bulletin's
 * and category.c's), and the fields of cases, units, the knowledge
 * base, alerts and outbox rows.  Anything else is shown as sent.
 */
static const char *const ctl_states[] = {
	NC_("state", "registered"), NC_("state", "pending_approval"),
	NC_("state", "dispatched"), NC_("state", "returned"),
	NC_("state", "replied"), NC_("state", "answered"),
	NC_("state", "closed"), NC_("state", "rehandling"),
	NC_("state", "final"), NC_("state", "queued"),
	NC_("state", "inflight"), NC_("state", "sent"),
	NC_("state", "delivered"), NC_("state", "failed"),
	NC_("state", "expired"), NC_("state", "cancelled"),
	NC_("state", "held"), NC_("state", "pending"),
	NC_("state", "approved"), NC_("state", "refused"),
	NC_("state", "waiting"), NC_("state", "lapsed"), NULL
};
/* A contact's role (notice.h) */
static const char *const ctl_roles[] = {
	NC_("role", "handler"), NC_("role", "leader"),
	NC_("role", "discipline"), NC_("role", "duty"), NULL
};
static const char *const ctl_categories[] = {
	NC_("category", "consultation"), NC_("category", "help"),
	NC_("category", "complaint"), NC_("category", "suggestion"),
	NC_("category", "efficiency"), NC_("category", "other"),
	NC_("category", "unclassified"), NULL
};
static const char *const ctl_fields[] = {
	NC_("field", "number"), NC_("field", "category"),
	NC_("field", "state"), NC_("field", "confidential"),
	NC_("field", "received_at"), NC_("field", "due"),
	NC_("field", "unit"), NC_("field", "supervised"),
	NC_("field", "overdue"), NC_("field", "text"), NC_("field", "rule"),
	NC_("field", "flags"), NC_("field", "result"),
	NC_("field", "closed_at"), NC_("field", "supplements"),
	NC_("field", "co_units"), NC_("field", "dispatched_at"),
	NC_("field", "due_original"), NC_("field", "extensions"),
	NC_("field", "late_returns"), NC_("field", "supervision"),
	NC_("field", "rehandled"), NC_("field", "result_cut"),
	NC_("field", "updated_at"), NC_("field", "survey_score"),
	NC_("field", "survey_state"), NC_("field", "id"),
	NC_("field", "code"), NC_("field", "name"), NC_("field", "contact"),
	NC_("field", "keywords"), NC_("field", "answer"),
	NC_("field", "stale"), NC_("field", "raised_at"),
	NC_("field", "verdict"), NC_("field", "channel"),
	NC_("field", "word"), NC_("field", "msisdn"), NC_("field", "case"),
	NC_("field", "refusal"), NC_("field", "logged_at"),
	NC_("field", "logs"), NC_("field", "open"),
	NC_("field", "acked_at"), NC_("field", "acked_by"),
	NC_("field", "note"), NC_("field", "kind"),
	NC_("field", "attempts"), NC_("field", "priority"),
	NC_("field", "created_at"), NC_("field", "next_attempt_at"),
	NC_("field", "last_error"), NC_("field", "level"),
	NC_("field", "role"), NC_("field", "removed"), NC_("field", "url"),
	NC_("field", "secret"), NC_("field", "external_id"),
	NC_("field", "created"), NC_("field", "asked_by"),
	NC_("field", "reason"), NC_("field", "due_before"),
	NC_("field", "days"), NC_("field", "requested_at"),
	NC_("field", "decided_at"), NC_("field", "decided_by"),
	NC_("field", "decision"), NC_("field", "case_state"), NULL
};

/* A case's or an SMS's state as the reader says it. */
const char *
ctl_state(const char *s)
{
	return nls_word(ctl_states, s);
}

/* The value v of field key as the reader says it (states, categories). */
static const char *
ctl_word(const char *key, const char *v)
{
	if (strcmp(key, "state") == 0 || strcmp(key, "case_state") == 0)
		return ctl_state(v);
	if (strcmp(key, "role") == 0)
		return nls_word(ctl_roles, v);
	if (strcmp(key, "category") == 0)
		return nls_word(ctl_categories, v);
	return v;
}

/*
 * A field's label: the command's own (ctl_fields_own), else the common
 * one, translated; else the key with '_' shown as '-'.
 */
static char *
ctl_label(const char *k)
{
	const char	*t;
	char		*s;
	size_t		 i;

	t = ctl_fields_own != NULL ? nls_word(ctl_fields_own, k) : k;
	if (t == k)
		t = nls_word(ctl_fields, k);
	s = xstrdup(t);

	for (i = 0; strcmp(t, k) == 0 && s[i] != '\0'; i++)
		if (s[i] == '_')
			s[i] = '-';
	return s;
}

/* An object as "key  value" lines, keys aligned. */
void
ctl_table(json_t *o)
{
	const char	*k, *s;
	json_t		*v;
	size_t		 w = 0, n;
	char		*l;

	json_object_foreach(o, k, v) {
		l = ctl_label(k);
		if ((n = nls_width(l)) > w)
			w = n;
		free(l);
	}
	json_object_foreach(o, k, v) {
		l = ctl_label(k);
		printf("%s%*s  ", l, (int)(w - nls_width(l)), "");
		free(l);
		s = json_string_value(v);
		if (s != NULL && ctl_word(k, s) != s)	/* one of ours */
			fputs(ctl_word(k, s), stdout);
		else
			ctl_print_value(v);
		putchar('\n');
	}
}

/* Print a reply: as JSON with --json, else through table(). */
int
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


/* Usage error unless s is text for the server: 1..CTL_TEXT_MAX, no controls. */
const char *
ctl_text(const char *what, const char *s)
{
	size_t	i;

	if (s[0] == '\0')
		ctl_die(CTL_USAGE, _("%s: empty"), _(what));
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CTL_TEXT_MAX)
			ctl_die(CTL_USAGE, _("%s: longer than %d bytes"),
			    _(what), CTL_TEXT_MAX);
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t') || s[i] == 0x7f)
			ctl_die(CTL_USAGE, _("%s: control characters"),
			    _(what));
	}
	return s;
}

/* Usage error unless s is an audited read's reason: one line, <= 256. */
void
ctl_reason(const char *s)
{
	if (strlen(ctl_text(N_("REASON"), s)) > 256)
		ctl_die(CTL_USAGE, _("REASON: longer than 256 bytes"));
	if (strchr(s, '\n') != NULL || strchr(s, '\t') != NULL)
		ctl_die(CTL_USAGE, _("REASON: one line, no tabs"));
}

/* A JSON string from UTF-8 text, or a usage error. */
json_t *
ctl_jstr(const char *what, const char *s)
{
	json_t	*v;

	if ((v = json_string(ctl_text(what, s))) == NULL)
		ctl_die(CTL_USAGE, _("%s: not valid UTF-8"), _(what));
	return v;
}

/* A cell of ctl_columns(): text to free, control characters as '?'. */
static char *
ctl_cell(json_t *row, const char *key)
{
	json_t	*v = json_object_get(row, key);
	char	*s;
	size_t	 i;

	if (json_is_boolean(v))
		s = xstrdup(json_is_true(v) ? _("yes") : _("no"));
	else if (json_is_string(v))
		s = xstrdup(ctl_word(key, json_string_value(v)));
	else if (json_is_integer(v))
		xasprintf(&s, "%lld", json_integer_value(v));
	else
		s = xstrdup("-");
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20)
			s[i] = '?';
	return s;
}

/*
 * Print a list of objects as aligned columns (keys) under heads (marked
 * NC_("column", ...)), '-' for null; widths in terminal columns.
 */
void
ctl_columns(json_t *list, const char *const *keys, const char *const *heads,
    size_t n)
{
	size_t	 w[16], i, j, len;
	json_t	*row;
	char	*s;

	for (j = 0; j < n; j++)
		w[j] = nls_width(nls_ctx(heads[j]));
	json_array_foreach(list, i, row)
		for (j = 0; j + 1 < n; j++) {
			s = ctl_cell(row, keys[j]);
			if ((len = nls_width(s)) > w[j])
				w[j] = len;
			free(s);
		}
	for (j = 0; j < n; j++)
		ctl_pad(nls_ctx(heads[j]), j + 1 < n ? w[j] : 0);
	json_array_foreach(list, i, row)
		for (j = 0; j < n; j++) {
			s = ctl_cell(row, keys[j]);
			ctl_pad(s, j + 1 < n ? w[j] : 0);
			free(s);
		}
}

/* s and blanks up to w columns and two more; w 0: s and a newline. */
static void
ctl_pad(const char *s, size_t w)
{
	if (w == 0)
		printf("%s\n", s);
	else
		printf("%s%*s  ", s, (int)(w - nls_width(s)), "");
}

/* Append &key=value (URI-encoded) to a query being built in *q. */
void
ctl_query_add(char **q, const char *key, const char *value)
{
	char	*enc, *n;

	if ((enc = evhttp_uriencode(value, -1, 1)) == NULL)
		ctl_die(CTL_USAGE, _("cannot encode %s"), key);
	xasprintf(&n, "%s%s%s=%s", *q, **q == '\0' ? "?" : "&", key, enc);
	free(enc);
	free(*q);
	*q = n;
}

/* GET path?reason=REASON (an audited read) and print it as a table. */
int
ctl_get_reason(struct ctl *c, const char *path, const char *reason)
{
	char	*q = xstrdup("");

	ctl_query_add(&q, "reason", reason);
	return ctl_get(c, path, q, ctl_table);
}

/* GET base + query (freed here) and print the answer with table. */
int
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

/* Read a token on stdin, print the "sha256:" form for the tokens file. */
int
cmd_hash_token(struct ctl *c, char **argv)
{
	char	buf[TOKEN_SECRET_MAX + 3];
	uint8_t	h[TOKEN_HASH_LEN];
	size_t	len, i;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		ctl_die(CTL_USAGE, _("hash-token: no token on stdin"));
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == sizeof(buf) - 1)
		ctl_die(CTL_USAGE, _("hash-token: longer than %d bytes"),
		    TOKEN_SECRET_MAX);
	buf[len] = '\0';
	if (len < TOKEN_SECRET_MIN || len > TOKEN_SECRET_MAX)
		ctl_die(CTL_USAGE, _("hash-token: a token is %d to %d "
		    "characters"), TOKEN_SECRET_MIN, TOKEN_SECRET_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			ctl_die(CTL_USAGE, _("hash-token: only printable ASCII "
			    "without blanks"));
	tokens_hash(buf, len, h);
	explicit_bzero(buf, sizeof(buf));
	printf("sha256:");
	for (i = 0; i < sizeof(h); i++)
		printf("%02x", h[i]);
	putchar('\n');
	return CTL_OK;
}

/*
 * The reader's language (LC_ALL, LC_MESSAGES, LANG; LANGUAGE) for what
 * people read; numbers keep the C locale's '.', which --json, --csv and
 * the weights file need in every language.  HOTLINECTL_LOCALEDIR points
 * at other translations (the build tree's, in tests).
 */
static void
ctl_locale(void)
{
#ifdef ENABLE_NLS
	const char	*dir = getenv("HOTLINECTL_LOCALEDIR");

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("hotlinectl", dir != NULL && dir[0] != '\0' ? dir :
	    LOCALEDIR);
	textdomain("hotlinectl");
#endif
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

	ctl_locale();
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
			ctl_die(CTL_USAGE, _("argument %zu: longer than %d "
			    "bytes"), i + 1, CTL_TEXT_MAX);
	for (i = 0; i < nitems(cmds) && cmd == NULL; i++) {
		if (strcmp(argv[0], cmds[i].word1) != 0)
			continue;
		if (cmds[i].word2 == NULL)
			cmd = &cmds[i];
		else if (argc < 2)
			ctl_die(CTL_USAGE, _("%s: missing subcommand (%s)"),
			    argv[0], _(cmds[i].usage));
		else if (strcmp(argv[1], cmds[i].word2) == 0)
			cmd = &cmds[i];
		else
			sub = &cmds[i];
	}
	if (cmd == NULL && sub != NULL) {
		fprintf(stderr, _("%s: unknown subcommand '%s'; %s takes:\n"),
		    progname, ctl_safe(argv[1], safe, sizeof(safe)),
		    sub->word1);
		for (i = 0; i < nitems(cmds); i++)
			if (strcmp(cmds[i].word1, sub->word1) == 0)
				fprintf(stderr, "\t%s\n", _(cmds[i].usage));
		exit(CTL_USAGE);
	}
	if (cmd == NULL)
		ctl_die(CTL_USAGE, _("unknown command '%s' (try --help)"),
		    ctl_safe(argv[0], safe, sizeof(safe)));
	argv += cmd->word2 != NULL ? 2 : 1;
	nargs = argc - (cmd->word2 != NULL ? 2 : 1);
	if (nargs < cmd->minargs)
		ctl_die(CTL_USAGE, _("missing argument: %s"),
		    _(cmd->usage));
	if (nargs > cmd->maxargs)
		ctl_die(CTL_USAGE, _("too many arguments: %s"),
		    _(cmd->usage));

	/* audit verify --db FILE --key FILE: offline, no daemon, no token */
	if (cmd->needs_token && !(cmd->fn == cmd_audit_verify && nargs > 0)) {
		if (ctl_parse_server(&c, server != NULL ? server :
		    CTL_SERVER_DEFAULT) == -1)
			ctl_die(CTL_USAGE, _("bad server address (host:port, "
			    "[v6]:port)"));
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
			ctl_die(CTL_USAGE, _("no token: use -t, -T or "
			    "HOTLINECTL_TOKEN"));
		if (c.token == NULL)
			;
		else if (strlen(c.token) > TOKEN_SECRET_MAX)
			ctl_die(CTL_USAGE, _("token: longer than %d bytes"),
			    TOKEN_SECRET_MAX);
		for (i = 0; c.token != NULL && c.token[i] != '\0'; i++)
			if ((unsigned char)c.token[i] <= 0x20 ||
			    (unsigned char)c.token[i] >= 0x7f)
				ctl_die(CTL_USAGE, _("token: only printable "
				    "ASCII without blanks"));
		if (c.token != NULL && i == 0)
			ctl_die(CTL_USAGE, _("token: empty"));
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
