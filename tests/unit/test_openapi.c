/*
 * test_openapi.c - docs/api/openapi.yaml against the route table.
 *
 * The document is parsed with libyaml and its operations (method, path)
 * are compared with every route of hub/api/routes.c that lacks
 * ROUTE_NODOC: each route must be documented with the same summary,
 * exactly the public routes say "security: []", nothing may be documented
 * that the router does not serve, operationIds are unique and every local
 * $ref resolves.  The compiled-in copy (openapi_yaml[]) must equal the
 * file.
 *
 * This is not a full OpenAPI validator: schema shapes are checked once by
 * hand with an external validator, not here.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "backend/xalloc.h"
#include "hub/api/ops.h"
#include "hub/api/routes.h"

#define PATH_MAX_LEN 256
#define REPORT_MAX 8192

/* A growing text buffer for reports and hand-made documents. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

static void buf_add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* "/api/v1/users/:id/roles" -> "/api/v1/users/{id}/roles" into out. */
static void
route_openapi_path(const char *pattern, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = pattern;

	while (*p != '\0' && o + 3 < cap) {
		if (*p == ':' && (p == pattern || p[-1] == '/')) {
			out[o++] = '{';
			p++;
			while (*p != '\0' && *p != '/' && o + 2 < cap)
				out[o++] = *p++;
			out[o++] = '}';
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* Lower-case copy of an HTTP method ("GET" -> "get"). */
static void
method_lower(const char *method, char *out, size_t cap)
{
	size_t i;

	for (i = 0; method[i] != '\0' && i + 1 < cap; i++)
		out[i] = (char)(method[i] >= 'A' && method[i] <= 'Z' ?
		    method[i] - 'A' + 'a' : method[i]);
	out[i] = '\0';
}

static bool
is_method_key(const char *k)
{
	static const char *const m[] = { "get", "put", "post", "delete",
		"options", "head", "patch", "trace", NULL };
	size_t i;

	for (i = 0; m[i] != NULL; i++)
		if (strcmp(m[i], k) == 0)
			return true;
	return false;
}

static const char *
scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/* Value of key in mapping node map, or NULL. */
static yaml_node_t *
map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
	const yaml_node_pair_t *pair;
	const char *k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = scalar(yaml_document_get_node(doc, pair->key));
		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, pair->value);
	}
	return NULL;
}

/* Resolve a local JSON pointer ("#/components/schemas/Error"). */
static bool
pointer_resolves(yaml_document_t *doc, const char *ref)
{
	yaml_node_t *n = yaml_document_get_root_node(doc);
	char tok[PATH_MAX_LEN];
	const char *p;
	size_t t;

	if (strncmp(ref, "#/", 2) != 0)
		return false;
	p = ref + 2;
	while (n != NULL) {
		t = 0;
		while (*p != '\0' && *p != '/' && t + 1 < sizeof tok) {
			if (p[0] == '~' && p[1] == '1') {
				tok[t++] = '/';
				p += 2;
			} else if (p[0] == '~' && p[1] == '0') {
				tok[t++] = '~';
				p += 2;
			} else {
				tok[t++] = *p++;
			}
		}
		tok[t] = '\0';
		n = map_get(doc, n, tok);
		if (*p == '\0')
			return n != NULL;
		p++;
	}
	return false;
}

/* Index of the documented route with this method and path, or -1. */
static long
route_find(const struct route *routes, size_t n, const char *method,
    const char *path)
{
	char want[PATH_MAX_LEN], m[16];
	size_t i;

	for (i = 0; i < n; i++) {
		if (routes[i].flags & ROUTE_NODOC)
			continue;
		method_lower(routes[i].method, m, sizeof m);
		route_openapi_path(routes[i].pattern, want, sizeof want);
		if (strcmp(m, method) == 0 && strcmp(want, path) == 0)
			return (long)i;
	}
	return -1;
}

/* Check one operation object of a documented route. */
static size_t
check_operation(yaml_document_t *doc, const yaml_node_t *op,
    const struct route *r, const char *label, struct buf *report)
{
	const yaml_node_t *sec = map_get(doc, op, "security");
	const char *summary = scalar(map_get(doc, op, "summary"));
	bool open_sec = sec != NULL && sec->type == YAML_SEQUENCE_NODE &&
	    sec->data.sequence.items.start == sec->data.sequence.items.top;
	size_t problems = 0;

	if (op->type != YAML_MAPPING_NODE) {
		buf_add(report, "not an operation object: %s\n", label);
		return 1;
	}
	if (scalar(map_get(doc, op, "operationId")) == NULL) {
		buf_add(report, "no operationId: %s\n", label);
		problems++;
	}
	if (summary == NULL || strcmp(summary, r->summary) != 0) {
		buf_add(report, "summary differs from the route table: %s: "
		    "\"%s\" vs \"%s\"\n", label, summary ? summary : "(none)",
		    r->summary);
		problems++;
	}
	if (map_get(doc, op, "responses") == NULL) {
		buf_add(report, "no responses: %s\n", label);
		problems++;
	}
	if (r->perm == PERM_PUBLIC && !open_sec) {
		buf_add(report, "public route lacks \"security: []\": %s\n",
		    label);
		problems++;
	}
	if (r->perm != PERM_PUBLIC && open_sec) {
		buf_add(report, "authenticated route documented as public: "
		    "%s\n", label);
		problems++;
	}
	return problems;
}

/* Report every $ref in the document that does not resolve locally. */
static size_t
check_refs(yaml_document_t *doc, struct buf *report)
{
	yaml_node_t *n;
	const yaml_node_pair_t *pair;
	const char *k, *v;
	size_t problems = 0;

	for (n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		for (pair = n->data.mapping.pairs.start;
		    pair < n->data.mapping.pairs.top; pair++) {
			k = scalar(yaml_document_get_node(doc, pair->key));
			if (k == NULL || strcmp(k, "$ref") != 0)
				continue;
			v = scalar(yaml_document_get_node(doc, pair->value));
			if (v == NULL || !pointer_resolves(doc, v)) {
				buf_add(report, "$ref does not resolve: %s\n",
				    v ? v : "(not a string)");
				problems++;
			}
		}
	}
	return problems;
}

/*
 * Compare an OpenAPI document (text) with n routes.  Returns the number
 * of problems and appends one line per problem to report.
 */
static size_t
openapi_compare(const char *text, size_t len, const struct route *routes,
    size_t n, struct buf *report)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *paths, *item, *op;
	const yaml_node_pair_t *pp, *mp;
	const char *path, *method, *ver, *opid;
	char label[PATH_MAX_LEN + 16], want[PATH_MAX_LEN], m[16];
	const char **ids = NULL;
	bool *seen = NULL;
	size_t problems = 0, nids = 0, i, j;
	long ri;

	if (!yaml_parser_initialize(&parser))
		fatal("yaml_parser_initialize");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		buf_add(report, "YAML error at line %zu, column %zu: %s\n",
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		return 1;
	}
	root = yaml_document_get_root_node(&doc);
	ver = scalar(map_get(&doc, root, "openapi"));
	if (ver == NULL || strncmp(ver, "3.0.", 4) != 0) {
		buf_add(report, "not an OpenAPI 3.0 document\n");
		problems++;
	}
	paths = map_get(&doc, root, "paths");
	if (paths == NULL || paths->type != YAML_MAPPING_NODE) {
		buf_add(report, "no paths mapping\n");
		problems++;
		goto out;
	}
	seen = xcalloc(n + 1, sizeof *seen);
	for (pp = paths->data.mapping.pairs.start;
	    pp < paths->data.mapping.pairs.top; pp++) {
		path = scalar(yaml_document_get_node(&doc, pp->key));
		item = yaml_document_get_node(&doc, pp->value);
		if (path == NULL || item == NULL ||
		    item->type != YAML_MAPPING_NODE) {
			buf_add(report, "bad path item: %s\n",
			    path ? path : "?");
			problems++;
			continue;
		}
		for (mp = item->data.mapping.pairs.start;
		    mp < item->data.mapping.pairs.top; mp++) {
			method = scalar(yaml_document_get_node(&doc, mp->key));
			if (method == NULL || !is_method_key(method))
				continue;
			op = yaml_document_get_node(&doc, mp->value);
			snprintf(label, sizeof label, "%s %s", method, path);
			ri = route_find(routes, n, method, path);
			if (ri < 0) {
				buf_add(report, "documented but not routed: "
				    "%s\n", label);
				problems++;
				continue;
			}
			if (seen[ri]) {
				buf_add(report, "documented twice: %s\n",
				    label);
				problems++;
				continue;
			}
			seen[ri] = true;
			problems += check_operation(&doc, op, &routes[ri],
			    label, report);
			opid = scalar(map_get(&doc, op, "operationId"));
			if (opid == NULL)
				continue;
			for (j = 0; j < nids; j++)
				if (strcmp(ids[j], opid) == 0) {
					buf_add(report, "duplicate "
					    "operationId: %s\n", opid);
					problems++;
				}
			ids = xreallocarray(ids, nids + 1, sizeof *ids);
			ids[nids++] = opid;
		}
	}
	for (i = 0; i < n; i++) {
		if ((routes[i].flags & ROUTE_NODOC) || seen[i])
			continue;
		method_lower(routes[i].method, m, sizeof m);
		route_openapi_path(routes[i].pattern, want, sizeof want);
		buf_add(report, "route missing from the document: %s %s\n", m,
		    want);
		problems++;
	}
	problems += check_refs(&doc, report);
out:
	free(ids);
	free(seen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return problems;
}

/* Read a whole file; NULL when it cannot be read.  Caller frees. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	do {
		if (*len + 4096 + 1 > cap) {
			cap = (*len + 4096 + 1) * 2;
			s = xrealloc(s, cap);
		}
		n = fread(s + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	s[*len] = '\0';
	return s;
}

static char *
read_doc(size_t *len)
{
	const char *top = getenv("top_srcdir");
	char *path, *s;

	path = xasprintf("%s/docs/api/openapi.yaml", top ? top : ".");
	s = read_file(path, len);
	if (s == NULL)
		fail_msg("cannot read %s", path);
	free(path);
	return s;
}

/*
 * Build a minimal document of every documented route except route skip
 * (SIZE_MAX: none), then append extra (raw path items under paths:).
 */
static char *
doc_build(size_t skip, const char *extra, bool public_security)
{
	struct buf b = { NULL, 0, 0 };
	char path[PATH_MAX_LEN], other[PATH_MAX_LEN], m[16];
	size_t i, j;
	bool first;

	buf_add(&b, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	    "components:\n  schemas:\n    Error: {type: object}\n"
	    "paths:\n");
	for (i = 0; i < api_routes_count; i++) {
		route_openapi_path(api_routes[i].pattern, path, sizeof path);
		/* group methods under the first route of each path */
		for (j = 0, first = true; j < i; j++) {
			route_openapi_path(api_routes[j].pattern, other,
			    sizeof other);
			if (strcmp(path, other) == 0)
				first = false;
		}
		if (!first)
			continue;
		for (j = i; j < api_routes_count; j++) {
			route_openapi_path(api_routes[j].pattern, other,
			    sizeof other);
			if (j == skip || strcmp(path, other) != 0 ||
			    (api_routes[j].flags & ROUTE_NODOC))
				continue;
			if (first)
				buf_add(&b, "  \"%s\":\n", path);
			first = false;
			method_lower(api_routes[j].method, m, sizeof m);
			buf_add(&b, "    %s:\n      operationId: op%03zu\n"
			    "      summary: \"%s\"\n", m, j,
			    api_routes[j].summary);
			if (api_routes[j].perm == PERM_PUBLIC &&
			    public_security)
				buf_add(&b, "      security: []\n");
			buf_add(&b, "      responses:\n        \"200\":\n"
			    "          description: ok\n"
			    "          content:\n"
			    "            application/json:\n"
			    "              schema:\n"
			    "                $ref: "
			    "'#/components/schemas/Error'\n");
		}
	}
	if (extra != NULL)
		buf_add(&b, "%s", extra);
	return b.s;
}

/* Index of the route with this method and pattern; fails when absent. */
static size_t
route_index(const char *method, const char *pattern)
{
	size_t i;

	for (i = 0; i < api_routes_count; i++)
		if (strcmp(api_routes[i].method, method) == 0 &&
		    strcmp(api_routes[i].pattern, pattern) == 0)
			return i;
	fail_msg("no route %s %s", method, pattern);
	return 0;
}

static size_t
compare_text(const char *text, struct buf *report)
{
	return openapi_compare(text, strlen(text), api_routes,
	    api_routes_count, report);
}

/* The shipped document has exactly the documented routes, all checked. */
static void
test_document_matches_routes(void **state)
{
	struct buf report = { NULL, 0, 0 };
	size_t len, problems;
	char *text = read_doc(&len);

	problems = openapi_compare(text, len, api_routes, api_routes_count,
	    &report);
	if (problems != 0)
		print_message("docs/api/openapi.yaml vs hub/api/routes.c:\n%s",
		    report.s);
	assert_int_equal(problems, 0);
	free(report.s);
	free(text);
}

/* The compiled-in document is the file, byte for byte. */
static void
test_embedded_copy_is_the_file(void **state)
{
	size_t len;
	char *text = read_doc(&len);

	assert_int_equal(strlen(openapi_yaml), len);
	assert_memory_equal(openapi_yaml, text, len);
	free(text);
}

/* A route pattern's captures become OpenAPI template segments. */
static void
test_path_conversion(void **state)
{
	char out[PATH_MAX_LEN];

	route_openapi_path("/api/v1/users/:id/roles", out, sizeof out);
	assert_string_equal(out, "/api/v1/users/{id}/roles");
	route_openapi_path("/a/:x/b/:y", out, sizeof out);
	assert_string_equal(out, "/a/{x}/b/{y}");
	route_openapi_path("/api/v1/clusters", out, sizeof out);
	assert_string_equal(out, "/api/v1/clusters");
	route_openapi_path("/a/b:c", out, sizeof out);
	assert_string_equal(out, "/a/b:c");
}

/* A document built from the route table itself has no problems. */
static void
test_generated_doc_is_clean(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *text = doc_build(SIZE_MAX, NULL, true);
	size_t problems = compare_text(text, &report);

	if (problems != 0)
		print_message("%s", report.s);
	assert_int_equal(problems, 0);
	free(report.s);
	free(text);
}

/* Leaving out one route is reported, naming that route and only it. */
static void
test_missing_route_reported(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *text = doc_build(route_index("POST", "/api/v1/clusters"),
	    NULL, true);

	assert_int_equal(compare_text(text, &report), 1);
	assert_non_null(strstr(report.s,
	    "route missing from the document: post /api/v1/clusters\n"));
	free(report.s);
	free(text);
}

/* Operations the router lacks are reported, as are NODOC routes. */
static void
test_unrouted_operation_reported(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *text = doc_build(SIZE_MAX,
	    "  /api/v1/nope:\n    get:\n      summary: x\n"
	    "  /healthz:\n    get:\n      summary: Liveness probe\n", true);

	assert_int_equal(compare_text(text, &report), 2);
	assert_non_null(strstr(report.s,
	    "documented but not routed: get /api/v1/nope\n"));
	assert_non_null(strstr(report.s,
	    "documented but not routed: get /healthz\n"));
	free(report.s);
	free(text);
}

/* A method the route table lacks on a known path is reported. */
static void
test_unrouted_method_reported(void **state)
{
	struct buf report = { NULL, 0, 0 };
	const char *doc =
	    "openapi: 3.0.3\n"
	    "paths:\n"
	    "  /api/v1/openapi.yaml:\n"
	    "    parameters: []\n"
	    "    get:\n"
	    "      operationId: a\n"
	    "      summary: \"This API's OpenAPI 3 document\"\n"
	    "      security: []\n"
	    "      responses: {}\n"
	    "    patch:\n"
	    "      operationId: b\n"
	    "      summary: nope\n"
	    "      responses: {}\n";
	size_t documented = 0, i;

	for (i = 0; i < api_routes_count; i++)
		if (!(api_routes[i].flags & ROUTE_NODOC))
			documented++;
	/* one unrouted patch, and every other documented route missing */
	assert_int_equal(compare_text(doc, &report), 1 + documented - 1);
	assert_non_null(strstr(report.s,
	    "documented but not routed: patch /api/v1/openapi.yaml\n"));
	assert_null(strstr(report.s, "parameters"));
	free(report.s);
}

/* A public route without "security: []" and a wrong summary are caught. */
static void
test_security_and_summary_checked(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *text = doc_build(SIZE_MAX, NULL, false);
	char *p, *other;
	size_t publics = 0, i;

	for (i = 0; i < api_routes_count; i++)
		if (api_routes[i].perm == PERM_PUBLIC &&
		    !(api_routes[i].flags & ROUTE_NODOC))
			publics++;
	assert_true(publics >= 3);
	assert_int_equal(compare_text(text, &report), publics);
	assert_non_null(strstr(report.s, "public route lacks \"security: "
	    "[]\": post /api/v1/auth/login\n"));
	free(report.s);
	free(text);

	report.s = NULL;
	report.len = report.cap = 0;
	text = doc_build(SIZE_MAX, NULL, true);
	/* "Get a cluster" -> "get a cluster" */
	*strstr(text, "Get a cluster\"") = 'g';
	assert_int_equal(compare_text(text, &report), 1);
	assert_non_null(strstr(report.s, "summary differs"));
	free(report.s);
	free(text);

	report.s = NULL;
	report.len = report.cap = 0;
	text = doc_build(SIZE_MAX, NULL, true);
	p = strstr(text, "summary: \"List alerts\"\n");
	assert_non_null(p);
	p += strlen("summary: \"List alerts\"\n");
	other = xasprintf("%.*s      security: []\n%s", (int)(p - text), text,
	    p);
	assert_int_equal(compare_text(other, &report), 1);
	assert_non_null(strstr(report.s, "authenticated route documented as "
	    "public: get /api/v1/alerts\n"));
	free(report.s);
	free(other);
	free(text);
}

/* A $ref to a missing component and a duplicate operationId are caught. */
static void
test_refs_and_ids_checked(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *text = doc_build(SIZE_MAX, NULL, true);
	char want[64];
	const char *first;
	char *p;

	p = strstr(text, "#/components/schemas/Error'");
	assert_non_null(p);
	memcpy(p + strlen("#/components/schemas/"), "Errox", 5);
	/* give the second operation the first one's operationId */
	first = strstr(text, "operationId: op");
	assert_non_null(first);
	p = strstr(first + 1, "operationId: op");
	assert_non_null(p);
	memcpy(p, first, strlen("operationId: op000"));
	snprintf(want, sizeof want, "duplicate operationId: %.5s\n",
	    first + strlen("operationId: "));
	assert_int_equal(compare_text(text, &report), 2);
	assert_non_null(strstr(report.s,
	    "$ref does not resolve: #/components/schemas/Errox\n"));
	assert_non_null(strstr(report.s, want));
	free(report.s);
	free(text);
}

/* Broken YAML is one problem naming the line. */
static void
test_bad_yaml_reported(void **state)
{
	struct buf report = { NULL, 0, 0 };

	assert_int_equal(compare_text("openapi: 3.0.3\npaths: [\n",
	    &report), 1);
	assert_non_null(strstr(report.s, "YAML error at line"));
	free(report.s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_matches_routes),
		cmocka_unit_test(test_embedded_copy_is_the_file),
		cmocka_unit_test(test_path_conversion),
		cmocka_unit_test(test_generated_doc_is_clean),
		cmocka_unit_test(test_missing_route_reported),
		cmocka_unit_test(test_unrouted_operation_reported),
		cmocka_unit_test(test_unrouted_method_reported),
		cmocka_unit_test(test_security_and_summary_checked),
		cmocka_unit_test(test_refs_and_ids_checked),
		cmocka_unit_test(test_bad_yaml_reported),
	};

	return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}
