/*
 * test_rollup.c - the arithmetic of metric history (hub/metrics
 * rollup.c): buckets, accumulators and their merge, aggregations, the
 * choice of rollup and step, query times and series names.
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

#include "hub/metrics/metrics.h"

#define MIN METRICS_MINUTE_MS
#define HOUR METRICS_HOUR_MS
#define DAY METRICS_DAY_MS
/* 2026-01-01T00:00:00Z */
#define T0 INT64_C(1767225600000)

/* Buckets floor to their width, for negative times too. */
static void
test_bucket(void **state)
{
	assert_int_equal(metrics_bucket(T0 + 59999, MIN), T0);
	assert_int_equal(metrics_bucket(T0 + 60000, MIN), T0 + MIN);
	assert_int_equal(metrics_bucket(T0 + 3599999, HOUR), T0);
	assert_int_equal(metrics_bucket(-1, MIN), -MIN);
	assert_int_equal(metrics_bucket(-MIN, MIN), -MIN);
	assert_int_equal(metrics_bucket(12345, 1), 12345);
	assert_int_equal(metrics_rollup_width(METRICS_RAW), 1);
	assert_int_equal(metrics_rollup_width(METRICS_1M), MIN);
	assert_int_equal(metrics_rollup_width(METRICS_1H), HOUR);
}

/* An accumulator keeps count, sum, min, max and the newest value. */
static void
test_acc_add(void **state)
{
	struct metrics_acc a;

	metrics_acc_init(&a);
	metrics_acc_add(&a, 5, 100);
	metrics_acc_add(&a, -2, 300);
	metrics_acc_add(&a, 9, 200);	/* older than the last */
	assert_int_equal(a.count, 3);
	assert_true(a.sum == 12);
	assert_true(a.min == -2);
	assert_true(a.max == 9);
	assert_true(a.last == -2);
	assert_int_equal(a.last_at, 300);
	assert_true(metrics_acc_value(&a, METRICS_AVG) == 4);
	assert_true(metrics_acc_value(&a, METRICS_MIN) == -2);
	assert_true(metrics_acc_value(&a, METRICS_MAX) == 9);
	assert_true(metrics_acc_value(&a, METRICS_SUM) == 12);
	assert_true(metrics_acc_value(&a, METRICS_LAST) == -2);
}

/* Merging rollup rows gives what adding every sample gives, so avg is
 * a mean of samples, not of bucket means. */
static void
test_acc_merge(void **state)
{
	struct metrics_acc all, m1, m2, merged, empty;
	static const double v1[] = { 1, 2, 3 }, v2[] = { 10 };
	size_t i;

	metrics_acc_init(&all);
	metrics_acc_init(&m1);
	metrics_acc_init(&m2);
	metrics_acc_init(&merged);
	metrics_acc_init(&empty);
	for (i = 0; i < 3; i++) {
		metrics_acc_add(&m1, v1[i], T0 + (int64_t)i * 1000);
		metrics_acc_add(&all, v1[i], T0 + (int64_t)i * 1000);
	}
	metrics_acc_add(&m2, v2[0], T0 + MIN);
	metrics_acc_add(&all, v2[0], T0 + MIN);
	metrics_acc_merge(&merged, &m2);	/* newer first */
	metrics_acc_merge(&merged, &m1);
	metrics_acc_merge(&merged, &empty);
	assert_int_equal(merged.count, all.count);
	assert_true(merged.sum == all.sum);
	assert_true(merged.min == 1 && merged.max == 10);
	assert_true(merged.last == 10);
	assert_true(metrics_acc_value(&merged, METRICS_AVG) == 4);
	/* the mean of the bucket means would be (2 + 10) / 2 = 6 */
}

/* Aggregation names parse both ways; others are refused. */
static void
test_agg_names(void **state)
{
	static const char *const names[] = { "avg", "min", "max", "sum",
	    "last" };
	enum metrics_agg a;
	size_t i;

	for (i = 0; i < 5; i++) {
		assert_true(metrics_agg_parse(names[i], &a));
		assert_string_equal(metrics_agg_name(a), names[i]);
	}
	assert_false(metrics_agg_parse("mean", &a));
	assert_false(metrics_agg_parse("", &a));
	assert_false(metrics_agg_parse("AVG", &a));
}

/* Up to 2 recent hours read raw, up to 5 days the 1-minute rollup,
 * longer ranges and old data the 1-hour one; a step decides too. */
static void
test_pick_rollup(void **state)
{
	int64_t now = T0 + 30 * DAY, raw = 48 * HOUR;

	assert_int_equal(metrics_pick_rollup(now - HOUR, now, 0, now, raw),
	    METRICS_RAW);
	assert_int_equal(metrics_pick_rollup(now - 2 * HOUR, now, 0, now,
	    raw), METRICS_RAW);
	assert_int_equal(metrics_pick_rollup(now - 2 * HOUR - 1, now, 0, now,
	    raw), METRICS_1M);
	assert_int_equal(metrics_pick_rollup(now - HOUR, now, MIN, now, raw),
	    METRICS_1M);
	assert_int_equal(metrics_pick_rollup(now - HOUR, now, HOUR, now, raw),
	    METRICS_1H);
	assert_int_equal(metrics_pick_rollup(now - DAY, now, 0, now, raw),
	    METRICS_1M);
	/* an hour three days ago: raw is gone, the minutes are there */
	assert_int_equal(metrics_pick_rollup(now - 3 * DAY, now - 3 * DAY +
	    HOUR, 0, now, raw), METRICS_1M);
	/* an hour twenty days ago: only hours are left */
	assert_int_equal(metrics_pick_rollup(now - 20 * DAY, now - 20 * DAY +
	    HOUR, 0, now, raw), METRICS_1H);
	assert_int_equal(metrics_pick_rollup(now - 5 * DAY + 1, now, 0, now,
	    raw), METRICS_1M);
	assert_int_equal(metrics_pick_rollup(now - 5 * DAY, now, 0, now,
	    raw), METRICS_1H);
	assert_int_equal(metrics_pick_rollup(now - 7 * DAY, now, 0, now,
	    raw), METRICS_1H);
	assert_string_equal(metrics_rollup_name(METRICS_RAW), "raw");
	assert_string_equal(metrics_rollup_name(METRICS_1M), "1m");
	assert_string_equal(metrics_rollup_name(METRICS_1H), "1h");
}

/* Steps default to about 120 points, whole seconds, whole buckets. */
static void
test_pick_step(void **state)
{
	assert_int_equal(metrics_pick_step(0, HOUR, 0, METRICS_RAW), 30000);
	assert_int_equal(metrics_pick_step(0, 60000, 0, METRICS_RAW), 1000);
	assert_int_equal(metrics_pick_step(0, HOUR, 1500, METRICS_RAW), 2000);
	assert_int_equal(metrics_pick_step(0, DAY, 0, METRICS_1M), 12 * MIN);
	assert_int_equal(metrics_pick_step(0, DAY, 90000, METRICS_1M),
	    2 * MIN);
	assert_int_equal(metrics_pick_step(0, 30 * DAY, 0, METRICS_1H),
	    6 * HOUR);
	assert_int_equal(metrics_pick_step(0, DAY, 0, METRICS_1H), HOUR);
}

/* Query times: RFC 3339, now, and relative amounts of s, m, h, d, w. */
static void
test_parse_time(void **state)
{
	struct cm_err err;
	int64_t t;

	assert_int_equal(metrics_parse_time("now", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0);
	assert_int_equal(metrics_parse_time("-90s", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0 - 90000);
	assert_int_equal(metrics_parse_time("-15m", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0 - 15 * MIN);
	assert_int_equal(metrics_parse_time("-24h", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0 - DAY);
	assert_int_equal(metrics_parse_time("-7d", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0 - 7 * DAY);
	assert_int_equal(metrics_parse_time("-2w", T0, "from", &t, &err),
	    CM_OK);
	assert_int_equal(t, T0 - 14 * DAY);
	assert_int_equal(metrics_parse_time("2026-01-01T00:00:00Z", 0, "to",
	    &t, &err), CM_OK);
	assert_int_equal(t, T0);
	assert_int_equal(metrics_parse_time("2026-01-01T01:00:00+01:00", 0,
	    "to", &t, &err), CM_OK);
	assert_int_equal(t, T0);
}

/* Anything else is a 422 naming the parameter. */
static void
test_parse_time_bad(void **state)
{
	static const char *const bad[] = { "", "-", "-1", "-1x", "1h",
	    "-1h ", "+1h", "-h", "yesterday", "2026-01-01", "-99999999999d",
	    NULL };
	struct cm_err err;
	int64_t t;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cm_err_clear(&err);
		if (metrics_parse_time(bad[i], T0, "to", &t, &err) !=
		    CM_VALIDATION)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(err.field, "to");
	}
}

/* Series names: printable ASCII from a letter, '_' or ':', <= 200. */
static void
test_name_valid(void **state)
{
	char longest[METRICS_NAME_MAX + 2];

	assert_true(metrics_name_valid("cpu_percent"));
	assert_true(metrics_name_valid(":x"));
	assert_true(metrics_name_valid("up{job=\"a b\"}"));
	assert_false(metrics_name_valid(""));
	assert_false(metrics_name_valid("1cpu"));
	assert_false(metrics_name_valid("{a}"));
	assert_false(metrics_name_valid("cpu\n"));
	assert_false(metrics_name_valid("caf\xc3\xa9"));
	memset(longest, 'a', METRICS_NAME_MAX);
	longest[METRICS_NAME_MAX] = '\0';
	assert_true(metrics_name_valid(longest));
	longest[METRICS_NAME_MAX] = 'a';
	longest[METRICS_NAME_MAX + 1] = '\0';
	assert_false(metrics_name_valid(longest));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_acc_add),
		cmocka_unit_test(test_acc_merge),
		cmocka_unit_test(test_agg_names),
		cmocka_unit_test(test_pick_rollup),
		cmocka_unit_test(test_pick_step),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_time_bad),
		cmocka_unit_test(test_name_valid),
	};

	return cmocka_run_group_tests_name("rollup", tests, NULL, NULL);
}
