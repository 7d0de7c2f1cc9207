/*
 * tour.c - load guided tours from YAML: the built-ins and the user's
 * files, each checked whole.  See tour.h.
 *
 * A file either loads entirely or not at all, and one bad file never
 * keeps the others from loading: its first problem is reported with its
 * position and the loader moves on (tig's tigrc, libyaml's marks).
 * Anchors and screens are only names here; whether a view has them is
 * checked by the runner and by the tests that load every shipped tour.
 */
#include "config.h"

#include "tui/tour.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/settings.h"
#include "backend/xalloc.h"
#include "backend/ydoc.h"
#include "tui/builtin.h"

void
tour_free(struct tour *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsteps; i++) {
		free(t->steps[i].anchor);
		free(t->steps[i].screen);
		free(t->steps[i].text);
		free(t->steps[i].arg);
	}
	free(t->steps);
	free(t->id);
	free(t->title);
	free(t->summary);
	free(t->file);
	free(t);
}

static bool
tour_id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= TOUR_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A scalar string field of a map; CM_OK with *out NULL when absent. */
static enum cm_status
tour_str(const char *name, const struct ynode *map, const char *key,
    bool required, size_t max, char **out, struct cm_err *err)
{
	const struct ynode *n = ydoc_get(map, key);

	*out = NULL;
	if (n == NULL) {
		if (required)
			return ydoc_error(err, name, map, "missing \"%s\"",
			    key);
		return CM_OK;
	}
	if (n->type != YNODE_SCALAR)
		return ydoc_error(err, name, n, "\"%s\" must be text", key);
	if (n->value[0] == '\0' && required)
		return ydoc_error(err, name, n, "\"%s\" is empty", key);
	if (strlen(n->value) > max)
		return ydoc_error(err, name, n, "\"%s\" is longer than %zu "
		    "characters", key, max);
	*out = xstrdup(n->value);
	return CM_OK;
}

static bool
tour_action_known(const char *const *actions, size_t n, const char *name)
{
	size_t i;

	if (actions == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (actions[i] != NULL && strcmp(actions[i], name) == 0)
			return true;
	return false;
}

/* "advance: next" or "advance: {key|command|view|filter|anchor: ARG}";
 * the order of kinds[] is enum tour_advance's. */
static enum cm_status
tour_parse_advance(const char *name, const struct ynode *n,
    const char *const *actions, size_t nactions, struct tour_step *s,
    struct cm_err *err)
{
	static const char *const kinds[] = {
		"next", "key", "command", "view", "filter", "anchor",
	};
	const struct ynode *c;
	const char *v;
	size_t k;

	if (n->type == YNODE_SCALAR) {
		if (strcmp(n->value, "next") != 0)
			return ydoc_error(err, name, n, "unknown advance "
			    "\"%.40s\" (expected next, or one of key, "
			    "command, view, filter, anchor with a value)",
			    n->value);
		s->advance = TOUR_ADV_NEXT;
		s->arg = xstrdup("");
		return CM_OK;
	}
	if (n->type != YNODE_MAP || n->nchildren != 1)
		return ydoc_error(err, name, n, "advance is next, or a map "
		    "of one of key, command, view, filter, anchor");
	c = n->child;
	for (k = 1; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strcmp(c->key, kinds[k]) == 0)
			break;
	if (k == sizeof kinds / sizeof kinds[0])
		return ydoc_error(err, name, c, "unknown advance \"%.40s\" "
		    "(expected key, command, view, filter or anchor)",
		    c->key);
	if (c->type != YNODE_SCALAR)
		return ydoc_error(err, name, c, "%s needs a text value",
		    c->key);
	v = c->value;
	s->advance = (enum tour_advance)k;
	switch (s->advance) {
	case TOUR_ADV_KEY:
		if (!tour_action_known(actions, nactions, v))
			return ydoc_error(err, name, c, "unknown action "
			    "\"%.40s\" (key takes an action name of the "
			    "keymap)", v);
		break;
	case TOUR_ADV_COMMAND:
		if (*v == ':')
			v++;
		if (*v == '\0' || *v == ' ')
			return ydoc_error(err, name, c, "empty command");
		break;
	case TOUR_ADV_VIEW:
		if (*v == '\0')
			return ydoc_error(err, name, c, "empty view name");
		break;
	case TOUR_ADV_ANCHOR:
		if (*v == '\0' || strlen(v) > 64)
			return ydoc_error(err, name, c, "anchor is 1..64 "
			    "characters");
		break;
	default:
		break;
	}
	s->arg = xstrdup(v);
	return CM_OK;
}

/* The screen a command or view advance leads to ("alerts" of
 * "alerts kube-system"); NULL for the other kinds. */
static char *
tour_lands_on(const struct tour_step *s)
{
	size_t n;

	if (s->advance == TOUR_ADV_VIEW)
		return xstrdup(s->arg);
	if (s->advance != TOUR_ADV_COMMAND)
		return NULL;
	n = strcspn(s->arg, " ");
	return xstrndup(s->arg, n);
}

static enum cm_status
tour_parse_step(const char *name, const struct ynode *n,
    const char *const *actions, size_t nactions, const char *inherit,
    struct tour_step *s, struct cm_err *err)
{
	static const char *const known[] = {
		"anchor", "screen", "text", "advance",
	};
	const struct ynode *c, *a;
	enum cm_status st;
	size_t k;

	s->line = n->line;
	s->column = n->column;
	if (n->type != YNODE_MAP)
		return ydoc_error(err, name, n, "a step is a map (anchor, "
		    "screen, text, advance)");
	foreach_ynode(n, c) {
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(c->key, known[k]) == 0)
				break;
		if (k == sizeof known / sizeof known[0])
			return ydoc_error(err, name, c, "unknown field "
			    "\"%.40s\" (expected anchor, screen, text, "
			    "advance)", c->key);
	}
	if ((st = tour_str(name, n, "anchor", false, 64, &s->anchor,
	    err)) != CM_OK)
		return st;
	if ((a = ydoc_get(n, "anchor")) != NULL) {
		s->anchor_line = a->line;
		s->anchor_column = a->column;
	}
	if ((st = tour_str(name, n, "screen", false, 64, &s->screen,
	    err)) != CM_OK)
		return st;
	if (s->screen == NULL && inherit != NULL)
		s->screen = xstrdup(inherit);
	if ((st = tour_str(name, n, "text", true, TOUR_TEXT_MAX, &s->text,
	    err)) != CM_OK)
		return st;
	if ((a = ydoc_get(n, "advance")) == NULL)
		return ydoc_error(err, name, n, "missing \"advance\"");
	return tour_parse_advance(name, a, actions, nactions, s, err);
}

static enum cm_status
tour_from_doc(const char *name, const struct ynode *root,
    const char *const *actions, size_t nactions, struct tour *t,
    struct cm_err *err)
{
	static const char *const known[] = {
		"id", "title", "summary", "practice", "mode", "steps",
	};
	const struct ynode *c, *steps, *mode, *pr;
	char *inherit = NULL;
	enum cm_status st;
	size_t k, i = 0;

	if (root->type != YNODE_MAP)
		return ydoc_error(err, name, root, "a tour is a map (id, "
		    "title, summary, practice, mode, steps)");
	foreach_ynode(root, c) {
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(c->key, known[k]) == 0)
				break;
		if (k == sizeof known / sizeof known[0])
			return ydoc_error(err, name, c, "unknown field "
			    "\"%.40s\" (expected id, title, summary, "
			    "practice, mode, steps)", c->key);
	}
	if ((st = tour_str(name, root, "id", true, TOUR_ID_MAX, &t->id,
	    err)) != CM_OK)
		return st;
	if (!tour_id_ok(t->id))
		return ydoc_error(err, name, ydoc_get(root, "id"), "id is "
		    "1..%d of a-z, 0-9 and -", TOUR_ID_MAX - 1);
	if ((st = tour_str(name, root, "title", true, 80, &t->title,
	    err)) != CM_OK ||
	    (st = tour_str(name, root, "summary", true, 200, &t->summary,
	    err)) != CM_OK)
		return st;
	if ((pr = ydoc_get(root, "practice")) != NULL &&
	    !ydoc_bool(pr, &t->practice))
		return ydoc_error(err, name, pr, "practice is true or false");
	t->mode = TOUR_MODE_ANY;
	if ((mode = ydoc_get(root, "mode")) != NULL) {
		if (mode->type == YNODE_SCALAR &&
		    strcmp(mode->value, "hub") == 0)
			t->mode = TOUR_MODE_HUB;
		else if (mode->type == YNODE_SCALAR &&
		    strcmp(mode->value, "kube") == 0)
			t->mode = TOUR_MODE_KUBE;
		else if (mode->type != YNODE_SCALAR ||
		    strcmp(mode->value, "any") != 0)
			return ydoc_error(err, name, mode, "mode is any, hub "
			    "or kube");
	}
	steps = ydoc_get(root, "steps");
	if (steps == NULL)
		return ydoc_error(err, name, root, "missing \"steps\"");
	if (steps->type != YNODE_SEQ || steps->nchildren == 0)
		return ydoc_error(err, name, steps, "steps is a list of at "
		    "least one step");
	if (steps->nchildren > TOUR_STEPS_MAX)
		return ydoc_error(err, name, steps, "more than %d steps",
		    TOUR_STEPS_MAX);
	t->steps = xcalloc(steps->nchildren, sizeof *t->steps);
	foreach_ynode(steps, c) {
		st = tour_parse_step(name, c, actions, nactions, inherit,
		    &t->steps[i], err);
		t->nsteps = ++i;
		if (st != CM_OK)
			break;
		/* The next step is shown where this one leads. */
		free(inherit);
		inherit = tour_lands_on(&t->steps[i - 1]);
		if (inherit == NULL && t->steps[i - 1].screen != NULL)
			inherit = xstrdup(t->steps[i - 1].screen);
	}
	free(inherit);
	return st;
}

enum cm_status
tour_parse(const char *name, const char *text, size_t len,
    const char *const *actions, size_t nactions, struct tour **out,
    struct cm_err *err)
{
	struct ynode *root = NULL;
	struct tour *t;
	enum cm_status st;

	*out = NULL;
	st = ydoc_load_string(name, text, len, &root, err);
	if (st != CM_OK)
		return st;
	t = xcalloc(1, sizeof *t);
	st = tour_from_doc(name, root, actions, nactions, t, err);
	ydoc_free(root);
	if (st != CM_OK) {
		tour_free(t);
		return st;
	}
	t->file = xstrdup(name);
	*out = t;
	return CM_OK;
}

static void
tour_set_error(struct tour_set *set, const char *msg)
{
	size_t used = strlen(set->errors);

	if (used + 3 >= sizeof set->errors)
		return;
	snprintf(set->errors + used, sizeof set->errors - used, "%s%s",
	    used > 0 ? "; " : "", msg);
}

/* Add t, replacing a tour of the same id (a user file wins). */
static void
tour_set_add(struct tour_set *set, struct tour *t)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->tours[i]->id, t->id) == 0) {
			tour_free(set->tours[i]);
			set->tours[i] = t;
			return;
		}
	}
	set->tours = xreallocarray(set->tours, set->n + 1,
	    sizeof *set->tours);
	set->tours[set->n++] = t;
}

static int
tour_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every *.yaml of dir, sorted, then loaded. */
static void
tour_set_load_dir(struct tour_set *set, const char *dir,
    const char *const *actions, size_t nactions)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *path;
	size_t n = 0, i, len;
	struct ynode *root;
	struct cm_err err;
	struct tour *t;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, tour_name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		root = NULL;
		t = NULL;
		cm_err_clear(&err);
		if (ydoc_load_file(path, &root, &err) == CM_OK) {
			t = xcalloc(1, sizeof *t);
			if (tour_from_doc(path, root, actions, nactions, t,
			    &err) != CM_OK) {
				tour_free(t);
				t = NULL;
			} else {
				t->file = xstrdup(path);
			}
		}
		ydoc_free(root);
		if (t != NULL)
			tour_set_add(set, t);
		else
			tour_set_error(set, err.msg);
		free(path);
		free(names[i]);
	}
	free(names);
}

struct tour_set *
tour_set_load(const char *user_dir, const char *const *actions,
    size_t nactions)
{
	struct tour_set *set = xcalloc(1, sizeof *set);
	const struct builtin_file *b;
	char label[96], dir[SETTINGS_PATH_MAX];
	struct cm_err err;
	struct tour *t;

	for (b = builtin_files; b->name != NULL; b++) {
		if (strncmp(b->name, "tours/", 6) != 0)
			continue;
		snprintf(label, sizeof label, "builtin:%s.yaml", b->name);
		cm_err_clear(&err);
		if (tour_parse(label, b->text, b->len, actions, nactions, &t,
		    &err) == CM_OK)
			tour_set_add(set, t);
		else
			tour_set_error(set, err.msg);
	}
	if (user_dir == NULL) {
		cm_err_clear(&err);
		if (settings_config_dir(dir, sizeof dir, &err) != CM_OK)
			return set;
		if (strlen(dir) + 7 >= sizeof dir)
			return set;
		strcat(dir, "/tours");
		user_dir = dir;
	}
	tour_set_load_dir(set, user_dir, actions, nactions);
	return set;
}

void
tour_set_free(struct tour_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tour_free(set->tours[i]);
	free(set->tours);
	free(set);
}

const struct tour *
tour_set_find(const struct tour_set *set, const char *id)
{
	size_t i;

	for (i = 0; set != NULL && i < set->n; i++)
		if (strcmp(set->tours[i]->id, id) == 0)
			return set->tours[i];
	return NULL;
}
