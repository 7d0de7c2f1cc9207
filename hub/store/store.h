/*
 * store.h - the hub's only door to its database.
 *
 * A small driver interface: transactions, named queries with positional
 * parameters ($1, $2, ...), and a forward-only row cursor.  Each domain
 * folder owns its SQL as `static const struct store_query` objects; a query
 * carries one text per dialect (postgres may be NULL when it equals the
 * sqlite text), so a PostgreSQL driver can follow without touching a
 * service or a handler.  Drivers cache one prepared statement per query per
 * connection, keyed by the query object's address.
 *
 * Conventions for every query: times are epoch milliseconds (INTEGER/
 * BIGINT), ids are UUID text made by the hub, enums are CHECK-constrained
 * text, and every query on a tenant's object takes the tenant id.
 *
 * Constraint failures map to statuses: UNIQUE -> CM_CONFLICT, CHECK and
 * NOT NULL -> CM_VALIDATION, FOREIGN KEY -> CM_VALIDATION; anything else
 * the driver reports is CM_STORE.  The store never logs.
 */
#ifndef CM_HUB_STORE_STORE_H
#define CM_HUB_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"

struct store;
struct store_tx;
struct store_rows;

/* One SQL statement, in each dialect.  Define as static const. */
struct store_query {
	const char *name;	/* for errors and metrics: "clusters.list" */
	const char *sqlite;
	const char *postgres;	/* NULL: same text as sqlite */
};

enum store_arg_type {
	STORE_ARG_NULL,
	STORE_ARG_TEXT,
	STORE_ARG_INT,
	STORE_ARG_REAL,
};

/* A bound parameter; the text is borrowed for the duration of the call. */
struct store_arg {
	enum store_arg_type type;
	const char *text;
	int64_t i;
	double d;
};

/* Text argument; NULL pointer binds SQL NULL. */
#define STORE_TEXT(s) \
	((struct store_arg){ (s) != NULL ? STORE_ARG_TEXT : STORE_ARG_NULL, \
	    (s), 0, 0 })
#define STORE_INT(v) ((struct store_arg){ STORE_ARG_INT, NULL, (v), 0 })
#define STORE_REAL(v) ((struct store_arg){ STORE_ARG_REAL, NULL, 0, (v) })
#define STORE_NULL ((struct store_arg){ STORE_ARG_NULL, NULL, 0, 0 })
#define STORE_ARGS(...) \
	(const struct store_arg[]){ __VA_ARGS__ }, \
	(sizeof((const struct store_arg[]){ __VA_ARGS__ }) / \
	    sizeof(struct store_arg))

enum store_mode {
	STORE_READ,	/* snapshot read; may run beside other readers */
	STORE_WRITE,	/* serialised writer (sqlite: BEGIN IMMEDIATE) */
};

/*
 * Open the store named by url: "sqlite:PATH" or a plain PATH for sqlite.
 * Creates the file if needed and applies pending migrations.  pool_size
 * is the number of connections kept (at least 1).
 */
enum cm_status store_open(const char *url, unsigned pool_size,
    struct store **out, struct cm_err *err);

/* Close every connection.  NULL is a no-op.  No transaction may be open. */
void store_close(struct store *store);

/* Schema version the store is at (after store_open, the newest). */
int store_schema_version(struct store *store);

/* True when a trivial query succeeds (readiness probe). */
bool store_ping(struct store *store);

/* Begin a transaction on a pooled connection; blocks while all are busy. */
enum cm_status store_tx_begin(struct store *store, enum store_mode mode,
    struct store_tx **out, struct cm_err *err);

/* Commit and release tx (freed even on failure). */
enum cm_status store_tx_commit(struct store_tx *tx, struct cm_err *err);

/* Roll back and release tx.  NULL is a no-op. */
void store_tx_rollback(struct store_tx *tx);

/*
 * Run a statement that returns no rows.  *changes (may be NULL) gets the
 * number of rows it inserted, updated or deleted.
 */
enum cm_status store_exec(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, int64_t *changes,
    struct cm_err *err);

/*
 * Run a query; iterate the result with store_rows_next and release it
 * with store_rows_close before the next statement on the same tx.
 */
enum cm_status store_query(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, struct store_rows **out,
    struct cm_err *err);

/* Run a query and set *found when it returns at least one row. */
enum cm_status store_exists(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, bool *found,
    struct cm_err *err);

/* Advance: 1 = a row is ready, 0 = done, -1 = error (err filled). */
int store_rows_next(struct store_rows *rows, struct cm_err *err);

/* Column accessors for the current row (0-based).  The text is borrowed
 * until the next store_rows_next or store_rows_close; NULL for SQL NULL. */
const char *store_rows_text(struct store_rows *rows, int col);
int64_t store_rows_int(struct store_rows *rows, int col);
double store_rows_real(struct store_rows *rows, int col);
bool store_rows_is_null(struct store_rows *rows, int col);

/* Release a cursor.  NULL is a no-op. */
void store_rows_close(struct store_rows *rows);

#endif
