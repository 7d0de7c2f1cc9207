/*
 * test_json.c - strict JSON parsing and typed field readers.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/json.h"

static enum cm_status
parse(const char *s, unsigned flags, cJSON **out, struct cm_err *err)
{
	return json_parse(s, strlen(s), flags, out, err);
}

/* A valid object parses and its fields read back with their types. */
static void
test_parse_and_read(void **state)
{
	struct cm_err err;
	cJSON *j;
	const char *name;
	int64_t n;
	bool b, present;

	assert_int_equal(parse("{\"name\":\"a\",\"n\":3,\"b\":true}",
	    JSON_REQUIRE_OBJECT | JSON_REJECT_DUPLICATES, &j, &err), CM_OK);
	assert_int_equal(json_get_string(j, "name", true, 10, &name, &err),
	    CM_OK);
	assert_string_equal(name, "a");
	assert_int_equal(json_get_int(j, "n", true, 0, 5, &n, &present, &err),
	    CM_OK);
	assert_true(present);
	assert_int_equal(n, 3);
	assert_int_equal(json_get_bool(j, "b", true, &b, NULL, &err), CM_OK);
	assert_true(b);
	cJSON_Delete(j);
}

/* Malformed JSON reports the line and column where it broke. */
static void
test_malformed_position(void **state)
{
	struct cm_err err;
	cJSON *j;

	assert_int_equal(parse("{\n  \"a\": ,\n}", 0, &j, &err),
	    CM_BAD_REQUEST);
	assert_null(j);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_non_null(strstr(err.msg, "column"));
}

/* Trailing garbage after the value is refused. */
static void
test_trailing_garbage(void **state)
{
	struct cm_err err;
	cJSON *j;

	assert_int_equal(parse("{} x", 0, &j, &err), CM_BAD_REQUEST);
	assert_int_equal(parse("{}  \n", 0, &j, &err), CM_OK);
	cJSON_Delete(j);
}

/* Duplicate keys are refused at any depth when asked. */
static void
test_duplicates(void **state)
{
	struct cm_err err;
	cJSON *j;

	assert_int_equal(parse("{\"a\":1,\"a\":2}", JSON_REJECT_DUPLICATES,
	    &j, &err), CM_BAD_REQUEST);
	assert_string_equal(err.field, "a");
	assert_int_equal(parse("{\"x\":[{\"b\":1,\"b\":1}]}",
	    JSON_REJECT_DUPLICATES, &j, &err), CM_BAD_REQUEST);
	assert_int_equal(parse("{\"a\":1,\"a\":2}", 0, &j, &err), CM_OK);
	cJSON_Delete(j);
}

/* An empty body and a non-object body are 400s. */
static void
test_empty_and_non_object(void **state)
{
	struct cm_err err;
	cJSON *j;

	assert_int_equal(json_parse("", 0, 0, &j, &err), CM_BAD_REQUEST);
	assert_int_equal(parse("[1]", JSON_REQUIRE_OBJECT, &j, &err),
	    CM_BAD_REQUEST);
}

/* Wrong types, missing required fields and bounds name the field. */
static void
test_field_errors(void **state)
{
	struct cm_err err;
	cJSON *j;
	const char *s;
	int64_t n;
	int idx;
	static const char *const colours[] = { "red", "blue", NULL };
	static const char *const allowed[] = { "name", "n", NULL };

	assert_int_equal(parse("{\"name\":5,\"n\":1.5,\"c\":\"green\","
	    "\"long\":\"abcdef\"}", 0, &j, &err), CM_OK);
	assert_int_equal(json_get_string(j, "name", true, 10, &s, &err),
	    CM_VALIDATION);
	assert_string_equal(err.field, "name");
	assert_int_equal(json_get_string(j, "missing", true, 10, &s, &err),
	    CM_VALIDATION);
	assert_int_equal(json_get_string(j, "missing", false, 10, &s, &err),
	    CM_OK);
	assert_null(s);
	assert_int_equal(json_get_string(j, "long", true, 3, &s, &err),
	    CM_VALIDATION);
	assert_int_equal(json_get_int(j, "n", true, 0, 5, &n, NULL, &err),
	    CM_VALIDATION);
	assert_int_equal(json_get_enum(j, "c", true, colours, &idx, &err),
	    CM_VALIDATION);
	assert_non_null(strstr(err.msg, "red, blue"));
	assert_int_equal(json_check_keys(j, allowed, &err), CM_VALIDATION);
	assert_string_equal(err.field, "c");
	cJSON_Delete(j);
}

/* NUL bytes and \u0000 escapes are refused (cJSON would truncate the
 * string there), but an escaped backslash before u0000 is plain text. */
static void
test_nul_refused(void **state)
{
	struct cm_err err;
	cJSON *j;
	static const char raw[] = "{\"a\":\"x\0y\"}";

	assert_int_equal(parse("{\"email\":\"adm\\u0000in\"}", 0, &j,
	    &err), CM_BAD_REQUEST);
	assert_non_null(strstr(err.msg, "NUL"));
	assert_int_equal(json_parse(raw, sizeof raw - 1, 0, &j, &err),
	    CM_BAD_REQUEST);
	assert_int_equal(parse("{\"a\":\"\\\\u0000\"}", 0, &j, &err),
	    CM_OK);
	assert_string_equal(cJSON_GetObjectItem(j, "a")->valuestring,
	    "\\u0000");
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_read),
		cmocka_unit_test(test_malformed_position),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_empty_and_non_object),
		cmocka_unit_test(test_field_errors),
		cmocka_unit_test(test_nul_refused),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
