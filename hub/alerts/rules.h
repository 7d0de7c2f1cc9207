/*
 * rules.h - alert rules: what they are, how they are checked, stored and
 * seeded.
 *
 * A rule is a metric compared with a threshold ("cpu_percent > 90 for
 * 300 s") or a state the collector sees ("cluster_unreachable",
 * "node_not_ready", "pods_crashlooping": a count compared the same way,
 * "> 0" by default), on the clusters its selector picks, with a severity
 * and labels.  Every tenant has the built-in rules (seeded on first use:
 * ClusterUnreachable, NodeNotReady, HighCPU, HighMemory,
 * PodsCrashLooping); they can be tuned and disabled but not deleted or
 * renamed.  rules.c holds the model, validation and storage; rules_http.c
 * the API (/alert-rules).  Evaluating rules is engine.c.
 */
#ifndef CM_HUB_ALERTS_RULES_H
#define CM_HUB_ALERTS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/alerts/match.h"

struct hub;
struct store_tx;
struct store_rows;
struct http_req;
struct http_resp;

#define RULES_NAME_MAX 100
#define RULES_METRIC_MAX 100
/* The longest "for" duration, in seconds (a week). */
#define RULES_FOR_MAX (7L * 24 * 3600)
/* Rules a tenant may have. */
#define RULES_MAX 500

enum rule_state {
	RULE_STATE_NONE,		/* a metric rule */
	RULE_STATE_UNREACHABLE,		/* "cluster_unreachable" */
	RULE_STATE_NODE_NOT_READY,	/* "node_not_ready" */
	RULE_STATE_CRASHLOOPING,	/* "pods_crashlooping" */
};

/* One rule, as stored. */
struct rule {
	char id[37];
	char *name;
	char *metric;		/* NULL for a state rule */
	enum rule_state state;	/* RULE_STATE_NONE for a metric rule */
	cJSON *selector;	/* object */
	enum match_cmp cmp;
	double threshold;
	int64_t for_s;
	char severity[16];
	cJSON *labels;		/* object */
	bool enabled;
	char *builtin;		/* key of a built-in, or NULL */
	int64_t created_at;	/* ms; 0 until stored */
	int64_t updated_at;
};

/* The wire name of a state ("cluster_unreachable"), or NULL. */
const char *rules_state_name(enum rule_state state);

/*
 * Check a rule body into r (fresh: all owned fields set).  base (may be
 * NULL) is the stored rule a PUT changes: keys absent from body keep its
 * values, and a built-in's name, kind, metric and state may not change.
 * CM_VALIDATION names the field.  Free r with rules_done.
 */
enum cm_status rules_parse(const cJSON *body, const struct rule *base,
    struct rule *r, struct cm_err *err);

/* Free what r owns and zero it. */
void rules_done(struct rule *r);

/* The wire object of r (times left out while 0). */
cJSON *rules_json(const struct rule *r);

/*
 * Insert the built-in rules tenant lacks, inside tx (a write
 * transaction).  *added (may be NULL) gets how many.
 */
enum cm_status rules_seed(struct store_tx *tx, const char *tenant,
    int64_t now_ms, size_t *added, struct cm_err *err);

/* True when tenant has all the built-in rules (cheap; read tx). */
enum cm_status rules_seeded(struct store_tx *tx, const char *tenant,
    bool *yes, struct cm_err *err);

/*
 * Load tenant's rules (only the enabled ones when enabled_only) into
 * *out (caller frees with rules_free).
 */
enum cm_status rules_load(struct store_tx *tx, const char *tenant,
    bool enabled_only, struct rule **out, size_t *n, struct cm_err *err);

/* Load rule id of tenant into r; CM_NOT_FOUND when none. */
enum cm_status rules_get(struct store_tx *tx, const char *tenant,
    const char *id, struct rule *r, struct cm_err *err);

/* Free an array of n rules; NULL is a no-op. */
void rules_free(struct rule *rules, size_t n);

/* Store r (new: insert with id r->id; else update) in tx. */
enum cm_status rules_store(struct store_tx *tx, const char *tenant,
    const struct rule *r, bool insert, int64_t now_ms, struct cm_err *err);

/* GET /api/v1/alert-rules */
void rules_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/alert-rules */
void rules_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/alert-rules/:id */
void rules_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* PUT /api/v1/alert-rules/:id */
void rules_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* DELETE /api/v1/alert-rules/:id */
void rules_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
