/*
 * test_api_resume.c - the workflow survives its hub: a real cmhubd
 * (worker role, a 2 s lease) deploys to a real cm-kubesim
 * (wf_fixture.h) and is knocked over mid-rollout.
 *
 * A hub killed with SIGKILL during wait_rollout and restarted on the same
 * data dir resumes the step ("resumed") and finishes with every event
 * once.  A step whose outcome cannot be written (the store refuses it)
 * is not stranded under its lease: it runs again and the deployment
 * finishes once the store takes writes again.  A hub stopped (SIGSTOP)
 * past its lease while a step runs finishes the deployment with every
 * event once.  Skipped when cm-kubesim is not built.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "wf_fixture.h"

/* Restart the hub on its data dir after killing it with SIGKILL. */
static void
hub_kill_restart(void)
{
	const char *argv[32];
	char line[256], log[600];
	int out[2], i = 0, j, st, fd;
	FILE *fp;

	assert_int_equal(kill(srv->pid, SIGKILL), 0);
	while (waitpid(srv->pid, &st, 0) < 0 && errno == EINTR)
		;
	assert_true(WIFSIGNALED(st));
	snprintf(log, sizeof log, "%s/hub.log", srv->dir);
	argv[i++] = getenv("CMHUBD") != NULL ? getenv("CMHUBD") : "./cmhubd";
	argv[i++] = "serve";
	argv[i++] = "--listen";
	argv[i++] = "127.0.0.1:0";
	argv[i++] = "--data";
	argv[i++] = srv->data_dir;
	argv[i++] = "--set";
	argv[i++] = "rate_login_per_min=0";
	for (j = 0; hub_args[j] != NULL; j++)
		argv[i++] = hub_args[j];
	argv[i] = NULL;
	assert_int_equal(pipe(out), 0);
	srv->pid = fork();
	assert_true(srv->pid >= 0);
	if (srv->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	fp = fdopen(out[0], "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof line, fp));
	fclose(fp);
	assert_true(strncmp(line, "listening on ", 13) == 0);
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(srv->url, sizeof srv->url, "%s", line + 13);
}

/* A hub killed during wait_rollout resumes after a restart on the same
 * data dir: the step is claimed again ("resumed"), the deployment
 * succeeds, and the events before the kill are all there, once, in the
 * same order, followed by the rest with no duplicate. */
static void
test_kill_resume(void **state)
{
	char *app, *id, *before, *after, *steps;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-resume");
	/* Several replicas, so the rollout takes a few polls. */
	make_version(app, "1.0.0", "StatefulSet", "redis", "7", 3);
	id = start(app, "deploy", "1.0.0");
	wait_step(id, "wait_rollout", "in_progress");
	before = events_of(id);
	hub_kill_restart();
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	steps = steps_of(d);
	assert_string_equal(steps, "validate:completed,render:completed,"
	    "apply:completed,wait_rollout:completed,verify:completed,"
	    "complete:completed");
	after = events_of(id);
	/* Nothing lost: what was there before is the start of after. */
	if (strncmp(after, before, strlen(before)) != 0)
		fail_msg("events changed:\n%s---\n%s", before, after);
	assert_int_equal(count_events(after, "resumed"), 1);
	assert_int_equal(count_events(after, "created"), 1);
	assert_int_equal(count_events(after, "step_started"), 6);
	assert_int_equal(count_events(after, "step_completed"), 6);
	assert_int_equal(count_events(after, "succeeded"), 1);
	free(after);
	free(before);
	free(steps);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* True when the hub's log has needle in it. */
static bool
log_has(const char *needle)
{
	char *path = api_fmt("%s/hub.log", srv->dir), *text = NULL;
	size_t cap = 0;
	ssize_t n;
	bool found = false;
	FILE *fp = fopen(path, "r");

	if (fp != NULL) {
		n = getdelim(&text, &cap, '\0', fp);
		found = n > 0 && strstr(text, needle) != NULL;
		fclose(fp);
	}
	free(text);
	free(path);
	return found;
}

/* A step whose outcome the store refuses is held by nobody: its lease
 * runs out, it is resumed and run again, and once the store takes the
 * outcome the deployment finishes with every step completed once. */
static void
test_store_refuses_outcome(void **state)
{
	char *app, *id, *sql, *events, *steps;
	time_t end;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-fault");
	make_version(app, "1.0.0", "Deployment", "nginx", "1.25", 1);
	/* the store refuses render's "step_completed" of this app */
	sql = api_fmt("CREATE TRIGGER test_refuse_render BEFORE INSERT ON "
	    "deployment_events WHEN NEW.event_type = 'step_completed' AND "
	    "NEW.description = 'render completed' AND NEW.deployment_id IN "
	    "(SELECT id FROM application_deployments WHERE app_id = '%s') "
	    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END", app);
	api_sql_exec(srv, sql);
	free(sql);
	id = start(app, "deploy", "1.0.0");
	end = time(NULL) + WAIT_S;
	while (!log_has("refused by the test")) {
		if (time(NULL) > end)
			fail_msg("the store never refused render's outcome");
		nap(50);
	}
	wait_step(id, "render", "in_progress");
	api_sql_exec(srv, "DROP TRIGGER test_refuse_render");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	steps = steps_of(d);
	assert_string_equal(steps, "validate:completed,render:completed,"
	    "apply:completed,wait_rollout:completed,verify:completed,"
	    "complete:completed");
	events = events_of(id);
	assert_true(count_events(events, "resumed") >= 1);
	assert_int_equal(count_events(events, "step_started"), 6);
	assert_int_equal(count_events(events, "step_completed"), 6);
	assert_int_equal(count_events(events, "succeeded"), 1);
	free(events);
	free(steps);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* A hub frozen (SIGSTOP) past its lease during a rollout thaws and
 * finishes it: whoever takes the step over, every step completes once
 * and every event is written once. */
static void
test_stall_past_lease(void **state)
{
	char *app, *id, *events;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-stall");
	make_version(app, "1.0.0", "StatefulSet", "redis", "7", 3);
	id = start(app, "deploy", "1.0.0");
	wait_step(id, "wait_rollout", "in_progress");
	assert_int_equal(kill(srv->pid, SIGSTOP), 0);
	nap(3000);	/* the lease is 2 s */
	assert_int_equal(kill(srv->pid, SIGCONT), 0);
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	events = events_of(id);
	assert_true(count_events(events, "resumed") <= 1);
	assert_int_equal(count_events(events, "created"), 1);
	assert_int_equal(count_events(events, "step_started"), 6);
	assert_int_equal(count_events(events, "step_completed"), 6);
	assert_int_equal(count_events(events, "succeeded"), 1);
	free(events);
	cJSON_Delete(d);
	free(id);
	free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_resume),
		cmocka_unit_test(test_store_refuses_outcome),
		cmocka_unit_test(test_stall_past_lease),
	};

	return cmocka_run_group_tests_name("api_resume", tests, wf_setup,
	    wf_teardown);
}
