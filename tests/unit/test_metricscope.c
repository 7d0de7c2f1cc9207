/*
 * test_metricscope.c - metrics queries as feed scopes: format, parse,
 * the API path with the step chosen by the range, and what is refused.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backend/metricscope.h"
#include "backend/source.h"

/* Fleet, cluster and app scopes round-trip through text. */
static void
test_format_parse(void **state)
{
	struct metricscope ms, back;
	char buf[SOURCE_SCOPE_MAX];

	memset(&ms, 0, sizeof ms);
	snprintf(ms.name, sizeof ms.name, "cpu_percent");
	ms.range = METRICSCOPE_1H;
	assert_true(metricscope_format(&ms, buf, sizeof buf));
	assert_string_equal(buf, "cpu_percent@1h");
	ms.target = 'c';
	ms.range = METRICSCOPE_7D;
	snprintf(ms.id, sizeof ms.id, "0191e7a2-5c1d-7b3e-9a61-4f0c2d8e9b10");
	assert_true(metricscope_format(&ms, buf, sizeof buf));
	assert_string_equal(buf, "cpu_percent@7d@c."
	    "0191e7a2-5c1d-7b3e-9a61-4f0c2d8e9b10");
	assert_true(metricscope_parse(buf, &back));
	assert_string_equal(back.name, "cpu_percent");
	assert_int_equal(back.range, METRICSCOPE_7D);
	assert_int_equal(back.target, 'c');
	assert_string_equal(back.id, ms.id);
	/* The longest standard name with a UUID fits a scope. */
	snprintf(ms.name, sizeof ms.name, "memory_allocatable_bytes");
	ms.range = METRICSCOPE_24H;
	assert_true(metricscope_format(&ms, buf, sizeof buf));
	assert_true(strlen(buf) < SOURCE_SCOPE_MAX);
}

/* The path carries the range and a step that gives 60-170 points. */
static void
test_path(void **state)
{
	char buf[256];

	assert_true(metricscope_path("pods_running@6h@a.app-1", buf,
	    sizeof buf));
	assert_string_equal(buf, "/api/v1/metrics?name=pods_running&"
	    "from=-6h&step=300&app_id=app-1");
	assert_true(metricscope_path("cpu_percent@24h", buf, sizeof buf));
	assert_string_equal(buf,
	    "/api/v1/metrics?name=cpu_percent&from=-24h&step=900");
	assert_int_equal(metricscope_range_ms(METRICSCOPE_7D) /
	    (metricscope_step_s(METRICSCOPE_7D) * 1000LL), 168);
}

/* Bad ranges, targets and bytes that would need escaping are refused. */
static void
test_refused(void **state)
{
	struct metricscope ms;
	char buf[256];

	assert_false(metricscope_parse("cpu_percent", &ms));
	assert_false(metricscope_parse("cpu_percent@2h", &ms));
	assert_false(metricscope_parse("cpu_percent@1h@x.id", &ms));
	assert_false(metricscope_parse("cpu percent@1h", &ms));
	assert_false(metricscope_parse("cpu&x=1@1h", &ms));
	assert_false(metricscope_parse("cpu@1h@c.", &ms));
	assert_false(metricscope_path("cpu@1h@c.a/b", buf, sizeof buf));
	memset(&ms, 0, sizeof ms);
	assert_false(metricscope_format(&ms, buf, sizeof buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("metricscope", tests, NULL, NULL);
}
