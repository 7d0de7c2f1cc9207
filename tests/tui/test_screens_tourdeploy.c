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
 * crash-loops, and the hub rolls it back by itself; last, a cluster that
 * is not simulated ends practice mode.  The wizard's steps are checked
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

/* Wait until a deployment of web on the practice cluster matches cond;
 * false at the deadline. */
static bool
deployment_row(const char *cond)
{
	struct timespec ts = { 0, 100 * 1000000L };
	char sql[600], *token;
	struct api_resp *r;
	int i;

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM "
	    "application_deployments d JOIN applications a ON "
	    "a.id = d.app_id WHERE a.name = 'web' "
	    "AND d.cluster_id = '%s' AND %s", practice_id, cond);

	for (i = 0; i < 600; i++) {
		if (api_sql_count(tourwalk_srv, sql) >= 1)
			return true;
		nanosleep(&ts, NULL);
	}
	/* What there is instead, for the failure's message. */
	token = api_admin_token(tourwalk_srv);
	r = api_call(tourwalk_srv, "GET", "/api/v1/deployments?limit=5",
	    token, NULL);
	print_message("no deployment with %s; the latest: %s\n", cond,
	    r->body);
	api_resp_free(r);
	free(token);
	return false;
}

/* Wait until nothing is in flight on the practice cluster. */
static bool
practice_idle(void)
{
	return deployment_row("NOT EXISTS (SELECT 1 FROM "
	    "application_deployments WHERE status IN ('pending', "
	    "'deploying', 'rolling_back'))");
}

/* The deploy tour at 120x40 with the demo's web: the wizard to a
 * rollout of 1.0.0 on the practice cluster that succeeds.  The review
 * step waits for the review, not for Enter: with the cluster stopped the
 * review cannot load, Enter only says so, and the tour stays. */
static void
test_deploy_app_120x40(void **state)
{
	struct vt *vt;

	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	vt = tourwalk_start_cm(40, 120, NULL, NULL, NULL);
	/* The first start: log in, and decline the first-run offer. */
	tourwalk_login(vt);
	vt_expect_text(vt, "Welcome to ClusterMaster", WAIT_MS);
	vt_send_keys(vt, "n");
	assert_true(vt_wait_gone(vt, "Welcome to ClusterMaster", WAIT_MS));
	vt_expect_text(vt, "Top issues", WAIT_MS);
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
	tourwalk_golden_step(vt, 7, 9, "tour-deploy-7-120x40");
	vt_send_keys(vt, "y");
	tourwalk_at_step(vt, 8, 9);
	assert_true(deployment_row("d.version = '1.0.0' AND "
	    "d.status = 'successful'"));
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 9, 9);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Deploy an app\" done", WAIT_MS);
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

/* The rollback tour at 80x24: web 1.1.0 deployed over 1.0.0 is rolled
 * back by the user's own rollback key (the step waits for the dialog the
 * key opens: a key pressed while the deployment is in flight only says
 * so), the rollback succeeds; then an upgrade to 1.2.0 crash-loops and
 * the hub rolls it back by itself. */
static void
test_rollback_80x24(void **state)
{
	struct vt *vt;
	int i;

	if (practice_id == NULL) {
		print_message("no kubesim practice cluster: skipped\n");
		return;
	}
	/* The deploy tour left 1.0.0 running there. */
	assert_true(practice_idle());
	vt = tourwalk_start_cm(24, 80, NULL, NULL, NULL);
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
	assert_true(deployment_row("d.version = '1.1.0' AND "
	    "d.status = 'successful'"));
	tourwalk_at_step(vt, 9, 14);
	vt_expect_text(vt, "Roll web on practice back from 1.1.0 to 1.0.0?",
	    WAIT_MS);
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "rollback to 1.0.0 started", WAIT_MS);
	tourwalk_at_step(vt, 10, 14);
	assert_true(deployment_row("d.kind = 'rollback' AND "
	    "d.version = '1.0.0' AND d.status = 'successful'"));
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
	assert_true(deployment_row("d.version = '1.2.0' AND "
	    "d.status = 'failed' AND d.rollback_version = '1.0.0'"));
	vt_send_keys(vt, "Tab");
	tourwalk_at_step(vt, 14, 14);
	vt_expect_text(vt, "rolls back by itself", WAIT_MS);
	vt_send_keys(vt, "Tab");
	vt_expect_text(vt, "tour \"Roll back a bad deploy\" done", WAIT_MS);
	tourwalk_quit(vt);
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
		cmocka_unit_test(test_practice_off),
	};

	return cmocka_run_group_tests_name("screens-tourdeploy", tests, setup,
	    teardown);
}
