/*
 * The operator log, after OpenBSD log.c but for people who tail a file:
 * "2026-11-26T19:22:01.123+08:00 info  smpp   bound smsc=main mode=trx".
 * The first word of every message is the module; phone numbers go through
 * log_msisdn() and citizen text through log_snippet().
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "log.h"

static int	 log_dests = LOG_TO_STDERR;
static int	 log_level = LOG_L_INFO;
static int	 log_fd = -1;
static const char *log_levels[] = { "warn", "info", "debug", "trace" };
/* keyed once (HMAC-SHA-256) for the tag after a masked number; NULL: none */
static EVP_MAC_CTX *log_tag_ctx;
/* the last number tagged (normalised) and its tag: a message's lines share */
static char	 log_tag_last[CRYPTO_MSISDN_MAX];
static char	 log_tag_lastv[LOG_TAG_LEN + 1];

static void	 log_emit(int, const char *, const char *);
static int	 log_priority(int, const char *);
static void	 log_always(const char *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

void
log_init(int dests, int level, const char *ident)
{
	log_dests = dests;
	log_level = level;
	if (dests & LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

/*
 * systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * to stdout and stderr; only when stderr is still that stream do the
 * sd-daemon(3) "<N>" prefixes reach journald (a redirected stderr would
 * show them to a person).
 */
int
log_stderr_is_journal(void)
{
	const char		*env = getenv("JOURNAL_STREAM");
	struct stat		 st;
	unsigned long long	 dev, ino;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

int
log_reopen(const char *path)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (log_fd != -1)
		close(log_fd);
	log_fd = fd;
	log_dests |= LOG_TO_FILE;
	return 0;
}

void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	log_dests &= ~LOG_TO_FILE;
	if (log_dests & LOG_TO_SYSLOG)
		closelog();
}

void
log_setlevel(int level)
{
	if (level < LOG_L_WARN)
		level = LOG_L_WARN;
	if (level > LOG_L_TRACE)
		level = LOG_L_TRACE;
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

const char *
log_strlevel(int level)
{
	if (level < 0 || level >= (int)nitems(log_levels))
		return "?";
	return log_levels[level];
}

int
log_parselevel(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(log_levels); i++)
		if (strcmp(s, log_levels[i]) == 0)
			return (int)i;
	return -1;
}

void
log_timestamp(char *buf, size_t len)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 date[32], zone[8];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);	/* +0800 */
	snprintf(buf, len, "%s.%03ld%.3s:%.2s", date,
	    (long)(tv.tv_usec / 1000), zone, zone + 3);
}

/*
 * The syslog priority of a line: "crit" a life may be in danger (an
 * alert), "err" the disk or the database fails and "fatal" the daemon
 * stops, then warning, info and debug (trace too) by level.
 */
static int
log_priority(int level, const char *what)
{
	static const int prio[] = { LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG };

	if (strcmp(what, "crit") == 0)
		return LOG_CRIT;
	if (strcmp(what, "err") == 0 || strcmp(what, "fatal") == 0)
		return LOG_ERR;
	return prio[level];
}

/* Write one finished line to every destination. */
static void
log_emit(int level, const char *what, const char *msg)
{
	int		 pri = log_priority(level, what);
	char		 line[8192], ts[40], module[16];
	const char	*sp, *rest;
	size_t		 mlen, len, skip;
	int		 n;

	sp = strchr(msg, ' ');
	mlen = sp ? (size_t)(sp - msg) : strlen(msg);
	if (mlen >= sizeof(module))
		mlen = 0;
	memcpy(module, msg, mlen);
	module[mlen] = '\0';
	rest = msg + mlen + (sp && mlen ? 1 : 0);

	if (log_dests & LOG_TO_SYSLOG)
		syslog(pri, "%s %s", what, msg);
	if (!(log_dests & (LOG_TO_STDERR | LOG_TO_FILE)))
		return;
	/* the journal stamps its own time: "<3>" instead of ours */
	ts[0] = '\0';
	if (log_dests & LOG_TO_JOURNAL)
		snprintf(ts, sizeof(ts), "<%d>", pri);
	len = strlen(ts);
	log_timestamp(ts + len + 1, sizeof(ts) - len - 1);
	n = snprintf(line, sizeof(line), "%s %-5s %-6s %s\n", ts + len + 1,
	    what, module, rest);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if ((log_dests & LOG_TO_FILE) && log_fd != -1)
		(void)!write(log_fd, line, (size_t)n);
	if (!(log_dests & LOG_TO_STDERR))
		return;
	if (log_dests & LOG_TO_JOURNAL) {
		/* the same line without the time, after its priority */
		skip = strcspn(line, " ") + 1;
		memcpy(line + skip - len, ts, len);
		(void)!write(STDERR_FILENO, line + skip - len,
		    (size_t)n - skip + len);
	} else
		(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
vlog(int level, const char *fmt, va_list ap)
{
	char	msg[4096];
	int	saved = errno;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(level, level == LOG_L_WARN ? "warn" : log_strlevel(level), msg);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	char	 msg[4096];
	va_list	 ap;
	int	 saved = errno;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, " error=\"%s\"", strerror(saved));
	log_emit(LOG_L_WARN, "warn", msg);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_L_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_L_INFO, fmt, ap);
	va_end(ap);
}

/* A line logged whatever the level: "err", "crit". */
static void
log_always(const char *what, const char *fmt, va_list ap)
{
	char	msg[4096];
	int	saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(LOG_L_WARN, what, msg);
	errno = saved;
}

void
log_err(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_always("err", fmt, ap);
	va_end(ap);
}

void
log_crit(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_always("crit", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_L_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_trace(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_L_TRACE, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char	 msg[4096];
	va_list	 ap;
	int	 saved = errno;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, " error=\"%s\"", strerror(saved));
	log_emit(LOG_L_WARN, "fatal", msg);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char	msg[4096];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_emit(LOG_L_WARN, "fatal", msg);
	exit(1);
}

void
log_msisdn_key(const uint8_t *key)
{
	OSSL_PARAM	 params[2];
	EVP_MAC		*mac;

	EVP_MAC_CTX_free(log_tag_ctx);
	log_tag_ctx = NULL;
	explicit_bzero(log_tag_last, sizeof(log_tag_last));
	if (key == NULL)
		return;
	/* keyed once: a fetch and a key schedule per line cost ~20k cycles */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (log_tag_ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(log_tag_ctx, key, LOG_TAG_KEY_LEN, params)) {
		EVP_MAC_CTX_free(log_tag_ctx);
		log_tag_ctx = NULL;	/* masks without a tag, never a number */
		log_warnx("log cannot key the number tag: masks go untagged");
	}
	EVP_MAC_free(mac);
}

/*
 * The tag of a number: HMAC-SHA-256 under the tag key of the normalised
 * number (crypto.h: +8613800138000 and 13800138000 are one citizen), as
 * four lowercase letters (26^4: ~19 bits; letters, so a grep for digits
 * never matches a tag).  They tell the few citizens whose masks collide
 * apart; without the key they say nothing about the hidden digits.
 */
static void
log_msisdn_tag(const char *msisdn, char tag[LOG_TAG_LEN + 1])
{
	char			 norm[CRYPTO_MSISDN_MAX];
	unsigned char		 md[EVP_MAX_MD_SIZE];
	size_t			 mdlen = 0;
	uint32_t		 v;
	int			 i;

	if (crypto_normalise_msisdn(msisdn, norm, sizeof(norm)) == -1)
		strlcpy(norm, msisdn, sizeof(norm));	/* cut: still stable */
	if (log_tag_last[0] != '\0' && strcmp(norm, log_tag_last) == 0) {
		memcpy(tag, log_tag_lastv, LOG_TAG_LEN + 1);
		return;
	}
	if (!EVP_MAC_init(log_tag_ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(log_tag_ctx, (const unsigned char *)norm,
	    strlen(norm)) || !EVP_MAC_final(log_tag_ctx, md, &mdlen,
	    sizeof(md)) || mdlen < 4) {
		strlcpy(tag, "????", LOG_TAG_LEN + 1);
		return;
	}
	v = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	    (uint32_t)md[2] << 8 | md[3];
	for (i = LOG_TAG_LEN - 1; i >= 0; i--, v /= 26)
		tag[i] = (char)('a' + v % 26);
	tag[LOG_TAG_LEN] = '\0';
	strlcpy(log_tag_last, norm, sizeof(log_tag_last));
	memcpy(log_tag_lastv, tag, LOG_TAG_LEN + 1);
}

/*
 * How much of a number of n characters (after a '+') a log line shows,
 * head and tail around a fixed "****" (the mask never tells the length):
 * always at least four hidden, at most seven shown.  11 digits keep the
 * usual 138****5678.
 */
static void
log_msisdn_shown(size_t n, size_t *head, size_t *tail)
{
	*head = *tail = 0;
	if (n >= 11) {
		*head = 3;
		*tail = 4;
	} else if (n == 10) {
		*head = 3;
		*tail = 3;
	} else if (n >= 8) {
		*head = 2;
		*tail = 2;
	} else if (n >= 5)
		*tail = 2;
}

/* A character of a number as a log line may show it. */
static char
log_msisdn_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') ? c : '?';
}

/*
 * Mask by length (log_msisdn_shown()), a leading '+' kept, anything but
 * letters and digits shown as '?', then "~" and the keyed tag when a key
 * is set: 138****5678~k3fq.
 */
const char *
log_msisdn(const char *msisdn, char *buf, size_t len)
{
	char	 out[LOG_MSISDN_MAX];
	char	 tag[LOG_TAG_LEN + 1];
	size_t	 n, head, tail, i, o = 0;
	int	 plus = 0;

	if (msisdn == NULL || *msisdn == '\0') {
		strlcpy(buf, "-", len);
		return buf;
	}
	if (log_tag_ctx != NULL)
		log_msisdn_tag(msisdn, tag);
	if (*msisdn == '+') {
		plus = 1;
		msisdn++;
	}
	n = strnlen(msisdn, 64);
	log_msisdn_shown(n, &head, &tail);
	if (plus)
		out[o++] = '+';
	for (i = 0; i < head; i++)
		out[o++] = log_msisdn_char(msisdn[i]);
	memcpy(out + o, "****", 4);
	o += 4;
	for (i = n - tail; i < n; i++)
		out[o++] = log_msisdn_char(msisdn[i]);
	if (log_tag_ctx != NULL) {
		out[o++] = '~';
		memcpy(out + o, tag, LOG_TAG_LEN);
		o += LOG_TAG_LEN;
	}
	out[o] = '\0';
	strlcpy(buf, out, len);
	return buf;
}

/*
 * Quote text for a log line: control characters, quotes and backslashes are
 * escaped so no input can forge a line, invalid UTF-8 bytes become \xNN, and
 * the result is cut (with "...") to fit len.  UTF-8 sequences are never split.
 */
const char *
log_snippet(const char *text, size_t textlen, char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 i = 0, o = 0, need, seq;
	char			 tmp[8];

	if (len < 8) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	while (i < textlen) {
		unsigned char c = p[i];

		seq = 1;
		if (c == '\\' || c == '"') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			need = 2;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			tmp[0] = '\\';
			tmp[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			need = 2;
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
			need = 4;
		} else if (c < 0x80) {
			tmp[0] = (char)c;
			need = 1;
		} else {
			seq = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			    (c & 0xf8) == 0xf0 ? 4 : 0;
			if (seq == 0 || i + seq > textlen)
				seq = 0;
			for (size_t k = 1; k < seq; k++)
				if ((p[i + k] & 0xc0) != 0x80)
					seq = 0;
			if (seq == 0) {
				snprintf(tmp, sizeof(tmp), "\\x%02x", c);
				need = 4;
				seq = 1;
			} else {
				memcpy(tmp, p + i, seq);
				need = seq;
			}
		}
		if (o + need + 4 > len) {	/* room for "..." and NUL */
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, tmp, need);
		o += need;
		i += seq;
	}
	buf[o] = '\0';
	return buf;
}
