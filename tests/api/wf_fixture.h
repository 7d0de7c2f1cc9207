/*
 * wf_fixture.h - what the workflow tests share (test_api_workflow runs
 * deployments to their end, test_api_resume kills and stalls the hub
 * under them): a real cm-kubesim ($CM_KUBESIM) registered as a cluster
 * of a real cmhubd with the worker role, a short poll, deadline and
 * lease, and helpers to make applications, start deployments and wait
 * for them.  Without cm-kubesim every test skips with a message.
 */
#ifndef CM_TESTS_API_WF_FIXTURE_H
#define CM_TESTS_API_WF_FIXTURE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "harness.h"
#include "kubesim_run.h"

#define WAIT_S 60
#define DEADLINE_S "6"

extern struct api_server *srv;
extern char *admin;
extern struct kubesim ks;
extern char *cluster_id;		/* the kubesim cluster */
extern bool skip;			/* no cm-kubesim */
/* The hub's `serve` arguments beyond the harness's (NULL-terminated). */
extern const char *const hub_args[];

#define SKIP_IF_NO_SIM() \
	do { \
		if (skip) { \
			print_message("skipped: cm-kubesim is not built\n"); \
			return; \
		} \
	} while (0)

/* cmocka group set-up and tear-down: kubesim, the hub, the cluster. */
int wf_setup(void **state);
int wf_teardown(void **state);

/* Sleep ms milliseconds (between polls of the API only). */
void nap(int ms);

/* Register app name; returns its id (caller frees). */
char *make_app(const char *name);

/* Add version ver of app: kind, image:tag, default replicas. */
void make_version(const char *app, const char *ver, const char *kind,
    const char *image, const char *tag, int replicas);

/* POST /applications/:id/<action> {"cluster_id","version"?}. */
struct api_resp *act(const char *app, const char *action, const char *ver);

/* act() that must be accepted; returns the deployment id (caller
 * frees). */
char *start(const char *app, const char *action, const char *ver);

/* GET /deployments/:id (caller frees). */
cJSON *get_deployment(const char *id);

/* Wait until deployment id reaches a final status; returns it. */
cJSON *wait_final(const char *id);

/* Wait until step of deployment id is in status. */
void wait_step(const char *id, const char *step, const char *status);

/* The steps of d as "name:status,..." (caller frees). */
char *steps_of(const cJSON *d);

/* The events of deployment id as "type|desc\n" lines (caller frees). */
char *events_of(const char *id);

/* Number of lines of events starting with "type|". */
int count_events(const char *events, const char *type);

/* The image of the workload in kubesim (caller frees). */
char *live_image(const char *kind, const char *name);

#endif
