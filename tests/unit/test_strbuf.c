/*
 * test_strbuf.c - the growing text: appends of every kind, growth past
 * the first allocation, NUL termination, and freeing.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/strbuf.h"

/* Bytes, strings and formatted text land in order, NUL-terminated. */
static void
test_appends(void **state)
{
	struct strbuf b = { NULL, 0, 0 };

	(void)state;
	strbuf_add(&b, "", 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	strbuf_add(&b, "abcdef", 3);
	strbuf_puts(&b, "-");
	strbuf_printf(&b, "%d:%s", 42, "x");
	assert_string_equal(b.s, "abc-42:x");
	assert_int_equal(b.len, 8);
	strbuf_free(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
}

/* Many appends, and one longer than everything before, keep every byte. */
static void
test_growth(void **state)
{
	struct strbuf b = { NULL, 0, 0 };
	char big[5000];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		strbuf_printf(&b, "%03d", i % 1000);
	assert_int_equal(b.len, 3000);
	assert_memory_equal(b.s + 2997, "999", 4);
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	strbuf_printf(&b, "%s", big);
	assert_int_equal(b.len, 3000 + sizeof big - 1);
	assert_int_equal(strlen(b.s), b.len);
	assert_true(b.cap > b.len);
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
