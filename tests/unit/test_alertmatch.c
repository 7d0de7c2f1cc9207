/*
 * test_alertmatch.c - the pure logic of alert rules (hub/alerts/match.h)
 * and of the event stream's framing and filter (hub/alerts/stream.h):
 * comparisons, the "for" clock, fingerprints, selectors, labels and
 * silence matchers.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/alerts/match.h"
#include "hub/alerts/stream.h"
#include "hub/auth/rbac.h"

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	assert_non_null(j);
	return j;
}

/* Every comparison holds exactly where arithmetic says, NaN never. */
static void
test_compare(void **state)
{
	enum match_cmp c;

	(void)state;
	assert_true(match_compare(91, MATCH_GT, 90));
	assert_false(match_compare(90, MATCH_GT, 90));
	assert_true(match_compare(90, MATCH_GE, 90));
	assert_true(match_compare(1, MATCH_LT, 2));
	assert_false(match_compare(2, MATCH_LT, 2));
	assert_true(match_compare(2, MATCH_LE, 2));
	assert_true(match_compare(3, MATCH_EQ, 3));
	assert_false(match_compare(3, MATCH_NE, 3));
	assert_true(match_compare(3, MATCH_NE, 4));
	assert_false(match_compare(NAN, MATCH_NE, 4));
	assert_false(match_compare(NAN, MATCH_GT, -1));
	assert_true(match_cmp_parse(">=", &c));
	assert_int_equal(c, MATCH_GE);
	assert_string_equal(match_cmp_name(c), ">=");
	assert_true(match_cmp_parse("!=", &c));
	assert_int_equal(c, MATCH_NE);
	assert_false(match_cmp_parse("=>", &c));
	assert_false(match_cmp_parse("", &c));
	assert_false(match_cmp_parse(NULL, &c));
}

/* A condition must hold for the whole "for" duration before it fires;
 * a gap restarts the clock; a firing alert resolves when it clears. */
static void
test_for_step(void **state)
{
	(void)state;
	/* no duration: fires at once */
	assert_int_equal(match_for_step(true, false, -1, 0, 1000),
	    MATCH_STEP_FIRE);
	/* with a duration: pending, waiting, then firing */
	assert_int_equal(match_for_step(true, false, -1, 300000, 1000),
	    MATCH_STEP_PEND);
	assert_int_equal(match_for_step(true, false, 1000, 300000, 200000),
	    MATCH_STEP_WAIT);
	assert_int_equal(match_for_step(true, false, 1000, 300000, 300999),
	    MATCH_STEP_WAIT);
	assert_int_equal(match_for_step(true, false, 1000, 300000, 301000),
	    MATCH_STEP_FIRE);
	/* it stops holding before the duration: the clock is cleared */
	assert_int_equal(match_for_step(false, false, 1000, 300000, 200000),
	    MATCH_STEP_CLEAR);
	assert_int_equal(match_for_step(false, false, -1, 300000, 200000),
	    MATCH_STEP_NONE);
	/* firing: kept while it holds, resolved when it clears */
	assert_int_equal(match_for_step(true, true, -1, 300000, 5),
	    MATCH_STEP_KEEP);
	assert_int_equal(match_for_step(false, true, -1, 300000, 5),
	    MATCH_STEP_RESOLVE);
	assert_int_equal(match_for_step(false, true, -1, 0, 5),
	    MATCH_STEP_RESOLVE);
}

/* The fingerprint depends on rule, cluster and labels, not on the
 * labels' order; label boundaries count. */
static void
test_fingerprint(void **state)
{
	char a[MATCH_FP_LEN + 1], b[MATCH_FP_LEN + 1];
	cJSON *l1 = parse("{\"team\":\"db\",\"tier\":\"1\"}");
	cJSON *l2 = parse("{\"tier\":\"1\",\"team\":\"db\"}");
	cJSON *l3 = parse("{\"team\":\"db\",\"tier\":\"2\"}");
	cJSON *s1 = parse("{\"a\":\"bc\"}");
	cJSON *s2 = parse("{\"ab\":\"c\"}");

	(void)state;
	match_fingerprint("r1", "c1", l1, a);
	assert_int_equal(strlen(a), MATCH_FP_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), MATCH_FP_LEN);
	match_fingerprint("r1", "c1", l2, b);
	assert_string_equal(a, b);
	match_fingerprint("r1", "c1", l3, b);
	assert_string_not_equal(a, b);
	match_fingerprint("r2", "c1", l1, b);
	assert_string_not_equal(a, b);
	match_fingerprint("r1", "c2", l1, b);
	assert_string_not_equal(a, b);
	match_fingerprint("r1", "c1", s1, a);
	match_fingerprint("r1", "c1", s2, b);
	assert_string_not_equal(a, b);
	match_fingerprint("r1", "c1", NULL, a);
	match_fingerprint("r1", "c1", NULL, b);
	assert_string_equal(a, b);
	cJSON_Delete(l1);
	cJSON_Delete(l2);
	cJSON_Delete(l3);
	cJSON_Delete(s1);
	cJSON_Delete(s2);
}

static bool
matches(const char *matchers, const char *labels)
{
	struct match_set *set = NULL;
	struct cm_err err;
	cJSON *m = parse(matchers), *l = parse(labels);
	bool yes;

	assert_int_equal(match_set_parse(m, &set, &err), CM_OK);
	yes = match_set_matches(set, l);
	match_set_free(set);
	cJSON_Delete(m);
	cJSON_Delete(l);
	return yes;
}

/* =, != and =~ (anchored POSIX ERE) over labels; a missing label is
 * the empty string; all matchers must match. */
static void
test_matchers(void **state)
{
	const char *l = "{\"alertname\":\"HighCPU\",\"cluster\":\"prod-eu-1\","
	    "\"severity\":\"warning\"}";

	(void)state;
	assert_true(matches("[{\"name\":\"alertname\",\"value\":\"HighCPU\"}]",
	    l));
	assert_false(matches("[{\"name\":\"alertname\",\"value\":\"High\"}]",
	    l));
	assert_true(matches("[{\"name\":\"severity\",\"value\":\"critical\","
	    "\"op\":\"!=\"}]", l));
	assert_true(matches("[{\"name\":\"cluster\",\"value\":\"prod-.*\","
	    "\"op\":\"=~\"}]", l));
	/* anchored: a prefix is not a match */
	assert_false(matches("[{\"name\":\"cluster\",\"value\":\"prod\","
	    "\"op\":\"=~\"}]", l));
	assert_true(matches("[{\"name\":\"cluster\",\"value\":\"dev|prod-eu-1\","
	    "\"op\":\"=~\"}]", l));
	/* missing label is "" */
	assert_true(matches("[{\"name\":\"team\",\"value\":\"\"}]", l));
	assert_false(matches("[{\"name\":\"team\",\"value\":\".+\","
	    "\"op\":\"=~\"}]", l));
	/* all must match */
	assert_false(matches("[{\"name\":\"alertname\",\"value\":\"HighCPU\"},"
	    "{\"name\":\"severity\",\"value\":\"critical\"}]", l));
	assert_true(matches("[]", l));
}

static const char *
bad_field(const char *matchers)
{
	static struct cm_err err;
	struct match_set *set = NULL;
	cJSON *m = parse(matchers);

	assert_int_equal(match_set_parse(m, &set, &err), CM_VALIDATION);
	assert_null(set);
	cJSON_Delete(m);
	return err.field;
}

/* Bad matchers are refused naming the entry and key. */
static void
test_matchers_invalid(void **state)
{
	(void)state;
	assert_string_equal(bad_field("{}"), "matchers");
	assert_string_equal(bad_field("[{\"name\":\"1x\",\"value\":\"a\"}]"),
	    "matchers[0].name");
	assert_string_equal(bad_field("[{\"name\":\"a\",\"value\":\"a\"},"
	    "{\"name\":\"b\",\"value\":3}]"), "matchers[1].value");
	assert_string_equal(bad_field("[{\"name\":\"a\",\"value\":\"a\","
	    "\"op\":\"~\"}]"), "matchers[0].op");
	assert_string_equal(bad_field("[{\"name\":\"a\",\"value\":\"(\","
	    "\"op\":\"=~\"}]"), "matchers[0].value");
	assert_string_equal(bad_field("[{\"name\":\"a\",\"value\":\"a\","
	    "\"x\":1}]"), "matchers[0]");
	assert_string_equal(bad_field("[1]"), "matchers[0]");
}

/* A selector picks clusters by id, provider and labels; an empty one
 * picks all; bad selectors name the key. */
static void
test_selector(void **state)
{
	cJSON *sel = parse("{\"provider\":\"aws\",\"labels\":{\"env\":\"prod\"}}");
	cJSON *prod = parse("{\"env\":\"prod\",\"team\":\"x\"}");
	cJSON *dev = parse("{\"env\":\"dev\"}");
	cJSON *bad;
	struct cm_err err;

	(void)state;
	assert_int_equal(match_selector_check(sel, &err), CM_OK);
	assert_true(match_selector(sel, "c", "aws", prod));
	assert_false(match_selector(sel, "c", "gcp", prod));
	assert_false(match_selector(sel, "c", "aws", dev));
	assert_false(match_selector(sel, "c", "aws", NULL));
	assert_true(match_selector(NULL, "c", "gcp", NULL));
	bad = parse("{\"provider\":\"ibm\"}");
	assert_int_equal(match_selector_check(bad, &err), CM_VALIDATION);
	assert_string_equal(err.field, "selector.provider");
	cJSON_Delete(bad);
	bad = parse("{\"cluster_id\":\"nope\"}");
	assert_int_equal(match_selector_check(bad, &err), CM_VALIDATION);
	assert_string_equal(err.field, "selector.cluster_id");
	cJSON_Delete(bad);
	bad = parse("{\"zone\":\"a\"}");
	assert_int_equal(match_selector_check(bad, &err), CM_VALIDATION);
	assert_string_equal(err.field, "selector");
	cJSON_Delete(bad);
	cJSON_Delete(sel);
	cJSON_Delete(prod);
	cJSON_Delete(dev);
}

/* An alert's labels are the rule's plus the hub's, which win. */
static void
test_alert_labels(void **state)
{
	static const char *const reserved[] = { "alertname", NULL };
	cJSON *rl = parse("{\"team\":\"db\",\"severity\":\"low\"}");
	cJSON *l;
	struct cm_err err;

	(void)state;
	l = match_alert_labels(rl, "HighCPU", "warning", "prod", "id-1",
	    "aws");
	assert_string_equal(cJSON_GetObjectItem(l, "team")->valuestring, "db");
	assert_string_equal(cJSON_GetObjectItem(l, "severity")->valuestring,
	    "warning");
	assert_string_equal(cJSON_GetObjectItem(l, "alertname")->valuestring,
	    "HighCPU");
	assert_string_equal(cJSON_GetObjectItem(l, "provider")->valuestring,
	    "aws");
	cJSON_Delete(l);
	assert_int_equal(match_labels_check(rl, "labels", reserved, &err),
	    CM_OK);
	cJSON_Delete(rl);
	rl = parse("{\"alertname\":\"x\"}");
	assert_int_equal(match_labels_check(rl, "labels", reserved, &err),
	    CM_VALIDATION);
	assert_string_equal(err.field, "labels");
	cJSON_Delete(rl);
	rl = parse("{\"ok\":1}");
	assert_int_equal(match_labels_check(rl, "labels", NULL, &err),
	    CM_VALIDATION);
	cJSON_Delete(rl);
}

/* Frames carry id, event and one data line per line; the filter
 * follows each role's permissions and drops unknown types. */
static void
test_stream_frame_and_filter(void **state)
{
	role_set viewer = 1u << ROLE_VIEWER, none = 0;
	char *f;

	(void)state;
	f = stream_frame(42, "alert.changed", "{\"a\":1}");
	assert_string_equal(f, "id: 42\nevent: alert.changed\n"
	    "data: {\"a\":1}\n\n");
	free(f);
	f = stream_frame(7, "x", "one\ntwo");
	assert_string_equal(f, "id: 7\nevent: x\ndata: one\ndata: two\n\n");
	free(f);
	assert_true(stream_allows(viewer, "alert.changed"));
	assert_true(stream_allows(viewer, "cluster.status"));
	assert_true(stream_allows(viewer, "notification"));
	assert_false(stream_allows(viewer, "audit.written"));
	assert_false(stream_allows(none, "alert.changed"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_for_step),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_matchers),
		cmocka_unit_test(test_matchers_invalid),
		cmocka_unit_test(test_selector),
		cmocka_unit_test(test_alert_labels),
		cmocka_unit_test(test_stream_frame_and_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
