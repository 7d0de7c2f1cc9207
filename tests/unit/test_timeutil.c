/*
 * test_timeutil.c - RFC 3339 formatting and parsing, and the clocks.
 * Expected epoch values were computed independently (Python datetime).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/timeutil.h"

/* Parse s and return the status; *ms gets the value. */
static enum cm_status
parse(const char *s, int64_t *ms)
{
	struct cm_err err;

	cm_err_clear(&err);
	return time_parse_rfc3339(s, ms, &err);
}

/* Parse s, expecting failure with a message in err. */
static void
assert_rejected(const char *s)
{
	struct cm_err err;
	int64_t ms = 42;

	cm_err_clear(&err);
	if (time_parse_rfc3339(s, &ms, &err) != CM_VALIDATION)
		fail_msg("accepted \"%s\"", s ? s : "(null)");
	assert_true(err.msg[0] != '\0');
	assert_int_equal(err.status, CM_VALIDATION);
}

/* Formatting writes UTC with three fraction digits, before 1970 too. */
static void
test_format(void **state)
{
	static const struct {
		int64_t ms;
		const char *s;
	} v[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ 1796399403000, "2026-12-04T15:50:03.000Z" },
		{ 1796399403123, "2026-12-04T15:50:03.123Z" },
		{ 951868799999, "2000-02-29T23:59:59.999Z" },
		{ 1709208000000, "2024-02-29T12:00:00.000Z" },
		{ -14182940000, "1969-07-20T20:17:40.000Z" },
		{ -62135596800000, "0001-01-01T00:00:00.000Z" },
		{ 253402300799999, "9999-12-31T23:59:59.999Z" },
	};
	char out[TIME_RFC3339_LEN];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		time_format_rfc3339(v[i].ms, out);
		assert_string_equal(out, v[i].s);
	}
}

/* Values beyond four-digit years clamp instead of printing garbage. */
static void
test_format_clamps(void **state)
{
	char out[TIME_RFC3339_LEN];

	time_format_rfc3339(INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59.999Z");
	time_format_rfc3339(INT64_MIN, out);
	assert_string_equal(out, "0000-01-01T00:00:00.000Z");
}

/* Z, positive and negative offsets and fractions normalise to UTC ms. */
static void
test_parse_offsets_and_fractions(void **state)
{
	int64_t ms;

	assert_int_equal(parse("2026-12-04T15:50:03Z", &ms), CM_OK);
	assert_int_equal(ms, 1796399403000);
	assert_int_equal(parse("2026-12-04T15:50:03.5+02:00", &ms), CM_OK);
	assert_int_equal(ms, 1796392203500);
	assert_int_equal(parse("2026-12-04T15:50:03.123-05:30", &ms), CM_OK);
	assert_int_equal(ms, 1796419203123);
	assert_int_equal(parse("2026-12-04T15:50:03.000+00:00", &ms), CM_OK);
	assert_int_equal(ms, 1796399403000);
	assert_int_equal(parse("2026-12-04T15:50:03-00:00", &ms), CM_OK);
	assert_int_equal(ms, 1796399403000);
	assert_int_equal(parse("1970-01-01T00:00:00Z", &ms), CM_OK);
	assert_int_equal(ms, 0);
	assert_int_equal(parse("1969-07-20T20:17:40Z", &ms), CM_OK);
	assert_int_equal(ms, -14182940000);
}

/* Fractions longer than milliseconds are truncated, not rounded. */
static void
test_parse_long_fraction(void **state)
{
	int64_t ms;

	assert_int_equal(parse("2026-12-04T15:50:03.123999999Z", &ms), CM_OK);
	assert_int_equal(ms, 1796399403123);
	assert_int_equal(parse("2026-12-04T15:50:03.1Z", &ms), CM_OK);
	assert_int_equal(ms, 1796399403100);
	assert_int_equal(parse("2026-12-04T15:50:03.05Z", &ms), CM_OK);
	assert_int_equal(ms, 1796399403050);
}

/* RFC 3339 allows lower-case 't' and 'z'. */
static void
test_parse_lowercase(void **state)
{
	int64_t ms;

	assert_int_equal(parse("2026-12-04t15:50:03z", &ms), CM_OK);
	assert_int_equal(ms, 1796399403000);
}

/* Leap days exist exactly in leap years (2000 yes, 1900 no, 2024 yes). */
static void
test_parse_leap_days(void **state)
{
	int64_t ms;

	assert_int_equal(parse("2024-02-29T12:00:00Z", &ms), CM_OK);
	assert_int_equal(ms, 1709208000000);
	assert_int_equal(parse("2000-02-29T23:59:59.999Z", &ms), CM_OK);
	assert_int_equal(ms, 951868799999);
	assert_rejected("2023-02-29T00:00:00Z");
	assert_rejected("1900-02-29T00:00:00Z");
	assert_rejected("2026-02-30T00:00:00Z");
	assert_rejected("2026-04-31T00:00:00Z");
}

/* Impossible fields are refused with a reason. */
static void
test_parse_rejects_ranges(void **state)
{
	assert_rejected("2026-13-01T00:00:00Z");
	assert_rejected("2026-00-10T00:00:00Z");
	assert_rejected("2026-01-00T00:00:00Z");
	assert_rejected("2026-01-32T00:00:00Z");
	assert_rejected("2026-01-01T24:00:00Z");
	assert_rejected("2026-01-01T23:60:00Z");
	assert_rejected("2026-12-31T23:59:60Z");
	assert_rejected("2026-01-01T00:00:00+24:00");
	assert_rejected("2026-01-01T00:00:00+01:60");
}

/* Anything outside the grammar is refused. */
static void
test_parse_rejects_syntax(void **state)
{
	assert_rejected(NULL);
	assert_rejected("");
	assert_rejected("2026-12-04T15:50:03");
	assert_rejected("2026-12-04T15:50:03.123");
	assert_rejected("2026-12-04 15:50:03Z");
	assert_rejected("2026-12-04");
	assert_rejected("2026-12-04T15:50Z");
	assert_rejected("2026-12-04T15:50:03.Z");
	assert_rejected("2026-12-04T15:50:03ZZ");
	assert_rejected("2026-12-04T15:50:03Z ");
	assert_rejected(" 2026-12-04T15:50:03Z");
	assert_rejected("2026-12-04T15:50:03+0200");
	assert_rejected("2026-12-04T15:50:03+2:00");
	assert_rejected("2026-12-04T15:50:03+02");
	assert_rejected("20261204T155003Z");
	assert_rejected("26-12-04T15:50:03Z");
	assert_rejected("+2026-12-04T15:50:03Z");
	assert_rejected("2026-1-04T15:50:03Z");
	assert_rejected("2026-12-04T15:50:03,5Z");
	assert_rejected("2026-12-04X15:50:03Z");
}

/* Whatever is formatted parses back to the same milliseconds. */
static void
test_round_trip(void **state)
{
	char out[TIME_RFC3339_LEN];
	int64_t v, ms;

	for (v = -62135596800000; v < 253402300799999;
	    v += INT64_C(86399999) * 367 + 12345) {
		time_format_rfc3339(v, out);
		assert_int_equal(parse(out, &ms), CM_OK);
		assert_int_equal(ms, v);
	}
}

/* The wall clock is after 2024 and the monotonic clock never goes back. */
static void
test_clocks(void **state)
{
	int64_t a, b;

	assert_true(time_now_ms() > 1704067200000);
	a = time_mono_ms();
	b = time_mono_ms();
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_clamps),
		cmocka_unit_test(test_parse_offsets_and_fractions),
		cmocka_unit_test(test_parse_long_fraction),
		cmocka_unit_test(test_parse_lowercase),
		cmocka_unit_test(test_parse_leap_days),
		cmocka_unit_test(test_parse_rejects_ranges),
		cmocka_unit_test(test_parse_rejects_syntax),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_clocks),
	};

	return cmocka_run_group_tests_name("timeutil", tests, NULL, NULL);
}
