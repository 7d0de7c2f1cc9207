/*
 * store_sqlite.c - the sqlite driver behind store.h.
 *
 * A fixed pool of connections to one database file in WAL mode.  A
 * transaction borrows a connection for its whole life (store_tx_begin
 * waits on a condition variable while all are busy) and returns it at
 * commit or rollback, so a connection is only ever used by one thread at
 * a time and is opened without sqlite's own mutexes.  Writers also hold
 * the store's writer slot (a flag under the pool lock) from BEGIN
 * IMMEDIATE to COMMIT/ROLLBACK: sqlite allows one writer anyway, and
 * queueing on a condition variable beats spinning in the busy handler.  A
 * thread that asks for a second write transaction while it holds one gets
 * an error rather than a deadlock.  Readers are never blocked by the
 * writer (WAL snapshots).  Writers prefer the first connection, the only
 * one with a big page cache, and readers the others.
 *
 * Each connection keeps one prepared statement per struct store_query
 * (stmt_cache.c); failures become statuses in sqlite_error.c.  A
 * STORE_READ transaction refuses a statement that would write, so no
 * write ever bypasses the writer slot.  store_open applies the migrations
 * of schema_sqlite.c, tracked by PRAGMA user_version.
 *
 * It does not retry failed statements, log, or attach other databases;
 * backups and vacuuming are operator tasks (docs/store.md).
 */
#include "config.h"

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backend/xalloc.h"
#include "hub/store/schema.h"
#include "hub/store/sqlite_error.h"
#include "hub/store/stmt_cache.h"

#define STORE_BUSY_TIMEOUT_MS 5000

struct conn {
	sqlite3 *db;
	struct stmt_cache cache;	/* its prepared statements */
	bool busy;			/* lent to a transaction */
};

struct store {
	char *path;
	struct conn *conns;
	unsigned nconns;
	pthread_mutex_t lock;		/* guards busy and the writer */
	pthread_cond_t freed;		/* a connection came back */
	pthread_cond_t written;		/* the writer finished */
	bool writing;			/* a write transaction is open */
	pthread_t writer;		/* the thread that began it */
};

struct store_tx {
	struct store *store;
	struct conn *conn;
	enum store_mode mode;
	struct store_rows *rows;	/* the open cursor, if any */
};

enum rows_state {
	ROWS_ACTIVE,
	ROWS_DONE,
	ROWS_FAILED,
};

struct store_rows {
	struct store_tx *tx;		/* NULL once the tx has ended */
	const struct store_query *q;
	sqlite3_stmt *stmt;
	enum rows_state state;
};

static const struct store_query q_begin_read = {
	"store.begin", "BEGIN", NULL
};
static const struct store_query q_begin_write = {
	"store.begin_immediate", "BEGIN IMMEDIATE", NULL
};
static const struct store_query q_commit = { "store.commit", "COMMIT", NULL };
static const struct store_query q_rollback = {
	"store.rollback", "ROLLBACK", NULL
};
static const struct store_query q_ping = { "store.ping", "SELECT 1", NULL };
static const struct store_query q_user_version = {
	"store.user_version", "PRAGMA user_version", NULL
};

/* Run q on c to completion; *changes (may be NULL) gets the row count. */
static enum cm_status
conn_run(struct conn *c, const struct store_query *q,
    const struct store_arg *args, size_t nargs, bool read_only,
    int64_t *changes, struct cm_err *err)
{
	struct stmt_slot *slot;
	enum cm_status st;
	int rc;

	if (changes != NULL)
		*changes = 0;
	st = stmt_cache_prepare(&c->cache, c->db, q, &slot, err);
	if (st != CM_OK)
		return st;
	if (read_only && !sqlite3_stmt_readonly(slot->stmt))
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: writes inside a read transaction", q->name);
	st = stmt_cache_bind(c->db, slot, q, args, nargs, false, err);
	if (st != CM_OK)
		goto out;
	do
		rc = sqlite3_step(slot->stmt);
	while (rc == SQLITE_ROW);
	if (rc != SQLITE_DONE) {
		st = sqlite_error_set(c->db, rc, q, err);
		goto out;
	}
	if (changes != NULL && !sqlite3_stmt_readonly(slot->stmt))
		*changes = sqlite3_changes64(c->db);
out:
	sqlite3_reset(slot->stmt);
	sqlite3_clear_bindings(slot->stmt);
	return st;
}

/* Run a one-row, one-integer query (a pragma) on c; -1 on failure. */
static int64_t
conn_int(struct conn *c, const struct store_query *q, struct cm_err *err)
{
	struct stmt_slot *slot;
	int64_t v = -1;
	int rc;

	if (stmt_cache_prepare(&c->cache, c->db, q, &slot, err) != CM_OK)
		return -1;
	rc = sqlite3_step(slot->stmt);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(slot->stmt, 0);
	else
		sqlite_error_set(c->db, rc, q, err);
	sqlite3_reset(slot->stmt);
	return v;
}

/* Run one SQL text outside the cache (set-up and migrations). */
static enum cm_status
conn_exec_text(struct conn *c, const char *what, const char *sql,
    struct cm_err *err)
{
	struct store_query q = { what, sql, NULL };
	int rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sqlite_error_set(c->db,
		    sqlite3_extended_errcode(c->db), &q, err);
	return CM_OK;
}

/*
 * Bring the database to the newest schema, one migration per
 * transaction.  The version is read under BEGIN IMMEDIATE so two
 * processes opening a fresh file cannot both apply a step.
 */
static enum cm_status
conn_migrate(struct conn *c, struct cm_err *err)
{
	const struct schema_migration *m;
	struct cm_err e;
	char sql[64];
	enum cm_status st;
	int latest;
	int64_t v;

	cm_err_clear(&e);
	m = schema_sqlite_migrations(&latest);
	for (;;) {
		st = conn_exec_text(c, "migrate.begin", "BEGIN IMMEDIATE", &e);
		if (st != CM_OK)
			goto fail;
		v = conn_int(c, &q_user_version, &e);
		if (v < 0) {
			st = CM_STORE;
			goto fail;
		}
		if (v > latest) {
			st = cm_err_set(&e, CM_STORE, NULL,
			    "database schema version %lld is newer than this "
			    "program supports (%d); run a newer cmhubd",
			    (long long)v, latest);
			goto fail;
		}
		if (v == latest) {
			st = conn_exec_text(c, "migrate.commit", "COMMIT", &e);
			if (st != CM_OK)
				goto fail;
			return CM_OK;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %lld",
		    (long long)v + 1);
		st = conn_exec_text(c, m[v].name, m[v].sql, &e);
		if (st == CM_OK)
			st = conn_exec_text(c, "migrate.version", sql, &e);
		if (st == CM_OK)
			st = conn_exec_text(c, "migrate.commit", "COMMIT", &e);
		if (st != CM_OK) {
			if (!sqlite3_get_autocommit(c->db))
				sqlite3_exec(c->db, "ROLLBACK", NULL, NULL,
				    NULL);
			return cm_err_set(err, st, e.field,
			    "migration %lld (%s) failed: %s",
			    (long long)v + 1, m[v].name, e.msg);
		}
	}
fail:
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return cm_err_set(err, st, e.field, "%s", e.msg);
}

/*
 * Open one pooled connection with the per-connection pragmas; writer
 * marks the connection write transactions prefer (store_acquire).
 */
static enum cm_status
conn_open(struct conn *c, const char *path, bool memory, bool writer,
    struct cm_err *err)
{
	/*
	 * Checkpoint every 8,000 WAL pages (32 MiB) instead of 1,000: a
	 * metrics batch dirties over a thousand pages, mostly the same ones
	 * batch after batch, and each checkpoint writes them back and syncs
	 * twice; fewer checkpoints write each page back fewer times (the
	 * commits of bench/ingest take about 30 % less time than at 1,000
	 * pages; see bench/README.md).
	 */
	static const char pragmas[] =
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
	    "PRAGMA wal_autocheckpoint = 8000;";
	/*
	 * The writer's connection keeps a 16 MiB page cache: the pages a
	 * batch dirties (the newest leaf of every series in the samples and
	 * rollups) stay in memory from one batch to the next, instead of
	 * being read back from the WAL through sqlite's default 2 MiB.
	 * Readers keep the default: a big cache on every pooled connection
	 * is memory that queries barely use.  No mmap: it made the writer
	 * slower, and gained readers a few percent for the mapped pages.
	 */
	static const char writer_pragmas[] = "PRAGMA cache_size = -16384;";
	enum cm_status st;
	struct store_query q = { "store.open", "PRAGMA journal_mode", NULL };
	sqlite3_stmt *stmt = NULL;
	const char *mode;
	bool wal;
	int rc;

	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return cm_err_set(err, CM_STORE, NULL, "cannot open %s: %s",
		    path, c->db != NULL ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
	stmt_cache_init(&c->cache);
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, STORE_BUSY_TIMEOUT_MS);
	/* Strings are 'single-quoted' only, as in PostgreSQL. */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return sqlite_error_set(c->db,
		    sqlite3_extended_errcode(c->db), &q, err);
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	wal = mode != NULL && strcmp(mode, "wal") == 0;
	sqlite3_finalize(stmt);
	if (!wal && !memory)
		return cm_err_set(err, CM_STORE, NULL,
		    "cannot switch %s to WAL journal mode", path);
	st = conn_exec_text(c, "store.pragmas", pragmas, err);
	if (st == CM_OK && writer)
		st = conn_exec_text(c, "store.pragmas", writer_pragmas, err);
	return st;
}

static void
conn_close(struct conn *c)
{
	stmt_cache_done(&c->cache);
	sqlite3_close(c->db);
	memset(c, 0, sizeof *c);
}

/* The file part of "sqlite:PATH", "sqlite://PATH" or a plain PATH. */
static const char *
store_url_path(const char *url, struct cm_err *err)
{
	const char *path = url;

	if (strncmp(url, "sqlite:", 7) == 0) {
		path = url + 7;
		if (strncmp(path, "//", 2) == 0)
			path += 2;
	} else if (strstr(url, "://") != NULL) {
		cm_err_set(err, CM_STORE, "store",
		    "unsupported store URL scheme (only sqlite is built in)");
		return NULL;
	}
	if (*path == '\0') {
		cm_err_set(err, CM_STORE, "store", "empty database path");
		return NULL;
	}
	return path;
}

enum cm_status
store_open(const char *url, unsigned pool_size, struct store **out,
    struct cm_err *err)
{
	struct store *s = NULL;
	const char *path;
	enum cm_status st;
	bool memory;
	unsigned i;
	int fd;

	*out = NULL;
	if (sqlite3_threadsafe() == 0)
		return cm_err_set(err, CM_STORE, NULL,
		    "sqlite was built without thread support");
	path = store_url_path(url, err);
	if (path == NULL)
		return CM_STORE;
	memory = strcmp(path, ":memory:") == 0;
	if (pool_size < 1 || memory)
		pool_size = 1;	/* each :memory: connection is a db */
	if (!memory) {
		/* Create it ourselves: sqlite would use mode 0644. */
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return cm_err_set(err, CM_IO, "store",
			    "cannot create %s: %s", path, strerror(errno));
		close(fd);
	}

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (pthread_mutex_init(&s->lock, NULL) != 0 ||
	    pthread_cond_init(&s->freed, NULL) != 0 ||
	    pthread_cond_init(&s->written, NULL) != 0)
		fatal("store: cannot initialise locks");
	s->conns = xcalloc(pool_size, sizeof *s->conns);
	for (i = 0; i < pool_size; i++) {
		s->nconns = i + 1;
		st = conn_open(&s->conns[i], s->path, memory, i == 0, err);
		if (st == CM_OK && i == 0)
			st = conn_migrate(&s->conns[0], err);
		if (st != CM_OK)
			goto fail;
	}
	*out = s;
	return CM_OK;
fail:
	store_close(s);
	return st;
}

void
store_close(struct store *store)
{
	unsigned i;

	if (store == NULL)
		return;
	for (i = 0; i < store->nconns; i++) {
		if (store->conns[i].busy)
			fatal("store_close: a transaction is still open");
		conn_close(&store->conns[i]);
	}
	pthread_cond_destroy(&store->written);
	pthread_cond_destroy(&store->freed);
	pthread_mutex_destroy(&store->lock);
	free(store->conns);
	free(store->path);
	free(store);
}

/*
 * Take a free connection, waiting for one if all are lent out.  Write
 * transactions prefer the first (the writer's connection, with the big
 * page cache), readers the others; either takes any free connection
 * rather than wait for its preferred one.
 */
static struct conn *
store_acquire(struct store *s, bool write)
{
	unsigned i, k;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		for (k = 0; k < s->nconns; k++) {
			/* writers try 0, 1, 2, ...; readers 1, 2, ..., 0 */
			i = write ? k : (k + 1) % s->nconns;
			if (!s->conns[i].busy) {
				s->conns[i].busy = true;
				pthread_mutex_unlock(&s->lock);
				return &s->conns[i];
			}
		}
		pthread_cond_wait(&s->freed, &s->lock);
	}
}

static void
store_release(struct store *s, struct conn *c)
{
	pthread_mutex_lock(&s->lock);
	c->busy = false;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Become the store's one writer, waiting for the current one.  False when
 * the calling thread is the writer already: waiting would never end.
 */
static bool
store_writer_enter(struct store *s)
{
	pthread_t self = pthread_self();

	pthread_mutex_lock(&s->lock);
	if (s->writing && pthread_equal(s->writer, self)) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	while (s->writing)
		pthread_cond_wait(&s->written, &s->lock);
	s->writing = true;
	s->writer = self;
	pthread_mutex_unlock(&s->lock);
	return true;
}

/* Let the next writer in (from any thread: a tx may change hands). */
static void
store_writer_leave(struct store *s)
{
	pthread_mutex_lock(&s->lock);
	s->writing = false;
	pthread_cond_signal(&s->written);
	pthread_mutex_unlock(&s->lock);
}

int
store_schema_version(struct store *store)
{
	struct conn *c = store_acquire(store, false);
	int64_t v = conn_int(c, &q_user_version, NULL);

	store_release(store, c);
	return (int)v;
}

bool
store_ping(struct store *store)
{
	struct conn *c = store_acquire(store, false);
	int64_t v = conn_int(c, &q_ping, NULL);

	store_release(store, c);
	return v == 1;
}

enum cm_status
store_tx_begin(struct store *store, enum store_mode mode,
    struct store_tx **out, struct cm_err *err)
{
	struct store_tx *tx;
	enum cm_status st;

	*out = NULL;
	if (mode == STORE_WRITE && !store_writer_enter(store))
		return cm_err_set(err, CM_STORE, NULL,
		    "this thread already has a write transaction open");
	tx = xcalloc(1, sizeof *tx);
	tx->store = store;
	tx->mode = mode;
	tx->conn = store_acquire(store, mode == STORE_WRITE);
	st = conn_run(tx->conn, mode == STORE_WRITE ? &q_begin_write :
	    &q_begin_read, NULL, 0, false, NULL, err);
	if (st != CM_OK) {
		store_release(store, tx->conn);
		if (mode == STORE_WRITE)
			store_writer_leave(store);
		free(tx);
		return st;
	}
	*out = tx;
	return CM_OK;
}

/* Detach an open cursor from its ending transaction. */
static void
tx_orphan_rows(struct store_tx *tx)
{
	if (tx->rows == NULL)
		return;
	sqlite3_reset(tx->rows->stmt);
	sqlite3_clear_bindings(tx->rows->stmt);
	tx->rows->tx = NULL;
	tx->rows->stmt = NULL;
	tx->rows = NULL;
}

static void
tx_release(struct store_tx *tx)
{
	struct store *s = tx->store;

	store_release(s, tx->conn);
	if (tx->mode == STORE_WRITE)
		store_writer_leave(s);
	free(tx);
}

enum cm_status
store_tx_commit(struct store_tx *tx, struct cm_err *err)
{
	enum cm_status st;

	tx_orphan_rows(tx);
	st = conn_run(tx->conn, &q_commit, NULL, 0, false, NULL, err);
	if (st != CM_OK && !sqlite3_get_autocommit(tx->conn->db))
		conn_run(tx->conn, &q_rollback, NULL, 0, false, NULL, NULL);
	tx_release(tx);
	return st;
}

void
store_tx_rollback(struct store_tx *tx)
{
	if (tx == NULL)
		return;
	tx_orphan_rows(tx);
	/* sqlite may already have rolled back (e.g. after SQLITE_FULL). */
	if (!sqlite3_get_autocommit(tx->conn->db))
		conn_run(tx->conn, &q_rollback, NULL, 0, false, NULL, NULL);
	tx_release(tx);
}

enum cm_status
store_exec(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, int64_t *changes,
    struct cm_err *err)
{
	if (changes != NULL)
		*changes = 0;
	if (tx->rows != NULL)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: a cursor (%s) is still open", q->name,
		    tx->rows->q->name);
	return conn_run(tx->conn, q, args, nargs, tx->mode == STORE_READ,
	    changes, err);
}

enum cm_status
store_query(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, struct store_rows **out,
    struct cm_err *err)
{
	struct stmt_slot *slot;
	struct store_rows *rows;
	enum cm_status st;

	*out = NULL;
	if (tx->rows != NULL)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: a cursor (%s) is still open", q->name,
		    tx->rows->q->name);
	st = stmt_cache_prepare(&tx->conn->cache, tx->conn->db, q, &slot,
	    err);
	if (st != CM_OK)
		return st;
	if (tx->mode == STORE_READ && !sqlite3_stmt_readonly(slot->stmt))
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: writes inside a read transaction", q->name);
	st = stmt_cache_bind(tx->conn->db, slot, q, args, nargs, true, err);
	if (st != CM_OK) {
		sqlite3_clear_bindings(slot->stmt);
		return st;
	}
	rows = xcalloc(1, sizeof *rows);
	rows->tx = tx;
	rows->q = q;
	rows->stmt = slot->stmt;
	rows->state = ROWS_ACTIVE;
	tx->rows = rows;
	*out = rows;
	return CM_OK;
}

int
store_rows_next(struct store_rows *rows, struct cm_err *err)
{
	int rc;

	if (rows->tx == NULL) {
		cm_err_set(err, CM_STORE, NULL,
		    "%s: cursor used after its transaction ended",
		    rows->q->name);
		return -1;
	}
	if (rows->state == ROWS_DONE)
		return 0;
	if (rows->state == ROWS_FAILED) {
		cm_err_set(err, CM_STORE, NULL, "%s: cursor failed earlier",
		    rows->q->name);
		return -1;
	}
	rc = sqlite3_step(rows->stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		rows->state = ROWS_DONE;
		return 0;
	}
	rows->state = ROWS_FAILED;
	sqlite_error_set(rows->tx->conn->db, rc, rows->q, err);
	return -1;
}

const char *
store_rows_text(struct store_rows *rows, int col)
{
	if (rows->stmt == NULL)
		return NULL;
	return (const char *)sqlite3_column_text(rows->stmt, col);
}

int64_t
store_rows_int(struct store_rows *rows, int col)
{
	if (rows->stmt == NULL)
		return 0;
	return sqlite3_column_int64(rows->stmt, col);
}

double
store_rows_real(struct store_rows *rows, int col)
{
	if (rows->stmt == NULL)
		return 0;
	return sqlite3_column_double(rows->stmt, col);
}

bool
store_rows_is_null(struct store_rows *rows, int col)
{
	if (rows->stmt == NULL)
		return true;
	return sqlite3_column_type(rows->stmt, col) == SQLITE_NULL;
}

enum cm_status
store_exists(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, bool *found,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*found = false;
	st = store_query(tx, q, args, nargs, &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	*found = rc == 1;
	return CM_OK;
}

void
store_rows_close(struct store_rows *rows)
{
	if (rows == NULL)
		return;
	if (rows->tx != NULL) {
		sqlite3_reset(rows->stmt);
		sqlite3_clear_bindings(rows->stmt);
		rows->tx->rows = NULL;
	}
	free(rows);
}
