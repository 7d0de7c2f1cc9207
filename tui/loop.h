/*
 * loop.h - the console's event loop: poll() on the terminal, a wake-up
 * pipe and timers, on the UI thread.
 *
 * The UI thread never blocks on anything but this poll.  Other threads
 * (the network feed) hand work over by calling loop_wake(), which writes
 * one byte to a pipe; the loop drains it and runs the wake callback once,
 * however many bytes came.  Signals go through the same kind of pipe
 * (a self-pipe): SIGWINCH runs the resize callback, SIGINT, SIGTERM and
 * SIGHUP the signal callback, both on the UI thread, outside the handler.
 * Timers use CLOCK_MONOTONIC, or a fake clock that tests and screen
 * tests install, so nothing here depends on sleeping.
 *
 * It does not draw, read keys or know about ncurses: the caller's input
 * callback does that when the terminal fd is readable, and the idle
 * callback (run before every poll) is where the caller redraws.
 * One loop per process may own the signals (loop_catch_signals).
 */
#ifndef CM_TUI_LOOP_H
#define CM_TUI_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/status.h"

struct loop;

/* Callback for fds, timers, wake-ups, resize and idle; arg as registered. */
typedef void (*loop_fn)(void *arg);
/* Callback for SIGINT, SIGTERM and SIGHUP; signo says which. */
typedef void (*loop_signal_fn)(void *arg, int signo);
/* Fake clock: milliseconds on a monotonic scale of the caller's choice. */
typedef int64_t (*loop_clock_fn)(void *arg);

/* Most fds one loop watches at once (the terminal and a few more). */
#define LOOP_FDS_MAX 8

/*
 * New loop with its wake-up pipe (both ends non-blocking, close-on-exec).
 * Signals are not touched until loop_catch_signals().  Fails only when
 * the pipe cannot be created (CM_IO in err).
 */
struct loop *loop_new(struct cm_err *err);

/* Restore signal handlers this loop installed, close its pipes, free.
 * NULL is a no-op. */
void loop_free(struct loop *l);

/*
 * Route SIGWINCH to the resize callback and SIGINT/SIGTERM/SIGHUP to the
 * signal callback (default when none is set: loop_stop).  SIGPIPE is
 * ignored.  The previous handlers come back in loop_free().
 */
enum cm_status loop_catch_signals(struct loop *l, struct cm_err *err);

/* Run fn when fd is readable (or hung up).  Replaces an earlier watch of
 * the same fd.  CM_VALIDATION when LOOP_FDS_MAX fds are watched. */
enum cm_status loop_watch_fd(struct loop *l, int fd, loop_fn fn, void *arg,
    struct cm_err *err);

/* Stop watching fd; unknown fds are ignored.  The fd is not closed. */
void loop_unwatch_fd(struct loop *l, int fd);

/* Run fn once per batch of loop_wake() calls, on the loop's thread. */
void loop_set_wake(struct loop *l, loop_fn fn, void *arg);

/* Run fn after SIGWINCH (coalesced), on the loop's thread. */
void loop_set_resize(struct loop *l, loop_fn fn, void *arg);

/* Run fn after SIGINT, SIGTERM or SIGHUP, on the loop's thread. */
void loop_set_signal(struct loop *l, loop_signal_fn fn, void *arg);

/* Run fn before every poll (after timers and events): redraw there. */
void loop_set_idle(struct loop *l, loop_fn fn, void *arg);

/*
 * Wake the loop from any thread or a signal handler: writes one byte to
 * the wake pipe (async-signal-safe; a full pipe already means "awake").
 */
void loop_wake(struct loop *l);

/* loop_wake() with a void * argument, to pass as a notify callback. */
void loop_wake_cb(void *loop);

/* Write end of the wake pipe, for code that can only write to an fd. */
int loop_wake_fd(const struct loop *l);

/*
 * Call fn after delay_ms, then every interval_ms when interval_ms > 0.
 * Timers due at the same time run in the order they were added.  Returns
 * an id (never 0) for loop_timer_cancel.  A callback may add or cancel
 * timers, including its own.
 */
unsigned loop_timer_add(struct loop *l, int64_t delay_ms, int64_t interval_ms,
    loop_fn fn, void *arg);

/* Cancel a timer; false when id is unknown or already fired (one-shot). */
bool loop_timer_cancel(struct loop *l, unsigned id);

/* Milliseconds until the next timer (0 when overdue), -1 when none. */
int64_t loop_timer_next(const struct loop *l);

/* Use clock instead of CLOCK_MONOTONIC (NULL restores it).  Set it before
 * adding timers: deadlines already set keep the old scale. */
void loop_set_clock(struct loop *l, loop_clock_fn clock, void *arg);

/* Current time in milliseconds on the loop's clock. */
int64_t loop_now_ms(const struct loop *l);

/*
 * One iteration: run due timers, the idle callback, then poll for at most
 * max_wait_ms (-1: until the next timer or event; 0: do not block) and
 * run the callbacks of what became ready, then timers due by then.
 * Returns how many callbacks ran (idle not counted); CM_IO in err and -1
 * when poll fails for a reason other than EINTR.
 */
int loop_run_once(struct loop *l, int max_wait_ms, struct cm_err *err);

/* Iterate until loop_stop(); CM_IO when poll fails. */
enum cm_status loop_run(struct loop *l, struct cm_err *err);

/* Make loop_run() return after the current iteration (UI thread only). */
void loop_stop(struct loop *l);

/* True once loop_stop() was called (reset by loop_run). */
bool loop_stopped(const struct loop *l);

#endif
