/*
 * test_respcache.c - the revision-validated response cache.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/http/respcache.h"

/* A hit needs the same key and the same revision. */
static void
test_hit_needs_same_rev(void **state)
{
	struct respcache *c = respcache_new(16);
	char *body = NULL, etag[RESPCACHE_ETAG_MAX];
	size_t len = 0;
	uint64_t hits, misses;

	assert_false(respcache_get(c, "t1|a", 1, &body, &len, etag));
	respcache_put(c, "t1|a", 1, "[1,2]", 5, "\"e1\"");
	assert_true(respcache_get(c, "t1|a", 1, &body, &len, etag));
	assert_int_equal(len, 5);
	assert_memory_equal(body, "[1,2]", 5);
	assert_string_equal(etag, "\"e1\"");
	free(body);
	/* The store moved on: the entry is stale. */
	assert_false(respcache_get(c, "t1|a", 2, &body, &len, etag));
	assert_false(respcache_get(c, "t2|a", 1, &body, &len, etag));
	respcache_stats(c, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 3);
	respcache_free(c);
}

/* An older revision never replaces a newer one for the same key. */
static void
test_older_put_ignored(void **state)
{
	struct respcache *c = respcache_new(4);
	char *body = NULL, etag[RESPCACHE_ETAG_MAX];
	size_t len = 0;

	respcache_put(c, "k", 5, "new", 3, "\"n\"");
	respcache_put(c, "k", 4, "old", 3, "\"o\"");
	assert_false(respcache_get(c, "k", 4, &body, &len, etag));
	assert_true(respcache_get(c, "k", 5, &body, &len, etag));
	assert_memory_equal(body, "new", 3);
	free(body);
	respcache_free(c);
}

/* Colliding keys in a one-slot cache replace each other safely. */
static void
test_collisions_replace(void **state)
{
	struct respcache *c = respcache_new(1);
	char *body = NULL, etag[RESPCACHE_ETAG_MAX];
	size_t len = 0;

	respcache_put(c, "a", 1, "A", 1, "\"a\"");
	respcache_put(c, "b", 1, "B", 1, "\"b\"");
	assert_false(respcache_get(c, "a", 1, &body, &len, etag));
	assert_true(respcache_get(c, "b", 1, &body, &len, etag));
	assert_memory_equal(body, "B", 1);
	free(body);
	respcache_free(c);
	respcache_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_needs_same_rev),
		cmocka_unit_test(test_older_put_ignored),
		cmocka_unit_test(test_collisions_replace),
	};

	return cmocka_run_group_tests_name("respcache", tests, NULL, NULL);
}
