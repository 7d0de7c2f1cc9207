/*
 * test_screens_tourdeploy.c - the deploy and rollback tours on a real
 * terminal: `cm` on a pty (libvterm) against a real demo cmhubd whose
 * workflow deploys the demo's application "web" to a real cm-kubesim
 * registered as the cluster "practice", walked with the keys a user
 * would press.
 *
 * Tests run in order on one hub: the deploy tour puts web 1.0.0 on the
 * practice cluster; the rollback tour deploys 1.1.0 over it, rolls it
 * back with the user's own rollback key, then upgrades to 1.2.0, which
 * crash-loops, and the hub rolls it back by itself; both tours are then
 * walked again at the other size (deploy at 80x24, rollback at 120x40),
 * each counting the new deployments it makes; last, a cluster that is
 * not simulated ends practice mode.  The wizard's steps are checked
 * to wait for the wizard (a review still loading keeps its step).
 * Skipped without cm-kubesim.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
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

/* A quick worker: rollouts judged within seconds. */
static const char *const hub_args[] = {
	"--set", "workflow_poll_ms=100", "--set", "rollout_deadline=10",
	"--set", "workflow_lease=2", NULL,
};

static char *practice_id;		/* the kubesim's cluster id */
static struct kubesim sim;
static bool sim_up;

static int
setup(void **state)
{
	char body[600];
	/* Sped up: old pods of a rolling update go within the deadline. */
	static const char *const args[] = { "--nodes", "2", "--pods", "8",
		"--speed", "25", NULL };

	tourwalk_setup(hub_args);
	if (kubesim_path() != NULL)
		sim_up = kubesim_start(&sim, tourwalk_srv->dir, "practice",
		    args);
	if (!sim_up)
		return 0;
	/* The practice cluster the tours deploy the demo's web to. */
	snprintf(body, sizeof body, "{\"name\":\"practice\",\"provider\":"
	    "\"on_prem\",\"api_endpoint\":\"%s\",\"credentials\":"
	    "{\"kind\":\"token\",\"token\":\"practice-token\"}}",
	    sim.url);
	practice_id = tourwalk_post_id("/api/v1/clusters", body);
	return 0;
}

static int
teardown(void **state)
{
	if (sim_up) {
		kill(sim.pid, SIGCONT);	/* a failed walk may leave it stopped */
		kubesim_stop(&sim);
	}
	free(practice_id);
	tourwalk_teardown();
	return 0;
}

static void
pick_cluster(struct vt *vt, const char *name)
{
	vt_send_keys(vt, "/");
	vt_send_text(vt, name);
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "dc-amsterdam", WAIT_MS));
	vt_send_keys(vt, "Enter");
}

/* Open the apps, pick the demo's web and start the wizard on it (step
 * n of m). */
static void
wizard_on_web(struct vt *vt, int n, int m)
{
	vt_send_keys(vt, ":");
	vt_send_text(vt, "apps");
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 2, m);
	vt_expect_text(vt, "postgres", WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, "web");
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "postgres", WAIT_MS));
	vt_send_keys(vt, "D");
	tourwalk_at_step(vt, n, m);
	vt_expect_text(vt, "1.2.0", WAIT_MS);
}

/* How many deployments of web on the practice cluster match cond. */
static int
deployment_count(const char *cond)
{
	char sql[600];

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM "
	    "application_deployments d JOIN applications a ON "
	    "a.id = d.app_id WHERE a.name = 'web' "
	    "AND d.cluster_id = '%s' AND %s", practice_id, cond);
	return api_sql_count(tourwalk_srv, sql);
}

/* Wait until at least n deployments of web on the practice cluster
 * match cond; false at the deadline. */
static bool
deployment_rows(const char *cond, int n)
{
	struct timespec ts = { 0, 100 * 1000000L };
	char *token;
	struct api_resp *r;
	int i;

	for (i = 0; i < 600; i++) {
		if (deployment_count(cond) >= n)
			return true;
		nanosleep(&ts, NULL);
	}
	/* What there is instead, for the failure's message. */
	token = api_admin_token(tourwalk_srv);
	r = api_call(tourwalk_srv, "GET", "/api/v1/deployments?limit=5",
	    token, NULL);
	print_message("fewer than %d deployments with %s; the latest: %s\n",
	    n, cond, r->body);
	api_resp_free(r);
	free(token);
	return false;
}

/* Wait until nothing is in flight on the practice cluster. */
static bool
practice_idle(void)
{
	return deployment_rows("NOT EXISTS (SELECT 1 FROM "
	    "application_deployments WHERE status IN ('pending', "
	    "'deploying', 'rolling_back'))", 1);
}

/* The deploy tour from :tours to done with the demo's web: the wizard
 * to a rollout of 1.0.0 on the practice cluster that succeeds (one more
 * successful 1.0.0 there than before).  The review step waits for the
 * review, not for Enter: with the cluster stopped the review cannot
 * load, Enter only says so, and the tour stays.  Step 7 is compared
 * with golden when given, else checked by its text. */
static void
walk_deploy(struct vt *vt, const char *golden)
{
	const char *ok = "d.version = '1.0.0' AND d.status = 'successful'";
	int before = deployment_count(ok);

	tourwalk_start_tour(vt, "Deploy an app");
	tourwalk_at_step(vt, 1, 9);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	assert_false(vt_screen_contains(vt, "Practice mode is off"));
	wizard_on_web(vt, 3, 9);
	/* Newest first: 1.2.0, 1.1.0, 1.0.0. */
	vt_send_keys(vt, "j j Enter");
	tourwalk_at_step(vt, 4, 9);
	vt_expect_text(vt, "RUNNING THERE", WAIT_MS);
	pick_cluster(vt, "practice");
	tourwalk_at_step(vt, 5, 9);
	vt_expect_text(vt, "Settings of web 1.0.0", WAIT_MS);
	/* The cluster cannot answer: the review stays loading. */
	assert_int_equal(kill(sim.pid, SIGSTOP), 0);
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 6, 9);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "the preview of practice is not there yet",
	    WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	assert_true(vt_screen_contains(vt, " 6/9 "));
	assert_false(vt_screen_contains(vt, "[ Yes ]"));
	assert_int_equal(kill(sim.pid, SIGCONT), 0);
	vt_expect_text(vt, "objects:", WAIT_MS);
	assert_true(vt_wait_gone(vt, "is not there yet", WAIT_MS));
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "[ Yes ]", WAIT_MS);
	/* The step about the confirmation shows over it. */
	if (golden != NULL) {
		tourwalk_golden_step(vt, 7, 9, golden);
	} else {
		tourwalk_at_step(vt, 7, 9);
		vt_expect_text(vt, "Press y", WAIT_MS);
		assert_true(vt_screen_contains(vt, "[ Yes ]"));
	}
	vt_send_keys(vt, "y");
	tourwalk_at_step(vt, 8, 9);
	assert_true(deployment_rows(ok, before + 1));
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 9, 9);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Deploy an app\" done", WAIT_MS);
}

/* The deploy tour at 120x40, at the first start (log in, decline the
 * first-run offer), with a golden of the confirmation step. */
static void
test_deploy_app_120x40(void **state)
{
	struct vt *vt;

	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);
	tourwalk_login(vt);
	vt_expect_text(vt, "Welcome to ClusterMaster", WAIT_MS);
	vt_send_keys(vt, "n");
	assert_true(vt_wait_gone(vt, "Welcome to ClusterMaster", WAIT_MS));
	vt_expect_text(vt, "Top issues", WAIT_MS);
	walk_deploy(vt, "tour-deploy-7-120x40");
	tourwalk_quit(vt);
}

/* The deploy tour again at 80x24 (the rollback walk left 1.0.0 there):
 * the wizard's steps, the review and the confirmation fit, and 1.0.0
 * is deployed once more and succeeds. */
static void
test_deploy_app_80x24(void **state)
{
	struct vt *vt;

	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	assert_true(practice_idle());
	vt = tourwalk_start_cm(24, 80, NULL, NULL, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	walk_deploy(vt, NULL);
	tourwalk_quit(vt);
}

/* Go through the wizard's cluster, form and review with Enter, and say
 * yes to question. */
static void
wizard_finish(struct vt *vt, const char *question)
{
	vt_expect_text(vt, "RUNNING THERE", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Settings of web", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "objects:", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, question, WAIT_MS);
	vt_send_keys(vt, "y");
}

/* The rollback tour at rows x cols: web 1.1.0 deployed over 1.0.0 is rolled
 * back by the user's own rollback key (the step waits for the dialog the
 * key opens: a key pressed while the deployment is in flight only says
 * so), the rollback succeeds; then an upgrade to 1.2.0 crash-loops and
 * the hub rolls it back by itself. */
static void
walk_rollback(int rows, int cols)
{
	const char *up = "d.version = '1.1.0' AND d.status = 'successful'";
	const char *back = "d.kind = 'rollback' AND d.version = '1.0.0' "
	    "AND d.status = 'successful'";
	const char *bad = "d.version = '1.2.0' AND d.status = 'failed' AND "
	    "d.rollback_version = '1.0.0'";
	int n_up, n_back, n_bad;
	struct vt *vt;
	int i;

	/* The walk before left 1.0.0 running there. */
	assert_true(practice_idle());
	n_up = deployment_count(up);
	n_back = deployment_count(back);
	n_bad = deployment_count(bad);
	vt = tourwalk_start_cm(rows, cols, NULL, NULL, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_start_tour(vt, "Roll back");
	tourwalk_at_step(vt, 1, 14);
	wizard_on_web(vt, 3, 14);
	vt_send_keys(vt, "j Enter");
	tourwalk_at_step(vt, 4, 14);
	vt_expect_text(vt, "RUNNING THERE", WAIT_MS);
	pick_cluster(vt, "practice");
	tourwalk_at_step(vt, 5, 14);
	vt_send_keys(vt, "Enter");
	tourwalk_at_step(vt, 6, 14);
	vt_expect_text(vt, "objects:", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "[ Yes ]", WAIT_MS);
	tourwalk_at_step(vt, 7, 14);
	vt_send_keys(vt, "y");
	tourwalk_at_step(vt, 8, 14);
	/* B until the deployment is over and the dialog comes; before,
	 * B only says it is in flight and the step stays. */
	for (i = 0; i < 60; i++) {
		vt_send_keys(vt, "B");
		if (vt_wait_text(vt, "back from 1.1.0 to 1.0.0?", 1000))
			break;
		assert_true(vt_screen_contains(vt, " 8/14 "));
	}
	assert_true(deployment_rows(up, n_up + 1));
	tourwalk_at_step(vt, 9, 14);
	vt_expect_text(vt, "Roll web on practice back from 1.1.0 to 1.0.0?",
	    WAIT_MS);
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "rollback to 1.0.0 started", WAIT_MS);
	tourwalk_at_step(vt, 10, 14);
	assert_true(deployment_rows(back, n_back + 1));
	vt_expect_text(vt, "successful", WAIT_MS);
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 11, 14);
	vt_send_keys(vt, "U");
	tourwalk_at_step(vt, 12, 14);
	vt_expect_text(vt, "1.2.0", WAIT_MS);
	vt_send_keys(vt, "Enter");
	wizard_finish(vt, "Upgrade web on practice from 1.0.0 to 1.2.0?");
	/* The progress screen is live (pod names, events): no golden. */
	tourwalk_at_step(vt, 13, 14);
	assert_true(deployment_rows(bad, n_bad + 1));
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 14, 14);
	vt_expect_text(vt, "rolls back by itself", WAIT_MS);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Roll back a bad deploy\" done", WAIT_MS);
	tourwalk_quit(vt);
}

/* The rollback tour at 80x24, after the deploy tour at 120x40. */
static void
test_rollback_80x24(void **state)
{
	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	walk_rollback(24, 80);
}

/* The rollback tour again at 120x40, after the deploy tour at 80x24:
 * each rollout of the walk is a new one in the hub. */
static void
test_rollback_120x40(void **state)
{
	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	walk_rollback(40, 120);
}

/* A cluster that is neither on loopback nor labelled simulated ends
 * practice mode: a practice tour's first step warns that what the user
 * does is real. */
static void
test_practice_off(void **state)
{
	char *id;
	struct vt *vt;

	id = tourwalk_post_id("/api/v1/clusters", "{\"name\":\"real-prod\","
	    "\"provider\":\"on_prem\",\"api_endpoint\":"
	    "\"https://192.0.2.10:6443\",\"credentials\":{\"kind\":"
	    "\"token\",\"token\":\"t\"}}");
	assert_non_null(id);
	free(id);
	vt = tourwalk_start_cm(24, 80, NULL, NULL, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	tourwalk_start_tour(vt, "Deploy an app");
	tourwalk_at_step(vt, 1, 9);
	vt_expect_text(vt, "Practice mode is off", WAIT_MS);
	vt_send_keys(vt, "C-x");
	tourwalk_quit(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deploy_app_120x40),
		cmocka_unit_test(test_rollback_80x24),
		cmocka_unit_test(test_deploy_app_80x24),
		cmocka_unit_test(test_rollback_120x40),
		cmocka_unit_test(test_practice_off),
	};

	return cmocka_run_group_tests_name("screens-tourdeploy", tests, setup,
	    teardown);
}
