/*
 * schema.h - the sqlite schema as an ordered list of migrations.
 *
 * Migration i (0-based) brings a database from user_version i to i + 1;
 * store_open applies the missing ones, each in its own transaction.  The
 * list is exposed so tests can check the scripts one by one.  This header
 * does not run anything: applying migrations is the driver's job.
 */
#ifndef CM_HUB_STORE_SCHEMA_H
#define CM_HUB_STORE_SCHEMA_H

/* One migration: a short name and the SQL script that applies it. */
struct schema_migration {
	const char *name;	/* "initial schema" */
	const char *sql;	/* one or more statements, no BEGIN/COMMIT */
};

/* Newest schema version this binary knows (the number of migrations). */
int schema_sqlite_latest(void);

/*
 * The migrations in order; *count (may be NULL) gets their number.  The
 * array is static and lives for the whole process.
 */
const struct schema_migration *schema_sqlite_migrations(int *count);

#endif
