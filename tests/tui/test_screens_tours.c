/*
 * test_screens_tours.c - the guided tours on a real terminal: `cm` on a
 * pty rendered by libvterm, against a real demo cmhubd (and a real
 * cm-kubesim for the direct-mode tour), the tours walked from their
 * first step to their last with the keys a user would press, at 80x24
 * and 120x40, with golden screens in tests/screens/ (CM_UPDATE_GOLDEN=1
 * rewrites them).  The deploy and rollback tours are walked in
 * test_screens_tourdeploy.c.
 *
 * Tests run in order on one hub and one state directory: the first one
 * logs in and meets the first-run offer; later ones rely on the saved
 * session and progress.  The demo's clusters are labelled simulated, so
 * the hub is in practice mode.  The two triage walks (80x24, then
 * 120x40) each acknowledge and resolve a demo critical alert; the
 * goldens after them show the dashboard with both resolved.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/api/harness.h"
#include "tests/api/kubesim_run.h"
#include "tests/tui/tourwalk.h"
#include "tests/tui/vt.h"

#define WAIT_MS TOURWALK_WAIT_MS

static struct kubesim sim;
static bool sim_up;

static int
setup(void **state)
{
	static const char *const args[] = { "--nodes", "2", "--pods", "8",
		NULL };

	tourwalk_setup(NULL);
	if (kubesim_path() != NULL)
		sim_up = kubesim_start(&sim, tourwalk_srv->dir, "practice",
		    args);
	return 0;
}

static int
teardown(void **state)
{
	if (sim_up)
		kubesim_stop(&sim);
	tourwalk_teardown();
	return 0;
}

/* Wait until the hub holds one progress row of tour matching cond
 * (the console saves in the background); false at the deadline. */
static bool
tour_row(const char *tour, const char *cond)
{
	struct timespec ts = { 0, 50 * 1000000L };
	char sql[300];
	int i;

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE tour_name = '%s' AND %s", tour, cond);
	for (i = 0; i < WAIT_MS / 50; i++) {
		if (api_sql_count(tourwalk_srv, sql) == 1)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The getting-around walk from the step after the first (shared by the
 * two sizes); goldens get the size in their names. */
static void
walk_getting_around(struct vt *vt, const char *size)
{
	char name[64];

	tourwalk_at_step(vt, 1, 11);
	vt_send_keys(vt, "Tab");
	snprintf(name, sizeof name, "tour-around-2-%s", size);
	tourwalk_golden_step(vt, 2, 11, name);
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 3, 11);
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 4, 11);
	/* Tab would skip: the step waits for the command key. */
	vt_send_keys(vt, ":");
	snprintf(name, sizeof name, "tour-around-5-%s", size);
	tourwalk_golden_step(vt, 5, 11, name);
	vt_send_text(vt, "alerts");
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 6, 11);
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	vt_send_keys(vt, "/");
	tourwalk_at_step(vt, 7, 11);
	vt_send_text(vt, "crit");
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 8, 11);
	assert_true(vt_wait_gone(vt, "warning", WAIT_MS));
	vt_send_keys(vt, "?");
	snprintf(name, sizeof name, "tour-around-9-%s", size);
	tourwalk_golden_step(vt, 9, 11, name);
	vt_send_keys(vt, "Escape");
	tourwalk_at_step(vt, 10, 11);
	assert_true(vt_wait_gone(vt, "Move down one row", WAIT_MS));
	vt_send_keys(vt, "Escape");
	tourwalk_at_step(vt, 11, 11);
	assert_true(vt_wait_gone(vt, "MESSAGE", WAIT_MS));
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Getting around\" done", WAIT_MS);
	assert_false(vt_screen_contains(vt, "/11 "));
}

/* The first start offers "getting around" once; yes walks it whole at
 * 80x24 with the real keys, and the hub records it done. */
static void
test_offer_and_walk_80x24(void **state)
{
	struct vt *vt = tourwalk_start_cm(24, 80, NULL, NULL, NULL);

	tourwalk_login(vt);
	vt_expect_text(vt, "Welcome to ClusterMaster", WAIT_MS);
	assert_true(vt_wait_gone(vt, "logged in to", WAIT_MS));
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "tour-offer-80x24");
	vt_send_keys(vt, "y");
	tourwalk_golden_step(vt, 1, 11, "tour-around-1-80x24");
	walk_getting_around(vt, "80x24");
	assert_true(tour_row("getting-around", "step_completed = 11 "
	    "AND completed_at IS NOT NULL"));
	tourwalk_quit(vt);
}

/* The offer is made once: the next start goes straight to the
 * dashboard; :tours shows the tour done, and it walks again at 120x40. */
static void
test_walk_120x40(void **state)
{
	struct vt *vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);

	vt_expect_text(vt, "Top issues", WAIT_MS);
	assert_true(vt_wait_stable(vt, 500, WAIT_MS));
	assert_false(vt_screen_contains(vt, "Welcome to ClusterMaster"));
	vt_send_keys(vt, ":");
	vt_send_text(vt, "tours");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "PROGRESS", WAIT_MS);
	vt_expect_text(vt, "done ", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "tours-list-120x40");
	/* Enter on a finished tour starts it over. */
	vt_send_keys(vt, "Enter");
	tourwalk_golden_step(vt, 1, 11, "tour-around-1-120x40");
	walk_getting_around(vt, "120x40");
	tourwalk_quit(vt);
}

/* Wait for step n of m and compare it with golden "<prefix>-<n>" of
 * the size when a prefix is given; only the step counter without. */
static void
step_at(struct vt *vt, int n, int m, const char *prefix, const char *size)
{
	char name[64];

	if (prefix == NULL) {
		tourwalk_at_step(vt, n, m);
		return;
	}
	snprintf(name, sizeof name, "%s-%d-%s", prefix, n, size);
	tourwalk_golden_step(vt, n, m, name);
}

/* The triage walk at rows x cols on the alert whose message starts
 * with msg on cluster, after down moves in the list; goldens of the
 * size when golden is not NULL.  The alert is acknowledged and resolved
 * in the hub by the user's own keys. */
static void
walk_triage(int rows, int cols, const char *golden, int down,
    const char *cluster, const char *msg)
{
	char sql[300], want[96], size[16];
	struct vt *vt = tourwalk_start_cm(rows, cols, NULL, NULL, NULL);
	int i;

	snprintf(size, sizeof size, "%dx%d", cols, rows);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_start_tour(vt, "Triage");
	step_at(vt, 1, 7, golden, size);
	assert_false(vt_screen_contains(vt, "Practice mode is off"));
	vt_send_keys(vt, ":");
	vt_send_text(vt, "alerts");
	vt_send_keys(vt, "Enter");
	step_at(vt, 2, 7, golden, size);
	vt_expect_text(vt, msg, WAIT_MS);
	for (i = 0; i < down; i++)
		vt_send_keys(vt, "j");
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 3, 7);
	vt_send_keys(vt, "c");
	snprintf(want, sizeof want, "alerts  \xe2\x80\xba  %s", cluster);
	vt_expect_text(vt, want, WAIT_MS);
	step_at(vt, 4, 7, golden, size);
	vt_send_keys(vt, "Escape");
	tourwalk_at_step(vt, 5, 7);
	vt_send_keys(vt, "a");
	vt_expect_text(vt, "alert acknowledged", WAIT_MS);
	tourwalk_at_step(vt, 6, 7);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM cluster_alerts WHERE "
	    "message LIKE '%s%%' AND acknowledged_at IS NOT NULL", msg);
	assert_int_equal(api_sql_count(tourwalk_srv, sql), 1);
	vt_send_keys(vt, "r");
	/* The confirmation is modal: the callout waits behind it. */
	vt_expect_text(vt, "Resolve alert", WAIT_MS);
	assert_false(vt_screen_contains(vt, " 7/7 "));
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "alert resolved", WAIT_MS);
	tourwalk_at_step(vt, 7, 7);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM cluster_alerts WHERE "
	    "message LIKE '%s%%' AND status = 'resolved'", msg);
	assert_int_equal(api_sql_count(tourwalk_srv, sql), 1);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Triage an alert\" done", WAIT_MS);
	tourwalk_quit(vt);
}

/* Triage at 80x24: the demo's clusters are labelled simulated, so the
 * first step has no practice warning; the newest critical alert (etcd
 * on dc-amsterdam) is acknowledged and resolved. */
static void
test_triage_80x24(void **state)
{
	walk_triage(24, 80, "tour-triage", 0, "dc-amsterdam",
	    "etcd member");
}

/* Triage at 120x40 on the next critical alert (nodes NotReady on
 * analytics-gke): the etcd one, resolved, still sorts first, so the
 * user moves down one row to it. */
static void
test_triage_120x40(void **state)
{
	walk_triage(40, 120, NULL, 1, "analytics-gke",
	    "3 of 12 nodes");
}

/* Quit in the middle of a tour, start again: :tours shows the step it
 * was left at, and Enter resumes there, on the step's screen. */
static void
test_progress_survives_restart(void **state)
{
	struct vt *vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);

	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_start_tour(vt, "Triage");
	tourwalk_at_step(vt, 1, 7);
	vt_send_keys(vt, ":");
	vt_send_text(vt, "alerts");
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 2, 7);
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 3, 7);
	tourwalk_quit(vt);
	/* Saved by the time the console has exited. */
	assert_int_equal(api_sql_count(tourwalk_srv, "SELECT COUNT(*) FROM "
	    "ui_tour_progress WHERE tour_name = 'triage-alert' AND "
	    "step_completed = 2"), 1);

	vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ":");
	vt_send_text(vt, "tours");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "step 3 of 7", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "tours-resume-120x40");
	vt_send_keys(vt, "/");
	vt_send_text(vt, "Triage");
	vt_send_keys(vt, "Enter Enter");
	tourwalk_at_step(vt, 3, 7);
	/* The step's screen came back with it. */
	vt_expect_text(vt, "dashboard  \xe2\x80\xba  alerts", WAIT_MS);
	vt_send_keys(vt, "C-x");
	vt_expect_text(vt, "tour paused at step 3", WAIT_MS);
	assert_false(vt_screen_contains(vt, " 3/7 "));
	tourwalk_quit(vt);
}

/* A resize moves the callout: at 80x24 it is whole and on screen. */
static void
test_resize_mid_tour(void **state)
{
	struct vt *vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);
	char *row;
	int r, c;

	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_start_tour(vt, "Getting around");
	tourwalk_at_step(vt, 1, 11);
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 2, 11);
	vt_resize(vt, 24, 80);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_golden_step(vt, 2, 11, "tour-resized-80x24");
	assert_true(vt_find_text(vt, " 2/11 ", &r, &c));
	assert_true(c + 6 <= 80);
	row = vt_row_text(vt, r);
	assert_non_null(strstr(row, "\xe2\x94\x90"));	/* the corner */
	free(row);
	vt_send_keys(vt, "C-x");
	tourwalk_quit(vt);
}

/* NO_COLOR: no colour anywhere, and the anchor is still marked by
 * underline (the header's context field). */
static void
test_monochrome(void **state)
{
	struct vt *vt = tourwalk_start_cm(24, 80, "NO_COLOR=1", NULL, NULL);
	struct vt_attrs at;
	int r, c;

	vt_expect_text(vt, "Top issues", WAIT_MS);
	/* It resumes at step 2, where the resize test ended it. */
	tourwalk_start_tour(vt, "Getting around");
	tourwalk_at_step(vt, 2, 11);
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
	/* " demo " after " ClusterMaster ": the context field. */
	assert_true(vt_find_text(vt, " demo ", &r, &c));
	assert_int_equal(r, 0);
	assert_true(vt_cell_attrs(vt, 0, c + 1, &at));
	assert_true(at.underline);
	assert_true(vt_cell_attrs(vt, 0, 2, &at));
	assert_false(at.underline);
	vt_send_keys(vt, "C-x");
	tourwalk_quit(vt);
}

/* A broken tour file of the user is named with file:line:column; the
 * shipped tours still load and run. */
static void
test_bad_tour_file(void **state)
{
	struct vt *vt;

	tourwalk_put_file("tours/broken.yaml", "id: broken\ntitle: Broken\n"
	    "summary: bad\nsteps:\n  - text: hi\n    advance: sideways\n");
	vt = tourwalk_start_cm(24, 80, NULL, NULL, NULL);
	vt_expect_text(vt, "tours/broken.yaml:6:14: unknown advance",
	    WAIT_MS);
	vt_send_keys(vt, ":");
	vt_send_text(vt, "tours");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Getting around", WAIT_MS);
	vt_expect_text(vt, "Triage an alert", WAIT_MS);
	assert_false(vt_screen_contains(vt, "Broken"));
	tourwalk_quit(vt);
	tourwalk_put_file("tours/broken.yaml", NULL);
}

/* The workload tour from :tours to done: pods, log and describe. */
static void
walk_inspect(struct vt *vt)
{
	tourwalk_start_tour(vt, "Inspect a workload");
	tourwalk_at_step(vt, 1, 7);
	assert_true(vt_wait_stable(vt, 500, WAIT_MS));
	assert_false(vt_screen_contains(vt, "Practice mode is off"));
	vt_send_keys(vt, ":");
	vt_send_text(vt, "pods");
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 2, 7);
	vt_expect_text(vt, "STATUS", WAIT_MS);
	vt_send_keys(vt, "j Tab");
	tourwalk_at_step(vt, 3, 7);
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 4, 7);
	vt_expect_text(vt, "Logs", WAIT_MS);
	vt_send_keys(vt, "Escape");
	tourwalk_at_step(vt, 5, 7);
	vt_send_keys(vt, "d");
	tourwalk_at_step(vt, 6, 7);
	vt_send_keys(vt, "Escape");
	tourwalk_at_step(vt, 7, 7);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Inspect a workload\" done", WAIT_MS);
}

/* Direct mode at 120x40 against a kubesim on loopback: practice mode,
 * so no warning; the workload tour walks pods, log and describe, and
 * its progress is kept in the local state database. */
static void
test_inspect_workload_120x40(void **state)
{
	struct vt *vt;

	if (!sim_up) {
		print_message("cm-kubesim not built: skipped\n");
		return;
	}
	vt = tourwalk_start_cm(40, 120, NULL, "--kubeconfig", sim.kubeconfig);
	/* A new place for progress: offered again; "no" declines. */
	vt_expect_text(vt, "Welcome to ClusterMaster", WAIT_MS);
	vt_send_keys(vt, "n");
	assert_true(vt_wait_gone(vt, "Welcome to ClusterMaster", WAIT_MS));
	walk_inspect(vt);
	tourwalk_quit(vt);

	vt = tourwalk_start_cm(40, 120, NULL, "--kubeconfig", sim.kubeconfig);
	vt_expect_text(vt, "practice", WAIT_MS);
	assert_true(vt_wait_stable(vt, 500, WAIT_MS));
	assert_false(vt_screen_contains(vt, "Welcome to ClusterMaster"));
	vt_send_keys(vt, ":");
	vt_send_text(vt, "tours");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "PROGRESS", WAIT_MS);
	vt_expect_text(vt, "done ", WAIT_MS);
	assert_true(vt_screen_contains(vt, "hub only"));
	tourwalk_quit(vt);
}

/* The workload tour again at 80x24 in direct mode: no offer (made
 * once), and Enter on the finished tour walks it over to done. */
static void
test_inspect_workload_80x24(void **state)
{
	struct vt *vt;

	if (!sim_up) {
		print_message("cm-kubesim not built: skipped\n");
		return;
	}
	vt = tourwalk_start_cm(24, 80, NULL, "--kubeconfig", sim.kubeconfig);
	vt_expect_text(vt, "practice", WAIT_MS);
	assert_true(vt_wait_stable(vt, 500, WAIT_MS));
	assert_false(vt_screen_contains(vt, "Welcome to ClusterMaster"));
	walk_inspect(vt);
	tourwalk_quit(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_and_walk_80x24),
		cmocka_unit_test(test_walk_120x40),
		cmocka_unit_test(test_triage_80x24),
		cmocka_unit_test(test_triage_120x40),
		cmocka_unit_test(test_progress_survives_restart),
		cmocka_unit_test(test_resize_mid_tour),
		cmocka_unit_test(test_monochrome),
		cmocka_unit_test(test_bad_tour_file),
		cmocka_unit_test(test_inspect_workload_120x40),
		cmocka_unit_test(test_inspect_workload_80x24),
	};

	return cmocka_run_group_tests_name("screens-tours", tests, setup,
	    teardown);
}
