/*
 * test_api_rbac.c - the RBAC matrix, every route x every role, against a
 * real hub: a role the table denies gets 403 (and an audit row), a role
 * it allows never does.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "hub/api/routes.h"
#include "hub/auth/rbac.h"

#define ABSENT_ID "01890000-0000-7000-8000-000000000000"

static struct api_server *srv;

static int
setup(void **state)
{
	srv = api_server_start();
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	return 0;
}

/* Turn a route pattern into a concrete path with absent ids. */
static char *
route_path(const char *pattern)
{
	char *out = calloc(1, strlen(pattern) * 4 + 64);
	const char *p = pattern;
	size_t n = 0;

	while (*p != '\0') {
		if (*p == ':') {
			n += (size_t)sprintf(out + n, "%s",
			    strstr(pattern, "/providers/") ? "aws" : ABSENT_ID);
			while (*p != '\0' && *p != '/')
				p++;
		} else {
			out[n++] = *p++;
		}
	}
	return out;
}

/* Every authenticated route answers 403 exactly for roles it denies. */
static void
test_matrix(void **state)
{
	int role, denied = 0, allowed = 0;
	size_t i;
	long long audits_before = api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "audit_logs WHERE action='access.denied'");

	for (role = 0; role < ROLE_COUNT; role++) {
		const char *name = rbac_role_name((enum role)role);
		char *tok = api_user_token(srv, name);

		for (i = 0; i < api_routes_count; i++) {
			const struct route *rt = &api_routes[i];
			char *path;
			char *use = tok;
			struct api_resp *r;
			const char *body;

			/* public needs no role; the event stream never ends
			 * (every role may open it: test_api_stream) */
			if (rt->perm == PERM_PUBLIC ||
			    strstr(rt->pattern, "/events/stream") != NULL)
				continue;
			path = route_path(rt->pattern);
			body = strcmp(rt->method, "GET") == 0 ||
			    strcmp(rt->method, "DELETE") == 0 ? NULL : "{}";
			/* logout would end the shared token: use a fresh one */
			if (strstr(rt->pattern, "/logout") != NULL)
				use = api_user_token(srv, name);
			r = api_call(srv, rt->method, path, use, body);
			if (rbac_role_allows((enum role)role, rt->perm)) {
				if (r->status == 403 || r->status == 401)
					fail_msg("%s %s as %s: %ld %s",
					    rt->method, path, name, r->status,
					    r->body);
				allowed++;
			} else {
				if (r->status != 403)
					fail_msg("%s %s as %s: want 403, "
					    "got %ld %s", rt->method, path,
					    name, r->status, r->body);
				api_expect_error(r, 403, "Forbidden");
				denied++;
			}
			api_resp_free(r);
			if (use != tok)
				free(use);
			free(path);
		}
		free(tok);
	}
	assert_true(denied > 0);
	assert_true(allowed > 0);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE action='access.denied'"), audits_before + denied);
}

/* A denial is audited with the caller and the permission, no secrets. */
static void
test_denial_audit_row(void **state)
{
	char *tok = api_user_token(srv, "viewer");
	struct api_resp *r = api_call(srv, "POST", "/api/v1/tenants", tok,
	    "{\"name\":\"evil\"}");
	char *sql;

	api_expect_error(r, 403, "Forbidden");
	sql = api_fmt("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action='access.denied' AND status='failure' AND user_id='%s' "
	    "AND details LIKE '%%tenants:write%%'", api_user_id(srv,
	    "viewer"));
	assert_true(api_sql_count(srv, sql) >= 1);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM tenants "
	    "WHERE name='evil'"), 0);
	free(sql);
	api_resp_free(r);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_denial_audit_row),
	};

	return cmocka_run_group_tests_name("api_rbac", tests, setup,
	    teardown);
}
