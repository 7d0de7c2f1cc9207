/*
 * test_sse.c - the text/event-stream parser: fields, multi-line data,
 * comments, CRLF/CR/LF line ends (also split across chunks), a BOM,
 * sticky ids, retry, events fed one byte at a time, and the size cap.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backend/sse.h"

#define GOT_MAX 16

struct got {
	int n;
	char type[GOT_MAX][64];
	char data[GOT_MAX][256];
	char id[GOT_MAX][128];
};

static void
on_event(void *arg, const struct sse_event *ev)
{
	struct got *g = arg;

	if (g->n >= GOT_MAX)
		return;
	snprintf(g->type[g->n], sizeof g->type[0], "%s", ev->type);
	snprintf(g->data[g->n], sizeof g->data[0], "%s", ev->data);
	snprintf(g->id[g->n], sizeof g->id[0], "%s", ev->id);
	assert_int_equal(strlen(ev->data), ev->data_len);
	g->n++;
}

/* Feed text whole; assert it parses. */
static void
feed(struct sse_parser *p, const char *text)
{
	struct cm_err err;

	assert_int_equal(sse_feed(p, text, strlen(text), &err), CM_OK);
}

/* The hub's shape: id, event, one data line, a blank line. */
static void
test_basic(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	feed(p, "id: 7\nevent: alert.changed\ndata: {\"a\":1}\n\n");
	assert_int_equal(g.n, 1);
	assert_string_equal(g.type[0], "alert.changed");
	assert_string_equal(g.data[0], "{\"a\":1}");
	assert_string_equal(g.id[0], "7");
	assert_string_equal(sse_last_id(p), "7");
	/* No blank line yet: nothing is delivered. */
	feed(p, "event: x\ndata: y\n");
	assert_int_equal(g.n, 1);
	feed(p, "\n");
	assert_int_equal(g.n, 2);
	/* The id sticks to later events that carry none. */
	assert_string_equal(g.id[1], "7");
	sse_free(p);
}

/* Several data lines join with "\n"; no type means "message"; a space
 * after the colon is dropped once, a missing colon is a bare name. */
static void
test_multiline_and_defaults(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	feed(p, "data: one\ndata:two\ndata:  three\ndata\n\n");
	assert_int_equal(g.n, 1);
	assert_string_equal(g.type[0], "message");
	assert_string_equal(g.data[0], "one\ntwo\n three\n");
	/* Events without data are not dispatched, but reset the type. */
	feed(p, "event: lonely\n\ndata: d\n\n");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.type[1], "message");
	sse_free(p);
}

/* Comments are counted, never delivered; unknown fields ignored. */
static void
test_comments_and_unknown(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	feed(p, ": keepalive\n\n: again\nfoo: bar\ndata: x\n\n");
	assert_int_equal(sse_comments(p), 2);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.data[0], "x");
	sse_free(p);
}

/* CRLF and CR end lines like LF, also when a CRLF is split between
 * two chunks (it must not count as two line ends). */
static void
test_line_ends(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	feed(p, "data: a\r\ndata: b\r\n\r\n");
	feed(p, "data: c\rdata: d\r\r");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.data[0], "a\nb");
	assert_string_equal(g.data[1], "c\nd");
	feed(p, "data: e\r");
	feed(p, "\ndata: f\r");
	assert_int_equal(g.n, 2);
	feed(p, "\n\r");
	feed(p, "\n");
	assert_int_equal(g.n, 3);
	assert_string_equal(g.data[2], "e\nf");
	sse_free(p);
}

/* One byte at a time gives the same events as one chunk. */
static void
test_byte_by_byte(void **state)
{
	const char *text = "\xef\xbb\xbfid: 41\r\nevent: metrics.tick\r\n"
	    "data: {\"cluster_id\":\"c1\"}\r\n\r\nid: 42\nevent: cluster."
	    "status\ndata: {}\n\n";
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);
	struct cm_err err;
	size_t i;

	for (i = 0; text[i] != '\0'; i++)
		assert_int_equal(sse_feed(p, text + i, 1, &err), CM_OK);
	assert_int_equal(g.n, 2);
	/* The BOM is not part of the first field name. */
	assert_string_equal(g.id[0], "41");
	assert_string_equal(g.type[0], "metrics.tick");
	assert_string_equal(g.data[0], "{\"cluster_id\":\"c1\"}");
	assert_string_equal(g.type[1], "cluster.status");
	assert_string_equal(sse_last_id(p), "42");
	sse_free(p);
}

/* retry takes digits only; an id with nothing clears the id. */
static void
test_retry_and_id_reset(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	assert_int_equal(sse_retry_ms(p), -1);
	feed(p, "retry: 2500\n\nretry: 12x\n\n");
	assert_int_equal(sse_retry_ms(p), 2500);
	feed(p, "id: 9\ndata: a\n\nid\ndata: b\n\n");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "9");
	assert_string_equal(g.id[1], "");
	sse_free(p);
}

/* A reconnect forgets half an event but keeps the last id. */
static void
test_restart(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 0);

	feed(p, "id: 5\ndata: whole\n\nid: 6\ndata: half");
	sse_restart(p);
	assert_string_equal(sse_last_id(p), "5");
	feed(p, "\n\n");
	assert_int_equal(g.n, 1);
	sse_set_last_id(p, "77");
	feed(p, "data: z\n\n");
	assert_string_equal(g.id[1], "77");
	sse_free(p);
}

/* Data past the cap is refused; the parser goes on afterwards. */
static void
test_cap(void **state)
{
	struct got g = { 0 };
	struct sse_parser *p = sse_new(on_event, &g, 32);
	struct cm_err err;
	const char *big = "data: 0123456789012345678901234567890123456789\n";

	assert_int_equal(sse_feed(p, big, strlen(big), &err), CM_TOO_LARGE);
	feed(p, "data: ok\n\n");
	assert_int_equal(g.n, 1);
	assert_string_equal(g.data[0], "ok");
	sse_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_multiline_and_defaults),
		cmocka_unit_test(test_comments_and_unknown),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_retry_and_id_reset),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests_name("sse", tests, NULL, NULL);
}
