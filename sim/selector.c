/*
 * selector.c - Kubernetes label and field selectors.  See selector.h.
 *
 * A selector is a list of requirements, all of which must hold.  Parsing
 * is a small hand-written scanner over the selector text; values are kept
 * as strings.  Label requirements look into metadata.labels, field
 * requirements follow a dotted path from the object's root.
 */
#include "config.h"

#include "sim/selector.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

#define SELECTOR_MAX_VALUES 32

enum selector_op {
	SEL_EQ,
	SEL_NE,
	SEL_IN,
	SEL_NOTIN,
	SEL_EXISTS,
	SEL_NOT_EXISTS,
};

struct selector_req {
	char *key;
	enum selector_op op;
	char *values[SELECTOR_MAX_VALUES];
	size_t nvalues;
};

struct selector {
	int fields;			/* 1: field selector, 0: labels */
	struct selector_req *reqs;
	size_t nreqs;
};

struct selector_scan {
	const char *p;
	struct cm_err *err;
	const char *text;
};

static void
selector_skip_space(struct selector_scan *sc)
{
	while (*sc->p == ' ' || *sc->p == '\t')
		sc->p++;
}

/* Characters of a label key or value, or of a field path. */
static int
selector_is_word(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
}

static char *
selector_word(struct selector_scan *sc)
{
	const char *start;

	selector_skip_space(sc);
	start = sc->p;
	while (selector_is_word((unsigned char)*sc->p))
		sc->p++;
	return xstrndup(start, (size_t)(sc->p - start));
}

static enum cm_status
selector_fail(struct selector_scan *sc, const char *what)
{
	return cm_err_set(sc->err, CM_BAD_REQUEST, NULL,
	    "unable to parse requirement: %s in selector \"%.120s\"", what,
	    sc->text);
}

static enum cm_status
selector_parse_set(struct selector_scan *sc, struct selector_req *r)
{
	selector_skip_space(sc);
	if (*sc->p != '(')
		return selector_fail(sc, "expected '('");
	sc->p++;
	for (;;) {
		if (r->nvalues == SELECTOR_MAX_VALUES)
			return selector_fail(sc, "too many values");
		r->values[r->nvalues++] = selector_word(sc);
		selector_skip_space(sc);
		if (*sc->p == ',') {
			sc->p++;
			continue;
		}
		if (*sc->p == ')') {
			sc->p++;
			return CM_OK;
		}
		return selector_fail(sc, "expected ',' or ')'");
	}
}

static enum cm_status
selector_parse_req(struct selector_scan *sc, struct selector_req *r,
    int fields)
{
	const char *save;
	char *word;

	selector_skip_space(sc);
	if (*sc->p == '!') {
		if (fields)
			return selector_fail(sc, "'!' in a field selector");
		sc->p++;
		r->key = selector_word(sc);
		r->op = SEL_NOT_EXISTS;
		return r->key[0] == '\0' ? selector_fail(sc, "empty key") :
		    CM_OK;
	}
	r->key = selector_word(sc);
	if (r->key[0] == '\0')
		return selector_fail(sc, "empty key");
	selector_skip_space(sc);
	if (*sc->p == '\0' || *sc->p == ',') {
		if (fields)
			return selector_fail(sc, "missing operator");
		r->op = SEL_EXISTS;
		return CM_OK;
	}
	if (sc->p[0] == '!' && sc->p[1] == '=') {
		sc->p += 2;
		r->op = SEL_NE;
	} else if (sc->p[0] == '=' && sc->p[1] == '=') {
		sc->p += 2;
		r->op = SEL_EQ;
	} else if (sc->p[0] == '=') {
		sc->p += 1;
		r->op = SEL_EQ;
	} else {
		if (fields)
			return selector_fail(sc, "unknown operator");
		save = sc->p;
		word = selector_word(sc);
		if (strcmp(word, "in") == 0) {
			r->op = SEL_IN;
		} else if (strcmp(word, "notin") == 0) {
			r->op = SEL_NOTIN;
		} else {
			free(word);
			sc->p = save;
			return selector_fail(sc, "unknown operator");
		}
		free(word);
		return selector_parse_set(sc, r);
	}
	r->values[0] = selector_word(sc);
	r->nvalues = 1;
	return CM_OK;
}

static enum cm_status
selector_parse(const char *text, int fields, struct selector **out,
    struct cm_err *err)
{
	struct selector *sel = xcalloc(1, sizeof(*sel));
	struct selector_scan sc = { text != NULL ? text : "", err,
	    text != NULL ? text : "" };
	struct selector_req *r;
	enum cm_status rc;

	sel->fields = fields;
	*out = NULL;
	selector_skip_space(&sc);
	while (*sc.p != '\0') {
		sel->reqs = xreallocarray(sel->reqs, sel->nreqs + 1,
		    sizeof(*sel->reqs));
		r = &sel->reqs[sel->nreqs++];
		memset(r, 0, sizeof(*r));
		rc = selector_parse_req(&sc, r, fields);
		if (rc != CM_OK) {
			selector_free(sel);
			return rc;
		}
		selector_skip_space(&sc);
		if (*sc.p == ',') {
			sc.p++;
			continue;
		}
		if (*sc.p != '\0') {
			rc = selector_fail(&sc, "unexpected character");
			selector_free(sel);
			return rc;
		}
	}
	*out = sel;
	return CM_OK;
}

enum cm_status
selector_parse_labels(const char *text, struct selector **out,
    struct cm_err *err)
{
	return selector_parse(text, 0, out, err);
}

enum cm_status
selector_parse_fields(const char *text, struct selector **out,
    struct cm_err *err)
{
	return selector_parse(text, 1, out, err);
}

/* Text of a scalar field at a dotted path into buf; NULL when absent. */
static const char *
selector_field(const cJSON *obj, const char *path, char *buf, size_t len)
{
	const cJSON *cur = obj;
	const char *p = path, *dot;
	char key[128];
	size_t n;

	while (cur != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		cur = cJSON_GetObjectItemCaseSensitive(cur, key);
		p += n;
		if (*p == '.')
			p++;
	}
	if (cur == NULL)
		return NULL;
	if (cJSON_IsString(cur))
		return cur->valuestring;
	if (cJSON_IsBool(cur))
		return cJSON_IsTrue(cur) ? "true" : "false";
	if (cJSON_IsNumber(cur)) {
		snprintf(buf, len, "%.15g", cur->valuedouble);
		return buf;
	}
	return NULL;
}

static bool
selector_req_match(const struct selector *sel, const struct selector_req *r,
    const cJSON *obj)
{
	const cJSON *labels, *l;
	const char *v = NULL;
	char buf[64];
	size_t i;
	bool in = false;

	if (sel->fields) {
		v = selector_field(obj, r->key, buf, sizeof(buf));
		if (v == NULL)
			v = "";
	} else {
		labels = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
		    "labels");
		l = cJSON_GetObjectItemCaseSensitive(labels, r->key);
		if (cJSON_IsString(l))
			v = l->valuestring;
	}
	if (r->op == SEL_EXISTS)
		return v != NULL;
	if (r->op == SEL_NOT_EXISTS)
		return v == NULL;
	for (i = 0; v != NULL && i < r->nvalues; i++)
		if (strcmp(v, r->values[i]) == 0)
			in = true;
	switch (r->op) {
	case SEL_EQ:
	case SEL_IN:
		return in;
	case SEL_NE:
	case SEL_NOTIN:
		return !in;
	default:
		return false;
	}
}

bool
selector_match(const struct selector *sel, const cJSON *obj)
{
	size_t i;

	if (sel == NULL)
		return true;
	for (i = 0; i < sel->nreqs; i++)
		if (!selector_req_match(sel, &sel->reqs[i], obj))
			return false;
	return true;
}

void
selector_free(struct selector *sel)
{
	size_t i, j;

	if (sel == NULL)
		return;
	for (i = 0; i < sel->nreqs; i++) {
		free(sel->reqs[i].key);
		for (j = 0; j < sel->reqs[i].nvalues; j++)
			free(sel->reqs[i].values[j]);
	}
	free(sel->reqs);
	free(sel);
}
