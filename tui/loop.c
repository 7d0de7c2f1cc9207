/*
 * loop.c - poll() loop with a wake-up pipe, a signal self-pipe and
 * timers.  See loop.h.
 *
 * Timers are an array kept sorted by (deadline, insertion sequence): the
 * console has a handful (refresh ticks, toast expiry, the clock), so a
 * sorted insert is cheaper to read than a heap and gives the "same
 * deadline, insertion order" rule for free.  Signal handlers only write
 * the signal number to a pipe; everything else happens on the loop's
 * thread, so no callback ever runs inside a handler.
 */
#include "config.h"

#include "tui/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/xalloc.h"

struct loop_timer {
	unsigned id;
	int64_t due;		/* loop clock, ms */
	int64_t interval;	/* ms; 0 = one-shot */
	uint64_t seq;		/* insertion order, breaks ties */
	loop_fn fn;
	void *arg;
};

struct loop_watch {
	int fd;
	loop_fn fn;
	void *arg;
};

/* The signals a loop catches, and what it restores. */
static const int loop_signals[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP,
	SIGPIPE };
#define LOOP_NSIGNALS (sizeof loop_signals / sizeof loop_signals[0])

struct loop {
	int wake[2];		/* [0] polled, [1] written by loop_wake */
	int sig[2];		/* self-pipe for signals, -1 until caught */
	struct loop_watch fds[LOOP_FDS_MAX];
	size_t nfds;

	loop_fn wake_fn;
	void *wake_arg;
	loop_fn resize_fn;
	void *resize_arg;
	loop_signal_fn signal_fn;
	void *signal_arg;
	loop_fn idle_fn;
	void *idle_arg;

	struct loop_timer *timers;	/* sorted by (due, seq) */
	size_t ntimers;
	size_t timers_cap;
	unsigned next_id;
	uint64_t next_seq;

	loop_clock_fn clock;
	void *clock_arg;
	bool stop;

	bool caught;
	struct sigaction old[LOOP_NSIGNALS];
};

/* Write end of the signal pipe of the loop that caught the signals. */
static volatile sig_atomic_t loop_sig_write = -1;
static struct loop *loop_sig_owner;

static void
loop_close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

struct loop *
loop_new(struct cm_err *err)
{
	struct loop *l = xcalloc(1, sizeof *l);

	l->sig[0] = l->sig[1] = -1;
	if (pipe2(l->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		cm_err_set(err, CM_IO, NULL, "wake-up pipe: %s",
		    strerror(errno));
		free(l);
		return NULL;
	}
	l->next_id = 1;
	return l;
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	if (l->caught) {
		for (i = 0; i < LOOP_NSIGNALS; i++)
			sigaction(loop_signals[i], &l->old[i], NULL);
		loop_sig_write = -1;
		loop_sig_owner = NULL;
	}
	loop_close_pair(l->sig);
	loop_close_pair(l->wake);
	free(l->timers);
	free(l);
}

static void
loop_on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	int fd = loop_sig_write;

	if (fd >= 0 && write(fd, &b, 1) < 0) {
		/* Full pipe: a wake-up is pending anyway. */
	}
	errno = saved;
}

enum cm_status
loop_catch_signals(struct loop *l, struct cm_err *err)
{
	struct sigaction sa;
	size_t i;

	if (l->caught)
		return CM_OK;
	if (loop_sig_owner != NULL)
		return cm_err_set(err, CM_CONFLICT, NULL,
		    "another loop already catches the signals");
	if (pipe2(l->sig, O_NONBLOCK | O_CLOEXEC) != 0) {
		l->sig[0] = l->sig[1] = -1;
		return cm_err_set(err, CM_IO, NULL, "signal pipe: %s",
		    strerror(errno));
	}
	loop_sig_write = l->sig[1];
	loop_sig_owner = l;
	for (i = 0; i < LOOP_NSIGNALS; i++) {
		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sa.sa_handler = loop_signals[i] == SIGPIPE ? SIG_IGN :
		    loop_on_signal;
		sigaction(loop_signals[i], &sa, &l->old[i]);
	}
	l->caught = true;
	return CM_OK;
}

enum cm_status
loop_watch_fd(struct loop *l, int fd, loop_fn fn, void *arg,
    struct cm_err *err)
{
	size_t i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			break;
	if (i == l->nfds) {
		if (l->nfds == LOOP_FDS_MAX)
			return cm_err_set(err, CM_VALIDATION, NULL,
			    "too many fds watched (at most %d)",
			    LOOP_FDS_MAX);
		l->nfds++;
	}
	l->fds[i].fd = fd;
	l->fds[i].fn = fn;
	l->fds[i].arg = arg;
	return CM_OK;
}

void
loop_unwatch_fd(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->nfds];
			return;
		}
	}
}

void
loop_set_wake(struct loop *l, loop_fn fn, void *arg)
{
	l->wake_fn = fn;
	l->wake_arg = arg;
}

void
loop_set_resize(struct loop *l, loop_fn fn, void *arg)
{
	l->resize_fn = fn;
	l->resize_arg = arg;
}

void
loop_set_signal(struct loop *l, loop_signal_fn fn, void *arg)
{
	l->signal_fn = fn;
	l->signal_arg = arg;
}

void
loop_set_idle(struct loop *l, loop_fn fn, void *arg)
{
	l->idle_fn = fn;
	l->idle_arg = arg;
}

void
loop_wake(struct loop *l)
{
	int saved = errno;
	unsigned char b = 1;

	if (write(l->wake[1], &b, 1) < 0) {
		/* EAGAIN: the pipe is full, so the loop is awake already. */
	}
	errno = saved;
}

void
loop_wake_cb(void *loop)
{
	loop_wake(loop);
}

int
loop_wake_fd(const struct loop *l)
{
	return l->wake[1];
}

void
loop_set_clock(struct loop *l, loop_clock_fn clock, void *arg)
{
	l->clock = clock;
	l->clock_arg = arg;
}

int64_t
loop_now_ms(const struct loop *l)
{
	struct timespec ts;

	if (l->clock != NULL)
		return l->clock(l->clock_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True when a runs after b. */
static bool
loop_timer_after(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due > b->due || (a->due == b->due && a->seq > b->seq);
}

/* Insert t keeping (due, seq) order. */
static void
loop_timer_insert(struct loop *l, const struct loop_timer *t)
{
	size_t i;

	if (l->ntimers == l->timers_cap) {
		l->timers_cap = l->timers_cap ? l->timers_cap * 2 : 8;
		l->timers = xreallocarray(l->timers, l->timers_cap,
		    sizeof *l->timers);
	}
	i = l->ntimers;
	while (i > 0 && loop_timer_after(&l->timers[i - 1], t)) {
		l->timers[i] = l->timers[i - 1];
		i--;
	}
	l->timers[i] = *t;
	l->ntimers++;
}

unsigned
loop_timer_add(struct loop *l, int64_t delay_ms, int64_t interval_ms,
    loop_fn fn, void *arg)
{
	struct loop_timer t;

	if (delay_ms < 0)
		delay_ms = 0;
	memset(&t, 0, sizeof t);
	t.id = l->next_id++;
	if (l->next_id == 0)
		l->next_id = 1;
	t.due = loop_now_ms(l) + delay_ms;
	t.interval = interval_ms > 0 ? interval_ms : 0;
	t.seq = l->next_seq++;
	t.fn = fn;
	t.arg = arg;
	loop_timer_insert(l, &t);
	return t.id;
}

bool
loop_timer_cancel(struct loop *l, unsigned id)
{
	size_t i;

	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			memmove(&l->timers[i], &l->timers[i + 1],
			    (l->ntimers - i - 1) * sizeof *l->timers);
			l->ntimers--;
			return true;
		}
	}
	return false;
}

int64_t
loop_timer_next(const struct loop *l)
{
	int64_t d;

	if (l->ntimers == 0)
		return -1;
	d = l->timers[0].due - loop_now_ms(l);
	return d > 0 ? d : 0;
}

/* Run the timers due now; ones added meanwhile wait for the next pass. */
static int
loop_run_timers(struct loop *l)
{
	uint64_t limit = l->next_seq;
	struct loop_timer t;
	int64_t now = loop_now_ms(l);
	int ran = 0;
	size_t i;

	for (;;) {
		for (i = 0; i < l->ntimers; i++)
			if (l->timers[i].seq < limit)
				break;
		if (i == l->ntimers || l->timers[i].due > now)
			break;
		t = l->timers[i];
		memmove(&l->timers[i], &l->timers[i + 1],
		    (l->ntimers - i - 1) * sizeof *l->timers);
		l->ntimers--;
		if (t.interval > 0) {
			/* Keep the cadence, but do not fire a burst to catch
			 * up after a stall. */
			t.due += t.interval;
			if (t.due <= now)
				t.due = now + t.interval;
			t.seq = l->next_seq++;
			loop_timer_insert(l, &t);
		}
		t.fn(t.arg);
		ran++;
	}
	return ran;
}

static void
loop_drain(int fd)
{
	unsigned char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		continue;
}

/* Signals that arrived: resize once, each other signal once. */
static int
loop_handle_signals(struct loop *l)
{
	unsigned char buf[64];
	bool seen[NSIG];
	bool resize = false;
	ssize_t n, i;
	int ran = 0, s;

	memset(seen, 0, sizeof seen);
	while ((n = read(l->sig[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH)
				resize = true;
			else if (buf[i] < NSIG)
				seen[buf[i]] = true;
		}
	}
	if (resize && l->resize_fn != NULL) {
		l->resize_fn(l->resize_arg);
		ran++;
	}
	for (s = 1; s < NSIG; s++) {
		if (!seen[s])
			continue;
		if (l->signal_fn != NULL)
			l->signal_fn(l->signal_arg, s);
		else
			loop_stop(l);
		ran++;
	}
	return ran;
}

/* True when w is still watched as it was when poll started. */
static bool
loop_watching(const struct loop *l, const struct loop_watch *w)
{
	size_t i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == w->fd && l->fds[i].fn == w->fn &&
		    l->fds[i].arg == w->arg)
			return true;
	return false;
}

int
loop_run_once(struct loop *l, int max_wait_ms, struct cm_err *err)
{
	struct pollfd pfd[LOOP_FDS_MAX + 2];
	struct loop_watch watch[LOOP_FDS_MAX];
	int64_t next, timeout;
	size_t n = 0, nwatch, i, j;
	int ran, rc;

	ran = loop_run_timers(l);
	if (l->idle_fn != NULL)
		l->idle_fn(l->idle_arg);
	if (l->stop)
		return ran;

	timeout = max_wait_ms < 0 ? -1 : max_wait_ms;
	next = loop_timer_next(l);
	if (next >= 0 && (timeout < 0 || next < timeout))
		timeout = next;
	if (timeout > INT_MAX)
		timeout = INT_MAX;

	pfd[n].fd = l->wake[0];
	pfd[n++].events = POLLIN;
	if (l->sig[0] >= 0) {
		pfd[n].fd = l->sig[0];
		pfd[n++].events = POLLIN;
	}
	/* A callback may change the watch list: work on a copy. */
	nwatch = l->nfds;
	memcpy(watch, l->fds, nwatch * sizeof *watch);
	for (i = 0; i < nwatch; i++) {
		pfd[n].fd = watch[i].fd;
		pfd[n++].events = POLLIN;
	}
	for (i = 0; i < n; i++)
		pfd[i].revents = 0;

	rc = poll(pfd, n, (int)timeout);
	if (rc < 0 && errno != EINTR) {
		cm_err_set(err, CM_IO, NULL, "poll: %s", strerror(errno));
		return -1;
	}
	if (rc > 0) {
		i = 0;
		if (pfd[i++].revents != 0) {
			loop_drain(l->wake[0]);
			if (l->wake_fn != NULL) {
				l->wake_fn(l->wake_arg);
				ran++;
			}
		}
		if (l->sig[0] >= 0 && pfd[i++].revents != 0)
			ran += loop_handle_signals(l);
		for (j = 0; j < nwatch; j++, i++) {
			if (pfd[i].revents == 0)
				continue;
			/* Skip fds a previous callback stopped watching. */
			if (!loop_watching(l, &watch[j]))
				continue;
			watch[j].fn(watch[j].arg);
			ran++;
		}
	}
	ran += loop_run_timers(l);
	return ran;
}

enum cm_status
loop_run(struct loop *l, struct cm_err *err)
{
	l->stop = false;
	while (!l->stop) {
		if (loop_run_once(l, -1, err) < 0)
			return err != NULL ? err->status : CM_IO;
	}
	return CM_OK;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
}

bool
loop_stopped(const struct loop *l)
{
	return l->stop;
}
