/*
 * match.h - the pure logic of alerting: comparisons, the "for" duration,
 * fingerprints, cluster selectors, alert labels and silence matchers.
 *
 * Nothing here touches the store or the clock: the rule engine
 * (engine.c), the silences (silences.c) and the rules' validation
 * (rules.c) call these with values they read, and the unit tests call
 * them directly.  Label sets are cJSON objects of string values.
 */
#ifndef CM_HUB_ALERTS_MATCH_H
#define CM_HUB_ALERTS_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/* A fingerprint: 32 hex digits (128 bits of SHA-256). */
#define MATCH_FP_LEN 32
/* The most matchers a silence, and labels a rule, may have. */
#define MATCH_MATCHERS_MAX 16
#define MATCH_LABELS_MAX 20
#define MATCH_LABEL_NAME_MAX 63
#define MATCH_LABEL_VALUE_MAX 200

enum match_cmp {
	MATCH_GT,
	MATCH_GE,
	MATCH_LT,
	MATCH_LE,
	MATCH_EQ,
	MATCH_NE,
};

/* The comparison spelled s (">", ">=", ...); false when unknown. */
bool match_cmp_parse(const char *s, enum match_cmp *out);

/* The spelling of a comparison (static). */
const char *match_cmp_name(enum match_cmp cmp);

/* True when value cmp threshold holds; never for a NaN value. */
bool match_compare(double value, enum match_cmp cmp, double threshold);

/* What the engine does with a rule on one object this round. */
enum match_step {
	MATCH_STEP_NONE,	/* nothing holds, nothing to undo */
	MATCH_STEP_PEND,	/* start the "for" clock now */
	MATCH_STEP_WAIT,	/* holding, not yet for long enough */
	MATCH_STEP_FIRE,	/* raise the alert (drop the pending clock) */
	MATCH_STEP_KEEP,	/* already firing and still holding */
	MATCH_STEP_CLEAR,	/* stopped holding before it fired */
	MATCH_STEP_RESOLVE,	/* firing and no longer holding */
};

/*
 * The step for a condition that holds (or not) on an object with an
 * active alert (or not) and a pending clock started at since_ms (-1:
 * none), for a rule that needs for_ms of holding; times in ms.
 */
enum match_step match_for_step(bool holds, bool active, int64_t since_ms,
    int64_t for_ms, int64_t now_ms);

/*
 * The fingerprint of rule_id on cluster_id with labels (an object of
 * strings, may be NULL; key order does not matter) into out.
 */
void match_fingerprint(const char *rule_id, const char *cluster_id,
    const cJSON *labels, char out[MATCH_FP_LEN + 1]);

/* True when name is a label name: [A-Za-z_][A-Za-z0-9_]*, not too long. */
bool match_label_name_ok(const char *name);

/*
 * Check a label set given by a client (an object of strings, names by
 * match_label_name_ok, at most MATCH_LABELS_MAX); field names the JSON
 * key ("labels") for errors.  reserved (may be NULL) lists names that
 * may not be set.
 */
enum cm_status match_labels_check(const cJSON *labels, const char *field,
    const char *const *reserved, struct cm_err *err);

/*
 * The labels of an alert: rule_labels (may be NULL) plus alertname,
 * severity, cluster, cluster_id and provider (NULL values are left
 * out).  Caller frees.
 */
cJSON *match_alert_labels(const cJSON *rule_labels, const char *alertname,
    const char *severity, const char *cluster, const char *cluster_id,
    const char *provider);

/*
 * Check a rule selector {"cluster_id"?, "provider"?, "labels"?} (NULL
 * is the empty selector); errors name "selector.<key>".
 */
enum cm_status match_selector_check(const cJSON *selector,
    struct cm_err *err);

/*
 * True when selector (checked; may be NULL) picks the cluster with this
 * id, provider and labels (an object, may be NULL).
 */
bool match_selector(const cJSON *selector, const char *cluster_id,
    const char *provider, const cJSON *cluster_labels);

/* A parsed list of silence matchers. */
struct match_set;

/*
 * Parse matchers [{"name","value","op"}] (op "=", "!=" or "=~", a POSIX
 * extended regular expression anchored at both ends; op defaults to
 * "=").  Errors name "matchers[i].<key>".  *out is NULL for an empty
 * list.  Caller frees with match_set_free.
 */
enum cm_status match_set_parse(const cJSON *matchers, struct match_set **out,
    struct cm_err *err);

/* True when every matcher matches labels (a missing label is "").  An
 * empty (NULL) set matches everything. */
bool match_set_matches(const struct match_set *set, const cJSON *labels);

/* Free a set; NULL is a no-op. */
void match_set_free(struct match_set *set);

#endif
