/*
 * test_chart.c - line charts: nice ticks, value and time labels, stats,
 * the style chosen for a box, and what is drawn: braille, half-block and
 * ASCII lines on the right rows, axes with units, time labels, gaps not
 * joined, "no data", and the numbers a chart degrades to.  Drawing goes
 * to a newterm() screen on /dev/null and is read back cell by cell.
 */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tests/unit/curses_fixture.h"
#include "tui/chart.h"
#include "tui/glyphs.h"

#define HOUR 3600e3

static int
group_setup(void **state)
{
	return curses_fixture_setup(true, SCREEN_COLORS_NONE);
}

static int
group_teardown(void **state)
{
	return curses_fixture_teardown();
}

/* Row y of win as UTF-8, trailing blanks removed (wide-char safe). */
static const char *
row_text(WINDOW *win, int y)
{
	static char buf[2048];
	size_t used = 0, k;
	int x, w = getmaxx(win);
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t at;
	short pair;
	mbstate_t ms;
	char mb[MB_LEN_MAX];

	for (x = 0; x < w && used + 16 < sizeof buf; x++) {
		if (mvwin_wch(win, y, x, &cc) == ERR)
			break;
		getcchar(&cc, wc, &at, &pair, NULL);
		memset(&ms, 0, sizeof ms);
		k = wcrtomb(mb, wc[0] != 0 ? wc[0] : L' ', &ms);
		if (k == (size_t)-1)
			continue;
		memcpy(buf + used, mb, k);
		used += k;
	}
	buf[used] = '\0';
	while (used > 0 && buf[used - 1] == ' ')
		buf[--used] = '\0';
	return buf;
}

/* Count occurrences of needle in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* Ranges widen to steps of 1, 2, 2.5 or 5 times a power of ten. */
static void
test_nice_range(void **state)
{
	double lo = 0, hi = 87, step;

	step = chart_nice_range(&lo, &hi, 5);
	assert_true(step == 25 && lo == 0 && hi == 100);
	lo = 0;
	hi = 41.2;
	step = chart_nice_range(&lo, &hi, 6);
	assert_true(step == 10 && hi == 50);
	lo = 0.3;
	hi = 0.7;
	step = chart_nice_range(&lo, &hi, 5);
	assert_true(fabs(step - 0.1) < 1e-12);
	assert_true(fabs(lo - 0.3) < 1e-9 && fabs(hi - 0.7) < 1e-9);
	/* A flat series still gets a range that starts at zero. */
	lo = hi = 5;
	step = chart_nice_range(&lo, &hi, 4);
	assert_true(lo == 0 && hi >= 5 && (hi - lo) / step + 1 <= 4);
	/* Nonsense becomes 0..1. */
	lo = NAN;
	hi = 3;
	chart_nice_range(&lo, &hi, 3);
	assert_true(lo == 0 && hi == 1);
}

/* Units: percent, bytes in powers of 1024, SI suffixes otherwise. */
static void
test_format_value(void **state)
{
	char b[32];

	chart_format_value(42, "%", 10, b, sizeof b);
	assert_string_equal(b, "42%");
	chart_format_value(41.25, "%", 0, b, sizeof b);
	assert_string_equal(b, "41.2%");
	chart_format_value(1536.0 * 1024 * 1024, "bytes", 0, b, sizeof b);
	assert_string_equal(b, "1.50G");
	chart_format_value(1536.0 * 1024 * 1024, "bytes", 512.0 * 1024 * 1024,
	    b, sizeof b);
	assert_string_equal(b, "1.5G");
	chart_format_value(512, "bytes", 0, b, sizeof b);
	assert_string_equal(b, "512B");
	chart_format_value(2500, "", 0, b, sizeof b);
	assert_string_equal(b, "2.50k");
	chart_format_value(12, NULL, 5, b, sizeof b);
	assert_string_equal(b, "12");
	chart_format_value(0.25, "cores", 0, b, sizeof b);
	assert_string_equal(b, "0.25");
	chart_format_value(40, "", 0, b, sizeof b);
	assert_string_equal(b, "40");
	chart_format_value(NAN, "%", 0, b, sizeof b);
	assert_string_equal(b, "-");
}

/* Time labels: clock time for short ranges, the date for long ones. */
static void
test_format_time(void **state)
{
	char b[16];

	chart_format_time(HOUR * 25 + 30 * 60e3, HOUR, b, sizeof b);
	assert_string_equal(b, "01:30");
	chart_format_time(HOUR * 24 * 40, 7 * 24 * HOUR, b, sizeof b);
	assert_string_equal(b, "02-10");
}

/* Stats skip NaN and points outside the range. */
static void
test_stats(void **state)
{
	double t[] = { 0, 1, 2, 3, 4 };
	double v[] = { 10, NAN, 30, 20, 99 };
	struct chart_series s = { "a", t, v, 5, THEME_SPARK };
	struct chart_stats st;

	chart_stats(&s, 0, 3, &st);
	assert_int_equal(st.n, 3);
	assert_true(st.min == 10 && st.max == 30 && st.avg == 20 &&
	    st.last == 20);
	s.n = 0;
	chart_stats(&s, 0, 0, &st);
	assert_int_equal(st.n, 0);
	assert_true(isnan(st.last));
}

/* Braille with UTF-8, ASCII without; numbers when small, asked, or in
 * monochrome with several series. */
static void
test_style_for(void **state)
{
	struct chart_opts o;

	memset(&o, 0, sizeof o);
	glyphs_init(true);
	assert_int_equal(chart_style_for(&o, 1, 10, 60), CHART_BRAILLE);
	assert_int_equal(chart_style_for(&o, 1, 4, 60), CHART_NUMBERS);
	assert_int_equal(chart_style_for(&o, 1, 10, 20), CHART_NUMBERS);
	o.mono = true;
	assert_int_equal(chart_style_for(&o, 1, 10, 60), CHART_BRAILLE);
	assert_int_equal(chart_style_for(&o, 2, 10, 60), CHART_NUMBERS);
	o.mono = false;
	o.style = CHART_BLOCK;
	assert_int_equal(chart_style_for(&o, 2, 10, 60), CHART_BLOCK);
	glyphs_init(false);
	assert_int_equal(chart_style_for(&o, 2, 10, 60), CHART_ASCII);
	o.style = CHART_NUMBERS;
	assert_int_equal(chart_style_for(&o, 1, 10, 60), CHART_NUMBERS);
	glyphs_init(true);
}

/* Points every minute over an hour at value v. */
static void
flat_series(double *t, double *v, size_t n, double value)
{
	size_t i;

	for (i = 0; i < n; i++) {
		t[i] = HOUR * 10 + (double)i * 60e3;
		v[i] = value;
	}
}

static void
pct_opts(struct chart_opts *o, const char *title)
{
	memset(o, 0, sizeof *o);
	o->title = title;
	o->unit = "%";
	o->from_ms = HOUR * 10;
	o->to_ms = HOUR * 11;
	o->ymin = 0;
	o->ymax = 100;
}

/* A flat line at 50 % on a 0..100 axis: braille dots on the 50 % row,
 * labelled ticks, the newest value in the title, time labels below. */
static void
test_draw_braille(void **state)
{
	WINDOW *win = newwin(8, 40, 0, 0);
	double t[61], v[61];
	struct chart_series s = { "cpu", t, v, 61, THEME_SPARK };
	struct chart_opts o;
	int r;

	glyphs_init(true);
	flat_series(t, v, 61, 50);
	pct_opts(&o, "CPU");
	chart_draw(win, 0, 0, 8, 40, &s, 1, &o);
	assert_non_null(strstr(row_text(win, 0), "CPU"));
	assert_non_null(strstr(row_text(win, 0), "now 50%"));
	assert_non_null(strstr(row_text(win, 1), "100%\u2524"));
	assert_non_null(strstr(row_text(win, 3), " 50%\u2524\u2812\u2812"));
	assert_int_equal(count_of(row_text(win, 3), "\u2812"), 34);
	assert_non_null(strstr(row_text(win, 5), "  0%\u2524"));
	/* No dots off the 50 % row. */
	for (r = 1; r <= 5; r++)
		if (r != 3)
			assert_int_equal(count_of(row_text(win, r),
			    "\u2812"), 0);
	assert_non_null(strstr(row_text(win, 6), "\u2514\u2534\u2500"));
	assert_non_null(strstr(row_text(win, 7), "10:00"));
	assert_non_null(strstr(row_text(win, 7), "10:30"));
	delwin(win);
}

/* Two points far apart are not joined when the gap is smaller. */
static void
test_draw_gap(void **state)
{
	WINDOW *win = newwin(8, 40, 0, 0);
	double t[] = { HOUR * 10, HOUR * 11 };
	double v[] = { 50, 50 };
	struct chart_series s = { "cpu", t, v, 2, THEME_SPARK };
	struct chart_opts o;

	glyphs_init(true);
	pct_opts(&o, "CPU");
	o.gap_ms = 120e3;
	chart_draw(win, 0, 0, 8, 40, &s, 1, &o);
	/* One dot each end: left column of the first cell (dot 2) and
	 * right column of the last (dot 5). */
	assert_int_equal(count_of(row_text(win, 3), "\u2802"), 1);
	assert_int_equal(count_of(row_text(win, 3), "\u2810"), 1);
	assert_int_equal(count_of(row_text(win, 3), "\u2812"), 0);
	/* Joined when the gap allows it. */
	o.gap_ms = 2 * HOUR;
	chart_draw(win, 0, 0, 8, 40, &s, 1, &o);
	assert_int_equal(count_of(row_text(win, 3), "\u2812"), 34);
	/* A NaN breaks the line too. */
	delwin(win);
}

/* ASCII and half blocks draw the same line with their own glyphs. */
static void
test_draw_ascii_and_block(void **state)
{
	WINDOW *win = newwin(8, 40, 0, 0);
	double t[61], v[61];
	struct chart_series s = { "cpu", t, v, 61, THEME_SPARK };
	struct chart_opts o;

	flat_series(t, v, 61, 50);
	pct_opts(&o, "CPU");
	glyphs_init(false);
	chart_draw(win, 0, 0, 8, 40, &s, 1, &o);
	assert_non_null(strstr(row_text(win, 3), " 50%+----"));
	assert_non_null(strstr(row_text(win, 6), "+-"));
	glyphs_init(true);
	o.style = CHART_BLOCK;
	chart_draw(win, 0, 0, 8, 40, &s, 1, &o);
	/* 10 dots high: 50 % is dot 4 (from the top, 0-based) = row 2,
	 * the upper half. */
	assert_int_equal(count_of(row_text(win, 3), "\u2580"), 34);
	delwin(win);
}

/* Too small a box, or monochrome with two series: min/avg/max/last. */
static void
test_draw_numbers(void **state)
{
	WINDOW *win = newwin(8, 60, 0, 0);
	double t[] = { HOUR * 10, HOUR * 10 + 60e3, HOUR * 10 + 120e3 };
	double v1[] = { 10, 20, 30 }, v2[] = { 5, 5, 5 };
	struct chart_series s[2] = {
		{ "running", t, v1, 3, THEME_STATUS_OK },
		{ "failed", t, v2, 3, THEME_STATUS_CRIT },
	};
	struct chart_opts o;

	glyphs_init(true);
	pct_opts(&o, "CPU");
	chart_draw(win, 0, 0, 3, 60, s, 1, &o);
	assert_string_equal(row_text(win, 1),
	    "  min 10%  avg 20%  max 30%  last 30%");
	werase(win);
	memset(&o, 0, sizeof o);
	o.title = "Pods";
	o.mono = true;
	chart_draw(win, 0, 0, 8, 60, s, 2, &o);
	assert_non_null(strstr(row_text(win, 0), "Pods"));
	assert_string_equal(row_text(win, 1),
	    "  running    min 10  avg 20  max 30  last 30");
	assert_string_equal(row_text(win, 2),
	    "  failed     min 5  avg 5  max 5  last 5");
	delwin(win);
}

/* Several series with colours get a legend; an empty series says so. */
static void
test_legend_and_no_data(void **state)
{
	WINDOW *win = newwin(8, 60, 0, 0);
	double t[] = { HOUR * 10, HOUR * 10 + 60e3 };
	double v[] = { 1, 2 };
	struct chart_series s[2] = {
		{ "running", t, v, 2, THEME_STATUS_OK },
		{ "failed", t, v, 2, THEME_STATUS_CRIT },
	};
	struct chart_opts o;

	glyphs_init(true);
	memset(&o, 0, sizeof o);
	o.title = "Pods";
	o.from_ms = HOUR * 10;
	o.to_ms = HOUR * 11;
	chart_draw(win, 0, 0, 8, 60, s, 2, &o);
	assert_non_null(strstr(row_text(win, 0),
	    "Pods  \u25cf running  \u25cf failed"));
	s[0].n = 0;
	chart_draw(win, 0, 0, 8, 60, s, 1, &o);
	assert_non_null(strstr(row_text(win, 3), "no data"));
	delwin(win);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_range),
		cmocka_unit_test(test_format_value),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_style_for),
		cmocka_unit_test(test_draw_braille),
		cmocka_unit_test(test_draw_gap),
		cmocka_unit_test(test_draw_ascii_and_block),
		cmocka_unit_test(test_draw_numbers),
		cmocka_unit_test(test_legend_and_no_data),
	};

	return cmocka_run_group_tests_name("chart", tests, group_setup,
	    group_teardown);
}
