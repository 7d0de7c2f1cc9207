/*
 * wizard_review.c - the wizard's review step: the hub renders the
 * manifest for each target cluster (POST /applications/ID/preview) and
 * says what runs there now; this shows the manifest as a coloured line
 * diff against it.  See wizard.h.
 *
 * The diff is a longest-common-subsequence of lines, fine for manifests
 * of a few hundred lines; past WIZARD_DIFF_CELLS it gives up on
 * matching and shows all old lines removed and all new ones added.
 * Long runs of unchanged lines are folded to three lines of context
 * around each change, as a unified diff shows them.
 * "current" is "" when nothing of the app runs on the cluster (the
 * whole manifest is new) and null when the cluster could not be read
 * (the review says so and shows the manifest alone).
 */
#include "config.h"

#include "views/wizard.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "views/app.h"

#define WIZARD_DIFF_CELLS (4u * 1024u * 1024u)
#define WIZARD_CONTEXT 3	/* unchanged lines kept around a change */

struct wizard_ask {
	unsigned serial;
	unsigned gen;
	size_t idx;
};

/* Split text into lines (a final newline ends the last one). */
static char **
wizard_split(const char *text, size_t *n)
{
	char **v = NULL;
	const char *p = text != NULL ? text : "", *e;
	size_t cap = 0;

	*n = 0;
	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = xstrndup(p, (size_t)(e - p));
		p = *e == '\n' ? e + 1 : e;
	}
	return v;
}

static void
wizard_add(struct wizard_line **out, size_t *n, size_t *cap, char op,
    const char *text)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*out = xreallocarray(*out, *cap, sizeof **out);
	}
	(*out)[*n].op = op;
	(*out)[(*n)++].text = xstrdup(text);
}

struct wizard_line *
wizard_diff(const char *old_text, const char *new_text, size_t *nout)
{
	size_t na, nb, i, j, n = 0, cap = 0;
	char **a = wizard_split(old_text, &na);
	char **b = wizard_split(new_text, &nb);
	struct wizard_line *out = NULL;
	uint32_t *L = NULL;

#define LCS(i, j) L[(size_t)(i) * (nb + 1) + (size_t)(j)]
	if ((na + 1) * (nb + 1) <= WIZARD_DIFF_CELLS) {
		L = xcalloc((na + 1) * (nb + 1), sizeof *L);
		for (i = na; i-- > 0;)
			for (j = nb; j-- > 0;)
				LCS(i, j) = strcmp(a[i], b[j]) == 0 ?
				    LCS(i + 1, j + 1) + 1 :
				    LCS(i + 1, j) >= LCS(i, j + 1) ?
				    LCS(i + 1, j) : LCS(i, j + 1);
	}
	i = j = 0;
	while (L != NULL && i < na && j < nb) {
		if (strcmp(a[i], b[j]) == 0) {
			wizard_add(&out, &n, &cap, ' ', a[i]);
			i++;
			j++;
		} else if (LCS(i + 1, j) >= LCS(i, j + 1)) {
			wizard_add(&out, &n, &cap, '-', a[i++]);
		} else {
			wizard_add(&out, &n, &cap, '+', b[j++]);
		}
	}
#undef LCS
	for (; i < na; i++)
		wizard_add(&out, &n, &cap, '-', a[i]);
	for (; j < nb; j++)
		wizard_add(&out, &n, &cap, '+', b[j]);
	for (i = 0; i < na; i++)
		free(a[i]);
	for (j = 0; j < nb; j++)
		free(b[j]);
	free(a);
	free(b);
	free(L);
	*nout = n;
	return out;
}

void
wizard_lines_free(struct wizard_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

/*
 * Fold runs of unchanged lines longer than two contexts into one "~"
 * line saying how many were left out, as a unified diff shows hunks.
 */
static void
wizard_fold(struct wizard_preview *p)
{
	struct wizard_line *out = NULL;
	size_t i = 0, j, n = 0, cap = 0, run, keep_head, keep_tail, k;
	char text[64];

	while (i < p->nlines) {
		if (p->lines[i].op != ' ') {
			wizard_add(&out, &n, &cap, p->lines[i].op,
			    p->lines[i].text);
			i++;
			continue;
		}
		for (j = i; j < p->nlines && p->lines[j].op == ' '; j++)
			;
		run = j - i;
		keep_head = i == 0 ? 0 : WIZARD_CONTEXT;
		keep_tail = j == p->nlines ? 0 : WIZARD_CONTEXT;
		if (run <= keep_head + keep_tail + 1) {
			for (k = i; k < j; k++)
				wizard_add(&out, &n, &cap, ' ',
				    p->lines[k].text);
		} else {
			for (k = i; k < i + keep_head; k++)
				wizard_add(&out, &n, &cap, ' ',
				    p->lines[k].text);
			snprintf(text, sizeof text, "... %zu unchanged lines",
			    run - keep_head - keep_tail);
			wizard_add(&out, &n, &cap, '~', text);
			for (k = j - keep_tail; k < j; k++)
				wizard_add(&out, &n, &cap, ' ',
				    p->lines[k].text);
		}
		i = j;
	}
	wizard_lines_free(p->lines, p->nlines);
	p->lines = out;
	p->nlines = n;
}

static void
wizard_preview_done(struct wizard_preview *p)
{
	cJSON_Delete(p->result);
	wizard_lines_free(p->lines, p->nlines);
	memset(p, 0, sizeof *p);
}

void
wizard_review_clear(struct wizard *w)
{
	size_t i;

	for (i = 0; i < WIZARD_CLUSTERS_MAX; i++)
		wizard_preview_done(&w->preview[i]);
	w->review_gen++;
	w->review_top = 0;
}

static void
wizard_review_answer(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct wizard_ask *ask = arg;
	struct wizard *w = wizard_lookup(ask->serial);
	struct wizard_preview *p;
	const cJSON *cur;
	size_t i;

	if (w == NULL || ask->gen != w->review_gen ||
	    ask->idx >= WIZARD_CLUSTERS_MAX) {
		free(ask);
		return;
	}
	p = &w->preview[ask->idx];
	p->answered = true;
	if (st != CM_OK) {
		snprintf(p->error, sizeof p->error, "%s", err != NULL &&
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
		/* A config the hub refuses: back to the form, blamed. */
		if (err != NULL && wizard_form_blame(w, err->field, err->msg))
			w->step = WSTEP_CONFIG;
		free(ask);
		return;
	}
	p->result = cJSON_Duplicate(result, true);
	cur = cJSON_GetObjectItemCaseSensitive(result, "current");
	p->lines = wizard_diff(cJSON_IsString(cur) ? cur->valuestring : "",
	    listview_str(result, "manifest"), &p->nlines);
	for (i = 0; i < p->nlines; i++) {
		if (p->lines[i].op == '+')
			p->added++;
		else if (p->lines[i].op == '-')
			p->removed++;
	}
	/* Something runs and something changed: show the changes. */
	if (cJSON_IsString(cur) && cur->valuestring[0] != '\0' &&
	    (p->added > 0 || p->removed > 0))
		wizard_fold(p);
	free(ask);
}

void
wizard_review_start(struct wizard *w)
{
	struct cm_err err;
	struct wizard_ask *ask;
	cJSON *config, *body;
	const char *ns = wizard_form_namespace(w);
	size_t i;

	wizard_review_clear(w);
	w->review_at = 0;
	cm_err_clear(&err);
	config = wizard_form_config(w, &err);
	if (config == NULL) {
		app_toast(w->v->app, TOAST_ERROR, "%s", err.msg);
		w->step = WSTEP_CONFIG;
		return;
	}
	for (i = 0; i < w->npicked; i++) {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "cluster_id", w->picked[i]);
		cJSON_AddStringToObject(body, "version", w->version);
		cJSON_AddItemToObject(body, "config",
		    cJSON_Duplicate(config, true));
		if (ns[0] != '\0')
			cJSON_AddStringToObject(body, "namespace", ns);
		ask = xcalloc(1, sizeof *ask);
		ask->serial = w->serial;
		ask->gen = w->review_gen;
		ask->idx = i;
		w->preview[i].asked = true;
		feed_act(app_feed(w->v->app), SOURCE_ACT_APP_PREVIEW,
		    w->app_id, body, wizard_review_answer, ask);
		cJSON_Delete(body);
	}
	cJSON_Delete(config);
}

bool
wizard_review_scroll(struct wizard *w, enum action a)
{
	struct wizard_preview *p = &w->preview[w->review_at];
	size_t page = w->review_page > 1 ? (size_t)w->review_page - 1 : 1;
	size_t max = p->nlines > page ? p->nlines - page : 0;
	size_t before = w->review_top;

	switch (a) {
	case ACTION_UP:
		if (w->review_top > 0)
			w->review_top--;
		break;
	case ACTION_DOWN:
		w->review_top++;
		break;
	case ACTION_PAGE_UP:
		w->review_top = w->review_top > page ? w->review_top - page :
		    0;
		break;
	case ACTION_PAGE_DOWN:
		w->review_top += page;
		break;
	case ACTION_TOP:
		w->review_top = 0;
		break;
	case ACTION_BOTTOM:
		w->review_top = max;
		break;
	default:
		return false;
	}
	if (w->review_top > max)
		w->review_top = max;
	return w->review_top != before;
}

/* The sentence above the diff and its role. */
static void
wizard_review_state(struct wizard *w, const struct wizard_preview *p,
    const char *cluster, char *buf, size_t len, enum theme_role *role)
{
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(p->result,
	    "current");

	*role = THEME_ROW;
	if (!p->answered) {
		snprintf(buf, len, "asking the hub to render the manifest "
		    "for %s ...", cluster);
		*role = THEME_ROW_DIM;
	} else if (p->error[0] != '\0') {
		snprintf(buf, len, "no preview: %s", p->error);
		*role = THEME_STATUS_CRIT;
	} else if (!cJSON_IsString(cur)) {
		snprintf(buf, len, "could not read %s (%s): the manifest "
		    "alone, no diff", cluster, listview_str(p->result,
		    "current_error")[0] != '\0' ? listview_str(p->result,
		    "current_error") : "no answer");
		*role = THEME_STATUS_WARN;
	} else if (cur->valuestring[0] == '\0') {
		snprintf(buf, len, "new: nothing of %s runs on %s yet",
		    w->app_name, cluster);
		*role = THEME_STATUS_OK;
	} else if (p->added == 0 && p->removed == 0) {
		snprintf(buf, len, "no change: the manifest matches what "
		    "runs on %s", cluster);
	} else {
		snprintf(buf, len, "+%zu -%zu lines against what runs on %s "
		    "now", p->added, p->removed, cluster);
	}
}

void
wizard_review_draw(struct wizard *w, WINDOW *win, int y, int h)
{
	struct wizard_preview *p = &w->preview[w->review_at];
	const char *cluster = wizard_cluster_name(w,
	    w->picked[w->review_at]);
	const cJSON *cur, *o;
	char line[512], objs[512];
	enum theme_role role;
	int wd = getmaxx(win), row;
	size_t i, used = 0;

	if (h < 3 || w->npicked == 0)
		return;
	cur = cJSON_GetObjectItemCaseSensitive(p->result, "current");
	if (w->npicked > 1)
		snprintf(line, sizeof line, "cluster %zu of %zu: %s (Tab: "
		    "next)", w->review_at + 1, w->npicked, cluster);
	else
		snprintf(line, sizeof line, "cluster %s", cluster);
	if (wizard_form_namespace(w)[0] != '\0')
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "  namespace %s", wizard_form_namespace(w));
	chrome_put(win, y, 1, wd - 2, line, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	wizard_review_state(w, p, cluster, line, sizeof line, &role);
	chrome_put(win, y + 1, 1, wd - 2, line, (size_t)-1, role,
	    CHROME_LEFT);
	objs[0] = '\0';
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(p->result,
	    "objects")) {
		if (used + 2 >= sizeof objs)
			break;
		used += (size_t)snprintf(objs + used, sizeof objs - used,
		    "%s%s %s (%s)", used > 0 ? ", " : "objects: ",
		    listview_str(o, "kind"), listview_str(o, "name"),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
		    "exists")) ? "exists" : "new");
		if (used >= sizeof objs)
			used = sizeof objs - 1;
	}
	chrome_put(win, y + 2, 1, wd - 2, objs, (size_t)-1, THEME_ROW_DIM,
	    CHROME_LEFT);
	w->review_page = h - 3;
	if (!cJSON_IsString(cur) && p->result != NULL) {
		/* No diff: the rendered manifest as it is. */
		for (i = 0; i < p->nlines; i++)
			p->lines[i].op = ' ';
	}
	for (row = 0, i = w->review_top; row < h - 3 && i < p->nlines;
	    row++, i++) {
		snprintf(line, sizeof line, "%c %s", p->lines[i].op == '~' ?
		    ' ' : p->lines[i].op, p->lines[i].text);
		chrome_put(win, y + 3 + row, 1, wd - 2, line, (size_t)-1,
		    p->lines[i].op == '+' ? THEME_STATUS_OK :
		    p->lines[i].op == '-' ? THEME_STATUS_CRIT :
		    p->lines[i].op == '~' ? THEME_ROW_DIM : THEME_ROW,
		    CHROME_LEFT);
	}
}
