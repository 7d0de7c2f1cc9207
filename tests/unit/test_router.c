/*
 * test_router.c - matching method and path against a route table.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/http/http.h"
#include "hub/http/router.h"

static const struct route routes[] = {
	{ "GET", "/", NULL, PERM_PUBLIC, ROUTE_CLASS_OPS, 0, "root" },
	{ "GET", "/api/v1/clusters", NULL, PERM_CLUSTERS_READ,
	    ROUTE_CLASS_READ, 0, "list" },
	{ "POST", "/api/v1/clusters", NULL, PERM_CLUSTERS_WRITE,
	    ROUTE_CLASS_WRITE, 0, "create" },
	{ "GET", "/api/v1/users/me", NULL, PERM_SELF, ROUTE_CLASS_READ, 0,
	    "me" },
	{ "GET", "/api/v1/users/:id", NULL, PERM_USERS_READ,
	    ROUTE_CLASS_READ, 0, "user" },
	{ "GET", "/api/v1/clusters/:id", NULL, PERM_CLUSTERS_READ,
	    ROUTE_CLASS_READ, 0, "get" },
	{ "PATCH", "/api/v1/clusters/:id", NULL, PERM_CLUSTERS_WRITE,
	    ROUTE_CLASS_WRITE, 0, "patch" },
	{ "DELETE", "/api/v1/clusters/:id", NULL, PERM_CLUSTERS_WRITE,
	    ROUTE_CLASS_WRITE, 0, "delete" },
	{ "GET", "/api/v1/clusters/:id/history/:hid", NULL,
	    PERM_CLUSTERS_READ, ROUTE_CLASS_READ, 0, "history" },
	{ "POST", "/api/v1/alerts/:id/ack", NULL, PERM_ALERTS_WRITE,
	    ROUTE_CLASS_WRITE, 0, "ack" },
	{ "GET", "/a/:p1/:p2/:p3/:p4/:p5", NULL, PERM_PUBLIC,
	    ROUTE_CLASS_READ, 0, "too many captures" },
};
#define NROUTES (sizeof routes / sizeof routes[0])

struct result {
	enum router_result rr;
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char allow[64];
	char scratch[4096];
};

static enum router_result
match(struct result *r, const char *method, const char *path)
{
	memset(r, 0xa5, sizeof *r);
	r->rr = router_match(routes, NROUTES, method, path, r->scratch,
	    &r->route, r->params, &r->nparams, r->allow, sizeof r->allow);
	return r->rr;
}

/* A literal path matches its route and captures nothing. */
static void
test_literal(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/api/v1/clusters"), ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[1]);
	assert_int_equal(r.nparams, 0);
	assert_int_equal(match(&r, "POST", "/api/v1/clusters"), ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[2]);
	assert_int_equal(match(&r, "GET", "/"), ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[0]);
}

/* ":id" captures a whole segment into scratch, in order. */
static void
test_captures(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/api/v1/clusters/abc-123"),
	    ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[5]);
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "abc-123");
	assert_true(r.params[0] >= r.scratch &&
	    r.params[0] < r.scratch + sizeof r.scratch);

	assert_int_equal(match(&r, "GET", "/api/v1/clusters/c1/history/h2"),
	    ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[8]);
	assert_int_equal(r.nparams, 2);
	assert_string_equal(r.params[0], "c1");
	assert_string_equal(r.params[1], "h2");

	assert_int_equal(match(&r, "POST", "/api/v1/alerts/x/ack"),
	    ROUTER_MATCH);
	assert_string_equal(r.params[0], "x");
}

/* Captures fit a scratch buffer of exactly strlen(path)+1 bytes. */
static void
test_scratch_size(void **state)
{
	const char *path = "/api/v1/clusters/c/history/h";
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char *scratch = malloc(strlen(path) + 1);

	assert_non_null(scratch);
	assert_int_equal(router_match(routes, NROUTES, "GET", path, scratch,
	    &route, params, &nparams, NULL, 0), ROUTER_MATCH);
	assert_int_equal(nparams, 2);
	assert_string_equal(params[0], "c");
	assert_string_equal(params[1], "h");
	free(scratch);
}

/* A known path with another method is a 405 listing allowed methods. */
static void
test_method_not_allowed(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "PUT", "/api/v1/clusters"), ROUTER_METHOD);
	assert_null(r.route);
	assert_int_equal(r.nparams, 0);
	assert_string_equal(r.allow, "GET, POST");

	assert_int_equal(match(&r, "POST", "/api/v1/clusters/x"),
	    ROUTER_METHOD);
	assert_string_equal(r.allow, "GET, PATCH, DELETE");
}

/* HEAD is not GET: it is a 405 with GET allowed. */
static void
test_head_not_special(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "HEAD", "/api/v1/users/me"),
	    ROUTER_METHOD);
	assert_string_equal(r.allow, "GET");
}

/* Methods are case-sensitive. */
static void
test_method_case(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "get", "/api/v1/clusters"), ROUTER_METHOD);
	assert_string_equal(r.allow, "GET, POST");
}

/* An unknown path is a 404 with an empty allow list. */
static void
test_not_found(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/api/v1/nope"), ROUTER_NOT_FOUND);
	assert_null(r.route);
	assert_string_equal(r.allow, "");
	assert_int_equal(match(&r, "GET", "/api/v1"), ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "/api/v1/clusters/a/b"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", ""), ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "api/v1/clusters"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "OPTIONS", "*"), ROUTER_NOT_FOUND);
}

/* A trailing slash is a different path: 404, not the list. */
static void
test_trailing_slash(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/api/v1/clusters/"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "/api/v1/clusters/x/"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "//"), ROUTER_NOT_FOUND);
}

/* An empty segment never satisfies a capture. */
static void
test_empty_segment(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/api/v1/clusters//history/h"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "/api/v1/clusters/x/history/"),
	    ROUTER_NOT_FOUND);
	assert_int_equal(match(&r, "GET", "/api//v1/clusters"),
	    ROUTER_NOT_FOUND);
}

/* Table order decides: the literal "me" listed first beats ":id". */
static void
test_precedence_is_table_order(void **state)
{
	struct result r;
	static const struct route reversed[] = {
		{ "GET", "/u/:id", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0,
		    "capture" },
		{ "GET", "/u/me", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0,
		    "literal" },
	};
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char scratch[16];

	assert_int_equal(match(&r, "GET", "/api/v1/users/me"), ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[3]);
	assert_int_equal(r.nparams, 0);
	assert_int_equal(match(&r, "GET", "/api/v1/users/u1"), ROUTER_MATCH);
	assert_ptr_equal(r.route, &routes[4]);
	assert_string_equal(r.params[0], "u1");

	assert_int_equal(router_match(reversed, 2, "GET", "/u/me", scratch,
	    &route, params, &nparams, NULL, 0), ROUTER_MATCH);
	assert_ptr_equal(route, &reversed[0]);
	assert_string_equal(params[0], "me");
}

/* A 10 KiB path is matched by its segments without trouble. */
static void
test_long_path(void **state)
{
	size_t n = 10000, i;
	char *path = malloc(n + 64);
	char *scratch = malloc(n + 64);
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char allow[64];

	assert_non_null(path);
	assert_non_null(scratch);
	strcpy(path, "/api/v1/clusters/");
	for (i = strlen(path); i < n; i++)
		path[i] = 'x';
	path[n] = '\0';
	assert_int_equal(router_match(routes, NROUTES, "GET", path, scratch,
	    &route, params, &nparams, allow, sizeof allow), ROUTER_MATCH);
	assert_int_equal(strlen(params[0]), n - strlen("/api/v1/clusters/"));

	/* Many short segments: not found, no crash. */
	for (i = 0; i < n; i += 2) {
		path[i] = '/';
		path[i + 1] = 'a';
	}
	path[n] = '\0';
	assert_int_equal(router_match(routes, NROUTES, "GET", path, scratch,
	    &route, params, &nparams, allow, sizeof allow), ROUTER_NOT_FOUND);
	free(path);
	free(scratch);
}

/* A pattern with more captures than HTTP_MAX_PARAMS never matches. */
static void
test_too_many_captures(void **state)
{
	struct result r;

	assert_int_equal(match(&r, "GET", "/a/1/2/3/4/5"), ROUTER_NOT_FOUND);
}

/* The allow list is truncated at a method boundary when small. */
static void
test_allow_truncated(void **state)
{
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char scratch[64];
	char allow[12];

	assert_int_equal(router_match(routes, NROUTES, "PUT",
	    "/api/v1/clusters/x", scratch, &route, params, &nparams, allow,
	    sizeof allow), ROUTER_METHOD);
	assert_string_equal(allow, "GET, PATCH");
	assert_int_equal(router_match(routes, NROUTES, "PUT",
	    "/api/v1/clusters/x", scratch, &route, params, &nparams, NULL,
	    0), ROUTER_METHOD);
}

/* Duplicate methods on one path are listed once. */
static void
test_allow_dedup(void **state)
{
	static const struct route dup[] = {
		{ "GET", "/x/:a", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "" },
		{ "GET", "/x/y", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "" },
		{ "POST", "/x/y", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "" },
	};
	const struct route *route;
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char scratch[16];
	char allow[64];

	assert_int_equal(router_match(dup, 3, "PUT", "/x/y", scratch, &route,
	    params, &nparams, allow, sizeof allow), ROUTER_METHOD);
	assert_string_equal(allow, "GET, POST");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_scratch_size),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_head_not_special),
		cmocka_unit_test(test_method_case),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_empty_segment),
		cmocka_unit_test(test_precedence_is_table_order),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_too_many_captures),
		cmocka_unit_test(test_allow_truncated),
		cmocka_unit_test(test_allow_dedup),
	};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
