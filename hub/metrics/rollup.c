/*
 * rollup.c - the arithmetic of metric history: buckets, accumulators,
 * the choice of rollup and step for a query, and query times.  See
 * metrics.h.
 *
 * Everything here is pure (no store, no clock of its own), so the unit
 * test can pin it down with known numbers.
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"

/* About this many points per series when no step is asked for. */
#define METRICS_TARGET_POINTS 120

static const char *const agg_names[] = { "avg", "min", "max", "sum",
	"last" };

int64_t
metrics_bucket(int64_t ts_ms, int64_t width_ms)
{
	int64_t q;

	if (width_ms <= 1)
		return ts_ms;
	q = ts_ms / width_ms;
	if (ts_ms % width_ms != 0 && ts_ms < 0)
		q--;
	return q * width_ms;
}

int64_t
metrics_rollup_width(enum metrics_rollup r)
{
	switch (r) {
	case METRICS_1M:
		return METRICS_MINUTE_MS;
	case METRICS_1H:
		return METRICS_HOUR_MS;
	default:
		return 1;
	}
}

const char *
metrics_rollup_name(enum metrics_rollup r)
{
	switch (r) {
	case METRICS_1M:
		return "1m";
	case METRICS_1H:
		return "1h";
	default:
		return "raw";
	}
}

void
metrics_acc_init(struct metrics_acc *a)
{
	memset(a, 0, sizeof *a);
	a->last_at = INT64_MIN;
}

void
metrics_acc_add(struct metrics_acc *a, double v, int64_t ts_ms)
{
	if (a->count == 0 || v < a->min)
		a->min = v;
	if (a->count == 0 || v > a->max)
		a->max = v;
	a->count++;
	a->sum += v;
	/* the newest value is the last; of two at the same time, the
	 * later one given */
	if (ts_ms >= a->last_at) {
		a->last = v;
		a->last_at = ts_ms;
	}
}

void
metrics_acc_merge(struct metrics_acc *a, const struct metrics_acc *b)
{
	if (b->count <= 0)
		return;
	if (a->count == 0 || b->min < a->min)
		a->min = b->min;
	if (a->count == 0 || b->max > a->max)
		a->max = b->max;
	a->count += b->count;
	a->sum += b->sum;
	if (b->last_at >= a->last_at) {
		a->last = b->last;
		a->last_at = b->last_at;
	}
}

double
metrics_acc_value(const struct metrics_acc *a, enum metrics_agg agg)
{
	switch (agg) {
	case METRICS_MIN:
		return a->min;
	case METRICS_MAX:
		return a->max;
	case METRICS_SUM:
		return a->sum;
	case METRICS_LAST:
		return a->last;
	default:
		return a->count > 0 ? a->sum / (double)a->count : 0;
	}
}

bool
metrics_agg_parse(const char *s, enum metrics_agg *out)
{
	size_t i;

	for (i = 0; i < sizeof agg_names / sizeof agg_names[0]; i++)
		if (strcmp(s, agg_names[i]) == 0) {
			*out = (enum metrics_agg)i;
			return true;
		}
	return false;
}

const char *
metrics_agg_name(enum metrics_agg agg)
{
	if ((unsigned)agg >= sizeof agg_names / sizeof agg_names[0])
		return "avg";
	return agg_names[agg];
}

enum metrics_rollup
metrics_pick_rollup(int64_t from_ms, int64_t to_ms, int64_t step_ms,
    int64_t now_ms, int64_t raw_keep_ms)
{
	int64_t range = to_ms - from_ms;

	/* the coarsest table whose buckets fit the default step (about
	 * 120 points over the range), unless a step or the data's age
	 * says otherwise */
	if (step_ms >= METRICS_HOUR_MS || range >= 5 * METRICS_DAY_MS ||
	    from_ms < now_ms - METRICS_KEEP_1M_MS)
		return METRICS_1H;
	if (step_ms >= METRICS_MINUTE_MS || range > 2 * METRICS_HOUR_MS ||
	    from_ms < now_ms - raw_keep_ms)
		return METRICS_1M;
	return METRICS_RAW;
}

int64_t
metrics_pick_step(int64_t from_ms, int64_t to_ms, int64_t step_ms,
    enum metrics_rollup r)
{
	int64_t width = metrics_rollup_width(r), range = to_ms - from_ms;
	int64_t step = step_ms;

	if (step <= 0)
		step = range > 0 ? range / METRICS_TARGET_POINTS : 1000;
	if (step < 1000)
		step = 1000;
	if (width > 1 && step % width != 0)
		step = (step / width + 1) * width;
	else if (width <= 1 && step % 1000 != 0)
		step = (step / 1000 + 1) * 1000;
	return step;
}

enum cm_status
metrics_parse_time(const char *s, int64_t now_ms, const char *field,
    int64_t *out, struct cm_err *err)
{
	struct cm_err perr;
	char *end;
	long long n;
	int64_t unit;

	if (strcmp(s, "now") == 0) {
		*out = now_ms;
		return CM_OK;
	}
	if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
		errno = 0;
		n = strtoll(s + 1, &end, 10);
		switch (*end) {
		case 's': unit = 1000; break;
		case 'm': unit = METRICS_MINUTE_MS; break;
		case 'h': unit = METRICS_HOUR_MS; break;
		case 'd': unit = METRICS_DAY_MS; break;
		case 'w': unit = 7 * METRICS_DAY_MS; break;
		default: unit = 0; break;
		}
		if (errno != 0 || unit == 0 || end[1] != '\0' ||
		    n > 3660 * METRICS_DAY_MS / unit)
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s must be RFC 3339, \"now\" or relative like "
			    "\"-1h\" (s, m, h, d, w; at most 10 years)", field);
		*out = now_ms - (int64_t)n * unit;
		return CM_OK;
	}
	if (time_parse_rfc3339(s, out, &perr) != CM_OK)
		return cm_err_set(err, CM_VALIDATION, field,
		    "%s must be RFC 3339, \"now\" or relative like \"-1h\"",
		    field);
	return CM_OK;
}

bool
metrics_name_valid(const char *name)
{
	size_t i, len = strlen(name);
	char c = name[0];

	if (len == 0 || len > METRICS_NAME_MAX)
		return false;
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':'))
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 ||
		    (unsigned char)name[i] > 0x7e)
			return false;
	return true;
}
