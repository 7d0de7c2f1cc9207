/*
 * test_ydoc.c - the YAML tree loader: shapes, positions, and errors that
 * name file:line:column.
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

#include "backend/ydoc.h"

static enum cm_status
load(const char *text, struct ynode **root, struct cm_err *err)
{
	return ydoc_load_string("t.yaml", text, strlen(text), root, err);
}

/* Maps, sequences and scalars come back with their 1-based positions. */
static void
test_tree_and_positions(void **state)
{
	struct ynode *root;
	struct cm_err err;
	const struct ynode *ctx, *it;
	int n = 0;
	long v;
	bool b;

	assert_int_equal(load("name: dark\nrefresh: 5\nro: yes\n"
	    "keys:\n  - a\n  - \"b\"\nctx:\n  hub: http://x\n", &root, &err),
	    CM_OK);
	assert_int_equal(root->type, YNODE_MAP);
	assert_string_equal(ydoc_get_str(root, "name"), "dark");
	assert_true(ydoc_long(ydoc_get(root, "refresh"), 1, 10, &v));
	assert_int_equal(v, 5);
	assert_false(ydoc_long(ydoc_get(root, "refresh"), 6, 10, &v));
	assert_true(ydoc_bool(ydoc_get(root, "ro"), &b));
	assert_true(b);
	foreach_ynode(ydoc_get(root, "keys"), it) {
		assert_int_equal(it->type, YNODE_SCALAR);
		n++;
	}
	assert_int_equal(n, 2);
	assert_true(ydoc_get(root, "keys")->child->next->quoted);
	ctx = ydoc_get(root, "ctx");
	assert_int_equal(ctx->type, YNODE_MAP);
	assert_string_equal(ydoc_get_str(ctx, "hub"), "http://x");
	assert_int_equal(ydoc_get(ctx, "hub")->line, 8);
	assert_int_equal(ydoc_get(ctx, "hub")->column, 8);
	assert_null(ydoc_get(root, "missing"));
	ydoc_free(root);
}

/* A syntax error names the file, line and column. */
static void
test_syntax_error(void **state)
{
	struct ynode *root;
	struct cm_err err;

	assert_int_equal(load("a: 1\nb: [1, 2\n", &root, &err),
	    CM_VALIDATION);
	assert_null(root);
	assert_non_null(strstr(err.msg, "t.yaml:"));
	assert_int_equal(load("a: 1\n  b: 2\n", &root, &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "t.yaml:2:"));
}

/* Duplicate keys and aliases are refused with their position. */
static void
test_duplicates_and_aliases(void **state)
{
	struct ynode *root;
	struct cm_err err;

	assert_int_equal(load("a: 1\nb: 2\na: 3\n", &root, &err),
	    CM_VALIDATION);
	assert_non_null(strstr(err.msg, "t.yaml:3:4: duplicate key \"a\""));
	assert_int_equal(load("a: &x 1\nb: *x\n", &root, &err),
	    CM_VALIDATION);
	assert_non_null(strstr(err.msg, "aliases"));
	assert_int_equal(load("? [a]\n: 1\n", &root, &err), CM_VALIDATION);
}

/* An empty document is an empty map; ydoc_error formats positions. */
static void
test_empty_and_error_helper(void **state)
{
	struct ynode *root;
	struct cm_err err;

	assert_int_equal(load("", &root, &err), CM_OK);
	assert_int_equal(root->type, YNODE_MAP);
	assert_int_equal(root->nchildren, 0);
	ydoc_free(root);
	assert_int_equal(load("theme: 42\n", &root, &err), CM_OK);
	assert_int_equal(ydoc_error(&err, "t.yaml", ydoc_get(root, "theme"),
	    "unknown theme \"%s\"", "42"), CM_VALIDATION);
	assert_string_equal(err.msg, "t.yaml:1:8: unknown theme \"42\"");
	ydoc_free(root);
}

/* Missing files are CM_NOT_FOUND; deep nesting is capped. */
static void
test_file_and_depth(void **state)
{
	struct ynode *root;
	struct cm_err err;
	char deep[1024];
	int i;

	assert_int_equal(ydoc_load_file("/nonexistent/x.yaml", &root, &err),
	    CM_NOT_FOUND);
	for (i = 0; i < 200; i++)
		deep[i] = '[';
	deep[i] = '\0';
	assert_int_equal(load(deep, &root, &err), CM_VALIDATION);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_and_positions),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_duplicates_and_aliases),
		cmocka_unit_test(test_empty_and_error_helper),
		cmocka_unit_test(test_file_and_depth),
	};

	return cmocka_run_group_tests_name("ydoc", tests, NULL, NULL);
}
