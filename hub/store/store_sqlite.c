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
 * writer (WAL snapshots).
 *
 * Each connection caches one prepared statement per struct store_query,
 * keyed by the query's address in a small open-addressing table, together
 * with the map from "$N" to sqlite's parameter index (sqlite numbers
 * "$N" parameters by first appearance, so "$2 ... $1" would otherwise bind
 * the wrong way round).  Query objects are meant to be static; one
 * reused at the same (stack) address with another text is re-prepared.
 * A STORE_READ transaction refuses a statement that would write, so no
 * write ever bypasses the writer slot.  store_open applies the migrations
 * of schema_sqlite.c, tracked by PRAGMA user_version.
 *
 * It does not retry failed statements, log, or attach other databases;
 * backups and vacuuming are operator tasks (docs/store.md).
 */
#include "config.h"

#include "store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backend/xalloc.h"
#include "hub/store/schema.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_CACHE_MIN 32	/* initial statement slots per connection */

/* A cached statement and where each "$N" lives in it. */
struct stmt_slot {
	const struct store_query *q;	/* NULL: empty slot */
	const char *sql;		/* q->sqlite when prepared */
	sqlite3_stmt *stmt;
	int nparams;
	int *param_index;		/* [N - 1] = sqlite index of "$N" */
};

struct conn {
	sqlite3 *db;
	struct stmt_slot *slots;
	size_t cap;			/* power of two */
	size_t used;
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

/* Copy src into dst, turning each run of white space into one space. */
static void
squeeze(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	bool space = false;

	for (; *src != '\0' && n + 1 < size; src++) {
		if (isspace((unsigned char)*src)) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			dst[n++] = ' ';
		space = false;
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

/* Column of "table.col" (the last one of "t.a, t.b"). */
static void
field_of_columns(const char *cols, char *field, size_t size)
{
	const char *last = strrchr(cols, '.');

	snprintf(field, size, "%s", last != NULL ? last + 1 : cols);
}

/*
 * The column a CHECK expression tests: its first identifier that is
 * neither a keyword nor a function name ("labels IS NULL OR
 * json_valid(labels)" -> "labels").  Empty when there is none.
 */
static void
field_of_check(const char *expr, char *field, size_t size)
{
	static const char *const keywords[] = {
		"AND", "BETWEEN", "CASE", "ELSE", "END", "GLOB", "IN", "IS",
		"LIKE", "NOT", "NULL", "OR", "THEN", "WHEN", NULL,
	};
	const char *p = expr;
	const char *start;
	const char *next;
	size_t len;
	size_t i;
	bool keyword;

	field[0] = '\0';
	while (*p != '\0') {
		if (*p == '\'') {
			p = strchr(p + 1, '\'');
			if (p == NULL)
				return;
			p++;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '_') {
			p++;
			continue;
		}
		start = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		len = (size_t)(p - start);
		for (next = p; isspace((unsigned char)*next); next++)
			;
		if (isdigit((unsigned char)*start) || *next == '(')
			continue;
		keyword = false;
		for (i = 0; keywords[i] != NULL; i++) {
			if (strlen(keywords[i]) == len &&
			    strncasecmp(keywords[i], start, len) == 0)
				keyword = true;
		}
		if (!keyword) {
			snprintf(field, size, "%.*s", (int)len, start);
			return;
		}
	}
}

/*
 * Fill err from a failed sqlite call on db.  Constraint messages name the
 * constraint or column, never a value: sqlite's own text for these cases
 * carries the schema's words only.
 */
static enum cm_status
store_fail(sqlite3 *db, int rc, const struct store_query *q,
    struct cm_err *err)
{
	const char *msg = sqlite3_errmsg(db);
	const char *detail = strstr(msg, "failed: ");
	char text[CM_ERR_MSG_MAX];
	char field[CM_ERR_FIELD_MAX];

	text[0] = '\0';
	field[0] = '\0';
	if (detail != NULL)
		squeeze(text, sizeof text, detail + strlen("failed: "));
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		field_of_columns(text, field, sizeof field);
		return cm_err_set(err, CM_CONFLICT, field,
		    "UNIQUE constraint on %s: the value is already taken "
		    "(%s)", text, q->name);
	case SQLITE_CONSTRAINT_NOTNULL:
		field_of_columns(text, field, sizeof field);
		return cm_err_set(err, CM_VALIDATION, field,
		    "NOT NULL constraint on %s: a value is required (%s)",
		    text, q->name);
	case SQLITE_CONSTRAINT_CHECK:
		field_of_check(text, field, sizeof field);
		return cm_err_set(err, CM_VALIDATION, field,
		    "CHECK constraint failed: %s (%s)", text, q->name);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "FOREIGN KEY constraint failed: a referenced row does "
		    "not exist or the row is still referenced (%s)",
		    q->name);
	case SQLITE_CONSTRAINT_DATATYPE:
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "a value has the wrong type (%s)", q->name);
	default:
		return cm_err_set(err, CM_STORE, NULL, "%s: %s (%s)",
		    q->name, msg, sqlite3_errstr(rc));
	}
}

static size_t
slot_hash(const struct store_query *q, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)q;

	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

static struct stmt_slot *
conn_find_slot(struct conn *c, const struct store_query *q)
{
	size_t i = slot_hash(q, c->cap);

	while (c->slots[i].q != NULL && c->slots[i].q != q)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

/* Double the table; slots move, so callers look up again afterwards. */
static void
conn_grow_cache(struct conn *c)
{
	struct stmt_slot *old = c->slots;
	size_t oldcap = c->cap;
	size_t i;

	c->cap = oldcap * 2;
	c->slots = xcalloc(c->cap, sizeof *c->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].q != NULL)
			*conn_find_slot(c, old[i].q) = old[i];
	}
	free(old);
}

/* Map each "$N" of stmt to its sqlite index; false if not $1..$n. */
static bool
slot_map_params(struct stmt_slot *slot)
{
	const char *name;
	char *end;
	long n;
	int i;

	slot->nparams = sqlite3_bind_parameter_count(slot->stmt);
	if (slot->nparams == 0)
		return true;
	slot->param_index = xcalloc((size_t)slot->nparams, sizeof(int));
	for (i = 1; i <= slot->nparams; i++) {
		name = sqlite3_bind_parameter_name(slot->stmt, i);
		if (name == NULL || name[0] != '$' || name[1] < '1' ||
		    name[1] > '9')
			return false;
		errno = 0;
		n = strtol(name + 1, &end, 10);
		if (errno != 0 || *end != '\0' || n > slot->nparams ||
		    slot->param_index[n - 1] != 0)
			return false;
		slot->param_index[n - 1] = i;
	}
	return true;
}

/*
 * The ready-to-bind statement of q on c: from the cache (reset, bindings
 * cleared) or freshly prepared and cached.
 */
static enum cm_status
conn_prepare(struct conn *c, const struct store_query *q,
    struct stmt_slot **out, struct cm_err *err)
{
	struct stmt_slot *slot = conn_find_slot(c, q);
	struct stmt_slot fresh = { q, q->sqlite, NULL, 0, NULL };
	const char *tail = NULL;
	bool reuse = false;
	int rc;

	if (q->sqlite == NULL)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: no sqlite text", q->name);
	if (slot->q == q && slot->sql == q->sqlite) {
		sqlite3_reset(slot->stmt);
		sqlite3_clear_bindings(slot->stmt);
		*out = slot;
		return CM_OK;
	}
	if (slot->q == q) {
		/* A query object on the stack, reused at the same address
		 * for another text: drop the stale statement. */
		sqlite3_finalize(slot->stmt);
		free(slot->param_index);
		memset(slot, 0, sizeof *slot);
		slot->q = q;
		reuse = true;
	}
	rc = sqlite3_prepare_v3(c->db, q->sqlite, -1,
	    SQLITE_PREPARE_PERSISTENT, &fresh.stmt, &tail);
	if (rc != SQLITE_OK)
		return store_fail(c->db, rc, q, err);
	while (tail != NULL && isspace((unsigned char)*tail))
		tail++;
	if (fresh.stmt == NULL || (tail != NULL && *tail != '\0')) {
		sqlite3_finalize(fresh.stmt);
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: the text must hold exactly one statement", q->name);
	}
	if (!slot_map_params(&fresh)) {
		sqlite3_finalize(fresh.stmt);
		free(fresh.param_index);
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: parameters must be $1..$N with no gaps", q->name);
	}
	if (!reuse && (c->used + 1) * 2 > c->cap) {
		conn_grow_cache(c);
		slot = conn_find_slot(c, q);
	}
	*slot = fresh;
	if (!reuse)
		c->used++;
	*out = slot;
	return CM_OK;
}

/* Bind args to slot by name; text is copied when it must outlive us. */
static enum cm_status
slot_bind(struct conn *c, struct stmt_slot *slot, const struct store_query *q,
    const struct store_arg *args, size_t nargs, bool copy, struct cm_err *err)
{
	sqlite3_destructor_type dtor = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
	size_t i;
	int idx;
	int rc;

	if (nargs != (size_t)slot->nparams)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: takes %d parameters, %zu given", q->name,
		    slot->nparams, nargs);
	for (i = 0; i < nargs; i++) {
		idx = slot->param_index[i];
		switch (args[i].type) {
		case STORE_ARG_NULL:
			rc = sqlite3_bind_null(slot->stmt, idx);
			break;
		case STORE_ARG_TEXT:
			rc = args[i].text == NULL ?
			    sqlite3_bind_null(slot->stmt, idx) :
			    sqlite3_bind_text(slot->stmt, idx, args[i].text,
			    -1, dtor);
			break;
		case STORE_ARG_INT:
			rc = sqlite3_bind_int64(slot->stmt, idx, args[i].i);
			break;
		case STORE_ARG_REAL:
			rc = sqlite3_bind_double(slot->stmt, idx, args[i].d);
			break;
		default:
			return cm_err_set(err, CM_STORE, NULL,
			    "%s: parameter $%zu has an unknown type",
			    q->name, i + 1);
		}
		if (rc != SQLITE_OK)
			return store_fail(c->db, rc, q, err);
	}
	return CM_OK;
}

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
	st = conn_prepare(c, q, &slot, err);
	if (st != CM_OK)
		return st;
	if (read_only && !sqlite3_stmt_readonly(slot->stmt))
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: writes inside a read transaction", q->name);
	st = slot_bind(c, slot, q, args, nargs, false, err);
	if (st != CM_OK)
		goto out;
	do
		rc = sqlite3_step(slot->stmt);
	while (rc == SQLITE_ROW);
	if (rc != SQLITE_DONE) {
		st = store_fail(c->db, rc, q, err);
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

	if (conn_prepare(c, q, &slot, err) != CM_OK)
		return -1;
	rc = sqlite3_step(slot->stmt);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(slot->stmt, 0);
	else
		store_fail(c->db, rc, q, err);
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
		return store_fail(c->db, sqlite3_extended_errcode(c->db), &q,
		    err);
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

/* Open one pooled connection with the per-connection pragmas. */
static enum cm_status
conn_open(struct conn *c, const char *path, bool memory, struct cm_err *err)
{
	static const char pragmas[] =
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
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
	c->cap = STORE_CACHE_MIN;
	c->slots = xcalloc(c->cap, sizeof *c->slots);
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
		return store_fail(c->db, sqlite3_extended_errcode(c->db), &q,
		    err);
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	wal = mode != NULL && strcmp(mode, "wal") == 0;
	sqlite3_finalize(stmt);
	if (!wal && !memory)
		return cm_err_set(err, CM_STORE, NULL,
		    "cannot switch %s to WAL journal mode", path);
	return conn_exec_text(c, "store.pragmas", pragmas, err);
}

static void
conn_close(struct conn *c)
{
	size_t i;

	for (i = 0; c->slots != NULL && i < c->cap; i++) {
		if (c->slots[i].q == NULL)
			continue;
		sqlite3_finalize(c->slots[i].stmt);
		free(c->slots[i].param_index);
	}
	free(c->slots);
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
		st = conn_open(&s->conns[i], s->path, memory, err);
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

/* Take a free connection, waiting for one if all are lent out. */
static struct conn *
store_acquire(struct store *s)
{
	unsigned i;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		for (i = 0; i < s->nconns; i++) {
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
	struct conn *c = store_acquire(store);
	int64_t v = conn_int(c, &q_user_version, NULL);

	store_release(store, c);
	return (int)v;
}

bool
store_ping(struct store *store)
{
	struct conn *c = store_acquire(store);
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
	tx->conn = store_acquire(store);
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
	st = conn_prepare(tx->conn, q, &slot, err);
	if (st != CM_OK)
		return st;
	if (tx->mode == STORE_READ && !sqlite3_stmt_readonly(slot->stmt))
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: writes inside a read transaction", q->name);
	st = slot_bind(tx->conn, slot, q, args, nargs, true, err);
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
	store_fail(rows->tx->conn->db, rc, rows->q, err);
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
