/*
 * tourprog.h - the user's progress in the guided tours (steps done,
 * when finished), for the runner (views/tourrun.h).
 *
 * In a hub context progress lives in the hub, per user, through
 * /api/v1/ui/tour/progress; the calls go through the feed's thread
 * (feed_call) as jobs owned here, so a job the feed drops at a context
 * switch or at exit is still freed.  In direct mode it lives in the
 * state database (backend/state.h), per context, and is saved at once.
 * This keeps a copy of what was loaded and saved, which is what :tours
 * shows.
 *
 * It does not know which tour runs or what a step is.
 */
#ifndef CM_VIEWS_TOURPROG_H
#define CM_VIEWS_TOURPROG_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/tour.h"
#include "views/tourrun.h"

struct app;
struct feed;
struct tourprog_job;

/* Where the progress of the session is. */
enum tourprog_load {
	TOURPROG_NONE,		/* not asked for yet */
	TOURPROG_BUSY,		/* on its way from the hub */
	TOURPROG_DONE,
	TOURPROG_FAILED
};

struct tourprog_entry {
	char id[TOUR_ID_MAX];
	struct tourrun_progress p;
};

/* Embedded in the runner: tourprog_init() / tourprog_done(). */
struct tourprog {
	struct app *app;
	char ctx[128];			/* the state database's key */
	enum tourprog_load load;
	struct tourprog_entry *entries;
	size_t n;
	struct tourprog_job *jobs;	/* in flight, owned */
	void (*loaded)(void *arg);	/* after a hub load ends */
	void *loaded_arg;
};

/* Set p up for app; loaded(arg) runs on the UI thread when progress
 * asked from the hub has come in (or failed). */
void tourprog_init(struct tourprog *p, struct app *app,
    void (*loaded)(void *), void *arg);

/* Free what p holds, jobs still in flight included. */
void tourprog_done(struct tourprog *p);

/* Forget the progress: a new session (login, context switch) of the
 * context named ctx.  Jobs of the old session stay owned until freed. */
void tourprog_reset(struct tourprog *p, const char *ctx);

/* Ask for the session's progress (p->load says where it is). */
void tourprog_load(struct tourprog *p);

/*
 * Record step steps done in tour id: completed 1 marks it finished (the
 * hub keeps the first completion time), 0 clears that, -1 leaves it.
 * The copy changes at once; a failure to save is a toast.
 */
void tourprog_save(struct tourprog *p, const char *id, int step,
    int completed);

/* The progress of tour id into *out; false when there is none. */
bool tourprog_get(const struct tourprog *p, const char *id,
    struct tourrun_progress *out);

/* Dispatch feed f for at most ms while jobs are in flight (before the
 * feed goes at exit, so the last step is not lost). */
void tourprog_flush(struct tourprog *p, struct feed *f, int ms);

#endif
