/*
 * test_screens_live.c - the console's live parts on a real terminal:
 * `cm` on a pty rendered by libvterm, against a real cmhubd (its event
 * stream, metrics and alert rules) on loopback.
 *
 * Known points are pushed with POST /api/v1/metrics (flat lines, so the
 * charts are the same from run to run); the golden files mask what
 * moves with the clock: times, ages, the braille of the lines (whose
 * ends shift with the hub's window) and the time axis.  The last test
 * pushes a value over an alert rule's threshold and waits, without a
 * key, for the alert to reach the header and the alerts list: the hub's
 * stream tells the console, which refetches at once.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "tests/api/harness.h"
#include "tests/tui/cmrun.h"
#include "tests/tui/vt.h"

#define WAIT_MS 20000

static struct api_server *srv;
static char home[300];
static char fake_now[32];
static char cluster_id[64];	/* dc-amsterdam */
static char quiet_id[64];	/* dc-frankfurt: the live alert's */

/* The id of the cluster named name. */
static void
find_cluster(const char *token, const char *name, char *out, size_t len)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/clusters", token,
	    NULL);
	const cJSON *it;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
		if (strcmp(cJSON_GetObjectItem(it, "name")->valuestring,
		    name) == 0)
			snprintf(out, len, "%s",
			    cJSON_GetObjectItem(it, "id")->valuestring);
	api_resp_free(r);
	assert_true(out[0] != '\0');
}

/* Push name=value for cluster every minute over the last 70 minutes. */
static void
push_flat(const char *token, const char *cluster, const char *name,
    double value, int minutes)
{
	cJSON *body = cJSON_CreateObject(), *pts, *p;
	struct api_resp *r;
	struct timeval tv;
	long long now;
	char *text;
	int i;

	gettimeofday(&tv, NULL);
	now = (long long)tv.tv_sec * 1000;
	pts = cJSON_AddArrayToObject(body, "points");
	for (i = minutes - 1; i >= 0; i--) {
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "cluster_id", cluster);
		cJSON_AddStringToObject(p, "name", name);
		cJSON_AddNumberToObject(p, "value", value);
		cJSON_AddNumberToObject(p, "timestamp",
		    (double)(now - (long long)i * 60000));
		cJSON_AddItemToArray(pts, p);
	}
	text = cJSON_PrintUnformatted(body);
	r = api_call(srv, "POST", "/api/v1/metrics", token, text);
	assert_int_equal(r->status, 202);
	api_resp_free(r);
	free(text);
	cJSON_Delete(body);
}

static int
setup(void **state)
{
	const char *const extra[] = { "--set", "collect_interval=1", NULL };
	char *token;

	srv = api_server_start_args(extra);
	snprintf(home, sizeof home, "%s/console", srv->dir);
	mkdir(home, 0700);
	cmrun_write_config(home, srv->url);
	snprintf(fake_now, sizeof fake_now, "CM_FAKE_NOW=%lld",
	    (long long)time(NULL));
	token = api_admin_token(srv);
	find_cluster(token, "dc-amsterdam", cluster_id, sizeof cluster_id);
	find_cluster(token, "dc-frankfurt", quiet_id, sizeof quiet_id);
	push_flat(token, cluster_id, "cpu_percent", 42, 70);
	push_flat(token, cluster_id, "memory_percent", 64, 70);
	push_flat(token, cluster_id, "pods_running", 30, 70);
	push_flat(token, cluster_id, "pods_pending", 2, 70);
	push_flat(token, cluster_id, "pods_failed", 0, 70);
	push_flat(token, cluster_id, "container_restarts", 7, 70);
	free(token);
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	return 0;
}

static struct vt *
start_cm(int rows, int cols, const char *extra_env)
{
	const char *env[] = { fake_now, "TERM=xterm-256color", "LANG=C.UTF-8",
	    "TZ=UTC", extra_env, NULL };
	struct vt *vt = cmrun_spawn(rows, cols, home, env, NULL);

	cmrun_mask_common(vt);
	/* Lines and the time axis move with the hub's window. */
	vt_mask(vt, "(\xe2[\xa0-\xa3][\x80-\xbf] *)+", "<line>");
	vt_mask(vt, "\xe2\x94\x94(\xe2\x94[\x80\xb4])+", "<axis>");
	vt_mask(vt, "^( +HH:MM)+ *$", "<times>");
	return vt;
}

/* Open dc-amsterdam from :clusters. */
static void
open_cluster(struct vt *vt)
{
	vt_send_keys(vt, ": c l u s t e r s Enter");
	vt_expect_text(vt, "REGION", WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, "dc-amsterdam");
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "staging-eu", WAIT_MS));
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "registered", WAIT_MS);
}

/* First start logs in; the session is kept for the other tests. */
static void
test_login(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL);

	vt_expect_text(vt, "Password", WAIT_MS);
	vt_send_text(vt, srv->admin_password);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Top issues", WAIT_MS);
	/* The stream is up: the crumbs line says so. */
	vt_expect_text(vt, "live", WAIT_MS);
	/* The header counts firing alerts by severity. */
	vt_expect_text(vt, " crit", WAIT_MS);
	vt_expect_text(vt, " warn", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* The cluster page charts CPU, memory, pods and restarts in braille,
 * with units and ticks; `t` moves to the next range. */
static void
test_cluster_charts(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL);

	vt_expect_text(vt, "Top issues", WAIT_MS);
	open_cluster(vt);
	vt_expect_text(vt, "Metrics, last 1h", WAIT_MS);
	vt_expect_text(vt, "now 42%", WAIT_MS);
	vt_expect_text(vt, "now 64%", WAIT_MS);
	vt_expect_text(vt, "now 7", WAIT_MS);
	vt_expect_text(vt, "\xe2\x97\x8f running", WAIT_MS);
	/* A flat 42 % line sits on the row of the 50 % tick's half. */
	vt_expect_text(vt, " 50%\xe2\x94\xa4", WAIT_MS);
	vt_expect_text(vt, "\xe2\xa0\x92\xe2\xa0\x92", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "live-cluster-charts-120x40");
	vt_send_keys(vt, "t");
	vt_expect_text(vt, "Metrics, last 6h", WAIT_MS);
	vt_expect_text(vt, "now 42%", WAIT_MS);
	vt_send_keys(vt, "T");
	vt_expect_text(vt, "Metrics, last 1h", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* Monochrome at 80x24: the charts degrade to numbers, still readable,
 * and nothing is coloured. */
static void
test_cluster_numbers_mono_80x24(void **state)
{
	struct vt *vt = start_cm(24, 80, "NO_COLOR=1");
	struct vt_attrs at;
	int r, c;

	vt_expect_text(vt, "Top issues", WAIT_MS);
	open_cluster(vt);
	vt_expect_text(vt, "min 42%  avg 42%  max 42%  last 42%", WAIT_MS);
	vt_expect_text(vt, "min 64%  avg 64%  max 64%  last 64%", WAIT_MS);
	vt_expect_text(vt, "running", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	for (r = 0; r < 24; r++) {
		for (c = 0; c < 80; c++) {
			assert_true(vt_cell_attrs(vt, r, c, &at));
			if (at.fg != VT_COLOR_DEFAULT ||
			    at.bg != VT_COLOR_DEFAULT)
				fail_msg("colour at %d,%d with NO_COLOR", r,
				    c);
		}
	}
	vt_assert_golden(vt, "live-cluster-numbers-80x24");
	cmrun_quit(vt, WAIT_MS);
}

/* :metrics charts a metric of the fleet; `]` steps to the next metric
 * and choosing a cluster charts that cluster alone. */
static void
test_metrics_view(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL);

	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": m e t r i c s Enter");
	vt_expect_text(vt, "cpu_percent \xe2\x80\xa2 fleet, last 1h",
	    WAIT_MS);
	/* One cluster has data: one line, its newest value. */
	vt_expect_text(vt, "now 42%", WAIT_MS);
	vt_send_keys(vt, "]");
	vt_expect_text(vt, "memory_percent \xe2\x80\xa2 fleet", WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, "dc-amsterdam");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "memory_percent \xe2\x80\xa2 dc-amsterdam",
	    WAIT_MS);
	vt_expect_text(vt, "now 64%", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "live-metrics-120x40");
	cmrun_quit(vt, WAIT_MS);
}

/* The silence form: choose 24h, say why, Enter; the alert stays in the
 * list marked silenced and its history says who silenced it. */
static void
test_silence_dialog(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL);

	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, "etcd-2");
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "staging-eu", WAIT_MS));
	vt_send_keys(vt, "S");
	vt_expect_text(vt, "Silence alert", WAIT_MS);
	vt_send_keys(vt, "Right Tab");
	vt_send_text(vt, "etcd being replaced");
	vt_expect_text(vt, "etcd being replaced", WAIT_MS);
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "live-silence-80x24");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "alert silenced for 24h", WAIT_MS);
	vt_expect_text(vt, "silenced", WAIT_MS);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM silences "
	    "WHERE comment = 'etcd being replaced'"), 1);
	cmrun_quit(vt, WAIT_MS);
	/* The history pane (40 rows have room) shows who silenced it. */
	vt = start_cm(40, 120, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_send_keys(vt, "/");
	vt_send_text(vt, "etcd-2");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "History: etcd member etcd-2", WAIT_MS);
	vt_expect_text(vt, "admin@demo.test", WAIT_MS);
	vt_expect_text(vt, "etcd being replaced", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* A value over a rule's threshold fires an alert that reaches the
 * alerts list and the header's count with no key pressed. */
static void
test_alert_appears_live(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL);
	char *token = api_admin_token(srv), *body, before[32], want[32];
	struct api_resp *r;
	int row, col, n = 0;
	char *line, *p;

	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	vt_expect_text(vt, "live", WAIT_MS);
	assert_true(vt_wait_stable(vt, 500, WAIT_MS));
	assert_true(vt_find_text(vt, " crit", &row, &col));
	line = vt_row_text(vt, row);
	/* The number before " crit" (bytes, not columns: UTF-8). */
	p = strstr(line, " crit");
	assert_non_null(p);
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	n = atoi(p);
	free(line);
	snprintf(before, sizeof before, " %d crit", n);
	snprintf(want, sizeof want, " %d crit", n + 1);
	assert_true(vt_screen_contains(vt, before));
	body = api_fmt("{\"name\":\"queue-too-deep\",\"kind\":\"metric\","
	    "\"metric\":\"queue_depth\",\"selector\":{\"cluster_id\":\"%s\"},"
	    "\"comparison\":\">\",\"threshold\":100,\"for_s\":0,"
	    "\"severity\":\"critical\"}", quiet_id);
	r = api_call(srv, "POST", "/api/v1/alert-rules", token, body);
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	free(body);
	push_flat(token, quiet_id, "queue_depth", 250, 1);
	/* No key from here on. */
	vt_expect_text(vt, "queue_depth of \"dc-frankfurt\" is 250", 30000);
	vt_expect_text(vt, want, WAIT_MS);
	free(token);
	cmrun_quit(vt, WAIT_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_cluster_charts),
		cmocka_unit_test(test_cluster_numbers_mono_80x24),
		cmocka_unit_test(test_metrics_view),
		cmocka_unit_test(test_silence_dialog),
		cmocka_unit_test(test_alert_appears_live),
	};

	return cmocka_run_group_tests_name("screens-live", tests, setup,
	    teardown);
}
