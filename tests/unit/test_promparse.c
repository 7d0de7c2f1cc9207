/*
 * test_promparse.c - the Prometheus text exposition parser: tables of
 * good inputs with the samples they must give, and of bad inputs with
 * the LINE:COLUMN and message they must fail with.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/metrics/promparse.h"
#include "hub/metrics/scrape.h"

/* What one sample must look like. */
struct want {
	const char *name;
	const char *labels;	/* "a=x,b=y" in order given, "" for none */
	double value;		/* NAN: must be NaN */
	long long ts;		/* -1: none */
	enum prom_type type;
	const char *family;
};

/* What one sample gave. */
struct got {
	char name[PROM_NAME_MAX];
	char labels[512];
	char family[PROM_NAME_MAX];
	double value;
	long long ts;
	enum prom_type type;
};

/* Parse text whole into at most max samples; -1 on an error. */
static int
parse_all(const char *text, struct got *out, int max, struct cm_err *err)
{
	static struct prom_parser pp;
	static struct prom_sample s;
	int n = 0, rc;
	size_t i, used;

	promparse_init(&pp, text, strlen(text));
	while ((rc = promparse_next(&pp, &s, err)) == 1) {
		assert_true(n < max);
		used = 0;
		out[n].labels[0] = '\0';
		for (i = 0; i < s.nlabels; i++)
			used += (size_t)snprintf(out[n].labels + used,
			    sizeof out[n].labels - used, "%s%s=%s",
			    i > 0 ? "," : "", s.labels[i].name,
			    s.labels[i].value);
		snprintf(out[n].name, sizeof out[n].name, "%s", s.name);
		snprintf(out[n].family, sizeof out[n].family, "%s", s.family);
		out[n].value = s.value;
		out[n].ts = s.has_timestamp ? s.timestamp_ms : -1;
		out[n].type = s.type;
		n++;
	}
	return rc < 0 ? -1 : n;
}

static void
expect(const char *text, const struct want *want, int nwant)
{
	static struct got got[32];
	struct cm_err err;
	int n, i;

	cm_err_clear(&err);
	n = parse_all(text, got, 32, &err);
	if (n < 0)
		fail_msg("unexpected error: %s\n%s", err.msg, text);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i].name, want[i].name);
		assert_string_equal(got[i].labels, want[i].labels);
		if (isnan(want[i].value))
			assert_true(isnan(got[i].value));
		else
			assert_true(got[i].value == want[i].value);
		assert_int_equal(got[i].ts, want[i].ts);
		assert_int_equal(got[i].type, want[i].type);
		assert_string_equal(got[i].family, want[i].family);
	}
}

/* Counters and gauges with HELP, TYPE, labels, timestamps, blanks. */
static void
test_counter_gauge(void **state)
{
	static const struct want w[] = {
		{ "http_requests_total", "method=post,code=200", 1027,
		    1395066363000LL, PROM_COUNTER, "http_requests_total" },
		{ "http_requests_total", "method=post,code=400", 3,
		    1395066363000LL, PROM_COUNTER, "http_requests_total" },
		{ "temperature", "", 21.5, -1, PROM_GAUGE, "temperature" },
		{ "temperature", "room=kitchen", -32.5, -1, PROM_GAUGE,
		    "temperature" },
		{ "loose:name", "", 7, -5, PROM_UNTYPED, "loose:name" },
	};

	expect("# HELP http_requests_total The total.\n"
	    "# TYPE http_requests_total counter\n"
	    "http_requests_total{method=\"post\",code=\"200\"} 1027 "
	    "1395066363000\n"
	    "http_requests_total{method=\"post\",code=\"400\"}    3 "
	    "1395066363000\n"
	    "\n"
	    "# just a comment\n"
	    "#TYPE temperature gauge\n"
	    "temperature 21.5\n"
	    "  temperature { room = \"kitchen\" , } -3.25e1\n"
	    "loose:name\t7\t-5", w, 5);
}

/* Escapes in label values are undone; NaN and infinities parse. */
static void
test_escapes_and_specials(void **state)
{
	static const struct want w[] = {
		{ "f", "path=C:\\DIR\\FILE.TXT,error=no \"file\"\nhere", 1.5,
		    -1, PROM_UNTYPED, "f" },
		{ "g", "", INFINITY, -3982045, PROM_UNTYPED, "g" },
		{ "h", "", -INFINITY, -1, PROM_UNTYPED, "h" },
		{ "i", "", NAN, -1, PROM_UNTYPED, "i" },
		{ "j", "a=", 0, -1, PROM_UNTYPED, "j" },
	};

	expect("f{path=\"C:\\\\DIR\\\\FILE.TXT\","
	    "error=\"no \\\"file\\\"\\nhere\"} 1.5\n"
	    "g +Inf -3982045\n"
	    "h -Inf\n"
	    "i NaN\n"
	    "j{a=\"\"} 0\r\n", w, 5);
}

/* A histogram's buckets, sum and count belong to its family. */
static void
test_histogram(void **state)
{
	static const struct want w[] = {
		{ "d_bucket", "le=0.05", 24054, -1, PROM_HISTOGRAM, "d" },
		{ "d_bucket", "le=+Inf", 144320, -1, PROM_HISTOGRAM, "d" },
		{ "d_sum", "", 53423, -1, PROM_HISTOGRAM, "d" },
		{ "d_count", "", 144320, -1, PROM_HISTOGRAM, "d" },
		{ "d_other", "", 1, -1, PROM_UNTYPED, "d_other" },
	};

	expect("# HELP d A histogram.\n# TYPE d histogram\n"
	    "d_bucket{le=\"0.05\"} 24054\n"
	    "d_bucket{le=\"+Inf\"} 144320\n"
	    "d_sum 53423\nd_count 144320\nd_other 1\n", w, 5);
}

/* A summary's quantiles, sum and count belong to its family. */
static void
test_summary(void **state)
{
	static const struct want w[] = {
		{ "rpc", "quantile=0.5", 4773, -1, PROM_SUMMARY, "rpc" },
		{ "rpc", "quantile=0.99", 76656, -1, PROM_SUMMARY, "rpc" },
		{ "rpc_sum", "", 1.7560473e+07, -1, PROM_SUMMARY, "rpc" },
		{ "rpc_count", "", 2693, -1, PROM_SUMMARY, "rpc" },
		{ "u", "a=1", 0, -1, PROM_UNTYPED, "u" },
	};

	expect("# TYPE rpc summary\n"
	    "rpc{quantile=\"0.5\"} 4773\n"
	    "rpc{quantile=\"0.99\"} 76656\n"
	    "rpc_sum 1.7560473e+07\nrpc_count 2693\n"
	    "# TYPE u untyped\nu{a=\"1\"} 0\n", w, 5);
}

/* Empty input, blank lines and comments alone give no sample. */
static void
test_empty(void **state)
{
	expect("", NULL, 0);
	expect("\n\n   \n# comment only\n# HELP x text\n", NULL, 0);
}

/* Each malformed input fails at its line and column with a reason. */
static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *prefix;	/* "LINE:COL: " */
		const char *words;	/* a part of the message */
	} bad[] = {
		{ "bad{a=\"b\" 1\n", "1:11: ", "expected ',' or '}'" },
		{ "x 1\nbad{a=\"b\n", "2:9: ", "not closed" },
		{ "x{a=\"\\t\"} 1\n", "1:6: ", "unknown escape" },
		{ "x{1a=\"b\"} 1\n", "1:3: ", "label name" },
		{ "x{a \"b\"} 1\n", "1:5: ", "expected '='" },
		{ "x{a=b} 1\n", "1:5: ", "to open a label value" },
		{ "x{a=\"1\",a=\"2\"} 1\n", "1:9: ", "twice" },
		{ "x\n", "1:2: ", "expected a value" },
		{ "x abc\n", "1:3: ", "not a number" },
		{ "x 1 1.5\n", "1:5: ", "not a timestamp" },
		{ "x 1 2 3\n", "1:7: ", "after the timestamp" },
		{ "1x 1\n", "1:1: ", "metric name" },
		{ "# TYPE x bogus\n", "1:10: ", "unknown metric type" },
		{ "# TYPE x gauge\n# TYPE x counter\n", "2:10: ",
		    "second TYPE" },
		{ "# HELP x a\n# HELP x b\n", "2:10: ", "second HELP" },
		{ "# TYPE x histogram\nx_bucket 1\n", "2:11: ", "\"le\"" },
		{ "# TYPE x histogram\nx 1\n", "2:4: ", "suffix" },
		{ "# TYPE x histogram\nx_bucket{le=\"a\"} 1\n", "2:19: ",
		    "not a number" },
		{ "# TYPE s summary\ns 1\n", "2:4: ", "quantile" },
		{ "x 1\n# TYPE x gauge\n", "2:10: ", "after its samples" },
		{ "x{a=\"1\"\x01} 1\n", "1:8: ", "expected ',' or '}'" },
	};
	static struct got got[8];
	struct cm_err err;
	size_t i;
	int n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cm_err_clear(&err);
		n = parse_all(bad[i].text, got, 8, &err);
		if (n >= 0)
			fail_msg("no error for %s", bad[i].text);
		if (strncmp(err.msg, bad[i].prefix, strlen(bad[i].prefix)) !=
		    0 || strstr(err.msg, bad[i].words) == NULL)
			fail_msg("input %zu: got \"%s\", want %s... %s", i,
			    err.msg, bad[i].prefix, bad[i].words);
		assert_int_equal(err.status, CM_VALIDATION);
	}
}

/* Parsing stops at the first error and stays failed. */
static void
test_stays_failed(void **state)
{
	static struct prom_parser pp;
	static struct prom_sample s;
	const char *text = "a 1\nb{\nc 3\n";
	struct cm_err err;

	promparse_init(&pp, text, strlen(text));
	assert_int_equal(promparse_next(&pp, &s, &err), 1);
	assert_string_equal(s.name, "a");
	assert_int_equal(promparse_next(&pp, &s, &err), -1);
	assert_int_equal(promparse_next(&pp, &s, &err), -1);
}

/* Too many labels and overlong names are refused, not truncated. */
static void
test_limits(void **state)
{
	static char text[PROM_TEXT_MAX * 2];
	static struct prom_parser pp;
	static struct prom_sample s;
	struct cm_err err;
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof text - n, "x{");
	for (i = 0; i < PROM_LABELS_MAX + 1; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		    "l%d=\"v\",", i);
	snprintf(text + n, sizeof text - n, "} 1\n");
	promparse_init(&pp, text, strlen(text));
	assert_int_equal(promparse_next(&pp, &s, &err), -1);
	assert_non_null(strstr(err.msg, "more than 64 labels"));

	memset(text, 'a', PROM_NAME_MAX + 10);
	snprintf(text + PROM_NAME_MAX + 10, 8, " 1\n");
	promparse_init(&pp, text, strlen(text));
	assert_int_equal(promparse_next(&pp, &s, &err), -1);
	assert_non_null(strstr(err.msg, "longer than"));
}

/* A sample's series name sorts its labels and escapes their values. */
static void
test_series_name(void **state)
{
	static struct prom_parser pp;
	static struct prom_sample s;
	const char *text = "up{z=\"1\",a=\"q\\\"x\\\\y\\n\"} 1\nbare 2\n";
	char name[METRICS_NAME_MAX + 1];
	struct cm_err err;

	promparse_init(&pp, text, strlen(text));
	assert_int_equal(promparse_next(&pp, &s, &err), 1);
	assert_true(scrape_series_name(&s, name, sizeof name));
	assert_string_equal(name, "up{a=\"q\\\"x\\\\y\\n\",z=\"1\"}");
	assert_int_equal(promparse_next(&pp, &s, &err), 1);
	assert_true(scrape_series_name(&s, name, sizeof name));
	assert_string_equal(name, "bare");
	assert_false(scrape_series_name(&s, name, 4));
}

/* Scraped text becomes points; NaN and Inf samples are left out, and
 * malformed text adds nothing. */
static void
test_scrape_parse(void **state)
{
	struct scrape_points sp = { 0 };
	struct cm_err err;
	const char *good = "a 1\nb NaN\nc{x=\"y\"} 2 5000\nd +Inf\n";

	assert_int_equal(scrape_parse(good, strlen(good), "cid", 777, 100,
	    &sp, &err), CM_OK);
	assert_int_equal(sp.n, 2);
	assert_string_equal(sp.pts[0].name, "a");
	assert_int_equal(sp.pts[0].ts_ms, 777);
	assert_string_equal(sp.pts[1].name, "c{x=\"y\"}");
	assert_int_equal(sp.pts[1].ts_ms, 5000);
	assert_string_equal(sp.pts[1].cluster_id, "cid");
	assert_int_equal(scrape_parse("e 1\nf{ 2\n", 9, "cid", 1, 100, &sp,
	    &err), CM_VALIDATION);
	assert_int_equal(sp.n, 2);
	assert_int_equal(scrape_parse(good, strlen(good), "cid", 1, 1, &sp,
	    &err), CM_OK);
	assert_int_equal(sp.n, 3);
	scrape_points_done(&sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_gauge),
		cmocka_unit_test(test_escapes_and_specials),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_stays_failed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_series_name),
		cmocka_unit_test(test_scrape_parse),
	};

	return cmocka_run_group_tests_name("promparse", tests, NULL, NULL);
}
