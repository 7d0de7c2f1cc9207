/*
 * spark.h - one-line sparklines: a series of values as a row of block
 * glyphs (U+2581..U+2588, or the ASCII ramp " .:-=+*#" when UTF-8 is not
 * usable; the glyphs module knows which).
 *
 * A sparkline is a shape, not a chart: no axes, no labels, values scaled
 * from 0 to a maximum (the series' own or one the caller fixes, such as
 * 100 for a percentage).  It is built as text, so it can sit in a table
 * cell, or drawn straight into a window.  Missing values (NaN) are
 * blanks, so a gap in the data shows as a gap.
 *
 * It does not fetch, know what the values mean or pick colours beyond
 * the role the caller gives.
 */
#ifndef CM_TUI_SPARK_H
#define CM_TUI_SPARK_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stddef.h>

#include <curses.h>

#include "tui/theme.h"

/* Bytes a sparkline of width columns may need, with its NUL. */
#define SPARK_BYTES(width) ((size_t)(width) * 3 + 1)

/*
 * Write the last width values of v[0..n) as a sparkline into buf (len
 * bytes, SPARK_BYTES(width) is always enough), scaled 0..max (max <= 0:
 * the largest value of those shown).  Fewer values than width are
 * right-aligned after blanks; NaN values are blanks.  Returns the
 * columns written (0 when width <= 0 or buf is too small).
 */
int spark_format(char *buf, size_t len, const double *v, size_t n,
    int width, double max);

/* Draw spark_format()'s line at y,x in width columns with role. */
void spark_draw(WINDOW *win, int y, int x, int width, const double *v,
    size_t n, double max, enum theme_role role);

/*
 * Resample points (t[i], v[i]), t ascending, into nout equal buckets
 * over [from, to): each bucket gets the mean of its points, NaN when it
 * has none.  Points outside the range are ignored.
 */
void spark_resample(const double *t, const double *v, size_t n,
    double from, double to, double *out, size_t nout);

#endif
