/*
 * chart.h - line charts of time series in a box of terminal cells.
 *
 * A chart is a title row (title, unit, a legend when there are several
 * series, the newest value), the plot with a value axis on the left
 * (nice ticks: 1, 2, 2.5 or 5 times a power of ten, labelled with the unit),
 * a time axis and a row of time labels (UTC; "HH:MM" up to two days,
 * "MM-DD" beyond).  Lines are drawn in braille dots (U+2800 block, 2x4
 * dots a cell), in half blocks (1x2) or in ASCII (1x3: ' - .), each
 * series in its theme role.  Points further apart than the gap (or a NaN
 * value) are not joined: missing data shows as a hole, not as a slope.
 *
 * When the box is too small for a readable plot, when the style asks for
 * it, or in monochrome with several series (which only colour would tell
 * apart), the chart degrades to numbers: min, avg, max and last of each
 * series over the range.
 *
 * It knows nothing of metrics or the hub: the caller gives arrays of
 * (time ms, value) and a unit string.  It draws, never refreshes, and
 * keeps no state between calls.
 */
#ifndef CM_TUI_CHART_H
#define CM_TUI_CHART_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "tui/theme.h"

/* Below these a plot is not drawn: the chart shows numbers. */
#define CHART_MIN_ROWS 5	/* title, 2 plot rows, axis, labels */
#define CHART_MIN_PLOT_COLS 16

enum chart_style {
	CHART_AUTO,		/* braille with UTF-8, else ASCII */
	CHART_BRAILLE,
	CHART_BLOCK,
	CHART_ASCII,
	CHART_NUMBERS,		/* min/avg/max/last only */
};

/* One series; the arrays are borrowed for the call. */
struct chart_series {
	const char *name;	/* legend and numbers; may be NULL */
	const double *t;	/* times, epoch ms, ascending */
	const double *v;	/* values; NaN = no value (a gap) */
	size_t n;
	enum theme_role role;
};

struct chart_opts {
	const char *title;	/* may be NULL */
	const char *unit;	/* "%", "bytes", "cores", "" ...; may be NULL */
	double from_ms;		/* time range; from >= to: the data's own */
	double to_ms;
	double ymin;		/* fixed value range when ymin < ymax, */
	double ymax;		/* else from the data (from 0 if all >= 0) */
	double gap_ms;		/* join points at most this far apart; 0:
				 * three times the series' median step */
	enum chart_style style;
	bool mono;		/* no colours on this terminal */
};

/* What a series did over the range (NaN fields when it has no value). */
struct chart_stats {
	double min, avg, max, last;
	size_t n;		/* values counted */
};

/*
 * Draw series s[0..ns) with o into the box y,x,h,w of win (clipped to
 * the window).  Empty series draw "no data" in the plot.
 */
void chart_draw(WINDOW *win, int y, int x, int h, int w,
    const struct chart_series *s, size_t ns, const struct chart_opts *o);

/* The style chart_draw() uses for a box of h x w with ns series. */
enum chart_style chart_style_for(const struct chart_opts *o, size_t ns,
    int h, int w);

/*
 * Widen [*lo, *hi] to nice tick bounds (steps of 1, 2, 2.5 or 5 times a
 * power of ten) with at most max_ticks ticks (>=
 * 2); returns the tick step.  An empty or bad range becomes [lo, lo+1].
 */
double chart_nice_range(double *lo, double *hi, int max_ticks);

/*
 * Format v for an axis or a number with unit: "%" (or "percent") ->
 * "42%", "bytes" ->
 * "1.5G" (powers of 1024), anything else -> "1.2k", "3.5M" (powers of
 * 1000).  step (> 0) is the tick step, which decides the decimals; 0
 * gives three significant digits.
 */
void chart_format_value(double v, const char *unit, double step, char *buf,
    size_t len);

/* A time label for a range spanning span_ms: "HH:MM" or "MM-DD" (UTC). */
void chart_format_time(double t_ms, double span_ms, char *buf, size_t len);

/* Min, avg, max and last of s over [from, to] (from >= to: all). */
void chart_stats(const struct chart_series *s, double from, double to,
    struct chart_stats *out);

#endif
