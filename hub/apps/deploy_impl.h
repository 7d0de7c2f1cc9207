/*
 * deploy_impl.h - the deploy service (deploy.c), its idempotency keys
 * (deploy_idem.c) and its handlers (deploy_http.c): a parsed request,
 * its result.
 *
 * The handlers parse and answer; deploy_start does the work in one
 * transaction.  Nothing else includes this header.
 */
#ifndef CM_HUB_APPS_DEPLOY_IMPL_H
#define CM_HUB_APPS_DEPLOY_IMPL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "backend/uuid.h"
#include "hub/auth/principal.h"

struct hub;
struct audit_entry;
struct store_tx;

/* Hex SHA-256. */
#define DEPLOY_HASH_LEN 64

enum deploy_kind {
	DEPLOY_KIND_DEPLOY,
	DEPLOY_KIND_UPGRADE,
	DEPLOY_KIND_ROLLBACK,
};

/* A checked request; strings are borrowed from the body and headers. */
struct deploy_request {
	enum deploy_kind kind;
	const char *app_id;
	const char *cluster_id;
	const char *version;	/* NULL: rollback to the one before */
	const cJSON *config;	/* NULL: none given */
	const char *namespace;	/* NULL: the running one, or "default" */
	const char *idem_key;	/* NULL: none */
	char idem_hash[DEPLOY_HASH_LEN + 1];
};

struct deploy_result {
	char id[UUID_STR_LEN + 1];		/* the deployment */
	bool replayed;				/* id is an earlier one */
	char conflict_id[UUID_STR_LEN + 1];	/* the one in flight */
};

/* "deploy", "upgrade" or "rollback" (static). */
const char *deploy_kind_name(enum deploy_kind kind);

/*
 * The hash that ties an idempotency key to its request: kind, app and
 * the body with its object keys sorted.
 */
void deploy_request_hash(enum deploy_kind kind, const char *app_id,
    const cJSON *body, char out[DEPLOY_HASH_LEN + 1]);

/*
 * The deployment p started earlier with key into id (*found).  The same
 * key with another hash is CM_VALIDATION on "Idempotency-Key".
 */
enum cm_status deploy_replay(struct hub *hub, const struct principal *p,
    const char *key, const char *hash, char id[UUID_STR_LEN + 1],
    bool *found, struct cm_err *err);

/*
 * Inside write transaction tx: the deployment an earlier request of p
 * with rq's key started, into res (replayed).  CM_NOT_FOUND when there
 * is none; CM_VALIDATION on "Idempotency-Key" when the key came with
 * another request.
 */
enum cm_status deploy_idem_replay(struct store_tx *tx,
    const struct principal *p, const struct deploy_request *rq,
    struct deploy_result *res, struct cm_err *err);

/*
 * Start the deployment rq asks for (see deploy.c).  CM_NOT_FOUND for an
 * app ("id") or cluster ("cluster_id") outside the tenant; CM_VALIDATION
 * for an unknown version ("version") or a bad config ("config.<path>");
 * CM_CONFLICT when one is in flight (res->conflict_id set) or, for
 * upgrade and rollback, when nothing runs or there is nothing to go back
 * to.  res->replayed when a concurrent request with the same key won.
 */
enum cm_status deploy_start(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct deploy_request *rq,
    struct deploy_result *res, struct cm_err *err);

#endif
