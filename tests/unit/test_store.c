/*
 * test_store.c - the sqlite store driver and the schema, on real files.
 *
 * Every test gets a fresh directory from mkdtemp and opens a real database
 * file in it; nothing is mocked.  Raw sqlite3 calls are used only to set
 * up states the store must refuse (a newer schema) or to look at the file
 * from outside.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "hub/store/schema.h"
#include "hub/store/store.h"

struct fixture {
	char dir[256];
	char path[300];
	struct store *store;
};

/*
 * Transactions begun through begin() and not yet ended, so a failed
 * assertion (which longjmps out of the test) does not leave one open for
 * teardown's store_close.
 */
#define OPEN_TX_MAX 8
static struct store_tx *open_txs[OPEN_TX_MAX];

static const struct store_query q_tenant_insert = {
	"test.tenant_insert",
	"INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)",
	NULL,
};
static const struct store_query q_tenant_count = {
	"test.tenant_count", "SELECT count(*) FROM tenants", NULL,
};
static const struct store_query q_cluster_insert = {
	"test.cluster_insert",
	"INSERT INTO clusters (id, tenant_id, name, provider, status, "
	"api_endpoint, labels, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
	NULL,
};
static const struct store_query q_metric_insert = {
	"test.metric_insert",
	/* $2 appears first: sqlite would number it 1 if bound by position. */
	"INSERT INTO cluster_metrics (metric_value, cluster_id, metric_name, "
	"metric_unit, collected_at) VALUES ($2, $1, $3, $4, $5)",
	NULL,
};
static const struct store_query q_metric_select = {
	"test.metric_select",
	"SELECT cluster_id, metric_name, metric_value, metric_unit, "
	"collected_at FROM cluster_metrics WHERE cluster_id = $1",
	NULL,
};
static const struct store_query q_audit_insert = {
	"test.audit_insert",
	"INSERT INTO audit_logs (id, tenant_id, user_id, action, "
	"resource_type, status, created_at) "
	"VALUES ($1, NULL, $2, 'test.write', 'test', 'success', $3)",
	NULL,
};
static const struct store_query q_audit_count = {
	"test.audit_count", "SELECT count(*) FROM audit_logs", NULL,
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/test_store.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/hub.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[320];
	int i;

	for (i = 0; i < OPEN_TX_MAX; i++) {
		store_tx_rollback(open_txs[i]);
		open_txs[i] = NULL;
	}
	store_close(f->store);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
open_store(struct fixture *f, unsigned pool)
{
	struct cm_err err;

	cm_err_clear(&err);
	if (store_open(f->path, pool, &f->store, &err) != CM_OK)
		fail_msg("store_open: %s", err.msg);
}

static void
reopen_store(struct fixture *f, unsigned pool)
{
	store_close(f->store);
	f->store = NULL;
	open_store(f, pool);
}

static struct store_tx *
begin(struct store *s, enum store_mode mode)
{
	struct store_tx *tx = NULL;
	struct cm_err err;

	int i;

	if (store_tx_begin(s, mode, &tx, &err) != CM_OK)
		fail_msg("store_tx_begin: %s", err.msg);
	for (i = 0; i < OPEN_TX_MAX && open_txs[i] != NULL; i++)
		;
	assert_true(i < OPEN_TX_MAX);
	open_txs[i] = tx;
	return tx;
}

static void
forget(struct store_tx *tx)
{
	int i;

	for (i = 0; i < OPEN_TX_MAX; i++) {
		if (open_txs[i] == tx)
			open_txs[i] = NULL;
	}
}

static void
rollback(struct store_tx *tx)
{
	forget(tx);
	store_tx_rollback(tx);
}

static void
commit(struct store_tx *tx)
{
	struct cm_err err;

	forget(tx);
	if (store_tx_commit(tx, &err) != CM_OK)
		fail_msg("store_tx_commit: %s", err.msg);
}

static void
exec_ok(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs)
{
	struct cm_err err;

	if (store_exec(tx, q, args, nargs, NULL, &err) != CM_OK)
		fail_msg("%s: %s", q->name, err.msg);
}

/* First column of the first row as an integer (-1 when no row). */
static int64_t
query_int(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs)
{
	struct store_rows *rows;
	struct cm_err err;
	int64_t v = -1;

	if (store_query(tx, q, args, nargs, &rows, &err) != CM_OK)
		fail_msg("%s: %s", q->name, err.msg);
	if (store_rows_next(rows, &err) == 1)
		v = store_rows_int(rows, 0);
	store_rows_close(rows);
	return v;
}

static int64_t
sql_int(struct store *s, const char *sql)
{
	struct store_query q = { "test.sql_int", sql, NULL };
	struct store_tx *tx = begin(s, STORE_READ);
	int64_t v = query_int(tx, &q, NULL, 0);

	rollback(tx);
	return v;
}

static void
add_tenant(struct store_tx *tx, const char *id, const char *name)
{
	exec_ok(tx, &q_tenant_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(name), STORE_INT(1700000000000)));
}

static enum cm_status
add_cluster(struct store_tx *tx, const char *id, const char *tenant,
    const char *name, const char *status, const char *labels,
    struct cm_err *err)
{
	return store_exec(tx, &q_cluster_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant), STORE_TEXT(name), STORE_TEXT("aws"),
	    STORE_TEXT(status), STORE_TEXT("https://k8s.example:6443"),
	    STORE_TEXT(labels), STORE_INT(1700000000000)), NULL, err);
}

/* Opening a new file creates every table at the newest version, 0600. */
static void
test_open_creates_schema(void **state)
{
	static const char *const tables[] = {
		"tenants", "users", "roles", "user_roles", "clusters",
		"cluster_credentials", "cluster_events", "cluster_metrics",
		"cluster_alerts", "applications", "app_versions",
		"application_deployments", "deployment_events",
		"deployment_workflows", "metrics_timeseries", "logs", "traces",
		"policies", "policy_assignments", "audit_logs",
		"ui_tour_progress", "refresh_tokens", "revoked_access_tokens",
		"notifications", "hub_events",
		/* v4: alert rules and lifecycle */
		"alert_rules", "alert_pending", "alert_history", "silences",
		"notification_reads",
		"metrics_series", "metrics_1m", "metrics_1h",
	};
	static const struct store_query q_table = {
		"test.table", "SELECT count(*) FROM sqlite_schema "
		"WHERE type = 'table' AND name = $1", NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct stat st;
	size_t i;

	assert_true(schema_sqlite_latest() >= 1);
	open_store(f, 2);
	assert_int_equal(store_schema_version(f->store),
	    schema_sqlite_latest());
	assert_true(store_ping(f->store));
	tx = begin(f->store, STORE_READ);
	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		if (query_int(tx, &q_table, STORE_ARGS(STORE_TEXT(tables[i])))
		    != 1)
			fail_msg("table %s missing", tables[i]);
	}
	rollback(tx);
	/* The listed tables plus sqlite_sequence (AUTOINCREMENT). */
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name <> 'sqlite_sequence'"),
	    sizeof tables / sizeof tables[0]);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* Reopening an up-to-date file keeps its data and re-runs nothing. */
static void
test_reopen_is_noop(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	int64_t objects;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	commit(tx);
	objects = sql_int(f->store, "SELECT count(*) FROM sqlite_schema");
	reopen_store(f, 1);
	reopen_store(f, 3);
	assert_int_equal(store_schema_version(f->store),
	    schema_sqlite_latest());
	assert_int_equal(sql_int(f->store,
	    "SELECT count(*) FROM sqlite_schema"), objects);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM roles"), 5);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 1);
}

/* A file written by a newer program (higher user_version) is refused. */
static void
test_refuses_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct cm_err err;
	sqlite3 *db;
	char sql[64];

	open_store(f, 1);
	store_close(f->store);
	f->store = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    schema_sqlite_latest() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(f->path, 2, &f->store, &err), CM_STORE);
	assert_null(f->store);
	assert_int_equal(err.status, CM_STORE);
	assert_non_null(strstr(err.msg, "newer"));
}

/* Every pooled connection runs WAL, foreign keys, NORMAL sync, a timeout. */
static void
test_connection_pragmas(void **state)
{
	static const struct store_query q_journal = {
		"test.journal", "SELECT * FROM pragma_journal_mode", NULL,
	};
	static const struct store_query q_fk = {
		"test.fk", "SELECT * FROM pragma_foreign_keys", NULL,
	};
	static const struct store_query q_sync = {
		"test.sync", "SELECT * FROM pragma_synchronous", NULL,
	};
	static const struct store_query q_busy = {
		"test.busy", "SELECT * FROM pragma_busy_timeout", NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx[4];
	struct store_rows *rows;
	struct cm_err err;
	int i;

	open_store(f, 4);
	/* Holding four transactions at once takes all four connections. */
	for (i = 0; i < 4; i++)
		tx[i] = begin(f->store, STORE_READ);
	for (i = 0; i < 4; i++) {
		assert_int_equal(store_query(tx[i], &q_journal, NULL, 0, &rows,
		    &err), CM_OK);
		assert_int_equal(store_rows_next(rows, &err), 1);
		assert_string_equal(store_rows_text(rows, 0), "wal");
		store_rows_close(rows);
		assert_int_equal(query_int(tx[i], &q_fk, NULL, 0), 1);
		assert_int_equal(query_int(tx[i], &q_sync, NULL, 0), 1);
		assert_int_equal(query_int(tx[i], &q_busy, NULL, 0), 5000);
	}
	for (i = 0; i < 4; i++)
		rollback(tx[i]);
}

/* Text, integer, real and NULL survive a round trip; $N binds by name. */
static void
test_round_trip_named_params(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;
	int64_t changes = -1;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "healthy", NULL,
	    &err), CM_OK);
	assert_int_equal(store_exec(tx, &q_metric_insert, STORE_ARGS(
	    STORE_TEXT("c1"), STORE_REAL(0.75), STORE_TEXT("cpu"),
	    STORE_NULL, STORE_INT(1700000000123)), &changes, &err), CM_OK);
	assert_int_equal(changes, 1);
	commit(tx);

	tx = begin(f->store, STORE_READ);
	assert_int_equal(store_query(tx, &q_metric_select,
	    STORE_ARGS(STORE_TEXT("c1")), &rows, &err), CM_OK);
	assert_int_equal(store_rows_next(rows, &err), 1);
	assert_string_equal(store_rows_text(rows, 0), "c1");
	assert_string_equal(store_rows_text(rows, 1), "cpu");
	assert_true(store_rows_real(rows, 2) == 0.75);
	assert_true(store_rows_is_null(rows, 3));
	assert_null(store_rows_text(rows, 3));
	assert_false(store_rows_is_null(rows, 4));
	assert_int_equal(store_rows_int(rows, 4), 1700000000123);
	assert_int_equal(store_rows_next(rows, &err), 0);
	assert_int_equal(store_rows_next(rows, &err), 0);
	store_rows_close(rows);
	rollback(tx);
}

/* A duplicate unique value is CM_CONFLICT naming the column, not the value. */
static void
test_unique_is_conflict(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme-secret-name");
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t2"), STORE_TEXT("acme-secret-name"), STORE_INT(1)),
	    NULL, &err), CM_CONFLICT);
	assert_string_equal(err.field, "name");
	assert_non_null(strstr(err.msg, "tenants.name"));
	assert_null(strstr(err.msg, "acme-secret-name"));
	/* Same primary key: also a conflict. */
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1"), STORE_TEXT("other"), STORE_INT(1)), NULL, &err),
	    CM_CONFLICT);
	assert_string_equal(err.field, "id");
	rollback(tx);
}

/* User emails are unique without regard to case. */
static void
test_email_unique_nocase(void **state)
{
	static const struct store_query q_user = {
		"test.user_insert",
		"INSERT INTO users (id, tenant_id, email, created_at, "
		"updated_at) VALUES ($1, 't1', $2, 1, 1)", NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	exec_ok(tx, &q_user, STORE_ARGS(STORE_TEXT("u1"),
	    STORE_TEXT("Ann@Example.com")));
	assert_int_equal(store_exec(tx, &q_user, STORE_ARGS(STORE_TEXT("u2"),
	    STORE_TEXT("ann@example.COM")), NULL, &err), CM_CONFLICT);
	assert_string_equal(err.field, "email");
	rollback(tx);
}

/* A status outside the enum is CM_VALIDATION naming the column. */
static void
test_check_is_validation(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "exploded", NULL,
	    &err), CM_VALIDATION);
	assert_string_equal(err.field, "status");
	assert_non_null(strstr(err.msg, "CHECK"));
	assert_null(strstr(err.msg, "exploded"));
	/* Labels must be a JSON object. */
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "healthy",
	    "{not json", &err), CM_VALIDATION);
	assert_string_equal(err.field, "labels");
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "healthy",
	    "[1,2]", &err), CM_VALIDATION);
	assert_string_equal(err.field, "labels");
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "healthy",
	    "{\"env\":\"prod\"}", &err), CM_OK);
	rollback(tx);
}

/* A missing required value is CM_VALIDATION naming the column. */
static void
test_not_null_is_validation(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1"), STORE_TEXT(NULL), STORE_INT(1)), NULL, &err),
	    CM_VALIDATION);
	assert_string_equal(err.field, "name");
	rollback(tx);
}

/* A row pointing at a missing parent is CM_VALIDATION. */
static void
test_foreign_key_is_validation(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	assert_int_equal(add_cluster(tx, "c1", "no-such-tenant", "prod",
	    "healthy", NULL, &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "FOREIGN KEY"));
	assert_null(strstr(err.msg, "no-such-tenant"));
	rollback(tx);
}

/* Deletes cascade where the schema says so; event history survives. */
static void
test_cascades(void **state)
{
	static const struct store_query q_setup = {
		"test.cascade_setup",
		"INSERT INTO cluster_events (id, cluster_id, tenant_id, "
		"event_type, created_at) VALUES ('e1', 'c1', 't1', 'x', 1)",
		NULL,
	};
	static const struct store_query q_delete = {
		"test.cluster_delete", "DELETE FROM clusters WHERE id = $1",
		NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;
	int64_t changes = -1;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(add_cluster(tx, "c1", "t1", "prod", "healthy", NULL,
	    &err), CM_OK);
	exec_ok(tx, &q_metric_insert, STORE_ARGS(STORE_TEXT("c1"),
	    STORE_REAL(1), STORE_TEXT("cpu"), STORE_TEXT("cores"),
	    STORE_INT(1)));
	exec_ok(tx, &q_setup, NULL, 0);
	assert_int_equal(store_exec(tx, &q_delete,
	    STORE_ARGS(STORE_TEXT("c1")), &changes, &err), CM_OK);
	/* Only the directly deleted row counts, not the cascade. */
	assert_int_equal(changes, 1);
	commit(tx);
	assert_int_equal(sql_int(f->store,
	    "SELECT count(*) FROM cluster_metrics"), 0);
	assert_int_equal(sql_int(f->store,
	    "SELECT count(*) FROM cluster_events"), 1);
}

/* A rolled-back transaction leaves nothing behind. */
static void
test_rollback_discards(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;

	open_store(f, 2);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(query_int(tx, &q_tenant_count, NULL, 0), 1);
	rollback(tx);
	store_tx_rollback(NULL);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 0);
}

/* A committed write is still there after close and reopen. */
static void
test_commit_persists(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;

	open_store(f, 2);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	add_tenant(tx, "t2", "globex");
	commit(tx);
	reopen_store(f, 2);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 2);
}

struct writer_arg {
	struct store *store;
	int id;
	int n;
	enum cm_status status;
	char msg[CM_ERR_MSG_MAX];
};

static void *
writer_main(void *p)
{
	struct writer_arg *a = p;
	struct store_tx *tx;
	struct cm_err err;
	char id[64];
	int i;

	a->status = CM_OK;
	for (i = 0; i < a->n; i++) {
		if (store_tx_begin(a->store, STORE_WRITE, &tx, &err) != CM_OK)
			goto fail;
		snprintf(id, sizeof id, "w%d-%d", a->id, i);
		if (store_exec(tx, &q_audit_insert, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT("u1"), STORE_INT(i)), NULL, &err) != CM_OK) {
			store_tx_rollback(tx);
			goto fail;
		}
		if (store_tx_commit(tx, &err) != CM_OK)
			goto fail;
	}
	return NULL;
fail:
	a->status = err.status;
	snprintf(a->msg, sizeof a->msg, "%s", err.msg);
	return NULL;
}

static void *
reader_main(void *p)
{
	struct writer_arg *a = p;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;
	int i;

	a->status = CM_OK;
	for (i = 0; i < a->n; i++) {
		if (store_tx_begin(a->store, STORE_READ, &tx, &err) != CM_OK)
			goto fail;
		if (store_query(tx, &q_audit_count, NULL, 0, &rows, &err) !=
		    CM_OK) {
			store_tx_rollback(tx);
			goto fail;
		}
		if (store_rows_next(rows, &err) != 1) {
			store_rows_close(rows);
			store_tx_rollback(tx);
			goto fail;
		}
		store_rows_close(rows);
		store_tx_rollback(tx);
	}
	return NULL;
fail:
	a->status = err.status;
	snprintf(a->msg, sizeof a->msg, "%s", err.msg);
	return NULL;
}

/* Two writer threads and a reader share a pool of 4 without a busy error. */
static void
test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	struct writer_arg a[3];
	pthread_t t[3];
	int i;

	open_store(f, 4);
	for (i = 0; i < 3; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].store = f->store;
		a[i].id = i;
		a[i].n = 150;
	}
	assert_int_equal(pthread_create(&t[0], NULL, writer_main, &a[0]), 0);
	assert_int_equal(pthread_create(&t[1], NULL, writer_main, &a[1]), 0);
	assert_int_equal(pthread_create(&t[2], NULL, reader_main, &a[2]), 0);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++) {
		if (a[i].status != CM_OK)
			fail_msg("thread %d: %s", i, a[i].msg);
	}
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM audit_logs"),
	    300);
}

/* Two stores on one file (as two processes would) wait, never fail busy. */
static void
test_two_stores_one_file(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	struct writer_arg a[2];
	pthread_t t[2];
	struct cm_err err;
	int i;

	open_store(f, 2);
	assert_int_equal(store_open(f->path, 2, &other, &err), CM_OK);
	for (i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].store = i == 0 ? f->store : other;
		a[i].id = i;
		a[i].n = 100;
		assert_int_equal(pthread_create(&t[i], NULL, writer_main,
		    &a[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	store_close(other);
	for (i = 0; i < 2; i++) {
		if (a[i].status != CM_OK)
			fail_msg("store %d: %s", i, a[i].msg);
	}
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM audit_logs"),
	    200);
}

/* One query object runs many times from its cached statement. */
static void
test_cache_reuse(void **state)
{
	struct fixture *f = *state;
	struct store_query many[100];
	struct store_tx *tx;
	char id[32];
	int round;
	int i;
	int j;

	open_store(f, 1);
	for (i = 0; i < 3; i++) {
		tx = begin(f->store, STORE_WRITE);
		for (j = 0; j < 500; j++) {
			snprintf(id, sizeof id, "a%d-%d", i, j);
			exec_ok(tx, &q_audit_insert, STORE_ARGS(STORE_TEXT(id),
			    STORE_TEXT(NULL), STORE_INT(j)));
		}
		commit(tx);
	}
	/* More query objects than the initial cache holds; same text each. */
	for (i = 0; i < 100; i++)
		many[i] = (struct store_query){ "test.many",
		    "SELECT count(*) + $1 FROM audit_logs", NULL };
	tx = begin(f->store, STORE_READ);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 100; i++)
			assert_int_equal(query_int(tx, &many[i],
			    STORE_ARGS(STORE_INT(i))), 1500 + i);
	}
	rollback(tx);
}

/* A statement that failed, or whose cursor was abandoned, works again. */
static void
test_reuse_after_error(void **state)
{
	static const struct store_query q_names = {
		"test.tenant_names", "SELECT name FROM tenants ORDER BY name",
		NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;
	int n;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t2"), STORE_TEXT("acme"), STORE_INT(1)), NULL, &err),
	    CM_CONFLICT);
	add_tenant(tx, "t2", "globex");
	add_tenant(tx, "t3", "initech");
	/* Abandon a cursor after one row, then run it again from the top. */
	assert_int_equal(store_query(tx, &q_names, NULL, 0, &rows, &err),
	    CM_OK);
	assert_int_equal(store_rows_next(rows, &err), 1);
	store_rows_close(rows);
	assert_int_equal(store_query(tx, &q_names, NULL, 0, &rows, &err),
	    CM_OK);
	for (n = 0; store_rows_next(rows, &err) == 1; n++)
		;
	store_rows_close(rows);
	assert_int_equal(n, 3);
	commit(tx);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 3);
}

/* The five built-in roles are seeded with their fixed ids. */
static void
test_roles_seeded(void **state)
{
	static const char *const names[] = {
		"platform-admin", "tenant-admin", "operator", "viewer",
		"auditor",
	};
	static const struct store_query q_roles = {
		"test.roles", "SELECT id, name FROM roles ORDER BY id", NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;
	char id[40];
	int i;

	open_store(f, 1);
	tx = begin(f->store, STORE_READ);
	assert_int_equal(store_query(tx, &q_roles, NULL, 0, &rows, &err),
	    CM_OK);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "00000000-0000-7000-8000-00000000000%d",
		    i + 1);
		assert_int_equal(store_rows_next(rows, &err), 1);
		assert_string_equal(store_rows_text(rows, 0), id);
		assert_string_equal(store_rows_text(rows, 1), names[i]);
	}
	assert_int_equal(store_rows_next(rows, &err), 0);
	store_rows_close(rows);
	rollback(tx);
}

/* Every foreign-key column leads some index (deletes and joins stay fast). */
static void
test_foreign_keys_indexed(void **state)
{
	static const struct store_query q_unindexed = {
		"test.unindexed_fks",
		"SELECT m.name, fk.\"from\" FROM sqlite_schema AS m "
		"JOIN pragma_foreign_key_list(m.name) AS fk "
		"WHERE m.type = 'table' AND NOT EXISTS ("
		" SELECT 1 FROM pragma_index_list(m.name) AS il "
		" JOIN pragma_index_info(il.name) AS ii "
		" WHERE ii.seqno = 0 AND ii.name = fk.\"from\")",
		NULL,
	};
	static const struct store_query q_fks = {
		"test.fk_count",
		"SELECT count(*) FROM sqlite_schema AS m "
		"JOIN pragma_foreign_key_list(m.name) AS fk "
		"WHERE m.type = 'table'",
		NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;
	int bad = 0;

	open_store(f, 1);
	tx = begin(f->store, STORE_READ);
	assert_true(query_int(tx, &q_fks, NULL, 0) >= 30);
	assert_int_equal(store_query(tx, &q_unindexed, NULL, 0, &rows, &err),
	    CM_OK);
	while (store_rows_next(rows, &err) == 1) {
		print_error("unindexed foreign key %s.%s\n",
		    store_rows_text(rows, 0), store_rows_text(rows, 1));
		bad++;
	}
	store_rows_close(rows);
	rollback(tx);
	assert_int_equal(bad, 0);
}

/* A read transaction refuses a write instead of racing the writer. */
static void
test_read_tx_refuses_write(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_READ);
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1"), STORE_TEXT("acme"), STORE_INT(1)), NULL, &err),
	    CM_STORE);
	assert_non_null(strstr(err.msg, "read transaction"));
	rollback(tx);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 0);
}

/* Malformed queries and argument lists are refused; the tx goes on. */
static void
test_bad_queries(void **state)
{
	static const struct store_query q_two = {
		"test.two", "SELECT 1; SELECT 2", NULL,
	};
	static const struct store_query q_qmark = {
		"test.qmark", "SELECT ?", NULL,
	};
	static const struct store_query q_gap = {
		"test.gap", "SELECT $1, $3", NULL,
	};
	static const struct store_query q_syntax = {
		"test.syntax", "SELEKT 1", NULL,
	};
	static const struct store_query q_dqs = {
		"test.dqs", "SELECT count(*) FROM tenants WHERE name = \"x\"",
		NULL,
	};
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	assert_int_equal(store_exec(tx, &q_two, NULL, 0, NULL, &err),
	    CM_STORE);
	assert_int_equal(store_exec(tx, &q_qmark, STORE_ARGS(STORE_INT(1)),
	    NULL, &err), CM_STORE);
	assert_int_equal(store_exec(tx, &q_gap, STORE_ARGS(STORE_INT(1),
	    STORE_INT(2)), NULL, &err), CM_STORE);
	assert_int_equal(store_exec(tx, &q_syntax, NULL, 0, NULL, &err),
	    CM_STORE);
	/* "x" is an identifier, as in PostgreSQL, not a string. */
	assert_int_equal(store_exec(tx, &q_dqs, NULL, 0, NULL, &err),
	    CM_STORE);
	/* Too few and too many arguments. */
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1")), NULL, &err), CM_STORE);
	assert_non_null(strstr(err.msg, "3 parameters"));
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1"), STORE_TEXT("a"), STORE_INT(1), STORE_INT(2)),
	    NULL, &err), CM_STORE);
	/* One cursor at a time per transaction. */
	assert_int_equal(store_query(tx, &q_tenant_count, NULL, 0, &rows,
	    &err), CM_OK);
	assert_int_equal(store_exec(tx, &q_tenant_insert, STORE_ARGS(
	    STORE_TEXT("t1"), STORE_TEXT("a"), STORE_INT(1)), NULL, &err),
	    CM_STORE);
	store_rows_close(rows);
	add_tenant(tx, "t1", "acme");
	commit(tx);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 1);
}

/* A second write transaction on the same thread fails instead of hanging. */
static void
test_nested_write_refused(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_tx *inner = NULL;
	struct cm_err err;

	open_store(f, 2);
	tx = begin(f->store, STORE_WRITE);
	assert_int_equal(store_tx_begin(f->store, STORE_WRITE, &inner, &err),
	    CM_STORE);
	assert_null(inner);
	/* The outer transaction is unharmed. */
	add_tenant(tx, "t1", "acme");
	commit(tx);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 1);
}

/* A cursor left open at commit is detached: next fails, close is safe. */
static void
test_cursor_outlived_by_commit(void **state)
{
	struct fixture *f = *state;
	struct store_tx *tx;
	struct store_rows *rows;
	struct cm_err err;

	open_store(f, 1);
	tx = begin(f->store, STORE_WRITE);
	add_tenant(tx, "t1", "acme");
	assert_int_equal(store_query(tx, &q_tenant_count, NULL, 0, &rows,
	    &err), CM_OK);
	assert_int_equal(store_rows_next(rows, &err), 1);
	commit(tx);
	assert_int_equal(store_rows_next(rows, &err), -1);
	assert_int_equal(err.status, CM_STORE);
	assert_null(store_rows_text(rows, 0));
	store_rows_close(rows);
	store_rows_close(NULL);
	assert_int_equal(sql_int(f->store, "SELECT count(*) FROM tenants"), 1);
}

/* URL forms are accepted; a missing directory or other scheme is not. */
static void
test_open_urls(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	struct cm_err err;
	char url[400];

	snprintf(url, sizeof url, "sqlite:%s", f->path);
	assert_int_equal(store_open(url, 1, &s, &err), CM_OK);
	store_close(s);
	snprintf(url, sizeof url, "sqlite://%s", f->path);
	assert_int_equal(store_open(url, 1, &s, &err), CM_OK);
	store_close(s);
	assert_int_equal(store_open(":memory:", 4, &s, &err), CM_OK);
	assert_int_equal(store_schema_version(s), schema_sqlite_latest());
	store_close(s);

	snprintf(url, sizeof url, "%s/no-such-dir/hub.db", f->dir);
	assert_int_equal(store_open(url, 1, &s, &err), CM_IO);
	assert_null(s);
	assert_int_equal(store_open("postgres://db.example/hub", 1, &s, &err),
	    CM_STORE);
	assert_null(s);
	assert_int_equal(store_open("sqlite:", 1, &s, &err), CM_STORE);
	assert_null(s);
}

/* Each migration script stands alone: no BEGIN/COMMIT statement of its
 * own (a trigger's BEGIN ... END on its CREATE line is fine). */
static void
test_migration_scripts(void **state)
{
	const struct schema_migration *m;
	int n;
	int i;

	m = schema_sqlite_migrations(&n);
	assert_int_equal(n, schema_sqlite_latest());
	for (i = 0; i < n; i++) {
		assert_non_null(m[i].name);
		assert_non_null(m[i].sql);
		assert_int_not_equal(strncmp(m[i].sql, "BEGIN", 5), 0);
		assert_null(strstr(m[i].sql, "\nBEGIN"));
		assert_null(strstr(m[i].sql, "COMMIT"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_open_creates_schema),
		T(test_reopen_is_noop),
		T(test_refuses_newer_schema),
		T(test_connection_pragmas),
		T(test_round_trip_named_params),
		T(test_unique_is_conflict),
		T(test_email_unique_nocase),
		T(test_check_is_validation),
		T(test_not_null_is_validation),
		T(test_foreign_key_is_validation),
		T(test_cascades),
		T(test_rollback_discards),
		T(test_commit_persists),
		T(test_concurrent_writers),
		T(test_two_stores_one_file),
		T(test_cache_reuse),
		T(test_reuse_after_error),
		T(test_roles_seeded),
		T(test_foreign_keys_indexed),
		T(test_read_tx_refuses_write),
		T(test_bad_queries),
		T(test_nested_write_refused),
		T(test_cursor_outlived_by_commit),
		T(test_open_urls),
		T(test_migration_scripts),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
