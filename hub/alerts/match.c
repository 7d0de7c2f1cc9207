/*
 * match.c - comparisons, the "for" clock, fingerprints, selectors and
 * matchers.  See match.h.
 *
 * A fingerprint hashes the rule id, the cluster id and the labels in
 * name order, each field NUL-terminated, so {"a":"bc"} and {"ab":"c"}
 * differ.  Regular expressions are anchored as Alertmanager does
 * ("^(?:re)$", here "^(re)$" in POSIX ERE) and compiled once per parse.
 */
#include "config.h"

#include "hub/alerts/match.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "backend/uuid.h"
#include "backend/xalloc.h"

enum match_op {
	MATCH_OP_EQ,
	MATCH_OP_NE,
	MATCH_OP_RE,
};

struct match_matcher {
	char *name;
	char *value;
	enum match_op op;
	regex_t re;		/* MATCH_OP_RE only */
};

struct match_set {
	struct match_matcher m[MATCH_MATCHERS_MAX];
	size_t n;
};

static const char *const cmp_names[] = { ">", ">=", "<", "<=", "==", "!=" };

bool
match_cmp_parse(const char *s, enum match_cmp *out)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof cmp_names / sizeof cmp_names[0]; i++)
		if (strcmp(s, cmp_names[i]) == 0) {
			*out = (enum match_cmp)i;
			return true;
		}
	return false;
}

const char *
match_cmp_name(enum match_cmp cmp)
{
	if ((size_t)cmp >= sizeof cmp_names / sizeof cmp_names[0])
		return "?";
	return cmp_names[cmp];
}

bool
match_compare(double value, enum match_cmp cmp, double threshold)
{
	if (isnan(value) || isnan(threshold))
		return false;
	switch (cmp) {
	case MATCH_GT: return value > threshold;
	case MATCH_GE: return value >= threshold;
	case MATCH_LT: return value < threshold;
	case MATCH_LE: return value <= threshold;
	case MATCH_EQ: return value == threshold;
	case MATCH_NE: return value != threshold;
	}
	return false;
}

enum match_step
match_for_step(bool holds, bool active, int64_t since_ms, int64_t for_ms,
    int64_t now_ms)
{
	if (!holds) {
		if (active)
			return MATCH_STEP_RESOLVE;
		return since_ms >= 0 ? MATCH_STEP_CLEAR : MATCH_STEP_NONE;
	}
	if (active)
		return MATCH_STEP_KEEP;
	if (for_ms <= 0)
		return MATCH_STEP_FIRE;
	if (since_ms < 0)
		return MATCH_STEP_PEND;
	return now_ms - since_ms >= for_ms ? MATCH_STEP_FIRE : MATCH_STEP_WAIT;
}

static int
match_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
match_fingerprint(const char *rule_id, const char *cluster_id,
    const cJSON *labels, char out[MATCH_FP_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	const char *names[MATCH_LABELS_MAX * 2];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const cJSON *it, *v;
	EVP_MD_CTX *ctx;
	size_t n = 0, i;

	if (labels != NULL)
		cJSON_ArrayForEach(it, labels)
			if (n < sizeof names / sizeof names[0] &&
			    it->string != NULL)
				names[n++] = it->string;
	qsort(names, n, sizeof names[0], match_cmp_str);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		fatal("out of memory");
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, rule_id, strlen(rule_id) + 1);
	EVP_DigestUpdate(ctx, cluster_id, strlen(cluster_id) + 1);
	for (i = 0; i < n; i++) {
		v = cJSON_GetObjectItemCaseSensitive(labels, names[i]);
		EVP_DigestUpdate(ctx, names[i], strlen(names[i]) + 1);
		if (cJSON_IsString(v))
			EVP_DigestUpdate(ctx, v->valuestring,
			    strlen(v->valuestring) + 1);
		else
			EVP_DigestUpdate(ctx, "", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < MATCH_FP_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[MATCH_FP_LEN] = '\0';
}

bool
match_label_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' ||
	    strlen(name) > MATCH_LABEL_NAME_MAX ||
	    (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return false;
	return true;
}

enum cm_status
match_labels_check(const cJSON *labels, const char *field,
    const char *const *reserved, struct cm_err *err)
{
	const cJSON *it;
	size_t n = 0, i;

	if (labels == NULL)
		return CM_OK;
	if (!cJSON_IsObject(labels))
		return cm_err_set(err, CM_VALIDATION, field,
		    "%s must be an object of strings", field);
	cJSON_ArrayForEach(it, labels) {
		if (++n > MATCH_LABELS_MAX)
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s may have at most %d entries", field,
			    MATCH_LABELS_MAX);
		if (!match_label_name_ok(it->string))
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s: \"%.64s\" is not a label name "
			    "([A-Za-z_][A-Za-z0-9_]*)", field, it->string);
		for (i = 0; reserved != NULL && reserved[i] != NULL; i++)
			if (strcmp(reserved[i], it->string) == 0)
				return cm_err_set(err, CM_VALIDATION, field,
				    "%s: \"%s\" is set by the hub", field,
				    it->string);
		if (!cJSON_IsString(it) ||
		    strlen(it->valuestring) > MATCH_LABEL_VALUE_MAX)
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s.%s must be a string of at most %d bytes",
			    field, it->string, MATCH_LABEL_VALUE_MAX);
	}
	return CM_OK;
}

static void
match_set_label(cJSON *o, const char *name, const char *value)
{
	if (value == NULL)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	cJSON_AddStringToObject(o, name, value);
}

cJSON *
match_alert_labels(const cJSON *rule_labels, const char *alertname,
    const char *severity, const char *cluster, const char *cluster_id,
    const char *provider)
{
	cJSON *o;

	o = cJSON_IsObject(rule_labels) ? cJSON_Duplicate(rule_labels, true) :
	    cJSON_CreateObject();
	match_set_label(o, "alertname", alertname);
	match_set_label(o, "severity", severity);
	match_set_label(o, "cluster", cluster);
	match_set_label(o, "cluster_id", cluster_id);
	match_set_label(o, "provider", provider);
	return o;
}

enum cm_status
match_selector_check(const cJSON *selector, struct cm_err *err)
{
	static const char *const providers[] = {
		"on_prem", "aws", "gcp", "azure", NULL
	};
	const cJSON *it;
	size_t i;

	if (selector == NULL || cJSON_IsNull(selector))
		return CM_OK;
	if (!cJSON_IsObject(selector))
		return cm_err_set(err, CM_VALIDATION, "selector",
		    "selector must be an object");
	cJSON_ArrayForEach(it, selector) {
		if (strcmp(it->string, "cluster_id") == 0) {
			if (!cJSON_IsString(it) ||
			    !uuid_is_valid(it->valuestring))
				return cm_err_set(err, CM_VALIDATION,
				    "selector.cluster_id",
				    "selector.cluster_id must be a cluster id");
		} else if (strcmp(it->string, "provider") == 0) {
			for (i = 0; cJSON_IsString(it) && providers[i]; i++)
				if (strcmp(providers[i], it->valuestring) == 0)
					break;
			if (!cJSON_IsString(it) || providers[i] == NULL)
				return cm_err_set(err, CM_VALIDATION,
				    "selector.provider", "selector.provider "
				    "must be one of: on_prem, aws, gcp, azure");
		} else if (strcmp(it->string, "labels") == 0) {
			if (match_labels_check(it, "selector.labels", NULL,
			    err) != CM_OK)
				return err->status;
		} else {
			return cm_err_set(err, CM_VALIDATION, "selector",
			    "selector: unknown key \"%.64s\" (cluster_id, "
			    "provider, labels)", it->string);
		}
	}
	return CM_OK;
}

bool
match_selector(const cJSON *selector, const char *cluster_id,
    const char *provider, const cJSON *cluster_labels)
{
	const cJSON *v, *it, *have;

	if (!cJSON_IsObject(selector))
		return true;
	v = cJSON_GetObjectItemCaseSensitive(selector, "cluster_id");
	if (cJSON_IsString(v) && (cluster_id == NULL ||
	    strcmp(v->valuestring, cluster_id) != 0))
		return false;
	v = cJSON_GetObjectItemCaseSensitive(selector, "provider");
	if (cJSON_IsString(v) && (provider == NULL ||
	    strcmp(v->valuestring, provider) != 0))
		return false;
	v = cJSON_GetObjectItemCaseSensitive(selector, "labels");
	if (!cJSON_IsObject(v))
		return true;
	cJSON_ArrayForEach(it, v) {
		have = cJSON_IsObject(cluster_labels) ?
		    cJSON_GetObjectItemCaseSensitive(cluster_labels,
		    it->string) : NULL;
		if (!cJSON_IsString(have) || !cJSON_IsString(it) ||
		    strcmp(have->valuestring, it->valuestring) != 0)
			return false;
	}
	return true;
}

void
match_set_free(struct match_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		if (set->m[i].op == MATCH_OP_RE)
			regfree(&set->m[i].re);
		free(set->m[i].name);
		free(set->m[i].value);
	}
	free(set);
}

/* Parse matcher i of a list into m; errors name matchers[i].<key>. */
static enum cm_status
match_matcher_parse(const cJSON *o, size_t i, struct match_matcher *m,
    struct cm_err *err)
{
	const cJSON *name, *value, *op, *it;
	char field[CM_ERR_FIELD_MAX];
	char *anchored;
	int rc;

	snprintf(field, sizeof field, "matchers[%zu]", i);
	if (!cJSON_IsObject(o))
		return cm_err_set(err, CM_VALIDATION, field,
		    "%s must be an object {name, value, op}", field);
	cJSON_ArrayForEach(it, o)
		if (strcmp(it->string, "name") != 0 &&
		    strcmp(it->string, "value") != 0 &&
		    strcmp(it->string, "op") != 0)
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s: unknown key \"%.32s\"", field, it->string);
	name = cJSON_GetObjectItemCaseSensitive(o, "name");
	value = cJSON_GetObjectItemCaseSensitive(o, "value");
	op = cJSON_GetObjectItemCaseSensitive(o, "op");
	snprintf(field, sizeof field, "matchers[%zu].name", i);
	if (!cJSON_IsString(name) || !match_label_name_ok(name->valuestring))
		return cm_err_set(err, CM_VALIDATION, field,
		    "%s must be a label name ([A-Za-z_][A-Za-z0-9_]*)", field);
	snprintf(field, sizeof field, "matchers[%zu].value", i);
	if (!cJSON_IsString(value) ||
	    strlen(value->valuestring) > MATCH_LABEL_VALUE_MAX)
		return cm_err_set(err, CM_VALIDATION, field,
		    "%s must be a string of at most %d bytes", field,
		    MATCH_LABEL_VALUE_MAX);
	m->op = MATCH_OP_EQ;
	if (op != NULL && !cJSON_IsNull(op)) {
		if (cJSON_IsString(op) && strcmp(op->valuestring, "=") == 0)
			m->op = MATCH_OP_EQ;
		else if (cJSON_IsString(op) &&
		    strcmp(op->valuestring, "!=") == 0)
			m->op = MATCH_OP_NE;
		else if (cJSON_IsString(op) &&
		    strcmp(op->valuestring, "=~") == 0)
			m->op = MATCH_OP_RE;
		else {
			snprintf(field, sizeof field, "matchers[%zu].op", i);
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s must be one of: =, !=, =~", field);
		}
	}
	if (m->op == MATCH_OP_RE) {
		anchored = xasprintf("^(%s)$", value->valuestring);
		rc = regcomp(&m->re, anchored, REG_EXTENDED | REG_NOSUB);
		free(anchored);
		if (rc != 0)
			return cm_err_set(err, CM_VALIDATION, field,
			    "%s is not a valid POSIX extended regular "
			    "expression", field);
	}
	m->name = xstrdup(name->valuestring);
	m->value = xstrdup(value->valuestring);
	return CM_OK;
}

enum cm_status
match_set_parse(const cJSON *matchers, struct match_set **out,
    struct cm_err *err)
{
	struct match_set *set;
	const cJSON *it;
	size_t i = 0;

	*out = NULL;
	if (matchers == NULL || cJSON_IsNull(matchers))
		return CM_OK;
	if (!cJSON_IsArray(matchers))
		return cm_err_set(err, CM_VALIDATION, "matchers",
		    "matchers must be an array");
	if (cJSON_GetArraySize(matchers) > MATCH_MATCHERS_MAX)
		return cm_err_set(err, CM_VALIDATION, "matchers",
		    "matchers may have at most %d entries",
		    MATCH_MATCHERS_MAX);
	if (cJSON_GetArraySize(matchers) == 0)
		return CM_OK;
	set = xcalloc(1, sizeof *set);
	cJSON_ArrayForEach(it, matchers) {
		if (match_matcher_parse(it, i, &set->m[set->n], err) !=
		    CM_OK) {
			match_set_free(set);
			return err->status;
		}
		set->n++;
		i++;
	}
	*out = set;
	return CM_OK;
}

bool
match_set_matches(const struct match_set *set, const cJSON *labels)
{
	const struct match_matcher *m;
	const cJSON *v;
	const char *have;
	size_t i;

	if (set == NULL)
		return true;
	for (i = 0; i < set->n; i++) {
		m = &set->m[i];
		v = cJSON_IsObject(labels) ?
		    cJSON_GetObjectItemCaseSensitive(labels, m->name) : NULL;
		have = cJSON_IsString(v) ? v->valuestring : "";
		switch (m->op) {
		case MATCH_OP_EQ:
			if (strcmp(have, m->value) != 0)
				return false;
			break;
		case MATCH_OP_NE:
			if (strcmp(have, m->value) == 0)
				return false;
			break;
		case MATCH_OP_RE:
			if (regexec(&m->re, have, 0, NULL, 0) != 0)
				return false;
			break;
		}
	}
	return true;
}
