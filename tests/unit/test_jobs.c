/*
 * test_jobs.c - the alerting housekeeping's trim of the events outbox
 * (hub/alerts/jobs.h), on a real sqlite file.
 *
 * Each test opens a fresh database in a mkdtemp directory, fills
 * hub_events with rows of known ages and checks which survive: rows
 * created before the cutoff go, the others (the cutoff itself included)
 * stay.  The last test runs the real jobs thread, whose first trim is
 * due at once, and waits for it with a generous deadline (no timing is
 * asserted).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/timeutil.h"
#include "hub/alerts/jobs.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"

#define HOUR_MS (3600LL * 1000)
/* More than one delete batch of the trim (5000 rows). */
#define MANY_ROWS 12001
/* How long the jobs thread gets to do its first trim. */
#define WAIT_MS 30000

struct fixture {
	char dir[256];
	char path[300];
	struct hub hub;
};

static const struct store_query q_event_insert = {
	"test.event_insert",
	"INSERT INTO hub_events (tenant_id, type, data, created_at) "
	"VALUES ($1, 'test.event', '{}', $2)",
	NULL,
};
static const struct store_query q_count_before = {
	"test.count_before",
	"SELECT count(*) FROM hub_events WHERE created_at < $1", NULL,
};
static const struct store_query q_count_from = {
	"test.count_from",
	"SELECT count(*) FROM hub_events WHERE created_at >= $1", NULL,
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	struct cm_err err;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/test_jobs.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/hub.db", f->dir);
	cm_err_clear(&err);
	if (store_open(f->path, 2, &f->hub.store, &err) != CM_OK) {
		fprintf(stderr, "store_open: %s\n", err.msg);
		rmdir(f->dir);
		free(f);
		return -1;
	}
	f->hub.cfg.events_retention = 3600;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[320];

	store_close(f->hub.store);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Insert n events created at created_ms, in one transaction. */
static void
insert_events(struct fixture *f, int n, int64_t created_ms)
{
	struct store_tx *tx = NULL;
	struct cm_err err;
	int i;

	cm_err_clear(&err);
	if (store_tx_begin(f->hub.store, STORE_WRITE, &tx, &err) != CM_OK)
		fail_msg("begin: %s", err.msg);
	for (i = 0; i < n; i++) {
		if (store_exec(tx, &q_event_insert,
		    STORE_ARGS(STORE_TEXT("t1"), STORE_INT(created_ms)), NULL,
		    &err) != CM_OK) {
			store_tx_rollback(tx);
			fail_msg("insert: %s", err.msg);
		}
	}
	if (store_tx_commit(tx, &err) != CM_OK)
		fail_msg("commit: %s", err.msg);
}

/* Rows created before cutoff_ms (older) or at/after it (!older). */
static int64_t
count_events(struct fixture *f, bool older, int64_t cutoff_ms)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct cm_err err;
	int64_t n = -1;

	cm_err_clear(&err);
	if (store_tx_begin(f->hub.store, STORE_READ, &tx, &err) != CM_OK)
		fail_msg("begin: %s", err.msg);
	if (store_query(tx, older ? &q_count_before : &q_count_from,
	    STORE_ARGS(STORE_INT(cutoff_ms)), &rows, &err) != CM_OK) {
		store_tx_rollback(tx);
		fail_msg("count: %s", err.msg);
	}
	if (store_rows_next(rows, &err) == 1)
		n = store_rows_int(rows, 0);
	store_rows_close(rows);
	store_tx_rollback(tx);
	return n;
}

/* Old rows go, fresh ones and the one exactly at the cutoff stay. */
static void
test_trim_keeps_fresh(void **state)
{
	struct fixture *f = *state;
	int64_t now = time_now_ms(), cutoff = now - HOUR_MS;
	struct cm_err err;
	size_t n = 99;

	insert_events(f, 7, now - 2 * HOUR_MS);
	insert_events(f, 1, cutoff - 1);
	insert_events(f, 1, cutoff);
	insert_events(f, 5, now);
	cm_err_clear(&err);
	assert_int_equal(jobs_trim_events(&f->hub, cutoff, &n, &err), CM_OK);
	assert_int_equal(n, 8);
	assert_int_equal(count_events(f, true, cutoff), 0);
	assert_int_equal(count_events(f, false, cutoff), 6);

	/* A second trim finds nothing more to delete. */
	assert_int_equal(jobs_trim_events(&f->hub, cutoff, &n, &err), CM_OK);
	assert_int_equal(n, 0);
	assert_int_equal(count_events(f, false, cutoff), 6);
}

/* An outbox older than one delete batch is trimmed completely. */
static void
test_trim_many_batches(void **state)
{
	struct fixture *f = *state;
	int64_t now = time_now_ms(), cutoff = now - HOUR_MS;
	struct cm_err err;
	size_t n = 0;

	insert_events(f, MANY_ROWS, now - 3 * HOUR_MS);
	insert_events(f, 3, now);
	cm_err_clear(&err);
	assert_int_equal(jobs_trim_events(&f->hub, cutoff, NULL, &err), CM_OK);
	assert_int_equal(count_events(f, true, cutoff), 0);
	assert_int_equal(count_events(f, false, cutoff), 3);
	assert_int_equal(jobs_trim_events(&f->hub, cutoff, &n, &err), CM_OK);
	assert_int_equal(n, 0);
}

/* The jobs thread trims by events_retention on its own, fresh rows kept. */
static void
test_thread_trims_by_retention(void **state)
{
	struct fixture *f = *state;
	int64_t now = time_now_ms(), cutoff = now - HOUR_MS, deadline;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct jobs *j;
	struct cm_err err;

	insert_events(f, 10, now - 2 * HOUR_MS);
	insert_events(f, 4, now - HOUR_MS / 2);
	insert_events(f, 2, now);
	cm_err_clear(&err);
	j = jobs_start(&f->hub, &err);
	if (j == NULL)
		fail_msg("jobs_start: %s", err.msg);
	deadline = time_mono_ms() + WAIT_MS;
	while (count_events(f, true, cutoff) > 0 &&
	    time_mono_ms() < deadline)
		nanosleep(&ts, NULL);
	jobs_stop(j);
	assert_int_equal(count_events(f, true, cutoff), 0);
	assert_int_equal(count_events(f, false, cutoff), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trim_keeps_fresh, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trim_many_batches, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_thread_trims_by_retention,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
