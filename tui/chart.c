/*
 * chart.c - line charts in braille, half blocks or ASCII.  See chart.h.
 *
 * The plot is a grid of dots (2x4, 1x2 or 1x3 per cell).  Each series
 * is drawn into the grid as line segments between its points (Bresenham
 * in dot space); a cell remembers its dots and the last series that
 * touched it, which gives the cell its colour.  Axes and labels are then
 * laid around the plot with chrome_put(), so everything is clipped and
 * measured the same way as the rest of the console.
 */
#include "config.h"

#include "tui/chart.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"

#define CHART_LABEL_MAX 16

/* The dot grid of a plot. */
struct chart_grid {
	int cw, ch;		/* cells */
	int dx, dy;		/* dots per cell */
	uint8_t *bits;		/* per cell */
	signed char *owner;	/* series index per cell, -1 = none */
};

static const double chart_time_steps[] = {
	60e3, 120e3, 300e3, 600e3, 900e3, 1800e3,
	3600e3, 7200e3, 10800e3, 21600e3, 43200e3,
	86400e3, 172800e3, 604800e3, 1209600e3, 2592000e3,
};

enum chart_style
chart_style_for(const struct chart_opts *o, size_t ns, int h, int w)
{
	enum chart_style st = o != NULL ? o->style : CHART_AUTO;

	if (st == CHART_NUMBERS)
		return CHART_NUMBERS;
	/* 6 columns of labels and the axis beside the plot. */
	if (h < CHART_MIN_ROWS || w - 7 < CHART_MIN_PLOT_COLS)
		return CHART_NUMBERS;
	if (o != NULL && o->mono && ns > 1)
		return CHART_NUMBERS;
	if (!glyphs_utf8())
		return CHART_ASCII;
	return st == CHART_AUTO ? CHART_BRAILLE : st;
}

double
chart_nice_range(double *lo, double *hi, int max_ticks)
{
	double span, raw, mag, f, step;

	if (max_ticks < 2)
		max_ticks = 2;
	if (!isfinite(*lo) || !isfinite(*hi) || *hi < *lo) {
		*lo = 0;
		*hi = 1;
	}
	if (*hi == *lo) {
		if (*lo == 0)
			*hi = 1;
		else if (*lo > 0)
			*lo = 0;
		else
			*hi = 0;
	}
	span = *hi - *lo;
	raw = span / (max_ticks - 1);
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) *
	    mag;
	/* Rounding up may add a tick: take the next step when it does. */
	for (;;) {
		double l = floor(*lo / step + 1e-9) * step;
		double h = ceil(*hi / step - 1e-9) * step;

		if ((h - l) / step + 1 <= max_ticks + 1e-9) {
			*lo = l;
			*hi = h;
			return step;
		}
		f = step / mag;
		if (f < 2)
			step = 2 * mag;
		else if (f < 2.5)
			step = 2.5 * mag;
		else if (f < 5)
			step = 5 * mag;
		else {
			mag *= 10;
			step = mag;
		}
	}
}

/* Decimals for a step: none for >= 1, one for >= 0.1, else two. */
static int
chart_decimals(double step, double v)
{
	double a = fabs(v);

	if (step > 0)
		return step >= 0.999 ? 0 : step >= 0.0999 ? 1 : 2;
	if (v == floor(v) && a < 1e15)
		return 0;	/* a count: 40 pods, not 40.0 */
	/* Three significant digits. */
	return a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
}

void
chart_format_value(double v, const char *unit, double step, char *buf,
    size_t len)
{
	static const char *const bin[] = { "B", "K", "M", "G", "T", "P" };
	static const char *const si[] = { "", "k", "M", "G", "T", "P" };
	bool bytes = unit != NULL && (strcmp(unit, "bytes") == 0 ||
	    strcmp(unit, "B") == 0);
	double base = bytes ? 1024 : 1000, a = fabs(v), s = step;
	int k = 0;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (unit != NULL && (strcmp(unit, "%") == 0 ||
	    strcmp(unit, "percent") == 0)) {
		snprintf(buf, len, "%.*f%%", chart_decimals(step, v), v);
		return;
	}
	/* Scale by the step when it is given, so ticks share a suffix. */
	while (k < 5 && (step > 0 ? fmax(a, s) : a) >= base) {
		a /= base;
		v /= base;
		s /= base;
		k++;
	}
	if (bytes && k == 0) {
		snprintf(buf, len, "%.0fB", v);
		return;
	}
	snprintf(buf, len, "%.*f%s", chart_decimals(step > 0 ? s : 0, v), v,
	    bytes ? bin[k] : si[k]);
}

void
chart_format_time(double t_ms, double span_ms, char *buf, size_t len)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, span_ms <= 2 * 86400e3 ? "%H:%M" : "%m-%d", &tm);
}

void
chart_stats(const struct chart_series *s, double from, double to,
    struct chart_stats *out)
{
	double sum = 0;
	size_t i;

	out->min = out->max = out->avg = out->last = NAN;
	out->n = 0;
	for (i = 0; i < s->n; i++) {
		if (!isfinite(s->v[i]))
			continue;
		if (from < to && (s->t[i] < from || s->t[i] > to))
			continue;
		if (out->n == 0 || s->v[i] < out->min)
			out->min = s->v[i];
		if (out->n == 0 || s->v[i] > out->max)
			out->max = s->v[i];
		sum += s->v[i];
		out->last = s->v[i];
		out->n++;
	}
	if (out->n > 0)
		out->avg = sum / (double)out->n;
}

/* ---- the dot grid ---- */

static void
chart_grid_set(struct chart_grid *g, int x, int y, int series)
{
	int cx, cy, bx, by, bit;

	if (x < 0 || y < 0 || x >= g->cw * g->dx || y >= g->ch * g->dy)
		return;
	cx = x / g->dx;
	cy = y / g->dy;
	bx = x % g->dx;
	by = y % g->dy;
	if (g->dx == 2) {
		/* Braille numbering: dots 1-3 and 7 left, 4-6 and 8 right. */
		static const int map[2][4] = {
			{ 0x01, 0x02, 0x04, 0x40 },
			{ 0x08, 0x10, 0x20, 0x80 },
		};

		bit = map[bx][by];
	} else {
		bit = 1 << by;
	}
	g->bits[cy * g->cw + cx] |= (uint8_t)bit;
	g->owner[cy * g->cw + cx] = (signed char)series;
}

static void
chart_grid_line(struct chart_grid *g, int x0, int y0, int x1, int y1,
    int series)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int err = dx + dy, e2;

	for (;;) {
		chart_grid_set(g, x0, y0, series);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* Three times the median step between the series' points. */
static double
chart_auto_gap(const struct chart_series *s)
{
	double *d, gap;
	size_t i, n = 0;

	if (s->n < 3)
		return INFINITY;
	d = xcalloc(s->n, sizeof *d);
	for (i = 1; i < s->n; i++)
		if (s->t[i] > s->t[i - 1])
			d[n++] = s->t[i] - s->t[i - 1];
	if (n == 0) {
		free(d);
		return INFINITY;
	}
	/* Insertion sort: a chart has a few hundred points at most. */
	for (i = 1; i < n; i++) {
		double v = d[i];
		size_t j = i;

		while (j > 0 && d[j - 1] > v) {
			d[j] = d[j - 1];
			j--;
		}
		d[j] = v;
	}
	gap = 3 * d[n / 2];
	free(d);
	return gap;
}

static void
chart_plot_series(struct chart_grid *g, const struct chart_series *s,
    int idx, double from, double to, double lo, double hi, double gap)
{
	int dw = g->cw * g->dx, dh = g->ch * g->dy, px = 0, py = 0, x, y;
	bool have = false;
	double prev_t = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!isfinite(s->v[i]) || s->t[i] < from || s->t[i] > to) {
			have = false;
			continue;
		}
		x = (int)lround((s->t[i] - from) / (to - from) * (dw - 1));
		y = (dh - 1) - (int)lround((s->v[i] - lo) / (hi - lo) *
		    (dh - 1));
		if (y < 0)
			y = 0;
		if (y > dh - 1)
			y = dh - 1;
		if (have && s->t[i] - prev_t <= gap)
			chart_grid_line(g, px, py, x, y, idx);
		else
			chart_grid_set(g, x, y, idx);
		px = x;
		py = y;
		prev_t = s->t[i];
		have = true;
	}
}

/* The glyph of a cell's dots as UTF-8 (or ASCII) into buf[8]. */
static void
chart_cell_glyph(const struct chart_grid *g, uint8_t bits, char *buf)
{
	static const char *const ascii[8] = {
		" ", "'", "-", "|", ".", ":", "|", "|",
	};
	static const char *const block[4] = {
		" ", "\u2580", "\u2584", "\u2588",
	};
	unsigned cp;

	if (g->dx == 2) {
		cp = 0x2800u + bits;
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = '\0';
	} else if (g->dy == 2) {
		snprintf(buf, 8, "%s", block[bits & 3]);
	} else {
		snprintf(buf, 8, "%s", ascii[bits & 7]);
	}
}

/* ---- the frame ---- */

/* The data's time range when the caller gave none. */
static void
chart_time_range(const struct chart_series *s, size_t ns, double *from,
    double *to)
{
	size_t i;

	*from = INFINITY;
	*to = -INFINITY;
	for (i = 0; i < ns; i++) {
		if (s[i].n == 0)
			continue;
		*from = fmin(*from, s[i].t[0]);
		*to = fmax(*to, s[i].t[s[i].n - 1]);
	}
	if (!(*to > *from)) {
		*from = isfinite(*from) ? *from - 60e3 : 0;
		*to = *from + 120e3;
	}
}

/* Title row: title (unit), legend or the newest value on the right. */
static void
chart_draw_title(WINDOW *win, int y, int x, int w,
    const struct chart_series *s, size_t ns, const struct chart_opts *o,
    bool legend)
{
	char buf[160], val[CHART_LABEL_MAX];
	struct chart_stats st;
	const char *unit = o->unit != NULL ? o->unit : "";
	int used, lw;
	size_t i;

	chrome_put(win, y, x, w, "", 0, THEME_ROW, CHROME_LEFT);
	if (*unit != '\0' && strcmp(unit, "%") != 0 &&
	    strcmp(unit, "percent") != 0)
		snprintf(buf, sizeof buf, "%s (%s)", o->title != NULL ?
		    o->title : "", unit);
	else
		snprintf(buf, sizeof buf, "%s", o->title != NULL ? o->title :
		    "");
	used = chrome_text_width(buf);
	if (used > w)
		used = w;
	chrome_put(win, y, x, used, buf, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	if (legend && ns > 1) {
		for (i = 0; i < ns && used < w; i++) {
			snprintf(buf, sizeof buf, "  %s %s",
			    glyphs_get(GLYPH_SEV_DOT), s[i].name != NULL ?
			    s[i].name : "");
			lw = chrome_text_width(buf);
			if (used + lw > w)
				break;
			chrome_put(win, y, x + used, lw, buf, (size_t)-1,
			    s[i].role, CHROME_LEFT);
			used += lw;
		}
		return;
	}
	if (ns != 1)
		return;		/* several lines: no one "now" */
	chart_stats(&s[0], o->from_ms, o->to_ms, &st);
	if (st.n == 0)
		return;
	chart_format_value(st.last, unit, 0, val, sizeof val);
	snprintf(buf, sizeof buf, "now %s", val);
	lw = chrome_text_width(buf);
	if (used + 2 + lw <= w)
		chrome_put(win, y, x + w - lw, lw, buf, (size_t)-1, s[0].role,
		    CHROME_LEFT);
}

/* Numbers instead of a plot: one line per series under the title. */
static void
chart_draw_numbers(WINDOW *win, int y, int x, int h, int w,
    const struct chart_series *s, size_t ns, const struct chart_opts *o)
{
	char line[256], a[4][CHART_LABEL_MAX], name[48];
	const char *unit = o->unit != NULL ? o->unit : "";
	struct chart_stats st;
	int row = 1;
	size_t i;

	chart_draw_title(win, y, x, w, s, ns, o, false);
	if (h == 1 && ns > 0) {
		/* One row: the newest value sits on the title line. */
		return;
	}
	for (i = 0; i < ns && row < h; i++, row++) {
		chart_stats(&s[i], o->from_ms, o->to_ms, &st);
		chart_format_value(st.min, unit, 0, a[0], sizeof a[0]);
		chart_format_value(st.avg, unit, 0, a[1], sizeof a[1]);
		chart_format_value(st.max, unit, 0, a[2], sizeof a[2]);
		chart_format_value(st.last, unit, 0, a[3], sizeof a[3]);
		name[0] = '\0';
		if (ns > 1)
			snprintf(name, sizeof name, w >= 70 ? "%-16.16s " :
			    "%-10.10s ", s[i].name != NULL ? s[i].name : "");
		if (st.n == 0)
			snprintf(line, sizeof line, "  %sno data", name);
		else
			snprintf(line, sizeof line, "  %smin %s  avg %s  "
			    "max %s  last %s", name, a[0], a[1], a[2], a[3]);
		/* Narrow: the average goes first, then the range. */
		if (st.n > 0 && chrome_text_width(line) > w)
			snprintf(line, sizeof line, "  %smin %s  max %s  "
			    "last %s", name, a[0], a[2], a[3]);
		if (st.n > 0 && chrome_text_width(line) > w)
			snprintf(line, sizeof line, "  %slast %s", name, a[3]);
		chrome_put(win, y + row, x, w, line, (size_t)-1,
		    st.n == 0 ? THEME_ROW_DIM : ns > 1 ? s[i].role :
		    THEME_ROW, CHROME_LEFT);
	}
	if (ns == 0 && row < h)
		chrome_put(win, y + row, x, w, "  no data", (size_t)-1,
		    THEME_ROW_DIM, CHROME_LEFT);
}

/* Value range of the series over the time range (NaN-free). */
static void
chart_value_range(const struct chart_series *s, size_t ns,
    const struct chart_opts *o, double from, double to, double *lo,
    double *hi)
{
	struct chart_stats st;
	bool any = false;
	size_t i;

	if (o->ymin < o->ymax) {
		*lo = o->ymin;
		*hi = o->ymax;
		return;
	}
	*lo = *hi = 0;
	for (i = 0; i < ns; i++) {
		chart_stats(&s[i], from, to, &st);
		if (st.n == 0)
			continue;
		if (!any || st.min < *lo)
			*lo = st.min;
		if (!any || st.max > *hi)
			*hi = st.max;
		any = true;
	}
	if (*lo > 0)
		*lo = 0;	/* all positive: from zero, honest heights */
}

/* The value axis: labels right-aligned in labw, the axis line. */
static void
chart_draw_yaxis(WINDOW *win, int y, int x, int ph, int labw, int dy,
    double lo, double hi, double step, const char *unit)
{
	char lab[CHART_LABEL_MAX];
	int r, last_row = -1, dh = ph * dy;
	double t;

	for (r = 0; r < ph; r++) {
		chrome_put(win, y + r, x, labw, "", 0, THEME_ROW, CHROME_LEFT);
		chrome_put(win, y + r, x + labw, 1, glyphs_get(GLYPH_VLINE),
		    (size_t)-1, THEME_BORDER, CHROME_LEFT);
	}
	for (t = hi; t >= lo - step / 2; t -= step) {
		int yd = (dh - 1) - (int)lround((t - lo) / (hi - lo) *
		    (dh - 1));

		r = yd / dy;
		if (r == last_row || r < 0 || r >= ph)
			continue;
		last_row = r;
		chart_format_value(fabs(t) < step / 1e6 ? 0 : t, unit, step,
		    lab, sizeof lab);
		chrome_put(win, y + r, x, labw, lab, (size_t)-1, THEME_ROW_DIM,
		    CHROME_RIGHT);
		chrome_put(win, y + r, x + labw, 1, glyphs_get(GLYPH_RTEE),
		    (size_t)-1, THEME_BORDER, CHROME_LEFT);
	}
}

/* The time axis and its labels below the plot. */
static void
chart_draw_xaxis(WINDOW *win, int y, int x, int ax, int pw, double from,
    double to, int w)
{
	char lab[CHART_LABEL_MAX];
	double span = to - from, step = 0, t;
	int i, maxlab, col, lw, next_free = x, pos;
	size_t k;

	chrome_put(win, y, x, w, "", 0, THEME_ROW, CHROME_LEFT);
	chrome_put(win, y + 1, x, w, "", 0, THEME_ROW, CHROME_LEFT);
	chrome_put(win, y, ax, 1, glyphs_get(GLYPH_LLCORNER), (size_t)-1,
	    THEME_BORDER, CHROME_LEFT);
	for (i = 0; i < pw; i++)
		chrome_put(win, y, ax + 1 + i, 1, glyphs_get(GLYPH_HLINE),
		    (size_t)-1, THEME_BORDER, CHROME_LEFT);
	maxlab = pw / 8;
	if (maxlab < 1)
		maxlab = 1;
	for (k = 0; k < sizeof chart_time_steps / sizeof chart_time_steps[0];
	    k++) {
		step = chart_time_steps[k];
		if (span / step <= maxlab)
			break;
	}
	for (t = ceil(from / step) * step; t <= to; t += step) {
		col = (int)floor((t - from) / span * pw);
		if (col > pw - 1)
			col = pw - 1;
		pos = ax + 1 + col;
		chrome_put(win, y, pos, 1, glyphs_get(GLYPH_BTEE), (size_t)-1,
		    THEME_BORDER, CHROME_LEFT);
		chart_format_time(t, span, lab, sizeof lab);
		lw = (int)strlen(lab);
		pos -= lw / 2;
		if (pos < next_free || pos + lw > x + w)
			continue;
		chrome_put(win, y + 1, pos, lw, lab, (size_t)-1,
		    THEME_ROW_DIM, CHROME_LEFT);
		next_free = pos + lw + 1;
	}
}

void
chart_draw(WINDOW *win, int y, int x, int h, int w,
    const struct chart_series *s, size_t ns, const struct chart_opts *o)
{
	static const struct chart_opts defaults;
	struct chart_opts oo = o != NULL ? *o : defaults;
	enum chart_style style;
	struct chart_grid g;
	double from, to, lo, hi, step, gap;
	char lab[CHART_LABEL_MAX], cell[8];
	int maxw, maxh, labw = 1, ph, pw, ax, r, c, lw;
	bool any = false;
	size_t i;

	getmaxyx(win, maxh, maxw);
	if (w > maxw - x)
		w = maxw - x;
	if (h > maxh - y)
		h = maxh - y;
	if (h <= 0 || w <= 0)
		return;
	if (oo.from_ms >= oo.to_ms)
		chart_time_range(s, ns, &oo.from_ms, &oo.to_ms);
	from = oo.from_ms;
	to = oo.to_ms;
	style = chart_style_for(&oo, ns, h, w);
	if (style == CHART_NUMBERS) {
		chart_draw_numbers(win, y, x, h, w, s, ns, &oo);
		return;
	}

	ph = h - 3;
	chart_value_range(s, ns, &oo, from, to, &lo, &hi);
	step = chart_nice_range(&lo, &hi, ph >= 8 ? 5 : ph >= 4 ? 3 : 2);
	for (r = 0; lo + r * step <= hi + step / 2; r++) {
		chart_format_value(fabs(lo + r * step) < step / 1e6 ? 0 :
		    lo + r * step, oo.unit, step, lab, sizeof lab);
		lw = chrome_text_width(lab);
		if (lw > labw)
			labw = lw;
	}
	ax = x + labw;
	pw = w - labw - 2;	/* the axis and a column of air on the right */

	memset(&g, 0, sizeof g);
	g.cw = pw;
	g.ch = ph;
	g.dx = style == CHART_BRAILLE ? 2 : 1;
	g.dy = style == CHART_BRAILLE ? 4 : style == CHART_BLOCK ? 2 : 3;
	g.bits = xcalloc((size_t)pw * (size_t)ph, 1);
	g.owner = xcalloc((size_t)pw * (size_t)ph, 1);
	memset(g.owner, -1, (size_t)pw * (size_t)ph);
	for (i = 0; i < ns; i++) {
		gap = oo.gap_ms > 0 ? oo.gap_ms : chart_auto_gap(&s[i]);
		chart_plot_series(&g, &s[i], (int)i, from, to, lo, hi, gap);
	}

	chart_draw_title(win, y, x, w, s, ns, &oo, true);
	chart_draw_yaxis(win, y + 1, x, ph, labw, g.dy, lo, hi, step,
	    oo.unit);
	for (r = 0; r < ph; r++) {
		chrome_put(win, y + 1 + r, ax + 1, w - labw - 1, "", 0,
		    THEME_ROW, CHROME_LEFT);
		for (c = 0; c < pw; c++) {
			uint8_t b = g.bits[r * pw + c];
			int own = g.owner[r * pw + c];

			if (b == 0)
				continue;
			any = true;
			chart_cell_glyph(&g, b, cell);
			chrome_put(win, y + 1 + r, ax + 1 + c, 1, cell,
			    (size_t)-1, own >= 0 && (size_t)own < ns ?
			    s[own].role : THEME_SPARK, CHROME_LEFT);
		}
	}
	if (!any)
		chrome_put(win, y + 1 + (ph - 1) / 2, ax + 1, pw, "no data",
		    (size_t)-1, THEME_ROW_DIM, CHROME_CENTER);
	chart_draw_xaxis(win, y + 1 + ph, x, ax, pw, from, to, w);
	free(g.bits);
	free(g.owner);
}
