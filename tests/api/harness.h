/*
 * harness.h - API tests against a real cmhubd on a loopback port.
 *
 * api_server_start() makes a temporary data dir, runs `cmhubd init
 * --demo` and `cmhubd serve --listen 127.0.0.1:0`, and reads the URL
 * from its first line.  Requests go over real HTTP with libcurl.  The
 * server's exit status is checked on stop, so a sanitizer report in the
 * hub fails the test that started it.
 */
#ifndef CM_TESTS_API_HARNESS_H
#define CM_TESTS_API_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#define API_ROLE_MAX 5

struct api_server {
	char dir[256];		/* temporary root */
	char data_dir[300];	/* the hub's data dir */
	char url[256];
	char admin_email[64];
	char admin_password[64];
	pid_t pid;
	char *tokens[API_ROLE_MAX];	/* api_user_token cache */
	char *user_ids[API_ROLE_MAX];
};

struct api_resp {
	long status;
	char *body;		/* NUL-terminated, "" when empty */
	size_t body_len;
	cJSON *json;		/* parsed body, or NULL */
	char *headers;		/* raw response headers */
};

/* Start a demo hub with generous rate limits. */
struct api_server *api_server_start(void);

/*
 * Start a demo hub with extra `cmhubd serve` arguments (NULL-terminated,
 * e.g. {"--set", "rate_login_burst=2", NULL}); they come after the
 * harness's own, so they win.
 */
struct api_server *api_server_start_args(const char *const *extra);

/* Stop the hub (SIGTERM), assert it exits 0, remove the temp dir. */
void api_server_stop(struct api_server *s);

/* One request.  token and body may be NULL. */
struct api_resp *api_call(struct api_server *s, const char *method,
    const char *path, const char *token, const char *body);

/* One request with one extra "Name: value" header (may be NULL). */
struct api_resp *api_call_h(struct api_server *s, const char *method,
    const char *path, const char *token, const char *body,
    const char *extra_header);

/* A response header's value (case-insensitive name), or NULL. */
const char *api_resp_header(const struct api_resp *r, const char *name);

void api_resp_free(struct api_resp *r);

/* Log in; asserts 200 and returns the access token (caller frees). */
char *api_login(struct api_server *s, const char *email,
    const char *password);

/* Log in and return the whole token pair response (caller frees). */
struct api_resp *api_login_resp(struct api_server *s, const char *email,
    const char *password);

/* Token of the demo tenant's platform admin (caller frees). */
char *api_admin_token(struct api_server *s);

/* Token of globex's tenant-admin (caller frees). */
char *api_globex_token(struct api_server *s);

/*
 * Token of user <role>@demo.test holding role in the demo tenant, created
 * on first use with password "password-123" (caller frees).
 */
char *api_user_token(struct api_server *s, const char *role);

/* Id of the user api_user_token made for role (borrowed), or NULL. */
const char *api_user_id(struct api_server *s, const char *role);

/* Assert status and the {"error","message","details"} body. */
void api_expect_error(const struct api_resp *r, long status,
    const char *error_name);

/* Run a COUNT(*)-style query on the hub's sqlite file; returns column 0. */
long long api_sql_count(struct api_server *s, const char *sql);

/* Run SQL statements on the hub's sqlite file; asserts success. */
void api_sql_exec(struct api_server *s, const char *sql);

/* printf into a static-free heap string (caller frees). */
char *api_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* api_sql_count with the query built by printf; returns column 0. */
long long api_count_fmt(struct api_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* api_sql_exec with the statements built by printf; asserts success. */
void api_sql_fmt(struct api_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The string member key of o (borrowed from o), or NULL. */
const char *api_jstr(const cJSON *o, const char *key);

/* The "items" array of a list response (borrowed); asserts it is one. */
const cJSON *api_items(const struct api_resp *r);

#endif
