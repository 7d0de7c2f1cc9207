/*
 * test_state.c - the state directory: modes (0700 dir, 0600 files),
 * atomic token writes, the sqlite snapshot cache and the prompt history.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "backend/state.h"

static char root[64];

static int
setup(void **state)
{
	snprintf(root, sizeof root, "/tmp/cm-state-XXXXXX");
	return mkdtemp(root) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", root,
	    root);
	return system(cmd) == 0 ? 0 : -1;
}

static mode_t
mode_of(const char *p)
{
	struct stat sb;

	assert_int_equal(stat(p, &sb), 0);
	return sb.st_mode & 07777;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static char *
slurp(const char *p)
{
	FILE *fp = fopen(p, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* No ".tmp." leftovers in dir. */
static void
assert_no_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp.") != NULL)
			fail_msg("temp file left: %s", e->d_name);
	closedir(d);
}

/* The directory and its parents are created private; a loose one is
 * tightened to 0700. */
static void
test_dir_modes(void **state)
{
	char *dir = path_in(root, "a/b/clustermaster"), *tokens;
	struct cm_err err;
	struct state *st;

	st = state_open(dir, &err);
	assert_non_null(st);
	assert_string_equal(state_dir(st), dir);
	assert_int_equal(mode_of(dir), 0700);
	tokens = path_in(dir, "tokens");
	assert_int_equal(mode_of(tokens), 0700);
	state_close(st);

	assert_int_equal(chmod(dir, 0755), 0);
	st = state_open(dir, &err);
	assert_non_null(st);
	assert_int_equal(mode_of(dir), 0700);
	state_close(st);

	/* A file where the directory should be is an error. */
	{
		char *f = path_in(root, "file");
		FILE *fp = fopen(f, "w");

		assert_non_null(fp);
		fclose(fp);
		assert_null(state_open(f, &err));
		assert_int_equal(err.status, CM_IO);
		free(f);
	}
	free(tokens);
	free(dir);
}

/* Tokens are written 0600 and read back; bad names never touch disk. */
static void
test_tokens(void **state)
{
	char *dir = path_in(root, "tok"), *f;
	struct state_tokens t;
	struct cm_err err;
	struct state *st = state_open(dir, &err);

	assert_non_null(st);
	assert_int_equal(state_load_tokens(st, "demo", &t, &err),
	    CM_NOT_FOUND);
	assert_int_equal(state_save_tokens(st, "demo", "acc.ess", "ref",
	    "admin@demo.test", &err), CM_OK);
	f = path_in(dir, "tokens/demo.json");
	assert_int_equal(mode_of(f), 0600);
	assert_int_equal(state_load_tokens(st, "demo", &t, &err), CM_OK);
	assert_string_equal(t.access_token, "acc.ess");
	assert_string_equal(t.refresh_token, "ref");
	assert_string_equal(t.user, "admin@demo.test");
	state_tokens_done(&t);
	assert_null(t.access_token);

	/* NULLs are stored as null and read back as NULL. */
	assert_int_equal(state_save_tokens(st, "demo", NULL, NULL, "u",
	    &err), CM_OK);
	assert_int_equal(state_load_tokens(st, "demo", &t, &err), CM_OK);
	assert_null(t.access_token);
	assert_null(t.refresh_token);
	assert_string_equal(t.user, "u");
	state_tokens_done(&t);

	assert_int_equal(state_save_tokens(st, "../escape", "a", "r", NULL,
	    &err), CM_VALIDATION);
	{
		char *esc = path_in(dir, "escape.json");

		assert_int_equal(access(esc, F_OK), -1);
		free(esc);
	}
	assert_int_equal(state_save_tokens(st, "a/b", "a", "r", NULL, &err),
	    CM_VALIDATION);
	assert_int_equal(state_load_tokens(st, ".x", &t, &err),
	    CM_VALIDATION);

	/* A damaged file is reported, not half-read. */
	{
		FILE *fp = fopen(f, "w");

		assert_non_null(fp);
		fputs("{\"access_token\":", fp);
		fclose(fp);
		assert_int_equal(state_load_tokens(st, "demo", &t, &err),
		    CM_VALIDATION);
		assert_null(t.access_token);
	}
	assert_int_equal(state_delete_tokens(st, "demo", &err), CM_OK);
	assert_int_equal(access(f, F_OK), -1);
	assert_int_equal(state_delete_tokens(st, "demo", &err), CM_OK);
	state_close(st);
	free(f);
	free(dir);
}

/* A token rewrite replaces the file whole: a reader holding the old file
 * still sees all of it, the path sees all of the new, no temp is left. */
static void
test_tokens_atomic(void **state)
{
	char *dir = path_in(root, "atomic"), *f, *tdir, buf[256];
	struct cm_err err;
	struct state *st = state_open(dir, &err);
	struct stat before, after;
	ssize_t n;
	int fd;

	assert_non_null(st);
	f = path_in(dir, "tokens/ctx.json");
	tdir = path_in(dir, "tokens");
	assert_int_equal(state_save_tokens(st, "ctx", "old-access",
	    "old-refresh", NULL, &err), CM_OK);
	fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &before), 0);
	assert_int_equal(state_save_tokens(st, "ctx", "new-access",
	    "new-refresh", NULL, &err), CM_OK);
	assert_int_equal(stat(f, &after), 0);
	assert_true(before.st_ino != after.st_ino);	/* renamed over */
	n = read(fd, buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "old-refresh"));
	close(fd);
	{
		char *now = slurp(f);

		assert_non_null(strstr(now, "new-refresh"));
		free(now);
	}
	assert_no_temp_files(tdir);

	/* A write that cannot happen leaves the old file intact. */
	assert_int_equal(chmod(tdir, 0500), 0);
	if (geteuid() != 0) {
		assert_int_equal(state_save_tokens(st, "ctx", "x", "y", NULL,
		    &err), CM_IO);
		assert_no_temp_files(tdir);
	}
	assert_int_equal(chmod(tdir, 0700), 0);
	assert_int_equal(state_write_atomic("/nonexistent-dir/x", "a", 1,
	    0600, &err), CM_IO);
	{
		char *now = slurp(f);

		assert_non_null(strstr(now, "new-refresh"));
		free(now);
	}
	state_close(st);
	free(tdir);
	free(f);
	free(dir);
}

static struct snapshot *
snap(enum source_kind kind, const char *scope, const char *json,
    const char *etag, int64_t ms)
{
	cJSON *data = cJSON_Parse(json);

	assert_non_null(data);
	return snapshot_new(kind, scope, data, etag, ms);
}

/* A cached snapshot reads back equal, marked from_cache, across a
 * reopen; keys are (context, kind, scope). */
static void
test_cache_roundtrip(void **state)
{
	char *dir = path_in(root, "cache"), *db;
	struct cm_err err;
	struct state *st = state_open(dir, &err);
	struct snapshot *s1, *s2, *got;
	sqlite3 *h;
	sqlite3_stmt *q;

	assert_non_null(st);
	s1 = snap(SOURCE_CLUSTERS, NULL, "{\"items\":[{\"id\":\"a\"}],"
	    "\"next_cursor\":null}", "\"e1\"", 1700000000123LL);
	s2 = snap(SOURCE_CLUSTER, "abc", "{\"id\":\"abc\",\"n\":1.5}", NULL,
	    1700000000456LL);
	assert_false(s1->from_cache);
	assert_int_equal(state_cache_put(st, "demo", s1, &err), CM_OK);
	assert_int_equal(state_cache_put(st, "demo", s2, &err), CM_OK);

	assert_int_equal(state_cache_get(st, "demo", SOURCE_CLUSTERS, "",
	    &got, &err), CM_OK);
	assert_true(got->from_cache);
	assert_int_equal(got->kind, SOURCE_CLUSTERS);
	assert_string_equal(got->etag, "\"e1\"");
	assert_int_equal(got->fetched_ms, 1700000000123LL);
	assert_true(cJSON_Compare(got->data, s1->data, true));
	assert_int_equal(cJSON_GetArraySize(snapshot_items(got)), 1);
	snapshot_unref(got);

	assert_int_equal(state_cache_get(st, "demo", SOURCE_CLUSTER, "abc",
	    &got, &err), CM_OK);
	assert_string_equal(got->scope, "abc");
	assert_string_equal(got->etag, "");
	assert_true(cJSON_Compare(got->data, s2->data, true));
	snapshot_unref(got);

	assert_int_equal(state_cache_get(st, "demo", SOURCE_CLUSTER, "zzz",
	    &got, &err), CM_NOT_FOUND);
	assert_null(got);
	assert_int_equal(state_cache_get(st, "prod", SOURCE_CLUSTERS, NULL,
	    &got, &err), CM_NOT_FOUND);
	assert_int_equal(state_cache_get(st, "demo", SOURCE_ALERTS, NULL,
	    &got, &err), CM_NOT_FOUND);
	state_close(st);

	/* Reopened: still there; a put replaces. */
	st = state_open(dir, &err);
	snapshot_unref(s1);
	s1 = snap(SOURCE_CLUSTERS, "", "{\"items\":[],\"next_cursor\":null}",
	    "\"e2\"", 1700000000999LL);
	assert_int_equal(state_cache_put(st, "demo", s1, &err), CM_OK);
	assert_int_equal(state_cache_get(st, "demo", SOURCE_CLUSTERS, NULL,
	    &got, &err), CM_OK);
	assert_string_equal(got->etag, "\"e2\"");
	assert_int_equal(cJSON_GetArraySize(snapshot_items(got)), 0);
	snapshot_unref(got);

	assert_int_equal(state_cache_clear(st, "demo", &err), CM_OK);
	assert_int_equal(state_cache_get(st, "demo", SOURCE_CLUSTER, "abc",
	    &got, &err), CM_NOT_FOUND);
	state_close(st);

	/* The file is private and in WAL mode. */
	db = path_in(dir, "cache.db");
	assert_int_equal(mode_of(db), 0600);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(h);
	snapshot_unref(s1);
	snapshot_unref(s2);
	free(db);
	free(dir);
}

/* Without a usable cache the state still works; the cache is empty. */
static void
test_cache_unusable(void **state)
{
	char *dir = path_in(root, "nocache"), *db;
	struct cm_err err;
	struct state *st;
	struct snapshot *s, *got;

	assert_int_equal(mkdir(dir, 0700), 0);
	db = path_in(dir, "cache.db");
	/* A directory where the database should be: no sqlite. */
	assert_int_equal(mkdir(db, 0700), 0);
	st = state_open(dir, &err);
	assert_non_null(st);
	s = snap(SOURCE_USERS, NULL, "{\"items\":[]}", NULL, 1);
	assert_int_equal(state_cache_put(st, "demo", s, &err), CM_NOT_FOUND);
	assert_int_equal(state_cache_get(st, "demo", SOURCE_USERS, NULL, &got,
	    &err), CM_NOT_FOUND);
	assert_int_equal(state_cache_clear(st, "demo", &err), CM_OK);
	assert_int_equal(state_save_tokens(st, "demo", "a", "r", NULL, &err),
	    CM_OK);
	snapshot_unref(s);
	state_close(st);
	free(db);
	free(dir);
}

/* History keeps order, skips a repeat of the last entry and empty lines,
 * refuses newlines, and keeps only the newest 500 entries. */
static void
test_history(void **state)
{
	char *dir = path_in(root, "hist"), *hf, line[32];
	struct cm_err err;
	struct state *st = state_open(dir, &err);
	char **lines;
	size_t n;
	int i;

	assert_non_null(st);
	assert_int_equal(state_history_load(st, &lines, &n, &err), CM_OK);
	assert_int_equal(n, 0);
	assert_null(lines[0]);
	state_history_free(lines);

	assert_int_equal(state_history_add(st, ":alerts", &err), CM_OK);
	assert_int_equal(state_history_add(st, ":alerts", &err), CM_OK);
	assert_int_equal(state_history_add(st, "", &err), CM_OK);
	assert_int_equal(state_history_add(st, ":clusters", &err), CM_OK);
	assert_int_equal(state_history_add(st, ":alerts", &err), CM_OK);
	assert_int_equal(state_history_add(st, "a\nb", &err), CM_VALIDATION);
	assert_int_equal(state_history_load(st, &lines, &n, &err), CM_OK);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], ":alerts");
	assert_string_equal(lines[1], ":clusters");
	assert_string_equal(lines[2], ":alerts");
	assert_null(lines[3]);
	state_history_free(lines);
	hf = path_in(dir, "history");
	assert_int_equal(mode_of(hf), 0600);

	for (i = 0; i < STATE_HISTORY_MAX + 10; i++) {
		snprintf(line, sizeof line, "cmd-%d", i);
		assert_int_equal(state_history_add(st, line, &err), CM_OK);
	}
	assert_int_equal(state_history_load(st, &lines, &n, &err), CM_OK);
	assert_int_equal(n, STATE_HISTORY_MAX);
	assert_string_equal(lines[0], "cmd-10");
	assert_string_equal(lines[n - 1], "cmd-509");
	state_history_free(lines);
	assert_no_temp_files(dir);

	/* A file grown past the cap by someone else reads as its tail. */
	{
		FILE *fp = fopen(hf, "w");

		assert_non_null(fp);
		for (i = 0; i < 600; i++)
			fprintf(fp, "x%d\n", i);
		fclose(fp);
	}
	assert_int_equal(state_history_load(st, &lines, &n, &err), CM_OK);
	assert_int_equal(n, STATE_HISTORY_MAX);
	assert_string_equal(lines[0], "x100");
	state_history_free(lines);
	state_close(st);
	free(hf);
	free(dir);
}

/* Snapshots are reference counted; the data goes with the last ref. */
static void
test_snapshot_refs(void **state)
{
	struct snapshot *s = snap(SOURCE_ALERTS, "x", "{\"items\":[1,2]}",
	    "e", 5);

	assert_int_equal(s->refs, 1);
	assert_ptr_equal(snapshot_ref(s), s);
	assert_int_equal(s->refs, 2);
	snapshot_unref(s);
	assert_int_equal(s->refs, 1);
	assert_int_equal(cJSON_GetArraySize(snapshot_items(s)), 2);
	snapshot_unref(s);
	snapshot_unref(NULL);
	assert_null(snapshot_ref(NULL));
	assert_null(snapshot_items(NULL));
	assert_string_equal(source_kind_name(SOURCE_AUDIT), "audit");
	assert_string_equal(source_kind_name(SOURCE_CLUSTER_ALERTS),
	    "cluster-alerts");
	assert_null(source_kind_name(SOURCE_KIND_COUNT));
	s = snap(SOURCE_ME, NULL, "{\"email\":\"a\"}", NULL, 0);
	assert_null(snapshot_items(s));
	assert_string_equal(s->scope, "");
	snapshot_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_modes),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_tokens_atomic),
		cmocka_unit_test(test_cache_roundtrip),
		cmocka_unit_test(test_cache_unusable),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_snapshot_refs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
