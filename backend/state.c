/*
 * state.c - the state directory: token files, the sqlite snapshot
 * cache, the prompt history, and atomic file writes.  See state.h.
 *
 * The cache is a convenience: when sqlite cannot open or write it, the
 * console works as if it were empty, so every cache error is reported
 * to the caller and nothing else depends on it.
 */
#include "config.h"

#include "backend/state.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backend/settings.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define STATE_TOKEN_FILE_MAX (64 * 1024)
#define STATE_HISTORY_LINE_MAX 4096
#define STATE_HISTORY_FILE_MAX (4 * 1024 * 1024)

struct state {
	char *dir;
	pthread_mutex_t mu;	/* guards db */
	sqlite3 *db;		/* NULL: no cache */
};

static const char state_schema[] =
    "CREATE TABLE IF NOT EXISTS snapshots ("
    " context TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " scope TEXT NOT NULL,"
    " etag TEXT NOT NULL,"
    " fetched_ms INTEGER NOT NULL,"
    " data TEXT NOT NULL,"
    " PRIMARY KEY (context, kind, scope));"
    /* Guided-tour progress of direct mode (the hub keeps it otherwise). */
    "CREATE TABLE IF NOT EXISTS tour_progress ("
    " context TEXT NOT NULL,"
    " tour TEXT NOT NULL,"
    " step_completed INTEGER NOT NULL,"
    " completed_ms INTEGER,"
    " updated_ms INTEGER NOT NULL,"
    " PRIMARY KEY (context, tour));"
    "PRAGMA user_version = 2;";

enum cm_status
state_make_dir(const char *dir, struct cm_err *err)
{
	char *p, *s;
	struct stat sb;
	enum cm_status st = CM_OK;

	if (dir == NULL || dir[0] == '\0')
		return cm_err_set(err, CM_IO, NULL, "no directory");
	s = xstrdup(dir);
	for (p = s + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0700) != 0 && errno != EEXIST) {
				st = cm_err_set(err, CM_IO, NULL, "%s: %s", s,
				    strerror(errno));
				goto out;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		st = cm_err_set(err, CM_IO, NULL, "%s: not a directory", dir);
out:
	free(s);
	return st;
}

enum cm_status
state_write_atomic(const char *path, const char *data, size_t len,
    unsigned mode, struct cm_err *err)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path), *dir, *slash;
	size_t off = 0;
	ssize_t n;
	int fd, dfd;
	enum cm_status st = CM_OK;

	fd = mkstemp(tmp);	/* created 0600 */
	if (fd < 0) {
		st = cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
		free(tmp);
		return st;
	}
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	/* Make the rename itself durable. */
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		dfd = open(slash == dir ? "/" : dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	free(dir);
	free(tmp);
	return CM_OK;
fail:
	st = cm_err_set(err, CM_IO, NULL, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return st;
}

/* Open the cache; on any failure st->db stays NULL. */
static void
state_open_cache(struct state *st)
{
	char *path = xasprintf("%s/cache.db", st->dir);
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	chmod(path, 0600);
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db, state_schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	st->db = db;
	free(path);
	return;
fail:
	sqlite3_close(db);
	free(path);
}

struct state *
state_open(const char *dir, struct cm_err *err)
{
	char def[SETTINGS_PATH_MAX];
	struct state *st;
	struct stat sb;
	char *tokens;

	if (dir == NULL) {
		if (settings_state_dir(def, sizeof def, err) != CM_OK)
			return NULL;
		dir = def;
	}
	if (state_make_dir(dir, err) != CM_OK)
		return NULL;
	if (stat(dir, &sb) != 0) {
		cm_err_set(err, CM_IO, NULL, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	/* Tokens live here: nobody else may look in. */
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) != 0) {
		cm_err_set(err, CM_IO, NULL, "%s: cannot make it private: %s",
		    dir, strerror(errno));
		return NULL;
	}
	tokens = xasprintf("%s/tokens", dir);
	if (mkdir(tokens, 0700) != 0 && errno != EEXIST) {
		cm_err_set(err, CM_IO, NULL, "%s: %s", tokens, strerror(errno));
		free(tokens);
		return NULL;
	}
	free(tokens);
	st = xcalloc(1, sizeof *st);
	st->dir = xstrdup(dir);
	pthread_mutex_init(&st->mu, NULL);
	state_open_cache(st);
	return st;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	pthread_mutex_destroy(&st->mu);
	free(st->dir);
	free(st);
}

const char *
state_dir(const struct state *st)
{
	return st->dir;
}

static char *
state_token_path(const struct state *st, const char *context)
{
	return xasprintf("%s/tokens/%s.json", st->dir, context);
}

enum cm_status
state_save_tokens(struct state *st, const char *context,
    const char *access_token, const char *refresh_token, const char *user,
    struct cm_err *err)
{
	cJSON *o;
	char *text, *path;
	enum cm_status rc;

	if (!settings_context_name_ok(context))
		return cm_err_set(err, CM_VALIDATION, "context",
		    "bad context name");
	o = cJSON_CreateObject();
	if (access_token != NULL)
		cJSON_AddStringToObject(o, "access_token", access_token);
	else
		cJSON_AddNullToObject(o, "access_token");
	if (refresh_token != NULL)
		cJSON_AddStringToObject(o, "refresh_token", refresh_token);
	else
		cJSON_AddNullToObject(o, "refresh_token");
	if (user != NULL)
		cJSON_AddStringToObject(o, "user", user);
	else
		cJSON_AddNullToObject(o, "user");
	text = cJSON_PrintUnformatted(o);
	if (text == NULL)
		fatal("cJSON_PrintUnformatted: out of memory");
	path = state_token_path(st, context);
	rc = state_write_atomic(path, text, strlen(text), 0600, err);
	memset(text, 0, strlen(text));
	free(text);
	free(path);
	cJSON_Delete(o);
	return rc;
}

void
state_tokens_done(struct state_tokens *t)
{
	char **s[] = { &t->access_token, &t->refresh_token, &t->user };
	size_t i;

	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		if (*s[i] != NULL) {
			memset(*s[i], 0, strlen(*s[i]));
			free(*s[i]);
		}
		*s[i] = NULL;
	}
}

/* Read a whole small file; CM_NOT_FOUND when missing. */
static enum cm_status
state_read_file(const char *path, size_t max, char **out, size_t *len,
    struct cm_err *err)
{
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cm_err_set(err, errno == ENOENT ? CM_NOT_FOUND : CM_IO,
		    NULL, "%s: %s", path, strerror(errno));
	buf = xmalloc(max + 1);
	for (;;) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			free(buf);
			return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
			    strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			free(buf);
			return cm_err_set(err, CM_IO, NULL, "%s: too large",
			    path);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CM_OK;
}

static char *
state_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

enum cm_status
state_load_tokens(struct state *st, const char *context,
    struct state_tokens *out, struct cm_err *err)
{
	char *path, *text = NULL;
	size_t len = 0;
	cJSON *o;
	enum cm_status rc;

	memset(out, 0, sizeof *out);
	if (!settings_context_name_ok(context))
		return cm_err_set(err, CM_VALIDATION, "context",
		    "bad context name");
	path = state_token_path(st, context);
	rc = state_read_file(path, STATE_TOKEN_FILE_MAX, &text, &len, err);
	if (rc != CM_OK)
		goto out;
	o = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(o)) {
		rc = cm_err_set(err, CM_VALIDATION, NULL,
		    "%s: not a token file", path);
		cJSON_Delete(o);
		goto out;
	}
	out->access_token = state_json_str(o, "access_token");
	out->refresh_token = state_json_str(o, "refresh_token");
	out->user = state_json_str(o, "user");
	cJSON_Delete(o);
out:
	if (text != NULL) {
		memset(text, 0, len);
		free(text);
	}
	free(path);
	return rc;
}

enum cm_status
state_delete_tokens(struct state *st, const char *context,
    struct cm_err *err)
{
	char *path;
	enum cm_status rc = CM_OK;

	if (!settings_context_name_ok(context))
		return cm_err_set(err, CM_VALIDATION, "context",
		    "bad context name");
	path = state_token_path(st, context);
	if (unlink(path) != 0 && errno != ENOENT)
		rc = cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	free(path);
	return rc;
}

static enum cm_status
state_db_err(struct state *st, struct cm_err *err)
{
	return cm_err_set(err, CM_STORE, NULL, "cache: %s",
	    sqlite3_errmsg(st->db));
}

/* Prepare sql on the open database (lock held); none is the message of
 * the CM_NOT_FOUND when there is no database. */
static enum cm_status
state_prepare(struct state *st, const char *sql, const char *none,
    sqlite3_stmt **stmt, struct cm_err *err)
{
	if (st->db == NULL)
		return cm_err_set(err, CM_NOT_FOUND, NULL, "%s", none);
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return state_db_err(st, err);
	return CM_OK;
}

enum cm_status
state_cache_put(struct state *st, const char *context,
    const struct snapshot *s, struct cm_err *err)
{
	static const char sql[] = "INSERT INTO snapshots (context, kind, "
	    "scope, etag, fetched_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (context, kind, scope) DO UPDATE SET "
	    "etag = excluded.etag, fetched_ms = excluded.fetched_ms, "
	    "data = excluded.data";
	const char *kind = source_kind_name(s->kind);
	sqlite3_stmt *stmt = NULL;
	char *data;
	enum cm_status rc = CM_OK;

	if (kind == NULL || s->data == NULL || context == NULL)
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "nothing to cache");
	/* Printed before taking the lock: it can be big. */
	data = cJSON_PrintUnformatted(s->data);
	if (data == NULL)
		fatal("cJSON_PrintUnformatted: out of memory");
	pthread_mutex_lock(&st->mu);
	if ((rc = state_prepare(st, sql, "no cache", &stmt, err)) != CM_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, s->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, s->etag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, s->fetched_ms);
	sqlite3_bind_text(stmt, 6, data, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = state_db_err(st, err);
out:
	sqlite3_finalize(stmt);
	pthread_mutex_unlock(&st->mu);
	free(data);
	return rc;
}

enum cm_status
state_cache_get(struct state *st, const char *context, enum source_kind kind,
    const char *scope, struct snapshot **out, struct cm_err *err)
{
	static const char sql[] = "SELECT etag, fetched_ms, data FROM "
	    "snapshots WHERE context = ?1 AND kind = ?2 AND scope = ?3";
	const char *kname = source_kind_name(kind);
	sqlite3_stmt *stmt = NULL;
	cJSON *data;
	enum cm_status rc = CM_OK;
	int step;

	*out = NULL;
	if (kname == NULL || context == NULL)
		return cm_err_set(err, CM_NOT_FOUND, NULL, "not cached");
	pthread_mutex_lock(&st->mu);
	if ((rc = state_prepare(st, sql, "no cache", &stmt, err)) != CM_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, kname, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, scope != NULL ? scope : "", -1,
	    SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		rc = cm_err_set(err, CM_NOT_FOUND, NULL, "not cached");
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = state_db_err(st, err);
		goto out;
	}
	data = cJSON_ParseWithLength((const char *)sqlite3_column_text(stmt,
	    2), (size_t)sqlite3_column_bytes(stmt, 2));
	if (data == NULL) {
		rc = cm_err_set(err, CM_NOT_FOUND, NULL, "cache entry damaged");
		goto out;
	}
	*out = snapshot_new(kind, scope, data,
	    (const char *)sqlite3_column_text(stmt, 0),
	    sqlite3_column_int64(stmt, 1));
	(*out)->from_cache = true;
out:
	sqlite3_finalize(stmt);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

enum cm_status
state_cache_clear(struct state *st, const char *context, struct cm_err *err)
{
	sqlite3_stmt *stmt = NULL;
	enum cm_status rc = CM_OK;

	pthread_mutex_lock(&st->mu);
	if (st->db == NULL)
		goto out;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM snapshots WHERE "
	    "context = ?1", -1, &stmt, NULL) != SQLITE_OK) {
		rc = state_db_err(st, err);
		goto out;
	}
	sqlite3_bind_text(stmt, 1, context != NULL ? context : "", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = state_db_err(st, err);
out:
	sqlite3_finalize(stmt);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

void
state_history_free(char **lines)
{
	size_t i;

	if (lines == NULL)
		return;
	for (i = 0; lines[i] != NULL; i++)
		free(lines[i]);
	free(lines);
}

enum cm_status
state_history_load(struct state *st, char ***lines, size_t *n,
    struct cm_err *err)
{
	char *path = xasprintf("%s/history", st->dir), *text = NULL, *p, *nl;
	char **v = NULL;
	size_t len = 0, count = 0, cap = 0, first, i;
	enum cm_status rc;

	*lines = NULL;
	*n = 0;
	rc = state_read_file(path, STATE_HISTORY_FILE_MAX, &text, &len, err);
	free(path);
	if (rc == CM_NOT_FOUND) {
		cm_err_clear(err);
		text = xstrdup("");
		rc = CM_OK;
	}
	if (rc != CM_OK)
		return rc;
	for (p = text; *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		else
			nl = p + strlen(p);
		if (*p == '\0' || strlen(p) > STATE_HISTORY_LINE_MAX)
			continue;
		if (count + 1 >= cap) {
			cap = cap != 0 ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[count++] = xstrdup(p);
	}
	free(text);
	/* Keep the newest entries when the file grew past the cap. */
	first = count > STATE_HISTORY_MAX ? count - STATE_HISTORY_MAX : 0;
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	for (i = 0; i < first; i++)
		free(v[i]);
	memmove(v, v + first, (count - first) * sizeof *v);
	count -= first;
	v[count] = NULL;
	*lines = v;
	*n = count;
	return CM_OK;
}

enum cm_status
state_history_add(struct state *st, const char *line, struct cm_err *err)
{
	char **lines = NULL, *path, *text = NULL;
	size_t n = 0, len = 0, i, first;
	FILE *fp;
	enum cm_status rc;

	if (line == NULL || line[0] == '\0')
		return CM_OK;
	if (strchr(line, '\n') != NULL || strchr(line, '\r') != NULL)
		return cm_err_set(err, CM_VALIDATION, "line",
		    "a history entry is one line");
	if (strlen(line) > STATE_HISTORY_LINE_MAX)
		return cm_err_set(err, CM_VALIDATION, "line",
		    "history entry too long");
	if ((rc = state_history_load(st, &lines, &n, err)) != CM_OK)
		return rc;
	if (n > 0 && strcmp(lines[n - 1], line) == 0) {
		state_history_free(lines);
		return CM_OK;
	}
	/* Rewritten whole: 500 short lines, and a crash keeps the old. */
	fp = open_memstream(&text, &len);
	if (fp == NULL)
		fatal("open_memstream: %s", strerror(errno));
	first = n + 1 > STATE_HISTORY_MAX ? n + 1 - STATE_HISTORY_MAX : 0;
	for (i = first; i < n; i++)
		fprintf(fp, "%s\n", lines[i]);
	fprintf(fp, "%s\n", line);
	if (fclose(fp) != 0)
		fatal("open_memstream: %s", strerror(errno));
	path = xasprintf("%s/history", st->dir);
	rc = state_write_atomic(path, text, len, 0600, err);
	free(path);
	free(text);
	state_history_free(lines);
	return rc;
}

enum cm_status
state_tour_list(struct state *st, const char *context, cJSON **out,
    struct cm_err *err)
{
	static const char sql[] = "SELECT tour, step_completed, completed_ms, "
	    "updated_ms FROM tour_progress WHERE context = ?1 ORDER BY tour";
	char when[TIME_RFC3339_LEN];
	sqlite3_stmt *stmt = NULL;
	cJSON *items, *it;
	enum cm_status rc = CM_OK;
	int step;

	*out = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(*out, "items");
	pthread_mutex_lock(&st->mu);
	if ((rc = state_prepare(st, sql, "no state database", &stmt,
	    err)) != CM_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, context != NULL ? context : "", -1,
	    SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "tour_name",
		    (const char *)sqlite3_column_text(stmt, 0));
		cJSON_AddNumberToObject(it, "step_completed",
		    (double)sqlite3_column_int64(stmt, 1));
		cJSON_AddBoolToObject(it, "completed",
		    sqlite3_column_type(stmt, 2) != SQLITE_NULL);
		if (sqlite3_column_type(stmt, 2) != SQLITE_NULL) {
			time_format_rfc3339(sqlite3_column_int64(stmt, 2),
			    when);
			cJSON_AddStringToObject(it, "completed_at", when);
		} else {
			cJSON_AddNullToObject(it, "completed_at");
		}
		time_format_rfc3339(sqlite3_column_int64(stmt, 3), when);
		cJSON_AddStringToObject(it, "updated_at", when);
		cJSON_AddItemToArray(items, it);
	}
	if (step != SQLITE_DONE)
		rc = state_db_err(st, err);
out:
	sqlite3_finalize(stmt);
	pthread_mutex_unlock(&st->mu);
	if (rc != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

enum cm_status
state_tour_record(struct state *st, const char *context, const char *tour,
    int step_completed, int completed, int64_t now_ms, struct cm_err *err)
{
	/* ?4: 1 completed now (an earlier time stays), 0 not, NULL as is:
	 * the hub's rule (hub/tours). */
	static const char sql[] = "INSERT INTO tour_progress (context, tour, "
	    "step_completed, completed_ms, updated_ms) VALUES (?1, ?2, ?3, "
	    "CASE WHEN ?4 = 1 THEN ?5 ELSE NULL END, ?5) "
	    "ON CONFLICT (context, tour) DO UPDATE SET "
	    "step_completed = excluded.step_completed, "
	    "completed_ms = CASE WHEN ?4 IS NULL THEN completed_ms "
	    "WHEN ?4 = 1 THEN COALESCE(completed_ms, ?5) ELSE NULL END, "
	    "updated_ms = excluded.updated_ms";
	sqlite3_stmt *stmt = NULL;
	enum cm_status rc = CM_OK;

	if (tour == NULL || tour[0] == '\0' || step_completed < 0)
		return cm_err_set(err, CM_VALIDATION, "tour_name",
		    "no tour or a negative step");
	pthread_mutex_lock(&st->mu);
	if ((rc = state_prepare(st, sql, "no state database", &stmt,
	    err)) != CM_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, context != NULL ? context : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, tour, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, step_completed);
	if (completed >= 0)
		sqlite3_bind_int(stmt, 4, completed != 0);
	else
		sqlite3_bind_null(stmt, 4);
	sqlite3_bind_int64(stmt, 5, now_ms);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = state_db_err(st, err);
out:
	sqlite3_finalize(stmt);
	pthread_mutex_unlock(&st->mu);
	return rc;
}
