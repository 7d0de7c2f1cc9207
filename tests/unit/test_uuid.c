/*
 * test_uuid.c - UUIDv7 layout (RFC 9562), ordering across milliseconds,
 * uniqueness, and the canonical-form check.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/timeutil.h"
#include "backend/uuid.h"

#define N_IDS 2000

/* The 48-bit millisecond timestamp at the front of a UUID string. */
static int64_t
uuid_ms(const char *id)
{
	char hex[13];

	memcpy(hex, id, 8);
	memcpy(hex + 8, id + 9, 4);
	hex[12] = '\0';
	return (int64_t)strtoll(hex, NULL, 16);
}

/* A new id is canonical lowercase 8-4-4-4-12 with version 7, variant 10. */
static void
test_layout(void **state)
{
	char id[UUID_STR_LEN + 1];
	int i, j;

	for (i = 0; i < 200; i++) {
		uuid_v7(id);
		assert_int_equal(strlen(id), UUID_STR_LEN);
		assert_true(uuid_is_valid(id));
		for (j = 0; j < UUID_STR_LEN; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				assert_int_equal(id[j], '-');
			else
				assert_non_null(strchr("0123456789abcdef",
				    id[j]));
		}
		assert_int_equal(id[14], '7');
		assert_non_null(strchr("89ab", id[19]));
	}
}

/* The timestamp field is the current wall-clock time in milliseconds. */
static void
test_timestamp_is_now(void **state)
{
	char id[UUID_STR_LEN + 1];
	int64_t before, after, ms;

	before = time_now_ms();
	uuid_v7(id);
	after = time_now_ms();
	ms = uuid_ms(id);
	assert_true(ms >= before);
	assert_true(ms <= after);
}

/* An id made in a later millisecond sorts after the earlier one. */
static void
test_later_ms_sorts_later(void **state)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];
	int64_t t;
	int i;

	for (i = 0; i < 5; i++) {
		uuid_v7(a);
		/* Spin until the clock moves on; no sleeping. */
		t = uuid_ms(a);
		while (time_now_ms() <= t)
			;
		uuid_v7(b);
		assert_true(uuid_ms(b) > uuid_ms(a));
		assert_true(strcmp(b, a) > 0);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Many ids in a row are all different, even within one millisecond. */
static void
test_unique(void **state)
{
	char (*ids)[UUID_STR_LEN + 1];
	int i;

	ids = calloc(N_IDS, sizeof *ids);
	assert_non_null(ids);
	for (i = 0; i < N_IDS; i++)
		uuid_v7(ids[i]);
	qsort(ids, N_IDS, sizeof *ids, cmp_str);
	for (i = 1; i < N_IDS; i++)
		assert_true(strcmp(ids[i - 1], ids[i]) != 0);
	free(ids);
}

/* The random bits vary: not all ids of a burst share the tail. */
static void
test_random_bits_vary(void **state)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];

	uuid_v7(a);
	uuid_v7(b);
	assert_true(strcmp(a + 24, b + 24) != 0);
}

/* The validator takes any version but only the canonical lowercase form. */
/* Ids made one after another sort strictly in creation order, even
 * thousands within one millisecond (regression: demo rows seeded in one
 * ms listed out of order). */
static void
test_monotonic_within_ms(void **state)
{
	char prev[UUID_STR_LEN + 1], cur[UUID_STR_LEN + 1];
	int i;

	uuid_v7(prev);
	for (i = 0; i < 20000; i++) {
		uuid_v7(cur);
		assert_true(uuid_is_valid(cur));
		assert_int_equal(cur[14], '7');
		assert_true(strchr("89ab", cur[19]) != NULL);
		if (strcmp(prev, cur) >= 0)
			fail_msg("%s !< %s", prev, cur);
		memcpy(prev, cur, sizeof cur);
	}
}

static void
test_is_valid(void **state)
{
	assert_true(uuid_is_valid("01936b2e-5c3a-7f00-8abc-0123456789ab"));
	assert_true(uuid_is_valid("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
	assert_true(uuid_is_valid("00000000-0000-0000-0000-000000000000"));
	assert_false(uuid_is_valid(NULL));
	assert_false(uuid_is_valid(""));
	assert_false(uuid_is_valid("F47AC10B-58CC-4372-A567-0E02B2C3D479"));
	assert_false(uuid_is_valid("f47ac10b58cc4372a5670e02b2c3d479"));
	assert_false(uuid_is_valid("f47ac10b-58cc-4372-a567-0e02b2c3d47"));
	assert_false(uuid_is_valid("f47ac10b-58cc-4372-a567-0e02b2c3d4790"));
	assert_false(uuid_is_valid("f47ac10b-58cc-4372-a567_0e02b2c3d479"));
	assert_false(uuid_is_valid("g47ac10b-58cc-4372-a567-0e02b2c3d479"));
	assert_false(uuid_is_valid("{f47ac10b-58cc-4372-a567-0e02b2c3d479}"));
	assert_false(uuid_is_valid("f47ac10b-58cc-4372-a567-0e02b2c3d479 "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_timestamp_is_now),
		cmocka_unit_test(test_later_ms_sorts_later),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_random_bits_vary),
		cmocka_unit_test(test_monotonic_within_ms),
		cmocka_unit_test(test_is_valid),
	};

	return cmocka_run_group_tests_name("uuid", tests, NULL, NULL);
}
