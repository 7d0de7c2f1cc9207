/*
 * deploy_fixture.h - what the deploy API tests share (test_api_deploy
 * starts deployments, test_api_deployments reads and previews them): a
 * demo hub with the api role only, the application "shopfront" with
 * versions 1.0.0 and 1.1.0, a token per role, and small helpers.
 *
 * With no worker role no deployment moves on: each stays pending, and
 * the tests mark one successful in the sqlite file where upgrade,
 * rollback or preview need something running.  How a rollout really goes
 * on a cluster is test_api_workflow's business.
 */
#ifndef CM_TESTS_API_DEPLOY_FIXTURE_H
#define CM_TESTS_API_DEPLOY_FIXTURE_H

#include <cjson/cJSON.h>

#include "harness.h"

#define APPS "/api/v1/applications"

extern struct api_server *srv;
/* Deploys are limited per user and minute: tests that deploy a lot act
 * as users of their own. */
extern char *admin, *operator_tok, *viewer, *globex, *tadmin, *padmin;
extern char *app;			/* "shopfront": 1.0.0 and 1.1.0 */
extern char *globex_cluster;		/* globex-prod, another tenant's */

/* cmocka group set-up and tear-down: the hub, the tokens, the app. */
int deploy_fixture_setup(void **state);
int deploy_fixture_teardown(void **state);

/* A COUNT(*)-style query built with printf, on srv's sqlite file. */
#define sql_count(...) api_count_fmt(srv, __VA_ARGS__)

/* SQL built with printf, run on srv's sqlite file; asserts success. */
#define sql_exec(...) api_sql_fmt(srv, __VA_ARGS__)

/* The id of the demo cluster called name (caller frees). */
char *cluster_id(const char *token, const char *name);

/* POST an action of app with body; header may be NULL. */
struct api_resp *act(const char *token, const char *action,
    const char *body, const char *header);

/* Assert a 202 with exactly the contract's body; returns the id. */
char *accepted(struct api_resp *r);

/* Deploy app as token with body; asserts 202, returns the id. */
char *deploy_as(const char *token, const char *body);

/* Mark deployment id successful, as a worker would have. */
void mark_successful(const char *id);

#endif
