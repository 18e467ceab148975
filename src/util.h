/* Memory helpers that never return NULL (fatal on exhaustion) and the clock. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

/*
 * The regular file at path, at most max + 1 bytes of it (NUL-terminated;
 * *len > max: the file is too long, the caller says so), or NULL with why
 * in err.  Never blocks on a FIFO; oflags are added to open(2)'s
 * (O_NOFOLLOW for a secret).  The one bounded reader of the tree: config,
 * calendar, screen and templates through conf_read_file(), the model
 * through read_file_max(), rules and tokens directly.
 */
char	*read_file_bounded(const char *path, size_t max, int oflags,
	    size_t *len, char *err, size_t errlen);
/*
 * The regular file at path, whole, when it is at most max bytes: the bytes
 * (NUL-terminated) with their count in *len, or NULL with why in err.
 */
char	*read_file_max(const char *path, size_t max, size_t *len, char *err,
	    size_t errlen);
/*
 * The next line of the bytes [*pp, end), its '\n' left out, into line of
 * size bytes (NUL-terminated) with its length in *lenp, and *pp moved past
 * it; 0, or -1 when it does not fit (line and *pp are then untouched).
 * The line reader of the small files parsed in memory (dbguard, stats).
 */
int	 buf_next_line(const char **pp, const char *end, char *line,
	    size_t size, size_t *lenp);
/* Append "name:line: msg\n" (line 0: "name: msg\n") to buf of len bytes. */
void	 errbuf_add(char *buf, size_t len, size_t *used, const char *name,
	    int line, const char *msg);

/*
 * The daemon's idea of "now".  In builds configured --enable-test-clock
 * (tests, CI; never production) tests move it with clock_set_offset() or
 * the HOTLINED_CLOCK_OFFSET environment variable (seconds) instead of
 * sleeping; in any other build it is the system's.
 */
time_t	 clock_now(void);
uint64_t clock_now_ms(void);
#ifdef HOTLINED_TEST_CLOCK
void	 clock_set_offset(int64_t seconds);
#endif
/* 1 in a build whose clock tests may move. */
int	 clock_is_test(void);
/* Monotonic milliseconds, for timeouts and latency. */
uint64_t clock_mono_ms(void);
/* Monotonic microseconds. */
uint64_t clock_mono_us(void);
/*
 * A scan's slice (issue 17) stops between two rows once it has run this
 * long, its cursor on the last row it did, and the next slice goes on
 * from there: with the page's read and the commit the event loop waits
 * under 10 ms, whatever a row costs on the day.
 */
#define SLICE_BUDGET_US	5000
/*
 * The size of the next batch of a job that cannot stop inside one (a
 * retention chunk verifies and erases whole cases): halved once the last
 * took over twice SLICE_BUDGET_US, doubled under half of it, within
 * [lo, hi].
 */
int	 slice_resize(int size, uint64_t took_us, int lo, int hi);

#endif /* UTIL_H */
