/*
 * test_config.c - cmhubd's settings table: defaults, bounds, the file.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hub/core/config.h"

static char *
write_temp(const char *text)
{
	char *path = strdup("/tmp/cm-config-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Defaults are the documented ones. */
static void
test_defaults(void **state)
{
	struct hub_config cfg;

	config_defaults(&cfg);
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_int_equal(cfg.body_max, 1048576);
	assert_int_equal(cfg.access_ttl, 900);
}

/* Values out of bounds, non-integers and unknown keys are refused. */
static void
test_set_bounds(void **state)
{
	struct hub_config cfg;
	struct cm_err err;

	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "threads", "8", &err), CM_OK);
	assert_int_equal(cfg.threads, 8);
	assert_int_equal(config_set(&cfg, "threads", "0", &err),
	    CM_VALIDATION);
	assert_int_equal(config_set(&cfg, "threads", "8x", &err),
	    CM_VALIDATION);
	assert_int_equal(config_set(&cfg, "nope", "1", &err), CM_VALIDATION);
	assert_int_equal(cfg.threads, 8);
}

/* A config file applies its keys. */
static void
test_file_ok(void **state)
{
	struct hub_config cfg;
	struct cm_err err;
	char *path = write_temp("# hub\nlisten: 127.0.0.1:9999\n"
	    "rate_read_per_min: 0\n");

	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, path, &err), CM_OK);
	assert_string_equal(cfg.listen, "127.0.0.1:9999");
	assert_int_equal(cfg.rate_read_per_min, 0);
	unlink(path);
	free(path);
}

/* A bad value names file:line:column. */
static void
test_file_bad_value(void **state)
{
	struct hub_config cfg;
	struct cm_err err;
	char *path = write_temp("listen: 127.0.0.1:1\nthreads: lots\n");
	char want[256];

	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, path, &err), CM_VALIDATION);
	snprintf(want, sizeof want, "%s:2:10:", path);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "threads"));
	unlink(path);
	free(path);
}

/* YAML syntax errors and nested values are reported with a position. */
static void
test_file_syntax(void **state)
{
	struct hub_config cfg;
	struct cm_err err;
	char *path = write_temp("listen: [1, 2\n");
	char *nested = write_temp("listen:\n  a: b\n");

	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, path, &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(config_load_file(&cfg, nested, &err),
	    CM_VALIDATION);
	assert_non_null(strstr(err.msg, ":2:"));
	assert_int_equal(config_load_file(&cfg, "/nonexistent/x.yaml", &err),
	    CM_IO);
	unlink(path);
	unlink(nested);
	free(path);
	free(nested);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_bounds),
		cmocka_unit_test(test_file_ok),
		cmocka_unit_test(test_file_bad_value),
		cmocka_unit_test(test_file_syntax),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
