/*
 * spark.c - sparklines as text.  See spark.h.
 *
 * The glyph table already has the eight levels in both sets
 * (glyphs_spark), so this only scales and lays out.
 */
#include "config.h"

#include "tui/spark.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"

int
spark_format(char *buf, size_t len, const double *v, size_t n, int width,
    double max)
{
	size_t first, i, used = 0, gl;
	const char *g;
	int col;

	if (width <= 0 || len < SPARK_BYTES(width)) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	first = n > (size_t)width ? n - (size_t)width : 0;
	if (!(max > 0)) {
		max = 0;
		for (i = first; i < n; i++)
			if (isfinite(v[i]) && v[i] > max)
				max = v[i];
	}
	/* Blanks before a short series: its newest value sits right. */
	for (col = 0; col < width - (int)(n - first); col++)
		buf[used++] = ' ';
	for (i = first; i < n; i++) {
		if (!isfinite(v[i])) {
			buf[used++] = ' ';
			continue;
		}
		g = glyphs_spark(glyphs_spark_level(v[i], max));
		gl = strlen(g);
		memcpy(buf + used, g, gl);
		used += gl;
	}
	buf[used] = '\0';
	return width;
}

void
spark_draw(WINDOW *win, int y, int x, int width, const double *v, size_t n,
    double max, enum theme_role role)
{
	char buf[SPARK_BYTES(256)];

	if (width > 256)
		width = 256;
	if (spark_format(buf, sizeof buf, v, n, width, max) <= 0)
		return;
	chrome_put(win, y, x, width, buf, (size_t)-1, role, CHROME_LEFT);
}

void
spark_resample(const double *t, const double *v, size_t n, double from,
    double to, double *out, size_t nout)
{
	double *sum;
	size_t *cnt, i, b;

	if (nout == 0)
		return;
	sum = xcalloc(nout, sizeof *sum);
	cnt = xcalloc(nout, sizeof *cnt);
	for (i = 0; i < n && to > from; i++) {
		if (!(t[i] >= from && t[i] < to) || !isfinite(v[i]))
			continue;
		b = (size_t)((t[i] - from) / (to - from) * (double)nout);
		if (b >= nout)
			b = nout - 1;
		sum[b] += v[i];
		cnt[b]++;
	}
	for (b = 0; b < nout; b++)
		out[b] = cnt[b] > 0 ? sum[b] / (double)cnt[b] : NAN;
	free(sum);
	free(cnt);
}
