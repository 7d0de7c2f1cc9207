/*
 * harness.c - start a real cmhubd and talk HTTP to it.  See harness.h.
 */
#include "config.h"

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>

#define TEST_PASSWORD "password-123"

static const char *const role_names[API_ROLE_MAX] = {
	"platform-admin", "tenant-admin", "operator", "viewer", "auditor",
};

char *
api_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static const char *
cmhubd_path(void)
{
	const char *p = getenv("CMHUBD");

	return p != NULL ? p : "./cmhubd";
}

/* Run cmd (argv) to completion with stdout/stderr to log; return status. */
static int
run_wait(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st, fd;

	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void
dump_file(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(fp);
}

struct api_server *
api_server_start_args(const char *const *extra)
{
	struct api_server *s = calloc(1, sizeof *s);
	char pwfile[300], log[300], line[256];
	const char *argv[64];
	int out[2], i = 0, fd;
	FILE *fp;

	assert_non_null(s);
	snprintf(s->dir, sizeof s->dir, "%s/cm-api-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->data_dir, sizeof s->data_dir, "%s/data", s->dir);
	snprintf(s->admin_email, sizeof s->admin_email, "admin@demo.test");
	snprintf(s->admin_password, sizeof s->admin_password,
	    "demo-admin-pass");
	snprintf(pwfile, sizeof pwfile, "%s/pw", s->dir);
	fp = fopen(pwfile, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", s->admin_password);
	fclose(fp);
	snprintf(log, sizeof log, "%s/hub.log", s->dir);

	{
		char *init[] = {
			(char *)cmhubd_path(), "init", "--data", s->data_dir,
			"--tenant", "demo", "--admin-email", s->admin_email,
			"--admin-password-file", pwfile, "--demo", NULL,
		};
		if (run_wait(init, log) != 0) {
			dump_file(log);
			fail_msg("cmhubd init failed");
		}
	}

	argv[i++] = cmhubd_path();
	argv[i++] = "serve";
	argv[i++] = "--listen";
	argv[i++] = "127.0.0.1:0";
	argv[i++] = "--data";
	argv[i++] = s->data_dir;
	argv[i++] = "--set";
	argv[i++] = "rate_login_per_min=0";
	argv[i++] = "--set";
	argv[i++] = "threads=2";
	argv[i++] = "--set";
	argv[i++] = "hash_concurrency=4";
	while (extra != NULL && *extra != NULL && i < 62)
		argv[i++] = *extra++;
	argv[i] = NULL;

	assert_int_equal(pipe(out), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		/* never outlive a test that failed before stopping us */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	fp = fdopen(out[0], "r");
	assert_non_null(fp);
	if (fgets(line, sizeof line, fp) == NULL ||
	    strncmp(line, "listening on ", 13) != 0) {
		dump_file(log);
		fail_msg("cmhubd serve did not print its URL");
	}
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(s->url, sizeof s->url, "%s", line + 13);
	return s;
}

struct api_server *
api_server_start(void)
{
	return api_server_start_args(NULL);
}

void
api_server_stop(struct api_server *s)
{
	char cmd[400], log[300];
	int st = 0, i;
	pid_t r = 0;

	if (s == NULL)
		return;
	kill(s->pid, SIGTERM);
	for (i = 0; i < 1000; i++) {
		r = waitpid(s->pid, &st, WNOHANG);
		if (r == s->pid)
			break;
		usleep(10000);
	}
	if (r != s->pid) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
	}
	for (i = 0; i < API_ROLE_MAX; i++) {
		free(s->tokens[i]);
		free(s->user_ids[i]);
	}
	snprintf(log, sizeof log, "%s/hub.log", s->dir);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		dump_file(log);
		fail_msg("cmhubd did not stop cleanly (status %d)", st);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", s->dir);
	free(s);
}

struct buf {
	char *p;
	size_t n;
};

static size_t
buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t len = size * nmemb;
	char *p = realloc(b->p, b->n + len + 1);

	if (p == NULL)
		return 0;
	memcpy(p + b->n, data, len);
	b->n += len;
	p[b->n] = '\0';
	b->p = p;
	return len;
}

struct api_resp *
api_call_h(struct api_server *s, const char *method, const char *path,
    const char *token, const char *body, const char *extra_header)
{
	struct api_resp *r = calloc(1, sizeof *r);
	struct buf bb = { NULL, 0 }, hb = { NULL, 0 };
	struct curl_slist *h = NULL;
	char *url, *auth = NULL;
	CURL *c;
	CURLcode cc;

	assert_non_null(r);
	c = curl_easy_init();
	assert_non_null(c);
	url = api_fmt("%s%s", s->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (token != NULL) {
		auth = api_fmt("Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	if (extra_header != NULL)
		h = curl_slist_append(h, extra_header);
	/* libcurl adds "Expect: 100-continue" to big bodies; we want one trip. */
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = bb.p != NULL ? bb.p : strdup("");
	r->body_len = bb.n;
	r->headers = hb.p != NULL ? hb.p : strdup("");
	r->json = cJSON_Parse(r->body);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(url);
	free(auth);
	return r;
}

struct api_resp *
api_call(struct api_server *s, const char *method, const char *path,
    const char *token, const char *body)
{
	return api_call_h(s, method, path, token, body, NULL);
}

const char *
api_resp_header(const struct api_resp *r, const char *name)
{
	static __thread char value[512];
	size_t nl = strlen(name);
	const char *p = r->headers;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n;

			while (*v == ' ')
				v++;
			n = strcspn(v, "\r\n");
			if (n >= sizeof value)
				n = sizeof value - 1;
			memcpy(value, v, n);
			value[n] = '\0';
			return value;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

void
api_resp_free(struct api_resp *r)
{
	if (r == NULL)
		return;
	cJSON_Delete(r->json);
	free(r->body);
	free(r->headers);
	free(r);
}

struct api_resp *
api_login_resp(struct api_server *s, const char *email, const char *password)
{
	cJSON *o = cJSON_CreateObject();
	char *body;
	struct api_resp *r;

	cJSON_AddStringToObject(o, "email", email);
	cJSON_AddStringToObject(o, "password", password);
	body = cJSON_PrintUnformatted(o);
	r = api_call(s, "POST", "/api/v1/auth/login", NULL, body);
	free(body);
	cJSON_Delete(o);
	return r;
}

char *
api_login(struct api_server *s, const char *email, const char *password)
{
	struct api_resp *r = api_login_resp(s, email, password);
	const cJSON *t;
	char *tok;

	if (r->status != 200)
		fail_msg("login %s: %ld %s", email, r->status, r->body);
	t = cJSON_GetObjectItemCaseSensitive(r->json, "access_token");
	assert_true(cJSON_IsString(t));
	tok = strdup(t->valuestring);
	api_resp_free(r);
	return tok;
}

char *
api_admin_token(struct api_server *s)
{
	return api_login(s, s->admin_email, s->admin_password);
}

char *
api_globex_token(struct api_server *s)
{
	return api_login(s, "admin@globex.test", s->admin_password);
}

static int
role_index(const char *role)
{
	int i;

	for (i = 0; i < API_ROLE_MAX; i++)
		if (strcmp(role_names[i], role) == 0)
			return i;
	fail_msg("unknown role %s", role);
	return -1;
}

char *
api_user_token(struct api_server *s, const char *role)
{
	int i = role_index(role);
	char *email = api_fmt("%s@demo.test", role);

	if (s->user_ids[i] == NULL) {
		char *admin = api_admin_token(s);
		char *body = api_fmt("{\"email\":\"%s\",\"name\":\"Test %s\","
		    "\"password\":\"%s\",\"role\":\"%s\"}", email, role,
		    TEST_PASSWORD, role);
		struct api_resp *r = api_call(s, "POST", "/api/v1/users",
		    admin, body);
		const cJSON *id;

		if (r->status != 201)
			fail_msg("create %s: %ld %s", email, r->status,
			    r->body);
		id = cJSON_GetObjectItemCaseSensitive(r->json, "id");
		assert_true(cJSON_IsString(id));
		s->user_ids[i] = strdup(id->valuestring);
		api_resp_free(r);
		free(body);
		free(admin);
	}
	free(s->tokens[i]);
	s->tokens[i] = NULL;
	{
		char *tok = api_login(s, email, TEST_PASSWORD);

		free(email);
		return tok;
	}
}

const char *
api_user_id(struct api_server *s, const char *role)
{
	return s->user_ids[role_index(role)];
}

void
api_expect_error(const struct api_resp *r, long status,
    const char *error_name)
{
	const cJSON *e, *m, *d;

	if (r->status != status)
		fail_msg("expected %ld %s, got %ld: %s", status, error_name,
		    r->status, r->body);
	assert_non_null(r->json);
	e = cJSON_GetObjectItemCaseSensitive(r->json, "error");
	m = cJSON_GetObjectItemCaseSensitive(r->json, "message");
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	assert_true(cJSON_IsString(e));
	assert_string_equal(e->valuestring, error_name);
	assert_true(cJSON_IsString(m));
	assert_true(m->valuestring[0] != '\0');
	assert_true(cJSON_IsObject(d));
}

static sqlite3 *
api_sql_open(struct api_server *s)
{
	char path[400];
	sqlite3 *db = NULL;

	snprintf(path, sizeof path, "%s/hub.db", s->data_dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

long long
api_sql_count(struct api_server *s, const char *sql)
{
	sqlite3 *db = api_sql_open(s);
	sqlite3_stmt *st = NULL;
	long long n;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

void
api_sql_exec(struct api_server *s, const char *sql)
{
	sqlite3 *db = api_sql_open(s);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

long long
api_count_fmt(struct api_server *s, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	long long n;

	va_start(ap, fmt);
	assert_true(vasprintf(&sql, fmt, ap) >= 0);
	va_end(ap);
	n = api_sql_count(s, sql);
	free(sql);
	return n;
}

void
api_sql_fmt(struct api_server *s, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	assert_true(vasprintf(&sql, fmt, ap) >= 0);
	va_end(ap);
	api_sql_exec(s, sql);
	free(sql);
}

const char *
api_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *
api_items(const struct api_resp *r)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->json, "items");

	assert_true(cJSON_IsArray(a));
	return a;
}
