/*
 * rules.c - the alert rule model: validation, the built-ins, storage.
 * See rules.h.
 *
 * A PUT is a merge: the stored rule as JSON, the body's keys laid over
 * it, and the result checked exactly like a new rule, so one validator
 * serves both and a rule can never be stored half-checked.  The
 * built-ins carry a key (builtin) under a UNIQUE (tenant_id, builtin)
 * constraint, so seeding is an idempotent INSERT ... ON CONFLICT DO
 * NOTHING that any process may run at any time.
 */
#include "config.h"

#include "hub/alerts/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/store/store.h"

#define RULE_COLUMNS \
	"id, name, kind, metric, state, selector, comparison, threshold, " \
	"for_s, severity, labels, enabled, builtin, created_at, updated_at"

static const struct store_query q_load = {
	"rules.load",
	"SELECT " RULE_COLUMNS " FROM alert_rules WHERE tenant_id = $1 "
	"AND ($2 = 0 OR enabled = 1) ORDER BY id LIMIT $3",
	NULL,
};

static const struct store_query q_get = {
	"rules.get",
	"SELECT " RULE_COLUMNS " FROM alert_rules WHERE id = $1 "
	"AND tenant_id = $2",
	NULL,
};

static const struct store_query q_insert = {
	"rules.insert",
	"INSERT INTO alert_rules (id, tenant_id, name, kind, metric, state, "
	"selector, comparison, threshold, for_s, severity, labels, enabled, "
	"builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	"$8, $9, $10, $11, $12, $13, $14, $15, $15) ON CONFLICT DO NOTHING",
	NULL,
};

static const struct store_query q_create = {
	"rules.create",
	"INSERT INTO alert_rules (id, tenant_id, name, kind, metric, state, "
	"selector, comparison, threshold, for_s, severity, labels, enabled, "
	"builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	"$8, $9, $10, $11, $12, $13, $14, $15, $15)",
	NULL,
};

static const struct store_query q_update = {
	"rules.update",
	"UPDATE alert_rules SET name = $3, kind = $4, metric = $5, "
	"state = $6, selector = $7, comparison = $8, threshold = $9, "
	"for_s = $10, severity = $11, labels = $12, enabled = $13, "
	"updated_at = $14 WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_builtins = {
	"rules.builtins",
	"SELECT count(*) FROM alert_rules WHERE tenant_id = $1 "
	"AND builtin IS NOT NULL",
	NULL,
};

/* The built-in rules every tenant has. */
static const struct rules_builtin {
	const char *key;
	const char *name;
	const char *metric;
	enum rule_state state;
	enum match_cmp cmp;
	double threshold;
	int64_t for_s;
	const char *severity;
} builtins[] = {
	{ "cluster_unreachable", "ClusterUnreachable", NULL,
	    RULE_STATE_UNREACHABLE, MATCH_GT, 0, 0, "critical" },
	{ "node_not_ready", "NodeNotReady", NULL, RULE_STATE_NODE_NOT_READY,
	    MATCH_GT, 0, 0, "warning" },
	{ "cpu_high", "HighCPU", "cpu_percent", RULE_STATE_NONE, MATCH_GT, 90,
	    300, "warning" },
	{ "memory_high", "HighMemory", "memory_percent", RULE_STATE_NONE,
	    MATCH_GT, 90, 300, "warning" },
	{ "pods_crashlooping", "PodsCrashLooping", NULL,
	    RULE_STATE_CRASHLOOPING, MATCH_GT, 0, 0, "warning" },
};

#define BUILTINS_COUNT (sizeof builtins / sizeof builtins[0])

static const char *const state_names[] = {
	"", "cluster_unreachable", "node_not_ready", "pods_crashlooping",
};

static const char *const reserved_labels[] = {
	"alertname", "severity", "cluster", "cluster_id", "provider", NULL
};

const char *
rules_state_name(enum rule_state state)
{
	if (state == RULE_STATE_NONE ||
	    (size_t)state >= sizeof state_names / sizeof state_names[0])
		return NULL;
	return state_names[state];
}

static bool
rules_state_parse(const char *s, enum rule_state *out)
{
	size_t i;

	for (i = 1; i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum rule_state)i;
			return true;
		}
	return false;
}

void
rules_done(struct rule *r)
{
	free(r->name);
	free(r->metric);
	free(r->builtin);
	cJSON_Delete(r->selector);
	cJSON_Delete(r->labels);
	memset(r, 0, sizeof *r);
}

void
rules_free(struct rule *rules, size_t n)
{
	size_t i;

	for (i = 0; rules != NULL && i < n; i++)
		rules_done(&rules[i]);
	free(rules);
}

cJSON *
rules_json(const struct rule *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "kind", r->metric != NULL ? "metric" :
	    "state");
	json_add_string_or_null(o, "metric", r->metric);
	json_add_string_or_null(o, "state", rules_state_name(r->state));
	cJSON_AddItemToObject(o, "selector", r->selector != NULL ?
	    cJSON_Duplicate(r->selector, true) : cJSON_CreateObject());
	cJSON_AddStringToObject(o, "comparison", match_cmp_name(r->cmp));
	cJSON_AddNumberToObject(o, "threshold", r->threshold);
	cJSON_AddNumberToObject(o, "for_s", (double)r->for_s);
	cJSON_AddStringToObject(o, "severity", r->severity);
	cJSON_AddItemToObject(o, "labels", r->labels != NULL ?
	    cJSON_Duplicate(r->labels, true) : cJSON_CreateObject());
	cJSON_AddBoolToObject(o, "enabled", r->enabled);
	cJSON_AddBoolToObject(o, "builtin", r->builtin != NULL);
	if (r->created_at > 0)
		json_add_time(o, "created_at", r->created_at);
	if (r->updated_at > 0)
		json_add_time(o, "updated_at", r->updated_at);
	return o;
}

static bool
rules_name_ok(const char *s, bool metric)
{
	size_t i;

	if (s[0] == '\0' || (metric && s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')
			continue;
		if (metric ? s[i] == ':' : (s[i] == '-' || s[i] == '.'))
			continue;
		return false;
	}
	return true;
}

/* Check the kind-dependent fields of merged m into r. */
static enum cm_status
rules_parse_kind(const cJSON *m, struct rule *r, struct cm_err *err)
{
	static const char *const kinds[] = { "metric", "state", NULL };
	const char *metric = NULL, *state = NULL, *cmp = NULL;
	const cJSON *thr;
	enum cm_status st;
	int kind = -1;

	if ((st = json_get_enum(m, "kind", true, kinds, &kind, err)) != CM_OK ||
	    (st = json_get_string(m, "metric", false, RULES_METRIC_MAX,
	    &metric, err)) != CM_OK ||
	    (st = json_get_string(m, "state", false, 64, &state, err)) !=
	    CM_OK ||
	    (st = json_get_string(m, "comparison", false, 4, &cmp, err)) !=
	    CM_OK)
		return st;
	if (kind == 0) {
		if (metric == NULL || !rules_name_ok(metric, true))
			return cm_err_set(err, CM_VALIDATION, "metric",
			    "a metric rule needs metric, a metric name "
			    "([A-Za-z_:][A-Za-z0-9_:]*)");
		if (state != NULL)
			return cm_err_set(err, CM_VALIDATION, "state",
			    "a metric rule has no state");
		r->metric = xstrdup(metric);
		r->state = RULE_STATE_NONE;
	} else {
		if (state == NULL || !rules_state_parse(state, &r->state))
			return cm_err_set(err, CM_VALIDATION, "state",
			    "a state rule needs state: cluster_unreachable, "
			    "node_not_ready or pods_crashlooping");
		if (metric != NULL)
			return cm_err_set(err, CM_VALIDATION, "metric",
			    "a state rule has no metric");
	}
	if (cmp == NULL && kind == 0)
		return cm_err_set(err, CM_VALIDATION, "comparison",
		    "comparison is required: >, >=, <, <=, == or !=");
	r->cmp = MATCH_GT;
	if (cmp != NULL && !match_cmp_parse(cmp, &r->cmp))
		return cm_err_set(err, CM_VALIDATION, "comparison",
		    "comparison must be one of: >, >=, <, <=, ==, !=");
	thr = cJSON_GetObjectItemCaseSensitive(m, "threshold");
	if (thr == NULL || cJSON_IsNull(thr)) {
		if (kind == 0)
			return cm_err_set(err, CM_VALIDATION, "threshold",
			    "threshold is required");
		r->threshold = 0;
	} else if (!cJSON_IsNumber(thr) || !isfinite(thr->valuedouble)) {
		return cm_err_set(err, CM_VALIDATION, "threshold",
		    "threshold must be a number");
	} else {
		r->threshold = thr->valuedouble;
	}
	return CM_OK;
}

/* Check merged body m into r. */
static enum cm_status
rules_parse_merged(const cJSON *m, struct rule *r, struct cm_err *err)
{
	static const char *const sevs[] = { "info", "warning", "critical",
	    NULL };
	const cJSON *sel, *labels;
	const char *name = NULL;
	bool present = false;
	enum cm_status st;
	int sev = -1;

	if ((st = json_get_string(m, "name", true, RULES_NAME_MAX, &name,
	    err)) != CM_OK)
		return st;
	if (!rules_name_ok(name, false))
		return cm_err_set(err, CM_VALIDATION, "name", "name may hold "
		    "letters, digits, '_', '-' and '.' only");
	r->name = xstrdup(name);
	if ((st = rules_parse_kind(m, r, err)) != CM_OK)
		return st;
	sel = cJSON_GetObjectItemCaseSensitive(m, "selector");
	if ((st = match_selector_check(sel, err)) != CM_OK)
		return st;
	r->selector = cJSON_IsObject(sel) ? cJSON_Duplicate(sel, true) :
	    cJSON_CreateObject();
	if ((st = json_get_int(m, "for_s", false, 0, RULES_FOR_MAX, &r->for_s,
	    &present, err)) != CM_OK)
		return st;
	if (!present)
		r->for_s = 0;
	if ((st = json_get_enum(m, "severity", false, sevs, &sev, err)) !=
	    CM_OK)
		return st;
	snprintf(r->severity, sizeof r->severity, "%s",
	    sev >= 0 ? sevs[sev] : "warning");
	labels = cJSON_GetObjectItemCaseSensitive(m, "labels");
	if (cJSON_IsNull(labels))
		labels = NULL;
	if ((st = match_labels_check(labels, "labels", reserved_labels,
	    err)) != CM_OK)
		return st;
	r->labels = labels != NULL ? cJSON_Duplicate(labels, true) :
	    cJSON_CreateObject();
	r->enabled = true;
	return json_get_bool(m, "enabled", false, &r->enabled, &present, err);
}

enum cm_status
rules_parse(const cJSON *body, const struct rule *base, struct rule *r,
    struct cm_err *err)
{
	static const char *const keys[] = { "name", "kind", "metric", "state",
	    "selector", "comparison", "threshold", "for_s", "severity",
	    "labels", "enabled", "id", "builtin", "created_at", "updated_at",
	    NULL };
	static const char *const fixed[] = { "name", "kind", "metric",
	    "state", NULL };
	const cJSON *it, *a;
	cJSON *m, *b;
	enum cm_status st;
	size_t i;

	memset(r, 0, sizeof *r);
	if ((st = json_check_keys(body, keys, err)) != CM_OK)
		return st;
	m = base != NULL ? rules_json(base) : cJSON_CreateObject();
	cJSON_ArrayForEach(it, body) {
		if (strcmp(it->string, "id") == 0 ||
		    strcmp(it->string, "builtin") == 0 ||
		    strcmp(it->string, "created_at") == 0 ||
		    strcmp(it->string, "updated_at") == 0)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(m, it->string);
		cJSON_AddItemToObject(m, it->string,
		    cJSON_Duplicate(it, true));
	}
	if (base != NULL && base->builtin != NULL) {
		for (i = 0; fixed[i] != NULL; i++) {
			a = cJSON_GetObjectItemCaseSensitive(body, fixed[i]);
			if (a == NULL)
				continue;
			b = rules_json(base);
			if (!cJSON_Compare(a, cJSON_GetObjectItemCaseSensitive(
			    b, fixed[i]), true)) {
				cJSON_Delete(b);
				cJSON_Delete(m);
				return cm_err_set(err, CM_VALIDATION, fixed[i],
				    "a built-in rule keeps its %s; disable it "
				    "and add your own instead", fixed[i]);
			}
			cJSON_Delete(b);
		}
	}
	st = rules_parse_merged(m, r, err);
	cJSON_Delete(m);
	if (st != CM_OK) {
		rules_done(r);
		return st;
	}
	if (base != NULL) {
		memcpy(r->id, base->id, sizeof r->id);
		r->builtin = base->builtin != NULL ? xstrdup(base->builtin) :
		    NULL;
		r->created_at = base->created_at;
	} else {
		uuid_v7(r->id);
	}
	return CM_OK;
}

/* Fill r from the current row of a RULE_COLUMNS query. */
static void
rules_from_row(struct store_rows *rows, struct rule *r)
{
	const char *v;

	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", store_rows_text(rows, 0));
	r->name = xstrdup(store_rows_text(rows, 1));
	v = store_rows_text(rows, 3);
	r->metric = v != NULL ? xstrdup(v) : NULL;
	v = store_rows_text(rows, 4);
	if (v == NULL || !rules_state_parse(v, &r->state))
		r->state = RULE_STATE_NONE;
	v = store_rows_text(rows, 5);
	r->selector = v != NULL ? cJSON_Parse(v) : NULL;
	if (!match_cmp_parse(store_rows_text(rows, 6), &r->cmp))
		r->cmp = MATCH_GT;
	r->threshold = store_rows_real(rows, 7);
	r->for_s = store_rows_int(rows, 8);
	snprintf(r->severity, sizeof r->severity, "%s",
	    store_rows_text(rows, 9));
	v = store_rows_text(rows, 10);
	r->labels = v != NULL ? cJSON_Parse(v) : NULL;
	if (r->labels == NULL)
		r->labels = cJSON_CreateObject();
	r->enabled = store_rows_int(rows, 11) != 0;
	v = store_rows_text(rows, 12);
	r->builtin = v != NULL ? xstrdup(v) : NULL;
	r->created_at = store_rows_int(rows, 13);
	r->updated_at = store_rows_int(rows, 14);
}

enum cm_status
rules_load(struct store_tx *tx, const char *tenant, bool enabled_only,
    struct rule **out, size_t *n, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct rule *rules = NULL;
	size_t cap = 0;
	enum cm_status st;
	int rc;

	*out = NULL;
	*n = 0;
	st = store_query(tx, &q_load, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_INT(enabled_only ? 1 : 0), STORE_INT(RULES_MAX)), &rows,
	    err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			rules = xreallocarray(rules, cap, sizeof *rules);
		}
		rules_from_row(rows, &rules[(*n)++]);
	}
	store_rows_close(rows);
	if (rc < 0) {
		rules_free(rules, *n);
		*n = 0;
		return err->status;
	}
	*out = rules;
	return CM_OK;
}

enum cm_status
rules_get(struct store_tx *tx, const char *tenant, const char *id,
    struct rule *r, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	memset(r, 0, sizeof *r);
	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		rules_from_row(rows, r);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such rule");
	return CM_OK;
}

enum cm_status
rules_store(struct store_tx *tx, const char *tenant, const struct rule *r,
    bool insert, int64_t now_ms, struct cm_err *err)
{
	char *sel = json_print(r->selector), *labels = json_print(r->labels);
	enum cm_status st;
	int64_t changes = 0;

	if (insert)
		st = store_exec(tx, &q_create, STORE_ARGS(STORE_TEXT(r->id),
		    STORE_TEXT(tenant), STORE_TEXT(r->name),
		    STORE_TEXT(r->metric != NULL ? "metric" : "state"),
		    STORE_TEXT(r->metric),
		    STORE_TEXT(rules_state_name(r->state)), STORE_TEXT(sel),
		    STORE_TEXT(match_cmp_name(r->cmp)),
		    STORE_REAL(r->threshold), STORE_INT(r->for_s),
		    STORE_TEXT(r->severity), STORE_TEXT(labels),
		    STORE_INT(r->enabled ? 1 : 0), STORE_TEXT(r->builtin),
		    STORE_INT(now_ms)), &changes, err);
	else
		st = store_exec(tx, &q_update, STORE_ARGS(STORE_TEXT(r->id),
		    STORE_TEXT(tenant), STORE_TEXT(r->name),
		    STORE_TEXT(r->metric != NULL ? "metric" : "state"),
		    STORE_TEXT(r->metric),
		    STORE_TEXT(rules_state_name(r->state)), STORE_TEXT(sel),
		    STORE_TEXT(match_cmp_name(r->cmp)),
		    STORE_REAL(r->threshold), STORE_INT(r->for_s),
		    STORE_TEXT(r->severity), STORE_TEXT(labels),
		    STORE_INT(r->enabled ? 1 : 0), STORE_INT(now_ms)),
		    &changes, err);
	free(sel);
	free(labels);
	if (st == CM_CONFLICT)
		return cm_err_set(err, CM_CONFLICT, "name",
		    "the tenant already has a rule called \"%s\"", r->name);
	if (st == CM_OK && changes != 1)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such rule");
	return st;
}

enum cm_status
rules_seeded(struct store_tx *tx, const char *tenant, bool *yes,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*yes = false;
	st = store_query(tx, &q_builtins, STORE_ARGS(STORE_TEXT(tenant)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		*yes = store_rows_int(rows, 0) >= (int64_t)BUILTINS_COUNT;
	store_rows_close(rows);
	return rc < 0 ? err->status : CM_OK;
}

enum cm_status
rules_seed(struct store_tx *tx, const char *tenant, int64_t now_ms,
    size_t *added, struct cm_err *err)
{
	const struct rules_builtin *b;
	char id[UUID_STR_LEN + 1];
	int64_t changes;
	enum cm_status st;
	size_t i;

	if (added != NULL)
		*added = 0;
	for (i = 0; i < BUILTINS_COUNT; i++) {
		b = &builtins[i];
		uuid_v7(id);
		changes = 0;
		st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(tenant), STORE_TEXT(b->name),
		    STORE_TEXT(b->metric != NULL ? "metric" : "state"),
		    STORE_TEXT(b->metric), STORE_TEXT(rules_state_name(
		    b->state)), STORE_TEXT("{}"),
		    STORE_TEXT(match_cmp_name(b->cmp)),
		    STORE_REAL(b->threshold), STORE_INT(b->for_s),
		    STORE_TEXT(b->severity), STORE_TEXT("{}"), STORE_INT(1),
		    STORE_TEXT(b->key), STORE_INT(now_ms)), &changes, err);
		if (st != CM_OK)
			return st;
		if (added != NULL)
			*added += (size_t)changes;
	}
	return CM_OK;
}
