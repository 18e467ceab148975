/* xmalloc family (fatal on exhaustion, as in OpenBSD) and the movable clock. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static int64_t	clock_offset;
static int	clock_env_read;

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		fatalx("util xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatal("util xmalloc: allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (size == 0 || nmemb == 0)
		fatalx("util xcalloc: zero size");
	if ((p = calloc(nmemb, size)) == NULL)
		fatal("util xcalloc: allocating %zu * %zu bytes", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		fatalx("util xreallocarray: zero size");
	if (SIZE_MAX / nmemb < size)
		fatalx("util xreallocarray: %zu * %zu overflows", nmemb, size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fatal("util xreallocarray: allocating %zu * %zu bytes", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("util xstrdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("util xstrndup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	i;

	va_start(ap, fmt);
	i = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (i < 0 || *ret == NULL)
		fatal("util xasprintf");
	return i;
}

/*
 * The clock moves only in builds configured --enable-test-clock: in any
 * other, "now" is the system's, whatever the environment says (a moved
 * clock would date cases, deadlines and audit events wrongly).
 */
static void
clock_read_env(void)
{
#ifdef HOTLINED_TEST_CLOCK
	const char	*s, *err;
	long long	 v;
#endif

	clock_env_read = 1;
#ifdef HOTLINED_TEST_CLOCK
	if ((s = getenv("HOTLINED_CLOCK_OFFSET")) == NULL)
		return;
	v = strtonum(s, -10LL * 365 * 86400, 10LL * 365 * 86400, &err);
	if (err != NULL)
		log_warnx("util HOTLINED_CLOCK_OFFSET is %s, ignored", err);
	else
		clock_offset = v;
#else
	if (getenv("HOTLINED_CLOCK_OFFSET") == NULL)
		return;
	log_warnx("util HOTLINED_CLOCK_OFFSET ignored: this build has no "
	    "test clock (configure --enable-test-clock, tests only)");
#endif
}

time_t
clock_now(void)
{
	if (!clock_env_read)
		clock_read_env();
	return time(NULL) + (time_t)clock_offset;
}

uint64_t
clock_now_ms(void)
{
	struct timeval	tv;

	if (!clock_env_read)
		clock_read_env();
	gettimeofday(&tv, NULL);
	return ((uint64_t)tv.tv_sec + (uint64_t)clock_offset) * 1000 +
	    (uint64_t)tv.tv_usec / 1000;
}

#ifdef HOTLINED_TEST_CLOCK
void
clock_set_offset(int64_t seconds)
{
	clock_env_read = 1;
	clock_offset = seconds;
}
#endif

int
clock_is_test(void)
{
#ifdef HOTLINED_TEST_CLOCK
	return 1;
#else
	return 0;
#endif
}

uint64_t
clock_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
clock_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
slice_resize(int size, uint64_t took_us, int lo, int hi)
{
	if (took_us > 2 * SLICE_BUDGET_US && size > lo)
		size /= 2;
	else if (took_us < SLICE_BUDGET_US / 2 && size < hi)
		size = size > hi / 2 ? hi : size * 2;
	return size < lo ? lo : size > hi ? hi : size;
}

char *
read_file_bounded(const char *path, size_t max, int oflags, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0, want;
	ssize_t		 n;
	int		 fd;

	/* O_NONBLOCK: a FIFO must not hang us before fstat() rejects it */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    oflags)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return NULL;
	}
	/*
	 * One byte more than the file's size (at most max + 1): a file too
	 * long, or one that grew while we read it, shows.
	 */
	want = (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	buf = xmalloc(want + 1);
	while (len < want) {
		n = read(fd, buf + len, want - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == want && want <= max) {
		snprintf(err, errlen, "changed while being read");
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

char *
read_file_max(const char *path, size_t max, size_t *lenp, char *err,
    size_t errlen)
{
	char	*buf;

	if ((buf = read_file_bounded(path, max, 0, lenp, err, errlen)) == NULL)
		return NULL;
	if (*lenp > max) {
		snprintf(err, errlen, "file longer than %zu bytes", max);
		free(buf);
		return NULL;
	}
	return buf;
}

int
buf_next_line(const char **pp, const char *end, char *line, size_t size,
    size_t *lenp)
{
	const char	*nl;
	size_t		 n;

	nl = memchr(*pp, '\n', (size_t)(end - *pp));
	n = (size_t)((nl != NULL ? nl : end) - *pp);
	if (n >= size)
		return -1;
	memcpy(line, *pp, n);
	line[n] = '\0';
	*pp = nl != NULL ? nl + 1 : end;
	*lenp = n;
	return 0;
}

void
errbuf_add(char *buf, size_t len, size_t *used, const char *name, int line,
    const char *msg)
{
	int	 w;

	if (buf == NULL || *used + 1 >= len)
		return;
	if (line > 0)
		w = snprintf(buf + *used, len - *used, "%s:%d: %s\n", name, line,
		    msg);
	else
		w = snprintf(buf + *used, len - *used, "%s: %s\n", name, msg);
	if (w < 0)
		return;
	*used += (size_t)w;
	if (*used >= len)
		*used = len - 1;
}
