/*
 * test_loop.c - the event loop: timer order and cadence on a fake clock,
 * cancelling from callbacks, the wake-up pipe from another thread, fd
 * watches, and signals through the self-pipe.  Nothing sleeps: waits are
 * bounded by deadlines and the loop's own poll.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui/loop.h"

static int64_t fake_now;

static int64_t
fake_clock(void *arg)
{
	return fake_now;
}

/* What the callbacks saw, in order. */
struct trace {
	char log[64];
	size_t n;
	struct loop *l;
	unsigned cancel_id;	/* cancelled by the 'c' callback */
};

static void
trace_add(struct trace *t, char c)
{
	if (t->n + 1 < sizeof t->log) {
		t->log[t->n++] = c;
		t->log[t->n] = '\0';
	}
}

#define TRACE_FN(c) \
	static void trace_##c(void *arg) { trace_add(arg, #c[0]); }
TRACE_FN(a)
TRACE_FN(b)
TRACE_FN(x)
TRACE_FN(y)
TRACE_FN(z)

static struct loop *
fake_loop(void)
{
	struct cm_err err;
	struct loop *l = loop_new(&err);

	assert_non_null(l);
	fake_now = 1000;
	loop_set_clock(l, fake_clock, NULL);
	return l;
}

/* Timers fire by deadline; equal deadlines fire in the order added. */
static void
test_timer_order(void **state)
{
	struct loop *l = fake_loop();
	struct trace t = { .n = 0 };

	loop_timer_add(l, 30, 0, trace_z, &t);
	loop_timer_add(l, 10, 0, trace_a, &t);
	loop_timer_add(l, 20, 0, trace_y, &t);
	loop_timer_add(l, 10, 0, trace_b, &t);
	assert_int_equal(loop_timer_next(l), 10);

	fake_now += 9;
	assert_int_equal(loop_run_once(l, 0, NULL), 0);
	assert_string_equal(t.log, "");
	assert_int_equal(loop_timer_next(l), 1);

	fake_now += 100;
	assert_int_equal(loop_run_once(l, 0, NULL), 4);
	assert_string_equal(t.log, "abyz");
	assert_int_equal(loop_timer_next(l), -1);
	loop_free(l);
}

/* A repeating timer keeps its cadence and does not burst after a stall. */
static void
test_timer_interval(void **state)
{
	struct loop *l = fake_loop();
	struct trace t = { .n = 0 };
	unsigned id;

	id = loop_timer_add(l, 10, 10, trace_x, &t);
	assert_true(id != 0);
	fake_now += 10;
	loop_run_once(l, 0, NULL);
	assert_string_equal(t.log, "x");
	fake_now += 10;
	loop_run_once(l, 0, NULL);
	assert_string_equal(t.log, "xx");
	/* 35 ms late: one call, next one a full interval later. */
	fake_now += 45;
	loop_run_once(l, 0, NULL);
	assert_string_equal(t.log, "xxx");
	assert_int_equal(loop_timer_next(l), 10);
	assert_true(loop_timer_cancel(l, id));
	assert_false(loop_timer_cancel(l, id));
	fake_now += 100;
	loop_run_once(l, 0, NULL);
	assert_string_equal(t.log, "xxx");
	loop_free(l);
}

static void
cancel_other(void *arg)
{
	struct trace *t = arg;

	trace_add(t, 'c');
	assert_true(loop_timer_cancel(t->l, t->cancel_id));
}

static void
add_zero(void *arg)
{
	struct trace *t = arg;

	trace_add(t, 'r');
	/* Due at once, but it must wait for the next pass. */
	loop_timer_add(t->l, 0, 0, add_zero, t);
}

/* A callback may cancel a timer due in the same pass; it does not run. */
static void
test_timer_cancel_from_callback(void **state)
{
	struct loop *l = fake_loop();
	struct trace t = { .n = 0 };

	t.l = l;
	loop_timer_add(l, 5, 0, cancel_other, &t);
	t.cancel_id = loop_timer_add(l, 5, 0, trace_x, &t);
	loop_timer_add(l, 5, 0, trace_y, &t);
	fake_now += 5;
	assert_int_equal(loop_run_once(l, 0, NULL), 2);
	assert_string_equal(t.log, "cy");
	loop_free(l);
}

/* A timer re-adding itself with no delay runs once per pass, not forever. */
static void
test_timer_readd_zero(void **state)
{
	struct loop *l = fake_loop();
	struct trace t = { .n = 0 };

	t.l = l;
	loop_timer_add(l, 0, 0, add_zero, &t);
	/* Two passes per iteration: before and after poll. */
	assert_int_equal(loop_run_once(l, 0, NULL), 2);
	assert_string_equal(t.log, "rr");
	loop_free(l);
}

/* Cancelling an unknown id is refused. */
static void
test_timer_cancel_unknown(void **state)
{
	struct loop *l = fake_loop();

	assert_false(loop_timer_cancel(l, 12345));
	loop_free(l);
}

static void
stop_cb(void *arg)
{
	loop_stop(arg);
}

/* loop_run returns once a callback calls loop_stop. */
static void
test_run_until_stop(void **state)
{
	struct loop *l = fake_loop();
	struct trace t = { .n = 0 };

	loop_timer_add(l, 0, 0, trace_a, &t);
	loop_timer_add(l, 0, 0, stop_cb, l);
	assert_int_equal(loop_run(l, NULL), CM_OK);
	assert_true(loop_stopped(l));
	assert_string_equal(t.log, "a");
	loop_free(l);
}

struct waker {
	struct loop *l;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int acked;		/* rounds the UI thread has seen */
	int wakes;		/* wake callbacks run */
	int rounds;
};

static void *
waker_main(void *arg)
{
	struct waker *w = arg;
	int i;

	for (i = 0; i < w->rounds; i++) {
		/* One byte per round, so each round is exactly one call. */
		if (i % 2 == 0)
			loop_wake(w->l);
		else
			loop_wake_cb(w->l);
		pthread_mutex_lock(&w->mu);
		while (w->acked <= i)
			pthread_cond_wait(&w->cv, &w->mu);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

static void
on_wake(void *arg)
{
	struct waker *w = arg;

	w->wakes++;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Another thread wakes the loop blocked in poll, once per round. */
static void
test_wake_from_thread(void **state)
{
	struct cm_err err;
	struct waker w;
	pthread_t th;
	int64_t deadline = mono_ms() + 10000;
	int i;

	memset(&w, 0, sizeof w);
	w.l = loop_new(&err);
	assert_non_null(w.l);
	w.rounds = 3;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	loop_set_wake(w.l, on_wake, &w);
	assert_true(loop_wake_fd(w.l) >= 0);
	assert_int_equal(pthread_create(&th, NULL, waker_main, &w), 0);
	for (i = 0; i < w.rounds; i++) {
		/* Block in poll (no timers): only the wake can end it. */
		while (w.wakes <= i && mono_ms() < deadline)
			assert_true(loop_run_once(w.l, (int)(deadline -
			    mono_ms()), &err) >= 0);
		assert_int_equal(w.wakes, i + 1);
		pthread_mutex_lock(&w.mu);
		w.acked = i + 1;
		pthread_cond_signal(&w.cv);
		pthread_mutex_unlock(&w.mu);
	}
	pthread_join(th, NULL);
	assert_int_equal(w.wakes, 3);
	/* Nothing pending: a non-blocking pass runs nothing. */
	assert_int_equal(loop_run_once(w.l, 0, &err), 0);
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	loop_free(w.l);
}

/* Wake-ups written before the loop looks run the callback once. */
static void
test_wake_coalesces(void **state)
{
	struct cm_err err;
	struct waker w;
	int i;

	memset(&w, 0, sizeof w);
	w.l = loop_new(&err);
	assert_non_null(w.l);
	loop_set_wake(w.l, on_wake, &w);
	for (i = 0; i < 100; i++)
		loop_wake(w.l);
	assert_int_equal(loop_run_once(w.l, 0, &err), 1);
	assert_int_equal(w.wakes, 1);
	assert_int_equal(loop_run_once(w.l, 0, &err), 0);
	assert_int_equal(w.wakes, 1);
	loop_free(w.l);
}

struct fdw {
	struct loop *l;
	int fd;
	int calls;
};

static void
on_readable(void *arg)
{
	struct fdw *f = arg;
	char c;

	f->calls++;
	assert_int_equal(read(f->fd, &c, 1), 1);
	loop_unwatch_fd(f->l, f->fd);
}

/* A watched fd runs its callback when readable; unwatched, it does not. */
static void
test_watch_fd(void **state)
{
	struct cm_err err;
	struct fdw f;
	int p[2];

	assert_int_equal(pipe(p), 0);
	f.l = fake_loop();
	f.fd = p[0];
	f.calls = 0;
	assert_int_equal(loop_watch_fd(f.l, p[0], on_readable, &f, &err),
	    CM_OK);
	assert_int_equal(loop_run_once(f.l, 0, NULL), 0);
	assert_int_equal(write(p[1], "ab", 2), 2);
	assert_int_equal(loop_run_once(f.l, 5000, NULL), 1);
	assert_int_equal(f.calls, 1);
	/* One byte is left, but the callback stopped watching. */
	assert_int_equal(loop_run_once(f.l, 0, NULL), 0);
	assert_int_equal(f.calls, 1);
	loop_free(f.l);
	close(p[0]);
	close(p[1]);
}

/* More than LOOP_FDS_MAX watched fds is refused with a message. */
static void
test_watch_fd_limit(void **state)
{
	struct loop *l = fake_loop();
	struct cm_err err;
	int i;

	for (i = 0; i < LOOP_FDS_MAX; i++)
		assert_int_equal(loop_watch_fd(l, 100 + i, stop_cb, l, &err),
		    CM_OK);
	/* Re-watching a known fd replaces it. */
	assert_int_equal(loop_watch_fd(l, 100, stop_cb, l, &err), CM_OK);
	assert_int_equal(loop_watch_fd(l, 200, stop_cb, l, &err),
	    CM_VALIDATION);
	assert_non_null(strstr(err.msg, "too many fds"));
	loop_free(l);
}

struct sigs {
	int resizes;
	int last;
	int count;
};

static void
on_resize(void *arg)
{
	((struct sigs *)arg)->resizes++;
}

static void
on_signal(void *arg, int signo)
{
	struct sigs *s = arg;

	s->last = signo;
	s->count++;
}

/* Run the loop until cond holds or a deadline passes. */
#define RUN_UNTIL(l, cond) do { \
	int64_t until_ = mono_ms() + 5000; \
	while (!(cond) && mono_ms() < until_) \
		loop_run_once((l), 100, NULL); \
} while (0)

/* SIGWINCH bursts become one resize; SIGTERM reaches the signal callback. */
static void
test_signals(void **state)
{
	struct cm_err err;
	struct sigaction sa;
	struct sigs s = { 0, 0, 0 };
	struct loop *l = loop_new(&err), *other = loop_new(&err);

	assert_non_null(l);
	assert_int_equal(loop_catch_signals(l, &err), CM_OK);
	assert_int_equal(loop_catch_signals(other, &err), CM_CONFLICT);
	loop_free(other);
	loop_set_resize(l, on_resize, &s);
	loop_set_signal(l, on_signal, &s);
	raise(SIGWINCH);
	raise(SIGWINCH);
	RUN_UNTIL(l, s.resizes > 0);
	assert_int_equal(s.resizes, 1);
	raise(SIGTERM);
	RUN_UNTIL(l, s.count > 0);
	assert_int_equal(s.last, SIGTERM);
	assert_int_equal(s.count, 1);
	/* SIGPIPE is ignored while the loop owns the signals. */
	raise(SIGPIPE);
	loop_free(l);
	assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_DFL);
}

/* Without a signal callback, SIGINT stops the loop. */
static void
test_signal_default_stops(void **state)
{
	struct cm_err err;
	struct loop *l = loop_new(&err);

	assert_int_equal(loop_catch_signals(l, &err), CM_OK);
	raise(SIGINT);
	RUN_UNTIL(l, loop_stopped(l));
	assert_true(loop_stopped(l));
	loop_free(l);
}

static void
count_idle(void *arg)
{
	(*(int *)arg)++;
}

/* The idle callback runs once per iteration, before poll. */
static void
test_idle(void **state)
{
	struct loop *l = fake_loop();
	int idle = 0;

	loop_set_idle(l, count_idle, &idle);
	loop_run_once(l, 0, NULL);
	loop_run_once(l, 0, NULL);
	assert_int_equal(idle, 2);
	loop_free(l);
}

/* Without a fake clock, time is monotonic and moves forward. */
static void
test_real_clock(void **state)
{
	struct cm_err err;
	struct loop *l = loop_new(&err);
	int64_t a, b;

	a = loop_now_ms(l);
	b = loop_now_ms(l);
	assert_true(a > 0);
	assert_true(b >= a);
	loop_set_clock(l, fake_clock, NULL);
	fake_now = 42;
	assert_int_equal(loop_now_ms(l), 42);
	loop_set_clock(l, NULL, NULL);
	assert_true(loop_now_ms(l) >= b);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_interval),
		cmocka_unit_test(test_timer_cancel_from_callback),
		cmocka_unit_test(test_timer_readd_zero),
		cmocka_unit_test(test_timer_cancel_unknown),
		cmocka_unit_test(test_run_until_stop),
		cmocka_unit_test(test_wake_from_thread),
		cmocka_unit_test(test_wake_coalesces),
		cmocka_unit_test(test_watch_fd),
		cmocka_unit_test(test_watch_fd_limit),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_signal_default_stops),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_real_clock),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
