/*
 * test_jschema.c - the config schema subset: which schemas are accepted,
 * how configs are validated, which path an error names, and the defaults
 * that come out.  Table-driven: each row is a schema or a config with
 * the expected result.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "hub/apps/jschema.h"

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	if (j == NULL)
		fail_msg("test JSON does not parse: %s", text);
	return j;
}

/* Assert that the compact text of j equals want. */
static void
assert_json(const cJSON *j, const char *want)
{
	char *got = cJSON_PrintUnformatted(j);

	if (strcmp(got, want) != 0)
		fail_msg("got %s\nwant %s", got, want);
	cJSON_free(got);
}

struct check_case {
	const char *schema;
	bool ok;
	const char *msg;	/* substring of the message when !ok */
};

/* Schemas we support pass the check; everything else names the spot. */
static void
test_check_table(void **state)
{
	static const struct check_case cases[] = {
		{ "{\"type\":\"object\"}", true, NULL },
		{ "{\"type\":\"object\",\"title\":\"Web\",\"description\":"
		  "\"d\",\"additionalProperties\":false,\"required\":[\"a\"],"
		  "\"properties\":{\"a\":{\"type\":\"string\",\"minLength\":1,"
		  "\"maxLength\":9,\"pattern\":\"^[a-z]+$\",\"default\":\"x\"},"
		  "\"n\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":2},"
		  "\"l\":{\"type\":\"array\",\"items\":{\"type\":\"integer\","
		  "\"enum\":[1,2]}},\"b\":{\"type\":\"boolean\","
		  "\"default\":true}}}", true, NULL },
		{ "[]", false, "config_schema: must be an object" },
		{ "{\"type\":\"string\"}", false, "top-level type must be "
		  "object" },
		{ "{\"properties\":{}}", false, "type must be one of" },
		{ "{\"type\":\"map\"}", false, "type must be one of" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"format\":\"email\"}}}", false,
		  "config_schema.properties.a: unsupported keyword \"format\"" },
		{ "{\"type\":\"object\",\"$ref\":\"#/x\"}", false,
		  "unsupported keyword \"$ref\"" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{}}}", false,
		  "properties.a: type must be" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"minimum\":1}}}", false, "apply to integer and "
		  "number only" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"integer\",\"minimum\":5,\"maximum\":1}}}", false,
		  "minimum is above maximum" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"integer\",\"maxLength\":1}}}", false, "apply to strings "
		  "only" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"minLength\":-1}}}", false, "at least 0" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"pattern\":\"(\"}}}", false, "not a valid POSIX" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"integer\",\"minimum\":1,\"default\":0}}}", false,
		  "default does not fit the schema (default must be at least "
		  "1)" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"integer\",\"default\":\"2\"}}}", false, "default must be "
		  "an integer" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"enum\":[]}}}", false, "non-empty array" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"enum\":[\"x\",3]}}}", false, "enum value does "
		  "not fit" },
		{ "{\"type\":\"object\",\"required\":\"a\"}", false,
		  "required must be an array" },
		{ "{\"type\":\"object\",\"required\":[\"a\",\"a\"]}", false,
		  "twice" },
		{ "{\"type\":\"object\",\"additionalProperties\":{}}", false,
		  "additionalProperties must be true or false" },
		{ "{\"type\":\"string\",\"properties\":{}}", false,
		  "apply to objects only" },
		{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
		  "\"string\",\"items\":{\"type\":\"string\"}}}}", false,
		  "items applies to arrays only" },
		{ "{\"type\":\"object\",\"properties\":{\"a.b\":{\"type\":"
		  "\"string\"}}}", false, "without dots" },
		{ "{\"type\":\"object\",\"title\":3}", false,
		  "title must be a string" },
	};
	struct cm_err err;
	cJSON *s;
	enum cm_status st;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = parse(cases[i].schema);
		cm_err_clear(&err);
		st = jschema_check(s, &err);
		cJSON_Delete(s);
		if (cases[i].ok && st != CM_OK)
			fail_msg("case %zu refused: %s", i, err.msg);
		if (cases[i].ok)
			continue;
		if (st != CM_VALIDATION)
			fail_msg("case %zu accepted: %s", i, cases[i].schema);
		assert_string_equal(err.field, "config_schema");
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
			    err.msg, cases[i].msg);
	}
}

/* A schema nested deeper than the cap is refused, not recursed into. */
static void
test_check_depth(void **state)
{
	cJSON *root = cJSON_CreateObject(), *node = root, *props, *child;
	struct cm_err err;
	int i;

	for (i = 0; i < JSCHEMA_DEPTH_MAX + 5; i++) {
		cJSON_AddStringToObject(node, "type", "object");
		props = cJSON_AddObjectToObject(node, "properties");
		child = cJSON_AddObjectToObject(props, "x");
		node = child;
	}
	cJSON_AddStringToObject(node, "type", "string");
	cm_err_clear(&err);
	assert_int_equal(jschema_check(root, &err), CM_VALIDATION);
	cJSON_Delete(root);
	if (strstr(err.msg, "nested too deeply") == NULL)
		fail_msg("message: %s", err.msg);
}

static const char web_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"required\":[\"image\"],\"properties\":{"
	"\"replicas\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10,"
	"\"default\":2},"
	"\"image\":{\"type\":\"string\",\"minLength\":1,"
	"\"pattern\":\"^[a-z]+(:[a-z0-9.]+)?$\"},"
	"\"env\":{\"type\":\"string\",\"enum\":[\"dev\",\"prod\"],"
	"\"default\":\"dev\"},"
	"\"ratio\":{\"type\":\"number\"},"
	"\"debug\":{\"type\":\"boolean\"},"
	"\"label\":{\"type\":\"string\",\"maxLength\":5},"
	"\"ports\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"port\"],\"properties\":{"
	"\"name\":{\"type\":\"string\",\"maxLength\":5},"
	"\"port\":{\"type\":\"integer\"}}}},"
	"\"resources\":{\"type\":\"object\",\"properties\":{"
	"\"cpu\":{\"type\":\"string\",\"default\":\"100m\"},"
	"\"memory\":{\"type\":\"string\"}}},"
	"\"extra\":{\"type\":\"object\"}}}";

struct validate_case {
	const char *value;	/* NULL: no config at all */
	const char *field;	/* NULL: valid */
	const char *want;	/* output when valid; message part if not */
};

/* Configs are validated with the failing path named, defaults applied. */
static void
test_validate_table(void **state)
{
	static const struct validate_case cases[] = {
		{ "{\"image\":\"nginx\"}", NULL,
		  "{\"replicas\":2,\"image\":\"nginx\",\"env\":\"dev\","
		  "\"resources\":{\"cpu\":\"100m\"}}" },
		{ "{\"env\":\"prod\",\"image\":\"nginx:1.27\",\"replicas\":3,"
		  "\"debug\":true,\"ratio\":0.5,\"resources\":{\"memory\":"
		  "\"1Gi\"},\"ports\":[{\"port\":80,\"name\":\"http\"}]}", NULL,
		  "{\"replicas\":3,\"image\":\"nginx:1.27\",\"env\":\"prod\","
		  "\"ratio\":0.5,\"debug\":true,\"ports\":[{\"name\":\"http\","
		  "\"port\":80}],\"resources\":{\"cpu\":\"100m\",\"memory\":"
		  "\"1Gi\"}}" },
		{ "{\"image\":\"a\",\"label\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\"}", NULL, NULL },
		{ "{}", "config.image", "config.image is required" },
		{ NULL, "config.image", "config.image is required" },
		{ "\"x\"", "config", "config must be an object" },
		{ "{\"image\":\"nginx\",\"replicas\":11}", "config.replicas",
		  "config.replicas must be at most 10" },
		{ "{\"image\":\"nginx\",\"replicas\":0}", "config.replicas",
		  "must be at least 1" },
		{ "{\"image\":\"nginx\",\"replicas\":2.5}", "config.replicas",
		  "must be an integer" },
		{ "{\"image\":\"nginx\",\"replicas\":\"3\"}", "config.replicas",
		  "must be an integer" },
		{ "{\"image\":\"nginx\",\"replicas\":null}", "config.replicas",
		  "must be an integer" },
		{ "{\"image\":\"nginx\",\"env\":\"staging\"}", "config.env",
		  "must be one of: \"dev\", \"prod\"" },
		{ "{\"image\":\"NGINX\"}", "config.image",
		  "must match the pattern" },
		{ "{\"image\":\"\"}", "config.image",
		  "must be at least 1 characters" },
		{ "{\"image\":\"a\",\"label\":\"abcdef\"}", "config.label",
		  "at most 5 characters" },
		{ "{\"image\":\"a\",\"foo\":1}", "config.foo",
		  "not a known setting" },
		{ "{\"image\":\"a\",\"ports\":[{\"port\":80},{\"name\":"
		  "\"toolong\",\"port\":81}]}", "config.ports[1].name",
		  "config.ports[1].name must be at most 5" },
		{ "{\"image\":\"a\",\"ports\":[{\"name\":\"a\"}]}",
		  "config.ports[0].port", "is required" },
		{ "{\"image\":\"a\",\"ports\":{}}", "config.ports",
		  "must be an array" },
		{ "{\"image\":\"a\",\"debug\":\"yes\"}", "config.debug",
		  "must be a boolean" },
		{ "{\"image\":\"a\",\"ratio\":\"1\"}", "config.ratio",
		  "must be a number" },
		{ "{\"image\":\"a\",\"resources\":{\"cpu\":1}}",
		  "config.resources.cpu", "must be a string" },
		{ "{\"image\":\"a\",\"extra\":{\"any\":[1,{\"x\":null}]}}", NULL,
		  "{\"replicas\":2,\"image\":\"a\",\"env\":\"dev\","
		  "\"resources\":{\"cpu\":\"100m\"},\"extra\":{\"any\":"
		  "[1,{\"x\":null}]}}" },
	};
	struct cm_err err;
	cJSON *schema = parse(web_schema), *v, *out;
	enum cm_status st;
	size_t i;

	cm_err_clear(&err);
	assert_int_equal(jschema_check(schema, &err), CM_OK);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = cases[i].value != NULL ? parse(cases[i].value) : NULL;
		cm_err_clear(&err);
		out = (cJSON *)1;
		st = jschema_validate(schema, v, &out, &err);
		cJSON_Delete(v);
		if (cases[i].field == NULL) {
			if (st != CM_OK)
				fail_msg("case %zu refused: %s", i, err.msg);
			if (cases[i].want != NULL)
				assert_json(out, cases[i].want);
			cJSON_Delete(out);
			continue;
		}
		if (st != CM_VALIDATION)
			fail_msg("case %zu accepted", i);
		assert_null(out);
		if (strcmp(err.field, cases[i].field) != 0)
			fail_msg("case %zu: field %s, want %s", i, err.field,
			    cases[i].field);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
			    err.msg, cases[i].want);
	}
	cJSON_Delete(schema);
}

/* Lookup follows properties by dotted path and nothing else. */
static void
test_lookup(void **state)
{
	cJSON *schema = parse(web_schema);
	const cJSON *n;

	n = jschema_lookup(schema, "resources.cpu");
	assert_non_null(n);
	assert_string_equal(cJSON_GetObjectItem(n, "default")->valuestring,
	    "100m");
	assert_non_null(jschema_lookup(schema, "replicas"));
	assert_null(jschema_lookup(schema, "resources.disk"));
	assert_null(jschema_lookup(schema, "ports.name"));
	assert_null(jschema_lookup(schema, "nope"));
	assert_null(jschema_lookup(schema, "resources..cpu"));
	cJSON_Delete(schema);
}

/* A sample config takes defaults, enums, minimums and type stand-ins. */
static void
test_sample(void **state)
{
	cJSON *schema = parse("{\"type\":\"object\",\"properties\":{"
	    "\"a\":{\"type\":\"integer\",\"default\":7},"
	    "\"b\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},"
	    "\"c\":{\"type\":\"integer\",\"minimum\":3.5},"
	    "\"d\":{\"type\":\"number\",\"maximum\":-2},"
	    "\"e\":{\"type\":\"string\"},\"f\":{\"type\":\"boolean\"},"
	    "\"g\":{\"type\":\"array\"},"
	    "\"h\":{\"type\":\"object\",\"properties\":{\"i\":"
	    "{\"type\":\"number\"}}}}}");
	cJSON *s = jschema_sample(schema);

	assert_json(s, "{\"a\":7,\"b\":\"x\",\"c\":4,\"d\":-2,\"e\":\"sample\","
	    "\"f\":false,\"g\":[],\"h\":{\"i\":1}}");
	cJSON_Delete(s);
	cJSON_Delete(schema);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_table),
		cmocka_unit_test(test_check_depth),
		cmocka_unit_test(test_validate_table),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests_name("jschema", tests, NULL, NULL);
}
