/*
 * hooks: how every room takes part in the daemon's life.  Names appear in
 * the log ("hotlined reload templates failed").
 */
#ifndef HOTLINED_HOOKS_H
#define HOTLINED_HOOKS_H

struct event_base;

/*
 * Reload hooks run on SIGHUP in registration order; each returns 0, or -1
 * after logging why, having kept its old version in force.  Shutdown hooks
 * run on SIGTERM/SIGINT, last registered first; each returns 0 when done or
 * 1 when it has started work that ends with hook_shutdown_done(name)
 * (e.g. unbind and wait for unbind_resp).  The loop ends when none is
 * pending, or when shutdown-timeout expires.  Exit hooks run after the loop,
 * last registered first (register the store first: it closes last).
 */
/* Call fn(arg) on SIGHUP; fn returns 0, or -1 keeping the old version. */
void	 hook_on_reload(const char *name, int (*fn)(void *), void *arg);
/* Call fn(arg) when shutdown starts; fn returns 0 (done) or 1 (pending). */
void	 hook_on_shutdown(const char *name, int (*fn)(void *), void *arg);
/* A pending shutdown hook has finished. */
void	 hook_shutdown_done(const char *name);
/* Call fn(arg) after the event loop has ended. */
void	 hook_on_exit(const char *name, void (*fn)(void *), void *arg);

/* The daemon's one event_base (NULL before hook_set_base()). */
struct event_base *hook_base(void);
/* Install the event_base and the bound on shutdown, in ms. */
void	 hook_set_base(struct event_base *, long long shutdown_ms);
/* Run every reload hook; returns how many failed. */
int	 hook_reload(void);
/* Start a graceful shutdown (a second call forces the loop to end). */
void	 hook_shutdown(const char *reason);
/* 1 while shutting down, else 0. */
int	 hook_is_stopping(void);
/* Run the exit hooks (once). */
void	 hook_exit(void);

#endif /* HOTLINED_HOOKS_H */
