/*
 * test_rbac.c - the role x permission table, and docs/rbac.md against it.
 *
 * docs/rbac.md carries two tables between HTML comment markers: the
 * matrix (a row per permission, a column per role, cells "yes" or "-")
 * and the route table (method, path, permission).  Both are parsed here
 * strictly and compared with rbac_role_allows() and api_routes[], so the
 * page cannot drift from what the hub enforces.  The rest are direct unit
 * tests of rbac.c, including a few grants written out by hand as a second
 * source for the rules that matter most (nobody but an admin writes).
 *
 * Object rules (tenant isolation, self-changes) are the services' and are
 * tested with them, not here.
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

#include "backend/xalloc.h"
#include "hub/api/routes.h"
#include "hub/auth/rbac.h"

#define TABLE_ROWS 160
#define TABLE_COLS 8
#define CELL_MAX 64

#define R(x) (1u << ROLE_##x)

/* A growing text buffer for reports. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

/* A markdown table: row 0 is the header; the separator row is dropped. */
struct table {
	size_t nrows;
	size_t ncols[TABLE_ROWS];
	char cell[TABLE_ROWS][TABLE_COLS][CELL_MAX];
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

static void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/*
 * Split one "| a | `b` | c |" line into trimmed cells (backticks around a
 * whole cell removed).  Returns false when the line is not a table row.
 */
static bool
row_split(const char *line, size_t len, char cells[TABLE_COLS][CELL_MAX],
    size_t *ncells)
{
	const char *p = line, *end = line + len, *s, *e;
	size_t n = 0, l;

	if (len < 2 || line[0] != '|' || line[len - 1] != '|')
		return false;
	p++;
	while (p < end) {
		s = p;
		while (p < end && *p != '|')
			p++;
		if (p == end)
			break;
		e = p++;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		if (e - s >= 2 && *s == '`' && e[-1] == '`') {
			s++;
			e--;
		}
		l = (size_t)(e - s);
		if (n == TABLE_COLS || l >= CELL_MAX)
			return false;
		memcpy(cells[n], s, l);
		cells[n][l] = '\0';
		n++;
	}
	*ncells = n;
	return true;
}

static bool
is_separator(char cells[TABLE_COLS][CELL_MAX], size_t n)
{
	size_t i, j, len;

	for (i = 0; i < n; i++) {
		len = strlen(cells[i]);
		if (len < 3)
			return false;
		for (j = 0; j < len; j++)
			if (cells[i][j] != '-' && !(cells[i][j] == ':' &&
			    (j == 0 || j == len - 1)))
				return false;
	}
	return n > 0;
}

/*
 * Parse the table between "<!-- name:begin -->" and "<!-- name:end -->":
 * nothing but table rows in between, a header, a separator, then data
 * rows.  Returns the number of problems (appended to report).
 */
static size_t
table_parse(const char *md, const char *name, struct table *t,
    struct buf *report)
{
	char begin[64], end_marker[64];
	char cells[TABLE_COLS][CELL_MAX];
	const char *p, *stop, *eol;
	size_t n, line = 0;

	memset(t, 0, sizeof *t);
	snprintf(begin, sizeof begin, "\n<!-- %s:begin -->\n", name);
	snprintf(end_marker, sizeof end_marker, "\n<!-- %s:end -->\n", name);
	p = strstr(md, begin);
	if (p == NULL || strstr(p + 1, begin) != NULL) {
		buf_add(report, "%s: need exactly one begin marker\n", name);
		return 1;
	}
	p += strlen(begin);
	stop = strstr(p - 1, end_marker);
	if (stop == NULL) {
		buf_add(report, "%s: no end marker\n", name);
		return 1;
	}
	for (; p <= stop; p = eol + 1, line++) {
		eol = strchr(p, '\n');
		if (!row_split(p, (size_t)(eol - p), cells, &n)) {
			buf_add(report, "%s: not a table row: %.*s\n", name,
			    (int)(eol - p), p);
			return 1;
		}
		if (line == 1) {
			if (!is_separator(cells, n) || n != t->ncols[0]) {
				buf_add(report, "%s: second row must be the "
				    "separator\n", name);
				return 1;
			}
			continue;
		}
		if (t->nrows == TABLE_ROWS) {
			buf_add(report, "%s: too many rows\n", name);
			return 1;
		}
		memcpy(t->cell[t->nrows], cells, sizeof cells);
		t->ncols[t->nrows++] = n;
	}
	if (t->nrows < 2) {
		buf_add(report, "%s: no data rows\n", name);
		return 1;
	}
	return 0;
}

static bool
perm_parse(const char *s, enum perm *out)
{
	int i;

	for (i = 0; i < PERM_COUNT; i++)
		if (strcmp(rbac_perm_name((enum perm)i), s) == 0) {
			*out = (enum perm)i;
			return true;
		}
	return false;
}

/*
 * Compare the matrix table of a rbac.md text with rbac_role_allows() and
 * check every route's permission has a row.  Returns the problem count.
 */
static size_t
matrix_check(const char *md, struct buf *report)
{
	struct table *t = xcalloc(1, sizeof *t);
	enum role col_role[TABLE_COLS] = { ROLE_PLATFORM_ADMIN };
	bool role_seen[ROLE_COUNT] = { false };
	bool perm_seen[PERM_COUNT] = { false };
	size_t problems, r, c, i;
	enum role role;
	enum perm perm;
	bool want, doc;

	problems = table_parse(md, "rbac-matrix", t, report);
	if (problems != 0)
		goto out;
	if (t->ncols[0] != 1 + ROLE_COUNT ||
	    strcmp(t->cell[0][0], "permission") != 0) {
		buf_add(report, "matrix header must be \"permission\" and one "
		    "column per role (%d)\n", ROLE_COUNT);
		problems++;
		goto out;
	}
	for (c = 1; c < t->ncols[0]; c++) {
		if (!rbac_role_parse(t->cell[0][c], &role) ||
		    role_seen[role]) {
			buf_add(report, "matrix column %zu: unknown or "
			    "repeated role \"%s\"\n", c, t->cell[0][c]);
			problems++;
			goto out;
		}
		role_seen[role] = true;
		col_role[c] = role;
	}
	for (r = 1; r < t->nrows; r++) {
		if (t->ncols[r] != t->ncols[0]) {
			buf_add(report, "matrix row %zu: %zu cells, want %zu\n",
			    r, t->ncols[r], t->ncols[0]);
			problems++;
			continue;
		}
		if (!perm_parse(t->cell[r][0], &perm) || perm_seen[perm]) {
			buf_add(report, "matrix row %zu: unknown or repeated "
			    "permission \"%s\"\n", r, t->cell[r][0]);
			problems++;
			continue;
		}
		perm_seen[perm] = true;
		for (c = 1; c < t->ncols[r]; c++) {
			if (strcmp(t->cell[r][c], "yes") != 0 &&
			    strcmp(t->cell[r][c], "-") != 0) {
				buf_add(report, "matrix %s x %s: \"%s\" is "
				    "neither \"yes\" nor \"-\"\n",
				    t->cell[r][0], t->cell[0][c],
				    t->cell[r][c]);
				problems++;
				continue;
			}
			doc = strcmp(t->cell[r][c], "yes") == 0;
			want = rbac_role_allows(col_role[c], perm);
			if (doc != want) {
				buf_add(report, "matrix %s x %s: the page says "
				    "%s, the code says %s\n", t->cell[r][0],
				    t->cell[0][c], doc ? "yes" : "-",
				    want ? "yes" : "-");
				problems++;
			}
		}
	}
	for (i = 0; i < PERM_COUNT; i++)
		if (!perm_seen[i]) {
			buf_add(report, "matrix lacks permission %s\n",
			    rbac_perm_name((enum perm)i));
			problems++;
		}
	for (i = 0; i < api_routes_count; i++)
		if (!perm_seen[api_routes[i].perm]) {
			buf_add(report, "route %s %s needs %s, which the "
			    "matrix lacks\n", api_routes[i].method,
			    api_routes[i].pattern,
			    rbac_perm_name(api_routes[i].perm));
			problems++;
		}
out:
	free(t);
	return problems;
}

/*
 * Compare the route table of a rbac.md text with api_routes[]: every
 * route exactly once with its permission, nothing else.
 */
static size_t
routes_check(const char *md, struct buf *report)
{
	struct table *t = xcalloc(1, sizeof *t);
	bool *seen = xcalloc(api_routes_count + 1, sizeof *seen);
	size_t problems, r, i;

	problems = table_parse(md, "rbac-routes", t, report);
	if (problems != 0)
		goto out;
	if (t->ncols[0] != 3 || strcmp(t->cell[0][0], "method") != 0 ||
	    strcmp(t->cell[0][1], "path") != 0 ||
	    strcmp(t->cell[0][2], "permission") != 0) {
		buf_add(report, "route table header must be method | path | "
		    "permission\n");
		problems++;
		goto out;
	}
	for (r = 1; r < t->nrows; r++) {
		for (i = 0; i < api_routes_count; i++)
			if (t->ncols[r] == 3 &&
			    strcmp(api_routes[i].method, t->cell[r][0]) == 0 &&
			    strcmp(api_routes[i].pattern, t->cell[r][1]) == 0)
				break;
		if (i == api_routes_count || seen[i]) {
			buf_add(report, "route table row %zu: %s %s is not a "
			    "route, or is listed twice\n", r, t->cell[r][0],
			    t->cell[r][1]);
			problems++;
			continue;
		}
		seen[i] = true;
		if (strcmp(t->cell[r][2],
		    rbac_perm_name(api_routes[i].perm)) != 0) {
			buf_add(report, "route %s %s: the page says %s, the "
			    "code says %s\n", t->cell[r][0], t->cell[r][1],
			    t->cell[r][2], rbac_perm_name(api_routes[i].perm));
			problems++;
		}
	}
	for (i = 0; i < api_routes_count; i++)
		if (!seen[i]) {
			buf_add(report, "route table lacks %s %s\n",
			    api_routes[i].method, api_routes[i].pattern);
			problems++;
		}
out:
	free(seen);
	free(t);
	return problems;
}

/* docs/rbac.md as a string; fails the test when unreadable. */
static char *
read_doc(void)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/docs/rbac.md", top ? top : ".");
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		fail_msg("cannot read %s", path);
	do {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			s = xrealloc(s, cap);
		}
		n = fread(s + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	s[len] = '\0';
	free(path);
	return s;
}

/* Replace the first from in s (a heap string) with to; fails if absent. */
static char *
edit(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from), *out;

	if (p == NULL)
		fail_msg("text to edit not found: %s", from);
	out = xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return out;
}

/* The matrix in docs/rbac.md is exactly what the code grants. */
static void
test_doc_matrix_matches_code(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *md = read_doc();
	size_t problems = matrix_check(md, &report);

	if (problems != 0)
		print_message("docs/rbac.md vs hub/auth/rbac.c:\n%s",
		    report.s);
	assert_int_equal(problems, 0);
	buf_free(&report);
	free(md);
}

/* The route table in docs/rbac.md is exactly hub/api/routes.c. */
static void
test_doc_routes_match_code(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *md = read_doc();
	size_t problems = routes_check(md, &report);

	if (problems != 0)
		print_message("docs/rbac.md vs hub/api/routes.c:\n%s",
		    report.s);
	assert_int_equal(problems, 0);
	buf_free(&report);
	free(md);
}

/* A flipped grant on the page is reported with its role and permission. */
static void
test_matrix_check_catches_flip(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *md = edit(read_doc(), "| tenants:write | yes | - |",
	    "| tenants:write | yes | yes |");

	assert_int_equal(matrix_check(md, &report), 1);
	assert_non_null(strstr(report.s, "matrix tenants:write x "
	    "tenant-admin: the page says yes, the code says -\n"));
	buf_free(&report);
	free(md);
}

/* A missing row, a bad cell and a repeated role column are all reported. */
static void
test_matrix_check_catches_format(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *md;

	md = edit(read_doc(), "| audit:read | yes | yes | - | - | yes |\n",
	    "");
	assert_int_equal(matrix_check(md, &report), 2);
	assert_non_null(strstr(report.s, "matrix lacks permission "
	    "audit:read\n"));
	assert_non_null(strstr(report.s, "route GET /api/v1/audit-logs "
	    "needs audit:read, which the matrix lacks\n"));
	buf_free(&report);
	free(md);

	md = edit(read_doc(), "| users:write | yes | yes | - |",
	    "| users:write | yes | yes | no |");
	assert_int_equal(matrix_check(md, &report), 1);
	assert_non_null(strstr(report.s, "\"no\" is neither"));
	buf_free(&report);
	free(md);

	md = edit(read_doc(), "| permission | platform-admin | tenant-admin",
	    "| permission | platform-admin | platform-admin");
	assert_int_equal(matrix_check(md, &report), 1);
	assert_non_null(strstr(report.s, "repeated role"));
	buf_free(&report);
	free(md);

	md = edit(read_doc(), "<!-- rbac-matrix:end -->", "");
	assert_int_equal(matrix_check(md, &report), 1);
	assert_non_null(strstr(report.s, "no end marker"));
	buf_free(&report);
	free(md);
}

/* A route left out, or given another permission, is reported. */
static void
test_routes_check_catches_drift(void **state)
{
	struct buf report = { NULL, 0, 0 };
	char *md;

	md = edit(read_doc(),
	    "| DELETE | `/api/v1/users/:id` | users:write |\n", "");
	assert_int_equal(routes_check(md, &report), 1);
	assert_non_null(strstr(report.s,
	    "route table lacks DELETE /api/v1/users/:id\n"));
	buf_free(&report);
	free(md);

	md = edit(read_doc(), "| POST | `/api/v1/tenants` | tenants:write |",
	    "| POST | `/api/v1/tenants` | tenants:read |");
	assert_int_equal(routes_check(md, &report), 1);
	assert_non_null(strstr(report.s, "route POST /api/v1/tenants: the "
	    "page says tenants:read, the code says tenants:write\n"));
	buf_free(&report);
	free(md);

	md = edit(read_doc(), "| GET | `/healthz` | public |",
	    "| GET | `/healthz` | public |\n| GET | `/nope` | public |");
	assert_int_equal(routes_check(md, &report), 1);
	assert_non_null(strstr(report.s, "GET /nope is not a route"));
	buf_free(&report);
	free(md);
}

/* Every wire name parses back to its role; others do not parse. */
static void
test_role_parse(void **state)
{
	static const char *const names[] = { "platform-admin",
		"tenant-admin", "operator", "viewer", "auditor" };
	enum role r;
	int i;

	assert_int_equal(ROLE_COUNT, 5);
	for (i = 0; i < ROLE_COUNT; i++) {
		assert_true(rbac_role_parse(names[i], &r));
		assert_int_equal(r, i);
		assert_string_equal(rbac_role_name((enum role)i), names[i]);
	}
	r = ROLE_VIEWER;
	assert_false(rbac_role_parse("Viewer", &r));
	assert_false(rbac_role_parse("admin", &r));
	assert_false(rbac_role_parse("", &r));
	assert_false(rbac_role_parse("viewer ", &r));
	assert_false(rbac_role_parse("platform-admin\n", &r));
	assert_int_equal(r, ROLE_VIEWER);
	assert_null(rbac_role_name(ROLE_COUNT));
	assert_null(rbac_role_name((enum role)(ROLE_COUNT + 1)));
}

/* Permission names and descriptions exist; out of range is "?". */
static void
test_perm_names(void **state)
{
	enum perm back;
	int i;

	for (i = 0; i < PERM_COUNT; i++) {
		assert_true(perm_parse(rbac_perm_name((enum perm)i), &back));
		assert_int_equal(back, i);
		assert_true(strlen(rbac_perm_desc((enum perm)i)) > 0);
	}
	assert_string_equal(rbac_perm_name(PERM_CLUSTERS_WRITE),
	    "clusters:write");
	assert_string_equal(rbac_perm_name(PERM_COUNT), "?");
	assert_string_equal(rbac_perm_desc(PERM_COUNT), "?");
}

/* The grants that matter most, written out by hand. */
static void
test_key_grants(void **state)
{
	int r;

	for (r = 0; r < ROLE_COUNT; r++) {
		assert_true(rbac_role_allows((enum role)r, PERM_PUBLIC));
		assert_true(rbac_role_allows((enum role)r, PERM_SELF));
		assert_true(rbac_role_allows((enum role)r,
		    PERM_CLUSTERS_READ));
	}
	/* readers never write */
	assert_false(rbac_allows(R(VIEWER) | R(AUDITOR),
	    PERM_CLUSTERS_WRITE));
	assert_false(rbac_allows(R(VIEWER) | R(AUDITOR), PERM_ALERTS_WRITE));
	assert_false(rbac_allows(R(VIEWER) | R(AUDITOR), PERM_USERS_WRITE));
	assert_false(rbac_allows(R(VIEWER) | R(AUDITOR) | R(OPERATOR) |
	    R(TENANT_ADMIN), PERM_TENANTS_WRITE));
	assert_true(rbac_role_allows(ROLE_PLATFORM_ADMIN, PERM_TENANTS_WRITE));
	/* operators run clusters but not people or the audit log */
	assert_true(rbac_role_allows(ROLE_OPERATOR, PERM_CLUSTERS_WRITE));
	assert_true(rbac_role_allows(ROLE_OPERATOR, PERM_ALERTS_WRITE));
	assert_false(rbac_role_allows(ROLE_OPERATOR, PERM_USERS_READ));
	assert_false(rbac_role_allows(ROLE_OPERATOR, PERM_AUDIT_READ));
	assert_false(rbac_role_allows(ROLE_VIEWER, PERM_AUDIT_READ));
	assert_true(rbac_role_allows(ROLE_AUDITOR, PERM_AUDIT_READ));
	assert_true(rbac_role_allows(ROLE_AUDITOR, PERM_USERS_READ));
	assert_true(rbac_role_allows(ROLE_TENANT_ADMIN, PERM_USERS_WRITE));
	/* out of range asks nothing */
	assert_false(rbac_role_allows(ROLE_COUNT, PERM_PUBLIC));
	assert_false(rbac_role_allows(ROLE_VIEWER, PERM_COUNT));
}

/* A set of roles grants the union of its members' grants, no more. */
static void
test_allows_is_union(void **state)
{
	int a, b, p;
	role_set set;

	for (p = 0; p < PERM_COUNT; p++) {
		assert_false(rbac_allows(0, (enum perm)p));
		/* bits that are no role grant nothing */
		assert_false(rbac_allows(1u << ROLE_COUNT, (enum perm)p));
		assert_false(rbac_allows(1u << 31, (enum perm)p));
		for (a = 0; a < ROLE_COUNT; a++)
			for (b = 0; b < ROLE_COUNT; b++) {
				set = (1u << a) | (1u << b);
				assert_int_equal(rbac_allows(set,
				    (enum perm)p),
				    rbac_role_allows((enum role)a,
				    (enum perm)p) ||
				    rbac_role_allows((enum role)b,
				    (enum perm)p));
			}
	}
	assert_false(rbac_allows(R(PLATFORM_ADMIN), PERM_COUNT));
	assert_true(rbac_allows(R(VIEWER) | R(OPERATOR), PERM_CLUSTERS_WRITE));
}

/* The primary role is the most privileged one, in ROLE_INFO order. */
static void
test_primary_role(void **state)
{
	int r;

	assert_int_equal(rbac_primary_role(0), ROLE_COUNT);
	assert_int_equal(rbac_primary_role(1u << ROLE_COUNT), ROLE_COUNT);
	for (r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(rbac_primary_role(1u << r), r);
	assert_int_equal(rbac_primary_role(R(VIEWER) | R(OPERATOR)),
	    ROLE_OPERATOR);
	assert_int_equal(rbac_primary_role(R(AUDITOR) | R(PLATFORM_ADMIN)),
	    ROLE_PLATFORM_ADMIN);
	assert_int_equal(rbac_primary_role(R(AUDITOR) | R(TENANT_ADMIN)),
	    ROLE_TENANT_ADMIN);
	assert_int_equal(rbac_primary_role(R(VIEWER) | R(AUDITOR)),
	    ROLE_VIEWER);
	assert_int_equal(rbac_primary_role((1u << ROLE_COUNT) - 1),
	    ROLE_PLATFORM_ADMIN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_matrix_matches_code),
		cmocka_unit_test(test_doc_routes_match_code),
		cmocka_unit_test(test_matrix_check_catches_flip),
		cmocka_unit_test(test_matrix_check_catches_format),
		cmocka_unit_test(test_routes_check_catches_drift),
		cmocka_unit_test(test_role_parse),
		cmocka_unit_test(test_perm_names),
		cmocka_unit_test(test_key_grants),
		cmocka_unit_test(test_allows_is_union),
		cmocka_unit_test(test_primary_role),
	};

	return cmocka_run_group_tests_name("rbac", tests, NULL, NULL);
}
