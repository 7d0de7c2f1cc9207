/*
 * tours.h - how far each user got in each guided tour of the UI.
 *
 * One row per (user, tour): the last step the user completed and when
 * (if ever) they finished it.  Progress belongs to the signed-in user
 * alone, whatever their role; nobody reads or writes another user's
 * progress.  The tours themselves (their steps and text) live in the
 * clients, not here.
 */
#ifndef CM_HUB_TOURS_TOURS_H
#define CM_HUB_TOURS_TOURS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct principal;
struct audit_entry;
struct http_req;
struct http_resp;

#define TOURS_NAME_MAX 100
#define TOURS_STEP_MAX 1000

/* One progress report, as POST /ui/tour/progress carries it. */
struct tour_progress {
	const char *tour_name;	/* 1..TOURS_NAME_MAX of [A-Za-z0-9._-] */
	int64_t step_completed;	/* 0..TOURS_STEP_MAX; may go backwards */
	int completed;		/* 1 set, 0 clear, -1 leave as it is */
};

/*
 * Read a request body into *out (strings borrowed from body): unknown
 * fields, wrong types and bad values are CM_VALIDATION naming the field.
 */
enum cm_status tours_parse(const cJSON *body, struct tour_progress *out,
    struct cm_err *err);

/*
 * The caller's progress, by tour name, as {"items": [...],
 * "next_cursor": null} in *out (caller frees).
 */
enum cm_status tours_list(struct hub *hub, const struct principal *p,
    cJSON **out, struct cm_err *err);

/*
 * Record the caller's progress in one tour (insert or update) with its
 * audit row, and put the item in *out (caller frees).  completed = 1
 * keeps the first completion time when the tour was already completed.
 * who (may be NULL) carries the request's ip and request id for the
 * audit row.
 */
enum cm_status tours_record(struct hub *hub, const struct principal *p,
    const struct tour_progress *in, const struct audit_entry *who,
    cJSON **out, struct cm_err *err);

/* GET /api/v1/ui/tour/progress */
void tours_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/ui/tour/progress */
void tours_post_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
