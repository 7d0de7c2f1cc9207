/*
 * test_table.c - the virtualised table: model, sort, filter (text,
 * regex, inverse, bad regex), selection by key across updates, change
 * markers and their fading, scrolling, and what table_draw() puts on an
 * ncurses screen (header, visible rows, selection marker, ellipsis, sort
 * arrow).  Drawing goes to a newterm() screen writing to /dev/null and
 * is read back with mvwinnstr.  The 10,000-row checks compare against
 * answers computed here independently of the table.
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

#include "tests/unit/curses_fixture.h"
#include "tui/glyphs.h"
#include "tui/table.h"
#include "tui/theme.h"

static const struct table_column cols3[] = {
	{ "NAME", 0, 0, 1, TABLE_ALIGN_LEFT, 0 },
	{ "STATUS", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	{ "AGE", 0, 0, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
};

static int
group_setup(void **state)
{
	return curses_fixture_setup(false, SCREEN_COLORS_NONE);
}

static int
group_teardown(void **state)
{
	return curses_fixture_teardown();
}

/* Attributes of the cell at y,x without the colour pair. */
static attr_t
attr_at(WINDOW *win, int y, int x)
{
	return (attr_t)(mvwinch(win, y, x) & A_ATTRIBUTES & ~A_COLOR);
}

/* A model of rows {key, name, status, age} from parallel arrays. */
static struct table_model *
model3(const char *const *keys, const char *const *names,
    const char *const *status, const char *const *ages, size_t n)
{
	struct table_model *m = table_model_new(3, n);
	size_t i;

	for (i = 0; i < n; i++) {
		const char *cells[3] = { names[i], status[i], ages[i] };

		table_model_add_row(m, keys[i], THEME_DEFAULT, cells);
	}
	return m;
}

static const char *const k5[] = { "a", "b", "c", "d", "e" };
static const char *const n5[] = { "alpha", "bravo", "charlie", "delta",
	"echo" };
static const char *const s5[] = { "ok", "warn", "ok", "crit", "ok" };
static const char *const a5[] = { "5", "40", "3", "100", "7" };

/* A model keeps cells and keys, finds rows by key, and cleans text. */
static void
test_model_basics(void **state)
{
	struct table_model *m = table_model_new(2, 0);
	const char *row0[2] = { "one", "tab\there" };
	const char *row1[2] = { NULL, "bad\xff utf8 \xc3\xa9" };
	size_t i;
	char key[16];

	assert_int_equal(table_model_add_row(m, "k0", THEME_DEFAULT, row0), 0);
	assert_int_equal(table_model_add_row(m, "k1", THEME_SEV_CRIT, row1),
	    1);
	assert_int_equal(table_model_rows(m), 2);
	assert_int_equal(table_model_cols(m), 2);
	assert_string_equal(table_model_cell(m, 0, 0), "one");
	assert_string_equal(table_model_cell(m, 0, 1), "tab here");
	assert_string_equal(table_model_cell(m, 1, 0), "");
	assert_string_equal(table_model_cell(m, 1, 1), "bad? utf8 \xc3\xa9");
	assert_null(table_model_cell(m, 2, 0));
	assert_null(table_model_cell(m, 0, 2));
	assert_string_equal(table_model_key(m, 1), "k1");
	assert_int_equal(table_model_find(m, "k1"), 1);
	assert_int_equal(table_model_find(m, "nope"), -1);
	/* Growing past the first allocation keeps everything reachable. */
	for (i = 2; i < 300; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		table_model_add_row(m, key, THEME_DEFAULT, row0);
	}
	assert_int_equal(table_model_find(m, "k299"), 299);
	assert_string_equal(table_model_cell(m, 299, 1), "tab here");
	assert_string_equal(table_model_cell(m, 1, 1), "bad? utf8 \xc3\xa9");
	table_model_free(m);
	table_model_free(NULL);
}

/* The header, the visible rows and the selection marker are drawn. */
static void
test_draw_rows(void **state)
{
	struct table *t = table_new(cols3, 3);
	WINDOW *win = newwin(4, 40, 0, 0);

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	table_draw(t, win, 0);
	/* Gutter 2, NAME flexes to fill 40 - 2 - STATUS(6) - AGE(3) - 2. */
	assert_string_equal(curses_fixture_line(win, 0),
	    "  NAME                        STATUS AGE");
	assert_string_equal(curses_fixture_line(win, 1),
	    "> alpha                       ok       5");
	assert_string_equal(curses_fixture_line(win, 2),
	    "  bravo                       warn    40");
	assert_string_equal(curses_fixture_line(win, 3),
	    "  charlie                     ok       3");
	/* Monochrome theme: the selected row is reversed, others are not. */
	assert_true(attr_at(win, 1, 10) & A_REVERSE);
	assert_false(attr_at(win, 2, 10) & A_REVERSE);
	assert_int_equal(table_page_rows(t, 4), 3);
	/* Only the visible rows are drawn: after moving to the end the
	 * last three show and the first is gone. */
	table_navigate(t, TABLE_NAV_BOTTOM);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 1),
	    "  charlie                     ok       3");
	assert_string_equal(curses_fixture_line(win, 3),
	    "> echo                        ok       7");
	delwin(win);
	table_free(t);
}

/* Too-long cells end in an ellipsis; the UTF-8 set uses U+2026. */
static void
test_truncation(void **state)
{
	static const struct table_column c[] = {
		{ "NAME", 0, 8, 0, TABLE_ALIGN_LEFT, 0 },
		{ "NOTE", 0, 0, 1, TABLE_ALIGN_LEFT, 0 },
	};
	const char *cells[2] = { "averyveryverylongname", "x" };
	struct table_model *m = table_model_new(2, 1);
	struct table *t = table_new(c, 2);
	WINDOW *win = newwin(2, 20, 0, 0);
	wchar_t wbuf[32];

	table_model_add_row(m, "k", THEME_DEFAULT, cells);
	table_set_model(t, m, 0);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 1), "> averyve~ x");
	glyphs_init(true);
	table_draw(t, win, 0);
	assert_int_equal(mvwinnwstr(win, 1, 0, wbuf, 12), 12);
	wbuf[12] = L'\0';
	assert_true(wcscmp(wbuf, L"\u25b6 averyve\u2026 x") == 0);
	glyphs_init(false);
	delwin(win);
	table_free(t);
}

/* Sorting by a column puts an arrow after its title and reorders. */
static void
test_sort_arrow(void **state)
{
	struct table *t = table_new(cols3, 3);
	WINDOW *win = newwin(6, 40, 0, 0);
	bool desc;

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	assert_int_equal(table_sort_column(t, NULL), -1);
	assert_true(table_sort(t, 2, true) & TABLE_CHANGED_ROWS);
	assert_int_equal(table_sort_column(t, &desc), 2);
	assert_true(desc);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 0),
	    "  NAME                       STATUS AGEv");
	assert_string_equal(curses_fixture_line(win, 1),
	    "  delta                      crit    100");
	assert_string_equal(curses_fixture_line(win, 5),
	    "  charlie                    ok        3");
	/* The selection stayed on alpha (now fourth). */
	assert_string_equal(table_selected_key(t), "a");
	assert_string_equal(curses_fixture_line(win, 4),
	    "> alpha                      ok        5");
	table_sort_reverse(t);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 0),
	    "  NAME                       STATUS AGE^");
	assert_string_equal(curses_fixture_line(win, 1),
	    "  charlie                    ok        3");
	/* sort_next walks the columns then back to model order. */
	table_sort(t, -1, false);
	table_sort_next(t);
	assert_int_equal(table_sort_column(t, &desc), 0);
	assert_false(desc);
	table_sort_next(t);
	table_sort_next(t);
	assert_int_equal(table_sort_column(t, NULL), 2);
	table_sort_next(t);
	assert_int_equal(table_sort_column(t, NULL), -1);
	assert_int_equal(table_view_row(t, 0), 0);
	delwin(win);
	table_free(t);
}

/* Natural order puts node-9 before node-10; numbers beat text. */
static void
test_natural_and_numeric_sort(void **state)
{
	static const struct table_column c[] = {
		{ "NAME", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
		{ "N", 0, 0, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
	};
	static const char *const names[] = { "node-10", "Node-9", "node-100",
		"node-09a", "alpha" };
	static const char *const nums[] = { "1.5", "-2", "n/a", "10", "3e1" };
	struct table_model *m = table_model_new(2, 5);
	struct table *t = table_new(c, 2);
	size_t i;

	for (i = 0; i < 5; i++) {
		const char *cells[2] = { names[i], nums[i] };
		char key[8];

		snprintf(key, sizeof(key), "%zu", i);
		table_model_add_row(m, key, THEME_DEFAULT, cells);
	}
	table_set_model(t, m, 0);
	table_sort(t, 0, false);
	/* alpha, Node-9, node-09a, node-10, node-100 */
	assert_int_equal(table_view_row(t, 0), 4);
	assert_int_equal(table_view_row(t, 1), 1);
	assert_int_equal(table_view_row(t, 2), 3);
	assert_int_equal(table_view_row(t, 3), 0);
	assert_int_equal(table_view_row(t, 4), 2);
	table_sort(t, 1, false);
	/* -2, 1.5, 10, 3e1 (30), then the text "n/a" */
	assert_int_equal(table_view_row(t, 0), 1);
	assert_int_equal(table_view_row(t, 1), 0);
	assert_int_equal(table_view_row(t, 2), 3);
	assert_int_equal(table_view_row(t, 3), 4);
	assert_int_equal(table_view_row(t, 4), 2);
	table_free(t);
}

/* Sort column 0 by the caller's comparator (here: by string length). */
static int
cmp_by_length(const struct table_model *m, size_t a, size_t b, size_t col,
    void *arg)
{
	size_t la = strlen(table_model_cell(m, a, col));
	size_t lb = strlen(table_model_cell(m, b, col));

	(*(int *)arg)++;
	return la < lb ? -1 : la > lb;
}

/* A caller comparator replaces the default order; ties keep model order. */
static void
test_comparator_hook(void **state)
{
	struct table *t = table_new(cols3, 3);
	int calls = 0;

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	table_set_compare(t, 0, cmp_by_length, &calls);
	table_sort(t, 0, false);
	assert_true(calls > 0);
	/* echo(4) alpha(5) bravo(5) delta(5) charlie(7) */
	assert_int_equal(table_view_row(t, 0), 4);
	assert_int_equal(table_view_row(t, 1), 0);
	assert_int_equal(table_view_row(t, 2), 1);
	assert_int_equal(table_view_row(t, 3), 3);
	assert_int_equal(table_view_row(t, 4), 2);
	table_sort(t, 0, true);
	assert_int_equal(table_view_row(t, 0), 2);
	/* Descending reverses the comparator, not the tie order. */
	assert_int_equal(table_view_row(t, 1), 0);
	assert_int_equal(table_view_row(t, 4), 4);
	table_free(t);
}

#define BIG 10000

/* Deterministic shuffle so row order differs from name order. */
static unsigned
perm(unsigned i)
{
	return (i * 7919u) % BIG;
}

/* The 10,000-row model: node-N named, ages i*37 % 1000. */
static struct table_model *
big_model(void)
{
	struct table_model *m = table_model_new(3, 0);
	char key[16], name[32], status[16], age[16];
	unsigned i, n;

	for (i = 0; i < BIG; i++) {
		const char *cells[3] = { name, status, age };

		n = perm(i);
		snprintf(key, sizeof(key), "key-%u", n);
		snprintf(name, sizeof(name), "node-%u", n);
		snprintf(status, sizeof(status), "%s", n % 3 ? "Ready" :
		    "NotReady");
		snprintf(age, sizeof(age), "%u", (n * 37) % 1000);
		table_model_add_row(m, key, THEME_DEFAULT, cells);
	}
	return m;
}

/* Number N of row r's "node-N" name. */
static unsigned
node_num(const struct table *t, long r)
{
	return (unsigned)strtoul(table_model_cell(table_get_model(t),
	    (size_t)r, 0) + 5, NULL, 10);
}

/* 10,000 rows sort and filter correctly (checked against brute force). */
static void
test_big_sort_filter(void **state)
{
	struct table *t = table_new(cols3, 3);
	struct cm_err err;
	size_t i, expect;
	unsigned prev, cur;
	char name[32];

	table_set_model(t, big_model(), 0);
	assert_int_equal(table_count(t), BIG);
	assert_int_equal(table_total(t), BIG);
	table_sort(t, 0, false);
	for (i = 0; i < BIG; i++)
		assert_int_equal(node_num(t, table_view_row(t, i)), i);
	table_sort(t, 2, true);
	prev = 1000;
	for (i = 0; i < BIG; i++) {
		cur = (unsigned)atoi(table_model_cell(table_get_model(t),
		    (size_t)table_view_row(t, i), 2));
		assert_true(cur <= prev);
		prev = cur;
	}
	/* Substring, case-insensitive. */
	table_sort(t, 0, false);
	assert_int_equal(table_set_filter(t, "NODE-99", NULL, &err), CM_OK);
	expect = 0;
	for (i = 0; i < BIG; i++) {
		snprintf(name, sizeof(name), "node-%zu", i);
		if (strstr(name, "node-99") != NULL)
			expect++;
	}
	assert_int_equal(table_count(t), expect);	/* 99, 990-999, 99xx */
	prev = 0;
	for (i = 0; i < table_count(t); i++) {
		cur = node_num(t, table_view_row(t, i));
		snprintf(name, sizeof(name), "node-%u", cur);
		assert_non_null(strstr(name, "node-99"));
		assert_true(i == 0 || cur > prev);	/* still sorted */
		prev = cur;
	}
	/* A regex anchored at the cell: exactly node-10 .. node-19. */
	assert_int_equal(table_set_filter(t, "/^node-1[0-9]$/", NULL, &err),
	    CM_OK);
	assert_int_equal(table_count(t), 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(node_num(t, table_view_row(t, i)), 10 + i);
	/* Inverse: every row that does not mention NotReady. */
	assert_int_equal(table_set_filter(t, "!notready", NULL, &err), CM_OK);
	expect = 0;
	for (i = 0; i < BIG; i++)
		if (i % 3 != 0)
			expect++;
	assert_int_equal(table_count(t), expect);
	for (i = 0; i < table_count(t); i++)
		assert_true(node_num(t, table_view_row(t, i)) % 3 != 0);
	/* Clearing the filter brings back everything, in order. */
	assert_int_equal(table_set_filter(t, "", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), BIG);
	assert_int_equal(node_num(t, table_view_row(t, BIG - 1)), BIG - 1);
	table_free(t);
}

/* Regex filters match per cell; "!" inverts; "\!" is a literal "!". */
static void
test_regex_and_inverse(void **state)
{
	static const char *const keys[] = { "1", "2", "3", "4" };
	static const char *const names[] = { "api-1", "web-22", "!bang",
		"db" };
	static const char *const status[] = { "ok", "okay", "ok", "down" };
	static const char *const ages[] = { "1", "2", "3", "4" };
	struct table *t = table_new(cols3, 3);
	struct cm_err err;
	unsigned changed;

	table_set_model(t, model3(keys, names, status, ages, 4), 0);
	assert_int_equal(table_set_filter(t, "/^ok$/", &changed, &err), CM_OK);
	assert_true(changed & TABLE_CHANGED_ROWS);
	assert_int_equal(table_count(t), 2);	/* not "okay" */
	assert_string_equal(table_filter(t), "/^ok$/");
	/* "^" anchors at each cell, so a name cell can match too. */
	assert_int_equal(table_set_filter(t, "/^(API|db)", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 2);
	assert_int_equal(table_view_row(t, 0), 0);
	assert_int_equal(table_view_row(t, 1), 3);
	/* No match spans two cells ("22" then "okay"). */
	assert_int_equal(table_set_filter(t, "/22.okay/", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 0);
	assert_int_equal(table_set_filter(t, "!/^ok/", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 1);
	assert_int_equal(table_view_row(t, 0), 3);
	assert_int_equal(table_set_filter(t, "\\!b", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 1);
	assert_int_equal(table_view_row(t, 0), 2);
	/* A lone "!" or "/" (still typing) filters nothing. */
	assert_int_equal(table_set_filter(t, "!", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 4);
	assert_int_equal(table_set_filter(t, "!/", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 4);
	assert_int_equal(table_set_filter(t, "!web", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 3);
	table_free(t);
}

/* A bad regex is an error message, and the previous filter stays. */
static void
test_bad_regex(void **state)
{
	struct table *t = table_new(cols3, 3);
	struct cm_err err;
	unsigned changed = 99;

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	assert_int_equal(table_set_filter(t, "ok", NULL, &err), CM_OK);
	assert_int_equal(table_count(t), 3);
	cm_err_clear(&err);
	assert_int_equal(table_set_filter(t, "/a(b/", &changed, &err),
	    CM_VALIDATION);
	assert_int_equal(changed, TABLE_CHANGED_NONE);
	assert_int_equal(err.status, CM_VALIDATION);
	assert_non_null(strstr(err.msg, "bad regex: "));
	assert_true(strlen(err.msg) > strlen("bad regex: "));
	assert_string_equal(table_filter(t), "ok");
	assert_int_equal(table_count(t), 3);
	assert_int_equal(table_set_filter(t, "/[z-a]/", NULL, &err),
	    CM_VALIDATION);
	assert_int_equal(table_count(t), 3);
	table_free(t);
}

/* The selection follows its key across sorts and model swaps. */
static void
test_selection_kept_by_key(void **state)
{
	static const char *const k2[] = { "x", "e", "d", "c", "b", "a" };
	static const char *const n2[] = { "xray", "echo", "delta",
		"charlie", "bravo", "alpha" };
	static const char *const s2[] = { "ok", "ok", "ok", "ok", "ok",
		"ok" };
	static const char *const a2[] = { "1", "1", "1", "1", "1", "1" };
	struct table *t = table_new(cols3, 3);
	unsigned bits;

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	assert_string_equal(table_selected_key(t), "a");
	assert_true(table_select_key(t, "c") & TABLE_CHANGED_SELECTION);
	assert_int_equal(table_selected_pos(t), 2);
	/* Same keys in another order plus a new row: still on "c". */
	bits = table_set_model(t, model3(k2, n2, s2, a2, 6), 1000);
	assert_true(bits & TABLE_CHANGED_ROWS);
	assert_false(bits & TABLE_CHANGED_SELECTION);
	assert_string_equal(table_selected_key(t), "c");
	assert_int_equal(table_selected_pos(t), 3);
	assert_int_equal(table_selected_row(t), 3);
	/* The selected row goes away: the position is kept. */
	bits = table_set_model(t, model3(k5, n5, s5, a5, 2), 2000);
	assert_true(bits & TABLE_CHANGED_SELECTION);
	assert_string_equal(table_selected_key(t), "b");
	/* An unknown key changes nothing. */
	assert_int_equal(table_select_key(t, "zzz"), TABLE_CHANGED_NONE);
	/* An empty model: no selection at all. */
	table_set_model(t, table_model_new(3, 0), 3000);
	assert_null(table_selected_key(t));
	assert_int_equal(table_selected_row(t), -1);
	assert_int_equal(table_selected_pos(t), -1);
	assert_int_equal(table_navigate(t, TABLE_NAV_DOWN),
	    TABLE_CHANGED_NONE);
	table_free(t);
}

/* A row hidden by the filter is selected again when the filter goes. */
static void
test_selection_survives_filter(void **state)
{
	struct table *t = table_new(cols3, 3);
	struct cm_err err;

	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	table_select_key(t, "d");
	table_set_filter(t, "ok", NULL, &err);	/* delta is "crit" */
	assert_int_equal(table_count(t), 3);
	assert_non_null(table_selected_key(t));
	assert_string_not_equal(table_selected_key(t), "d");
	table_set_filter(t, "", NULL, &err);
	assert_string_equal(table_selected_key(t), "d");
	/* After the user moves, the new row is the one remembered. */
	table_set_filter(t, "ok", NULL, &err);
	table_navigate(t, TABLE_NAV_TOP);
	table_set_filter(t, "", NULL, &err);
	assert_string_equal(table_selected_key(t), "a");
	table_free(t);
}

/* New and changed rows are marked, unchanged ones are not; marks fade. */
static void
test_change_markers(void **state)
{
	static const char *const s2[] = { "ok", "CRIT", "ok", "crit", "ok" };
	static const char *const k6[] = { "a", "b", "c", "d", "e", "f" };
	static const char *const n6[] = { "alpha", "bravo", "charlie",
		"delta", "echo", "foxtrot" };
	static const char *const s6[] = { "ok", "CRIT", "ok", "crit", "ok",
		"ok" };
	static const char *const a6[] = { "5", "40", "3", "100", "7", "1" };
	struct table *t = table_new(cols3, 3);
	WINDOW *win = newwin(8, 40, 0, 0);
	const int64_t t0 = 1000000;
	size_t r;

	table_set_fade_ms(t, 5000);
	/* The first model marks nothing. */
	table_set_model(t, model3(k5, n5, s5, a5, 5), t0);
	for (r = 0; r < 5; r++)
		assert_false(table_row_marked(t, r, t0));
	assert_int_equal(table_next_fade(t, t0), -1);
	/* bravo's status changes. */
	table_set_model(t, model3(k5, n5, s2, a5, 5), t0 + 1000);
	assert_false(table_row_marked(t, 0, t0 + 1000));
	assert_true(table_row_marked(t, 1, t0 + 1000));
	assert_false(table_row_marked(t, 2, t0 + 1000));
	assert_int_equal(table_next_fade(t, t0 + 1000), t0 + 6000);
	table_draw(t, win, t0 + 1000);
	assert_string_equal(curses_fixture_line(win, 2),
	    " *bravo                       CRIT    40");
	assert_int_equal(mvwinch(win, 2, 1) & A_CHARTEXT, '*');
	assert_int_equal(mvwinch(win, 1, 1) & A_CHARTEXT, ' ');
	/* ROW_CHANGED is bold in monochrome. */
	assert_true(attr_at(win, 2, 4) & A_BOLD);
	assert_false(attr_at(win, 3, 4) & A_BOLD);
	/* A new row; bravo is unchanged and keeps its original mark time. */
	table_set_model(t, model3(k6, n6, s6, a6, 6), t0 + 3000);
	assert_true(table_row_marked(t, 5, t0 + 3000));
	assert_true(table_row_marked(t, 1, t0 + 5999));
	assert_false(table_row_marked(t, 1, t0 + 6000));
	assert_true(table_row_marked(t, 5, t0 + 7999));
	assert_int_equal(table_next_fade(t, t0 + 3000), t0 + 6000);
	assert_int_equal(table_next_fade(t, t0 + 6000), t0 + 8000);
	assert_int_equal(table_next_fade(t, t0 + 8000), -1);
	/* Faded: the marker is gone from the screen. */
	table_draw(t, win, t0 + 8000);
	assert_int_equal(mvwinch(win, 2, 1) & A_CHARTEXT, ' ');
	assert_int_equal(mvwinch(win, 6, 1) & A_CHARTEXT, ' ');
	assert_false(attr_at(win, 2, 4) & A_BOLD);
	/* fade 0 turns markers off. */
	table_set_fade_ms(t, 0);
	table_set_model(t, model3(k5, n5, s5, a5, 5), t0 + 9000);
	assert_false(table_row_marked(t, 1, t0 + 9000));
	delwin(win);
	table_free(t);
}

/* Row and cell roles are drawn; the selection overrides them. */
static void
test_roles(void **state)
{
	static const struct table_column c[] = {
		{ "A", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
		{ "B", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	};
	const char *cells[2] = { "aa", "bb" };
	struct table_model *m = table_model_new(2, 2);
	struct table *t = table_new(c, 2);
	WINDOW *win = newwin(3, 20, 0, 0);

	table_model_add_row(m, "1", THEME_DEFAULT, cells);
	table_model_add_row(m, "2", THEME_ROW_DIM, cells);
	table_model_set_cell_role(m, 1, 1, THEME_SEV_CRIT);
	table_set_model(t, m, 0);
	table_draw(t, win, 0);
	/* Row 2: ROW_DIM (A_DIM) for "aa", SEV_CRIT (bold+reverse) for "bb". */
	assert_true(attr_at(win, 2, 2) & A_DIM);
	assert_true(attr_at(win, 2, 5) & A_BOLD);
	assert_true(attr_at(win, 2, 5) & A_REVERSE);
	table_navigate(t, TABLE_NAV_DOWN);
	table_draw(t, win, 0);
	assert_false(attr_at(win, 2, 2) & A_DIM);
	assert_false(attr_at(win, 2, 5) & A_BOLD);
	assert_true(attr_at(win, 2, 5) & A_REVERSE);
	delwin(win);
	table_free(t);
}

/* Paging moves by the drawn height and keeps the selection on screen. */
static void
test_navigation(void **state)
{
	struct table *t = table_new(cols3, 3);
	WINDOW *win = newwin(11, 40, 0, 0);	/* 10 data rows */
	unsigned bits;

	table_set_model(t, big_model(), 0);
	table_sort(t, 0, false);
	table_draw(t, win, 0);
	assert_int_equal(table_navigate(t, TABLE_NAV_UP), TABLE_CHANGED_NONE);
	bits = table_navigate(t, TABLE_NAV_PAGE_DOWN);
	assert_true(bits & TABLE_CHANGED_SELECTION);
	assert_true(bits & TABLE_CHANGED_SCROLL);
	assert_int_equal(table_selected_pos(t), 10);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 1),
	    "> node-10                   Ready    370");
	table_navigate(t, TABLE_NAV_HALF_DOWN);
	assert_int_equal(table_selected_pos(t), 15);
	table_navigate(t, TABLE_NAV_PAGE_UP);
	assert_int_equal(table_selected_pos(t), 5);
	table_navigate(t, TABLE_NAV_BOTTOM);
	assert_int_equal(table_selected_pos(t), BIG - 1);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 10),
	    "> node-9999                 NotReady 963");
	assert_string_equal(curses_fixture_line(win, 1),
	    "  node-9990                 NotReady 630");
	assert_int_equal(table_navigate(t, TABLE_NAV_DOWN),
	    TABLE_CHANGED_NONE);
	table_navigate(t, TABLE_NAV_TOP);
	assert_int_equal(table_selected_pos(t), 0);
	assert_int_equal(table_select_pos(t, BIG + 5) &
	    TABLE_CHANGED_SELECTION, TABLE_CHANGED_SELECTION);
	assert_int_equal(table_selected_pos(t), BIG - 1);
	delwin(win);
	table_free(t);
}

/* Narrow windows shrink, then drop, columns; wide mode adds columns;
 * Right/Left scroll the columns that were dropped into view. */
static void
test_layout(void **state)
{
	static const struct table_column c[] = {
		{ "NAME", 6, 0, 1, TABLE_ALIGN_LEFT, 0 },
		{ "DETAIL", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
		{ "EXTRA", 0, 0, 0, TABLE_ALIGN_LEFT, TABLE_COL_WIDE },
		{ "LAST", 0, 0, 0, TABLE_ALIGN_LEFT, 0 },
	};
	const char *cells[4] = { "name-long-long", "detail-text", "xx",
		"zz" };
	struct table_model *m = table_model_new(4, 1);
	struct table *t = table_new(c, 4);
	WINDOW *w40 = newwin(2, 40, 0, 0), *w20 = newwin(2, 20, 0, 0);
	WINDOW *w16 = newwin(2, 16, 0, 0);

	table_model_add_row(m, "k", THEME_DEFAULT, cells);
	table_set_model(t, m, 0);
	table_draw(t, w40, 0);
	/* NAME flexes to take the spare room; EXTRA is hidden. */
	assert_string_equal(curses_fixture_line(w40, 0),
	    "  NAME                  DETAIL      LAST");
	assert_string_equal(curses_fixture_line(w40, 1),
	    "> name-long-long        detail-text zz");
	table_set_wide(t, true);
	assert_true(table_wide(t));
	table_draw(t, w40, 0);
	assert_string_equal(curses_fixture_line(w40, 1),
	    "> name-long-long  detail-text xx    zz");
	table_set_wide(t, false);
	/* 20 columns: NAME and DETAIL shrink to their minimums. */
	table_draw(t, w20, 0);
	assert_string_equal(curses_fixture_line(w20, 1), "> name-~ detai~ zz");
	assert_int_equal(table_navigate(t, TABLE_NAV_RIGHT),
	    TABLE_CHANGED_NONE);
	/* 16 columns: LAST no longer fits and is dropped. */
	table_draw(t, w16, 0);
	assert_string_equal(curses_fixture_line(w16, 0), "  NAME    DETAIL");
	assert_string_equal(curses_fixture_line(w16, 1), "> name-l~ detai~");
	/* Right scrolls the columns after the pinned first one. */
	assert_true(table_navigate(t, TABLE_NAV_RIGHT) & TABLE_CHANGED_ROWS);
	table_draw(t, w16, 0);
	assert_string_equal(curses_fixture_line(w16, 0), "  NAME      LAST");
	assert_string_equal(curses_fixture_line(w16, 1), "> name-lon~ zz");
	table_navigate(t, TABLE_NAV_LEFT);
	table_draw(t, w16, 0);
	assert_string_equal(curses_fixture_line(w16, 0), "  NAME    DETAIL");
	delwin(w16);
	delwin(w40);
	delwin(w20);
	table_free(t);
}

/* With no rows the empty text shows; without a header row 0 is data. */
static void
test_empty_and_headerless(void **state)
{
	struct table *t = table_new(cols3, 3);
	WINDOW *win = newwin(3, 30, 0, 0);
	struct cm_err err;

	table_set_empty_text(t, "No rows");
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 1), "           No rows");
	table_set_model(t, model3(k5, n5, s5, a5, 5), 0);
	table_set_filter(t, "nothing-matches", NULL, &err);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 1), "           No rows");
	assert_string_equal(curses_fixture_line(win, 2), "");
	table_set_filter(t, NULL, NULL, &err);
	table_set_header(t, false);
	assert_int_equal(table_page_rows(t, 3), 3);
	table_draw(t, win, 0);
	assert_string_equal(curses_fixture_line(win, 0),
	    "> alpha             ok       5");
	delwin(win);
	table_free(t);
	table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_basics),
		cmocka_unit_test(test_draw_rows),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_sort_arrow),
		cmocka_unit_test(test_natural_and_numeric_sort),
		cmocka_unit_test(test_comparator_hook),
		cmocka_unit_test(test_big_sort_filter),
		cmocka_unit_test(test_regex_and_inverse),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_selection_kept_by_key),
		cmocka_unit_test(test_selection_survives_filter),
		cmocka_unit_test(test_change_markers),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_navigation),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_empty_and_headerless),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("table", tests, group_setup,
	    group_teardown);
}
