/*
 * test_tours.c - guided tours as data: every shipped tour loads and
 * points only at screens and anchors that exist (and waits only for
 * anchors its screens have); the wizard steps of the deploy and
 * rollback tours wait for the wizard's state, not for a key; bad files
 * are named with file:line:column while the others load; the callout's
 * placement; the practice-mode rule; direct-mode progress in the state
 * database.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/state.h"
#include "tui/tour.h"
#include "views/actions.h"
#include "views/tourrun.h"
#include "views/views.h"

static char tmp[256];

static int
setup(void **state)
{
	const char *dir = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/test_tours.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static void
rm_rf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int
teardown(void **state)
{
	rm_rf(tmp);
	return 0;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[600];
	FILE *fp;

	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Anchors the app answers for every screen. */
static bool
chrome_anchor(const char *name)
{
	static const char *const chrome[] = {
		"header", "header.context", "header.health", "header.alerts",
		"crumbs", "hints", "prompt", "dialog", NULL,
	};
	size_t i;

	for (i = 0; chrome[i] != NULL; i++)
		if (strcmp(chrome[i], name) == 0)
			return true;
	return false;
}

/* Whether screen ops can point at name (the anchor contract). */
static bool
view_has_anchor(const struct view_ops *ops, const char *name)
{
	size_t i;

	if (chrome_anchor(name))
		return true;
	if (ops == NULL)
		return false;
	if (ops->table != NULL && (strcmp(name, "table") == 0 ||
	    strcmp(name, "table.header") == 0 ||
	    strcmp(name, "table.selected") == 0 ||
	    (strncmp(name, "column.", 7) == 0 && name[7] != '\0')))
		return true;
	for (i = 0; ops->anchors != NULL && ops->anchors[i] != NULL; i++)
		if (strcmp(ops->anchors[i], name) == 0)
			return ops->anchor != NULL;
	return false;
}

/* How many tours/ *.yaml the source tree ships (-1: not found). */
static int
shipped_count(void)
{
	const char *top = getenv("top_srcdir");
	char dir[512];
	struct dirent *e;
	DIR *d;
	int n = 0;
	size_t len;

	snprintf(dir, sizeof dir, "%s/tours", top != NULL ? top : ".");
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Every shipped tour loads, is shown on screens that exist, points at
 * anchors those screens have, and waits for commands and screens that
 * exist. */
static void
test_shipped_tours(void **state)
{
	char empty[300];
	struct tour_set *set;
	const struct tour *t;
	const struct tour_step *s;
	const struct view_ops *ops;
	size_t i, k;
	int shipped = shipped_count();
	char word[64];

	snprintf(empty, sizeof empty, "%s/none", tmp);
	set = tour_set_load(empty, action_names, ACTION_COUNT);
	if (set->errors[0] != '\0')
		fail_msg("shipped tours do not load: %s", set->errors);
	if (shipped >= 0)
		assert_int_equal(set->n, (size_t)shipped);
	assert_true(set->n >= 3);
	assert_non_null(tour_set_find(set, "getting-around"));
	for (i = 0; i < set->n; i++) {
		t = set->tours[i];
		for (k = 0; k < t->nsteps; k++) {
			s = &t->steps[k];
			ops = s->screen != NULL ?
			    tourrun_screen_ops(s->screen) : NULL;
			if (s->screen != NULL && ops == NULL)
				fail_msg("%s:%zu:%zu: no screen \"%s\"",
				    t->file, s->line, s->column, s->screen);
			if (s->anchor != NULL &&
			    !view_has_anchor(ops, s->anchor))
				fail_msg("%s:%zu:%zu: screen %s has no anchor "
				    "\"%s\"", t->file, s->anchor_line,
				    s->anchor_column, s->screen != NULL ?
				    s->screen : "(any)", s->anchor);
			if (s->advance == TOUR_ADV_VIEW &&
			    tourrun_screen_ops(s->arg) == NULL)
				fail_msg("%s:%zu:%zu: no screen \"%s\" to "
				    "reach", t->file, s->line, s->column,
				    s->arg);
			/* An anchor advance waits on the step's screen. */
			if (s->advance == TOUR_ADV_ANCHOR &&
			    (ops == NULL || !view_has_anchor(ops, s->arg)))
				fail_msg("%s:%zu:%zu: screen %s has no anchor "
				    "\"%s\" to wait for", t->file, s->line,
				    s->column, s->screen != NULL ?
				    s->screen : "(any)", s->arg);
			if (s->advance == TOUR_ADV_COMMAND) {
				sscanf(s->arg, "%63s", word);
				if (views_find(word) == NULL &&
				    strcmp(word, "help") != 0)
					fail_msg("%s:%zu:%zu: no command "
					    ":%s", t->file, s->line,
					    s->column, word);
			}
		}
		/* The first step says where the tour starts. */
		assert_non_null(t->steps[0].screen);
	}
	tour_set_free(set);
}

static void
has_error(const struct tour_set *set, const char *want)
{
	if (strstr(set->errors, want) == NULL)
		fail_msg("no \"%s\" in \"%s\"", want, set->errors);
}

/* A bad file is named with its line and column; the good file beside it
 * and the built-ins still load. */
static void
test_bad_file_positions(void **state)
{
	char dir[300];
	struct tour_set *set;

	snprintf(dir, sizeof dir, "%s/bad", tmp);
	put(dir, "a-bad.yaml",
	    "id: a-bad\n"
	    "title: Bad\n"
	    "summary: a step with a typo\n"
	    "steps:\n"
	    "  - text: hello\n"
	    "    advnce: next\n");
	put(dir, "b-syntax.yaml", "id: b\ntitle: [unclosed\n");
	put(dir, "c-action.yaml",
	    "id: c-action\ntitle: C\nsummary: s\nsteps:\n"
	    "  - text: t\n    advance: {key: no-such-action}\n");
	put(dir, "d-good.yaml",
	    "id: d-good\ntitle: Good\nsummary: fine\nsteps:\n"
	    "  - screen: alerts\n    anchor: table\n    text: hi\n"
	    "    advance: next\n");
	set = tour_set_load(dir, action_names, ACTION_COUNT);
	has_error(set, "a-bad.yaml:6:13: unknown field \"advnce\"");
	has_error(set, "b-syntax.yaml:3:1: did not find expected");
	has_error(set, "c-action.yaml:6:20: unknown action "
	    "\"no-such-action\"");
	assert_null(tour_set_find(set, "a-bad"));
	assert_null(tour_set_find(set, "c-action"));
	assert_non_null(tour_set_find(set, "d-good"));
	assert_non_null(tour_set_find(set, "getting-around"));
	assert_non_null(tour_set_find(set, "triage-alert"));
	tour_set_free(set);
}

/* The syntax error carries libyaml's line and column. */
static void
test_syntax_error_position(void **state)
{
	struct tour *t = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(tour_parse("x.yaml", "id: x\nsteps: [\n  - a: b\n",
	    23, NULL, 0, &t, &err), CM_VALIDATION);
	assert_null(t);
	assert_true(strncmp(err.msg, "x.yaml:", 7) == 0);
	assert_true(err.msg[7] >= '1' && err.msg[7] <= '9');
}

/* A user file with a shipped tour's id replaces it. */
static void
test_user_override(void **state)
{
	char dir[300];
	struct tour_set *set;
	const struct tour *t;

	snprintf(dir, sizeof dir, "%s/over", tmp);
	put(dir, "mine.yaml",
	    "id: getting-around\ntitle: Mine\nsummary: shorter\nsteps:\n"
	    "  - screen: dashboard\n    text: only one\n"
	    "    advance: next\n");
	set = tour_set_load(dir, action_names, ACTION_COUNT);
	assert_string_equal(set->errors, "");
	t = tour_set_find(set, "getting-around");
	assert_non_null(t);
	assert_string_equal(t->title, "Mine");
	assert_int_equal(t->nsteps, 1);
	tour_set_free(set);
}

/* Steps take the screen their previous step leads to. */
static void
test_screen_inherited(void **state)
{
	static const char doc[] =
	    "id: inherit\ntitle: I\nsummary: s\nsteps:\n"
	    "  - screen: dashboard\n    text: a\n"
	    "    advance: {command: \":alerts\"}\n"
	    "  - text: b\n    advance: {view: cluster}\n"
	    "  - text: c\n    advance: {key: back}\n"
	    "  - text: d\n    advance: {filter: crit}\n"
	    "  - text: e\n    advance: {view: wizard}\n"
	    "  - text: f\n    advance: {anchor: wizard.review}\n"
	    "  - text: g\n    advance: next\n";
	struct tour *t = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(tour_parse("i.yaml", doc, sizeof doc - 1,
	    action_names, ACTION_COUNT, &t, &err), CM_OK);
	assert_string_equal(t->steps[0].screen, "dashboard");
	assert_string_equal(t->steps[0].arg, "alerts");
	assert_string_equal(t->steps[1].screen, "alerts");
	assert_string_equal(t->steps[2].screen, "cluster");
	assert_string_equal(t->steps[3].screen, "cluster");
	assert_int_equal(t->steps[3].advance, TOUR_ADV_FILTER);
	/* Waiting for an anchor stays on the screen it is shown on. */
	assert_int_equal(t->steps[5].advance, TOUR_ADV_ANCHOR);
	assert_string_equal(t->steps[5].arg, "wizard.review");
	assert_string_equal(t->steps[5].screen, "wizard");
	assert_string_equal(t->steps[6].screen, "wizard");
	tour_free(t);
}

/* The wizard steps of the shipped deploy and rollback tours wait for
 * the wizard to show the next step, not for the key that asks it to. */
static void
test_wizard_steps_wait_for_state(void **state)
{
	static const char *const ids[] = { "deploy-app", "rollback" };
	char empty[300];
	struct tour_set *set;
	const struct tour *t;
	const struct tour_step *s;
	size_t i, k, waits;

	snprintf(empty, sizeof empty, "%s/none", tmp);
	set = tour_set_load(empty, action_names, ACTION_COUNT);
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		t = tour_set_find(set, ids[i]);
		assert_non_null(t);
		waits = 0;
		for (k = 0; k < t->nsteps; k++) {
			s = &t->steps[k];
			if (s->screen == NULL ||
			    strcmp(s->screen, "wizard") != 0)
				continue;
			if (s->advance == TOUR_ADV_KEY)
				fail_msg("%s step %zu waits for a key in the "
				    "wizard", ids[i], k + 1);
			if (s->advance == TOUR_ADV_ANCHOR &&
			    strcmp(s->anchor, "wizard.review") == 0)
				assert_string_equal(s->arg, "wizard.confirm");
			waits += s->advance == TOUR_ADV_ANCHOR;
		}
		assert_true(waits >= 4);
	}
	/* The rollback tour has the user press the rollback key himself:
	 * a step on the rollback hint waits for the dialog it opens. */
	t = tour_set_find(set, "rollback");
	for (k = 0; k < t->nsteps; k++)
		if (t->steps[k].anchor != NULL &&
		    strcmp(t->steps[k].anchor, "hint.rollback") == 0 &&
		    t->steps[k].advance == TOUR_ADV_ANCHOR &&
		    strcmp(t->steps[k].arg, "dialog") == 0)
			break;
	assert_true(k < t->nsteps);
	tour_set_free(set);
}

/* A bad anchor advance is named with its position. */
static void
test_bad_anchor_advance(void **state)
{
	static const char doc[] =
	    "id: a\ntitle: A\nsummary: s\nsteps:\n"
	    "  - screen: wizard\n    text: a\n"
	    "    advance: {anchor: \"\"}\n";
	static const char seq[] =
	    "id: a\ntitle: A\nsummary: s\nsteps:\n"
	    "  - screen: wizard\n    text: a\n"
	    "    advance: {anchor: [a, b]}\n";
	struct tour *t = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(tour_parse("e.yaml", doc, sizeof doc - 1,
	    action_names, ACTION_COUNT, &t, &err), CM_VALIDATION);
	assert_null(t);
	assert_string_equal(err.msg, "e.yaml:7:23: anchor is 1..64 "
	    "characters");
	cm_err_clear(&err);
	assert_int_equal(tour_parse("s.yaml", seq, sizeof seq - 1,
	    action_names, ACTION_COUNT, &t, &err), CM_VALIDATION);
	assert_non_null(strstr(err.msg, "s.yaml:7:23: anchor needs a text "
	    "value"));
}

/* The callout goes beside its anchor where it fits, never over it. */
static void
test_placement(void **state)
{
	struct tour_rect field = { 0, 16, 1, 8 };	/* a header field */
	struct tour_rect prompt = { 23, 0, 1, 80 };	/* the last row */
	struct tour_rect column = { 3, 2, 18, 9 };	/* a narrow column */
	struct tour_rect right = { 3, 60, 18, 10 };	/* near the right */
	struct tour_rect table = { 2, 0, 21, 80 };	/* the whole body */
	int y, x;

	assert_int_equal(tour_place(24, 80, &field, 8, 40, &y, &x),
	    TOUR_SIDE_BELOW);
	assert_int_equal(y, 2);
	assert_int_equal(tour_place(24, 80, &prompt, 8, 40, &y, &x),
	    TOUR_SIDE_ABOVE);
	assert_int_equal(y + 8, 22);
	assert_int_equal(tour_place(24, 80, &column, 8, 40, &y, &x),
	    TOUR_SIDE_RIGHT);
	assert_int_equal(x, 12);
	assert_int_equal(tour_place(24, 80, &right, 8, 40, &y, &x),
	    TOUR_SIDE_LEFT);
	assert_true(x + 40 < 60);
	assert_int_equal(tour_place(24, 80, &table, 8, 40, &y, &x),
	    TOUR_SIDE_OVER);
	assert_true(y >= 2 && y + 8 <= 23 && x >= 0 && x + 40 <= 80);
	/* 120 columns: the column anchor still goes right. */
	assert_int_equal(tour_place(40, 120, &column, 8, 46, &y, &x),
	    TOUR_SIDE_RIGHT);
}

/* Practice mode: every cluster on loopback or labelled simulated. */
static void
test_simulated_rule(void **state)
{
	cJSON *c;

	c = cJSON_Parse("{\"items\":[{\"api_endpoint\":"
	    "\"http://127.0.0.1:4000\"},{\"api_endpoint\":"
	    "\"https://10.1.0.1:6443\",\"labels\":{\"simulated\":\"true\"}},"
	    "{\"api_endpoint\":\"http://localhost:1\"}]}");
	assert_true(tourrun_simulated(c));
	cJSON_Delete(c);
	c = cJSON_Parse("{\"items\":[{\"api_endpoint\":"
	    "\"http://127.0.0.1:4000\"},{\"api_endpoint\":"
	    "\"https://10.1.0.1:6443\",\"labels\":{\"env\":\"prod\"}}]}");
	assert_false(tourrun_simulated(c));
	cJSON_Delete(c);
	c = cJSON_Parse("{\"items\":[]}");
	assert_false(tourrun_simulated(c));
	cJSON_Delete(c);
}

/* Direct mode keeps progress per context in the state database, with
 * the hub's rule for the completion time. */
static void
test_state_progress(void **state)
{
	char dir[300];
	struct state *st;
	struct cm_err err;
	cJSON *list = NULL;
	const cJSON *it;

	snprintf(dir, sizeof dir, "%s/state", tmp);
	cm_err_clear(&err);
	st = state_open(dir, &err);
	assert_non_null(st);
	assert_int_equal(state_tour_record(st, "kube", "triage-alert", 3, -1,
	    1000, &err), CM_OK);
	assert_int_equal(state_tour_record(st, "kube", "getting-around", 11,
	    1, 2000, &err), CM_OK);
	/* Started again: the first completion time stays. */
	assert_int_equal(state_tour_record(st, "kube", "getting-around", 2,
	    -1, 3000, &err), CM_OK);
	assert_int_equal(state_tour_record(st, "other", "triage-alert", 5,
	    -1, 1000, &err), CM_OK);
	state_close(st);

	st = state_open(dir, &err);
	assert_int_equal(state_tour_list(st, "kube", &list, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(list,
	    "items")), 2);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0);
	assert_string_equal(cJSON_GetObjectItem(it, "tour_name")->valuestring,
	    "getting-around");
	assert_int_equal(cJSON_GetObjectItem(it, "step_completed")->valueint,
	    2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "completed")));
	assert_string_equal(cJSON_GetObjectItem(it,
	    "completed_at")->valuestring, "1970-01-01T00:00:02.000Z");
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 1);
	assert_int_equal(cJSON_GetObjectItem(it, "step_completed")->valueint,
	    3);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(it, "completed")));
	cJSON_Delete(list);
	state_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_tours),
		cmocka_unit_test(test_bad_file_positions),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_user_override),
		cmocka_unit_test(test_screen_inherited),
		cmocka_unit_test(test_wizard_steps_wait_for_state),
		cmocka_unit_test(test_bad_anchor_advance),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_simulated_rule),
		cmocka_unit_test(test_state_progress),
	};

	return cmocka_run_group_tests_name("tours", tests, setup, teardown);
}
