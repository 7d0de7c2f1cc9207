/*
 * tourprog.c - the user's progress in the guided tours: in the hub or
 * in the state database.  See tourprog.h.
 *
 * Hub calls run on the feed's thread as jobs this module owns until
 * their answer comes back on the UI thread; the answer of a save
 * carries the hub's completion time, which replaces the local copy's.
 * Nothing here retries: a save that fails is a toast, and the next
 * step saves the whole state again anyway.
 */
#include "config.h"

#include "views/tourprog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/feed.h"
#include "backend/hubclient.h"
#include "backend/state.h"
#include "backend/xalloc.h"
#include "views/app.h"

/* One progress call to the hub, owned by p until done. */
struct tourprog_job {
	struct tourprog *p;
	struct hubclient *hc;
	bool load;			/* a GET, else a POST */
	char id[TOUR_ID_MAX];
	int step;
	int completed;
	enum cm_status st;
	struct cm_err err;
	cJSON *out;
	struct tourprog_job *next;
};

void
tourprog_init(struct tourprog *p, struct app *app, void (*loaded)(void *),
    void *arg)
{
	memset(p, 0, sizeof *p);
	p->app = app;
	p->loaded = loaded;
	p->loaded_arg = arg;
}

void
tourprog_done(struct tourprog *p)
{
	struct tourprog_job *j, *jn;

	for (j = p->jobs; j != NULL; j = jn) {
		jn = j->next;
		cJSON_Delete(j->out);
		free(j);
	}
	p->jobs = NULL;
	free(p->entries);
	p->entries = NULL;
	p->n = 0;
}

void
tourprog_reset(struct tourprog *p, const char *ctx)
{
	snprintf(p->ctx, sizeof p->ctx, "%s", ctx);
	free(p->entries);
	p->entries = NULL;
	p->n = 0;
	p->load = TOURPROG_NONE;
}

static struct tourprog_entry *
tourprog_entry(struct tourprog *p, const char *id, bool create)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->entries[i].id, id) == 0)
			return &p->entries[i];
	if (!create)
		return NULL;
	p->entries = xreallocarray(p->entries, p->n + 1, sizeof *p->entries);
	memset(&p->entries[p->n], 0, sizeof p->entries[0]);
	snprintf(p->entries[p->n].id, TOUR_ID_MAX, "%s", id);
	return &p->entries[p->n++];
}

/* Take the items of a progress list ({"items": [...]}). */
static void
tourprog_take(struct tourprog *p, const cJSON *list)
{
	const cJSON *it, *name, *step, *done, *at;
	struct tourprog_entry *e;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list,
	    "items")) {
		name = cJSON_GetObjectItemCaseSensitive(it, "tour_name");
		step = cJSON_GetObjectItemCaseSensitive(it, "step_completed");
		done = cJSON_GetObjectItemCaseSensitive(it, "completed");
		at = cJSON_GetObjectItemCaseSensitive(it, "completed_at");
		if (!cJSON_IsString(name) || !cJSON_IsNumber(step) ||
		    strlen(name->valuestring) >= TOUR_ID_MAX)
			continue;
		e = tourprog_entry(p, name->valuestring, true);
		e->p.step_completed = step->valueint;
		e->p.completed = cJSON_IsTrue(done);
		snprintf(e->p.completed_at, sizeof e->p.completed_at, "%s",
		    cJSON_IsString(at) ? at->valuestring : "");
	}
}

static void
tourprog_job_work(void *arg)
{
	struct tourprog_job *j = arg;

	cm_err_clear(&j->err);
	if (j->load)
		j->st = hubclient_tour_progress(j->hc, &j->out, &j->err);
	else
		j->st = hubclient_tour_record(j->hc, j->id, j->step,
		    j->completed, &j->out, &j->err);
}

static void
tourprog_job_unlink(struct tourprog *p, struct tourprog_job *j)
{
	struct tourprog_job **at;

	for (at = &p->jobs; *at != NULL; at = &(*at)->next) {
		if (*at == j) {
			*at = j->next;
			break;
		}
	}
	cJSON_Delete(j->out);
	free(j);
}

static void
tourprog_job_done(void *arg)
{
	struct tourprog_job *j = arg;
	struct tourprog *p = j->p;
	cJSON *list, *items;

	if (j->load) {
		if (j->st == CM_OK)
			tourprog_take(p, j->out);
		p->load = j->st == CM_OK ? TOURPROG_DONE : TOURPROG_FAILED;
		tourprog_job_unlink(p, j);
		if (p->loaded != NULL)
			p->loaded(p->loaded_arg);
		return;
	}
	if (j->st == CM_OK && j->out != NULL) {
		/* The hub's answer carries the completion time. */
		list = cJSON_CreateObject();
		items = cJSON_AddArrayToObject(list, "items");
		cJSON_AddItemToArray(items, cJSON_Duplicate(j->out, true));
		tourprog_take(p, list);
		cJSON_Delete(list);
	} else if (j->st != CM_OK) {
		app_toast(p->app, TOAST_ERROR, "tour progress not saved: %s",
		    j->err.msg[0] != '\0' ? j->err.msg :
		    cm_status_name(j->st));
	}
	tourprog_job_unlink(p, j);
}

static void
tourprog_job_queue(struct tourprog *p, struct tourprog_job *j)
{
	j->p = p;
	j->next = p->jobs;
	p->jobs = j;
	feed_call(app_feed(p->app), tourprog_job_work, tourprog_job_done, j);
}

void
tourprog_save(struct tourprog *p, const char *id, int step, int completed)
{
	struct tourprog_entry *e = tourprog_entry(p, id, true);
	struct hubclient *hc = app_hubclient(p->app);
	struct state *st = app_state(p->app);
	struct tourprog_job *j;
	struct cm_err err;
	cJSON *list = NULL;

	e->p.step_completed = step;
	if (completed == 0) {
		e->p.completed = false;
		e->p.completed_at[0] = '\0';
	} else if (completed > 0) {
		e->p.completed = true;
	}
	if (hc != NULL) {
		j = xcalloc(1, sizeof *j);
		j->hc = hc;
		snprintf(j->id, sizeof j->id, "%s", id);
		j->step = step;
		j->completed = completed;
		tourprog_job_queue(p, j);
		return;
	}
	cm_err_clear(&err);
	if (st == NULL || state_tour_record(st, p->ctx, id, step, completed,
	    app_now(p->app), &err) != CM_OK) {
		app_toast(p->app, TOAST_ERROR, "tour progress not saved: %s",
		    st == NULL ? "no state directory" : err.msg);
		return;
	}
	if (state_tour_list(st, p->ctx, &list, &err) == CM_OK)
		tourprog_take(p, list);
	cJSON_Delete(list);
}

void
tourprog_load(struct tourprog *p)
{
	struct hubclient *hc = app_hubclient(p->app);
	struct state *st = app_state(p->app);
	struct tourprog_job *j;
	struct cm_err err;
	cJSON *list = NULL;

	p->load = TOURPROG_BUSY;
	if (hc != NULL) {
		j = xcalloc(1, sizeof *j);
		j->hc = hc;
		j->load = true;
		tourprog_job_queue(p, j);
		return;
	}
	cm_err_clear(&err);
	if (st != NULL && state_tour_list(st, p->ctx, &list, &err) ==
	    CM_OK) {
		tourprog_take(p, list);
		p->load = TOURPROG_DONE;
	} else {
		p->load = TOURPROG_FAILED;
	}
	cJSON_Delete(list);
}

bool
tourprog_get(const struct tourprog *p, const char *id,
    struct tourrun_progress *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->entries[i].id, id) == 0) {
			*out = p->entries[i].p;
			return true;
		}
	}
	return false;
}

void
tourprog_flush(struct tourprog *p, struct feed *f, int ms)
{
	struct timespec pause = { 0, 10 * 1000000L };
	int64_t deadline = app_tick(p->app) + ms;

	while (p->jobs != NULL && app_tick(p->app) < deadline) {
		feed_dispatch(f);
		if (p->jobs != NULL)
			nanosleep(&pause, NULL);
	}
}
