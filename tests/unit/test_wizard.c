/*
 * test_wizard.c - the deploy wizard's data side: a config schema
 * flattened to settings, the schema -> form mapping (defaults, the
 * running config of an upgrade, required and bounds), the form back as
 * a typed config, `--set key=value` typing (integers, booleans, lists,
 * nested keys, bad values), and the review's line diff.
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

#include "views/wizard.h"
#include "views/wizard_schema.h"

static const char schema_text[] =
    "{\"type\":\"object\",\"required\":[\"image\"],\"properties\":{"
    "\"replicas\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10,"
    "\"default\":2,\"description\":\"how many pods\"},"
    "\"image\":{\"type\":\"string\",\"pattern\":\"^[a-z]+:[0-9.]+$\"},"
    "\"tier\":{\"type\":\"string\",\"enum\":[\"web\",\"worker\"],"
    "\"default\":\"web\"},"
    "\"debug\":{\"type\":\"boolean\",\"default\":false},"
    "\"ratio\":{\"type\":\"number\",\"maximum\":1},"
    "\"args\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
    "\"resources\":{\"type\":\"object\",\"required\":[\"cpu\"],"
    "\"properties\":{\"cpu\":{\"type\":\"string\",\"default\":\"100m\","
    "\"title\":\"CPU request\"},"
    "\"memory\":{\"type\":\"string\",\"minLength\":2}}}}}";

static cJSON *schema;
static struct wizard_props props;

static int
group_setup(void **state)
{
	struct cm_err err;

	schema = cJSON_Parse(schema_text);
	assert_non_null(schema);
	cm_err_clear(&err);
	assert_int_equal(wizard_schema_flatten(schema, &props, &err), CM_OK);
	return 0;
}

static int
group_teardown(void **state)
{
	wizard_props_done(&props);
	cJSON_Delete(schema);
	return 0;
}

static char *
print(const cJSON *j)
{
	return cJSON_PrintUnformatted(j);
}

/* Every leaf in the schema's order, nested ones dotted, with what the
 * form needs: types, bounds, defaults, enum values, required. */
static void
test_flatten(void **state)
{
	const struct wizard_prop *p;

	assert_int_equal(props.n, 8);
	assert_string_equal(props.v[0].path, "replicas");
	assert_string_equal(props.v[6].path, "resources.cpu");
	assert_string_equal(props.v[7].path, "resources.memory");
	p = wizard_props_find(&props, "replicas");
	assert_int_equal(p->type, WIZARD_INTEGER);
	assert_true(p->has_min && p->has_max);
	assert_true(p->min == 1 && p->max == 10);
	assert_true(p->has_default);
	assert_string_equal(p->def, "2");
	assert_string_equal(p->help, "how many pods");
	assert_false(p->required);
	p = wizard_props_find(&props, "image");
	assert_true(p->required);
	assert_string_equal(p->pattern, "^[a-z]+:[0-9.]+$");
	p = wizard_props_find(&props, "tier");
	assert_int_equal(p->nchoices, 2);
	assert_string_equal(p->choices[1], "worker");
	p = wizard_props_find(&props, "debug");
	assert_int_equal(p->type, WIZARD_BOOLEAN);
	assert_string_equal(p->def, "false");
	p = wizard_props_find(&props, "args");
	assert_int_equal(p->type, WIZARD_JSON);
	assert_true(p->is_array);
	assert_int_equal(p->item_type, WIZARD_INTEGER);
	p = wizard_props_find(&props, "resources.cpu");
	assert_true(p->required);
	assert_string_equal(p->help, "CPU request");
	p = wizard_props_find(&props, "resources.memory");
	assert_int_equal(p->min_len, 2);
	assert_null(wizard_props_find(&props, "resources"));
}

/* Not an object schema: refused; no schema at all: no settings. */
static void
test_flatten_bad(void **state)
{
	struct wizard_props p;
	struct cm_err err;
	cJSON *s = cJSON_Parse("{\"type\":\"string\"}");

	cm_err_clear(&err);
	assert_int_equal(wizard_schema_flatten(s, &p, &err), CM_VALIDATION);
	assert_string_equal(err.field, "config_schema");
	wizard_props_done(&p);
	assert_int_equal(wizard_schema_flatten(NULL, &p, &err), CM_OK);
	assert_int_equal(p.n, 0);
	wizard_props_done(&p);
	cJSON_Delete(s);
}

/* --set values are typed by the schema, nested keys make objects, and
 * a later --set of the same key wins. */
static void
test_set_typed(void **state)
{
	cJSON *config = cJSON_CreateObject();
	struct cm_err err;
	char *text;

	cm_err_clear(&err);
	assert_int_equal(wizard_schema_set(&props, config, "replicas=3",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "debug=yes",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "image=nginx:1.25",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config,
	    "resources.cpu=250m", &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "args=1,2,3",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "ratio=0.5",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "replicas=4",
	    &err), CM_OK);
	/* Not in the schema: read as JSON scalars, else as text. */
	assert_int_equal(wizard_schema_set(&props, config, "extra.n=7",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "extra.s=hello",
	    &err), CM_OK);
	text = print(config);
	assert_string_equal(text, "{\"replicas\":4,\"debug\":true,"
	    "\"image\":\"nginx:1.25\",\"resources\":{\"cpu\":\"250m\"},"
	    "\"args\":[1,2,3],\"ratio\":0.5,\"extra\":{\"n\":7,"
	    "\"s\":\"hello\"}}");
	free(text);
	cJSON_Delete(config);
}

/* Bad --set input names the key and why; nothing is written. */
static void
test_set_errors(void **state)
{
	cJSON *config = cJSON_CreateObject();
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(wizard_schema_set(&props, config, "replicas=two",
	    &err), CM_VALIDATION);
	assert_string_equal(err.field, "replicas");
	assert_non_null(strstr(err.msg, "a whole number"));
	assert_int_equal(wizard_schema_set(&props, config, "replicas=1.5",
	    &err), CM_VALIDATION);
	assert_int_equal(wizard_schema_set(&props, config, "debug=maybe",
	    &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "true or false"));
	assert_int_equal(wizard_schema_set(&props, config, "args=1,x",
	    &err), CM_VALIDATION);
	assert_int_equal(wizard_schema_set(&props, config, "novalue",
	    &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "key=value"));
	assert_int_equal(wizard_schema_set(&props, config, "=3", &err),
	    CM_VALIDATION);
	assert_int_equal(wizard_schema_set(&props, config, "a..b=3", &err),
	    CM_VALIDATION);
	assert_int_equal(cJSON_GetArraySize(config), 0);
	/* A value in the way of a nested key. */
	assert_int_equal(wizard_schema_set(&props, config, "image=x:1",
	    &err), CM_OK);
	assert_int_equal(wizard_schema_set(&props, config, "image.tag=2",
	    &err), CM_VALIDATION);
	cJSON_Delete(config);
}

/* Values back as text for the form: strings bare, others as JSON. */
static void
test_text(void **state)
{
	cJSON *c = cJSON_Parse("{\"a\":{\"b\":3},\"s\":\"x\",\"l\":[1,2],"
	    "\"t\":true,\"n\":null}");
	char buf[64];

	assert_true(wizard_schema_text(c, "a.b", buf, sizeof buf));
	assert_string_equal(buf, "3");
	assert_true(wizard_schema_text(c, "s", buf, sizeof buf));
	assert_string_equal(buf, "x");
	assert_true(wizard_schema_text(c, "l", buf, sizeof buf));
	assert_string_equal(buf, "[1,2]");
	assert_true(wizard_schema_text(c, "t", buf, sizeof buf));
	assert_string_equal(buf, "true");
	assert_false(wizard_schema_text(c, "n", buf, sizeof buf));
	assert_false(wizard_schema_text(c, "a.c", buf, sizeof buf));
	assert_false(wizard_schema_text(c, "s.x", buf, sizeof buf));
	cJSON_Delete(c);
}

/* A wizard with the sample version chosen. */
static void
wizard_with(struct wizard *w, bool upgrade, const char *preset)
{
	memset(w, 0, sizeof *w);
	w->upgrade = upgrade;
	w->version_doc = cJSON_CreateObject();
	cJSON_AddItemToObject(w->version_doc, "config_schema",
	    cJSON_Duplicate(schema, true));
	snprintf(w->version, sizeof w->version, "1.2.0");
	w->preset_config = preset != NULL ? cJSON_Parse(preset) : NULL;
	wizard_form_build(w);
}

static void
wizard_free(struct wizard *w)
{
	form_free(w->form);
	wizard_props_done(&w->props);
	cJSON_Delete(w->version_doc);
	cJSON_Delete(w->preset_config);
}

/* A deploy's form: the namespace first, then one field per setting
 * with its default, enum as a choice, required marked. */
static void
test_form_deploy(void **state)
{
	struct wizard w;
	const struct form_field *f;
	struct cm_err err;
	cJSON *config;
	char *text;

	wizard_with(&w, false, NULL);
	assert_int_equal(form_count(w.form), 9);
	assert_string_equal(form_field(w.form, 0)->name, WIZARD_NS_FIELD);
	assert_string_equal(form_value(w.form, 0), "default");
	f = form_field(w.form, 1);
	assert_string_equal(f->name, "replicas");
	assert_int_equal(f->type, FORM_INTEGER);
	assert_string_equal(form_value(w.form, 1), "2");
	assert_int_equal(form_field(w.form, 3)->type, FORM_CHOICE);
	assert_int_equal(form_field(w.form, 4)->type, FORM_BOOL);
	assert_true(form_field(w.form, 2)->required);
	/* image is required and empty: no config, the field focused. */
	cm_err_clear(&err);
	assert_null(wizard_form_config(&w, &err));
	assert_int_equal(form_focus(w.form), 2);
	assert_non_null(strstr(err.msg, "image"));
	form_set_value(w.form, 2, "nginx:1.25");
	form_set_value(w.form, 1, "3");
	config = wizard_form_config(&w, &err);
	assert_non_null(config);
	text = print(config);
	assert_string_equal(text, "{\"replicas\":3,\"image\":\"nginx:1.25\","
	    "\"tier\":\"web\",\"debug\":false,\"resources\":{"
	    "\"cpu\":\"100m\"}}");
	free(text);
	cJSON_Delete(config);
	assert_string_equal(wizard_form_namespace(&w), "default");
	/* The hub's 422 on config.replicas lands on that field. */
	assert_true(wizard_form_blame(&w, "config.replicas", "too many"));
	assert_string_equal(form_error(w.form, 1), "too many");
	assert_int_equal(form_focus(w.form), 1);
	assert_false(wizard_form_blame(&w, "config.nope", "x"));
	wizard_free(&w);
}

/* An upgrade's form starts from the running config, no namespace. */
static void
test_form_upgrade(void **state)
{
	struct wizard w;

	wizard_with(&w, true, "{\"replicas\":5,\"image\":\"nginx:1.0\","
	    "\"resources\":{\"cpu\":\"2\"}}");
	assert_int_equal(form_count(w.form), 8);
	assert_int_equal(form_find(w.form, WIZARD_NS_FIELD), -1);
	assert_string_equal(form_value(w.form, 0), "5");
	assert_string_equal(form_value(w.form, 1), "nginx:1.0");
	assert_string_equal(form_value(w.form, 2), "web");
	assert_string_equal(form_value(w.form, 6), "2");
	assert_string_equal(wizard_form_namespace(&w), "");
	wizard_free(&w);
}

/* The review's diff: kept, removed and added lines in order. */
static void
test_diff(void **state)
{
	struct wizard_line *l;
	size_t n;

	l = wizard_diff("a\nb\nc\n", "a\nB\nc\nd\n", &n);
	assert_int_equal(n, 5);
	assert_int_equal(l[0].op, ' ');
	assert_string_equal(l[0].text, "a");
	assert_int_equal(l[1].op, '-');
	assert_string_equal(l[1].text, "b");
	assert_int_equal(l[2].op, '+');
	assert_string_equal(l[2].text, "B");
	assert_int_equal(l[3].op, ' ');
	assert_int_equal(l[4].op, '+');
	assert_string_equal(l[4].text, "d");
	wizard_lines_free(l, n);
	/* Nothing runs: every line is new. */
	l = wizard_diff("", "x\ny", &n);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].op, '+');
	assert_int_equal(l[1].op, '+');
	wizard_lines_free(l, n);
	l = wizard_diff(NULL, NULL, &n);
	assert_int_equal(n, 0);
	wizard_lines_free(l, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_flatten_bad),
		cmocka_unit_test(test_set_typed),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_form_deploy),
		cmocka_unit_test(test_form_upgrade),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests_name("wizard", tests, group_setup,
	    group_teardown);
}
