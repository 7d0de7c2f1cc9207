/*
 * logs.h - simulated container logs for cm-kubesim's pods/log endpoint.
 *
 * A container's log is a pure function of the pod (uid, container name,
 * image, start and finish times, restart count) and the wall clock: line k
 * of a run has a fixed time and text, so two requests agree with each other
 * and with a follow stream.  The style of the lines follows the image
 * (nginx access log, postgres, redis, coredns, or a Go service's JSON log);
 * a run that crashed ends with a panic.  The query options of
 * GET /api/v1/namespaces/NS/pods/NAME/log are honoured: container,
 * previous, timestamps, tailLines, sinceSeconds, sinceTime, limitBytes and
 * follow.
 *
 * This module does not route HTTP, look pods up or block on its own except
 * in logs_follow_wait(); the server finds the pod and maps a failure to a
 * 400 Status whose message is err->msg (the wording kubectl users know).
 * It keeps no log history: a run's lines are recomputed on demand, and only
 * the last LOGS_MAX_LINES lines of a run exist (older ones are "rotated").
 */
#ifndef CM_SIM_LOGS_H
#define CM_SIM_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct objstore;

/* Lines kept per container run; older ones are gone as after rotation. */
#define LOGS_MAX_LINES 2000

/* Options from the query string; logs_opts_init() gives the defaults. */
struct logs_opts {
	const char *container;	/* NULL: the pod's only container */
	bool previous;		/* the run before the current one */
	bool timestamps;	/* prefix RFC 3339 nano times */
	bool follow;		/* used by the server to pick the follow path */
	long tail_lines;	/* < 0: all */
	long since_seconds;	/* <= 0: no bound */
	int64_t since_ms;	/* sinceTime in epoch ms; < 0: no bound */
	long limit_bytes;	/* <= 0: no bound */
};

struct logs_follow;

/* Fill o with the defaults (no container, all lines, no bounds). */
void logs_opts_init(struct logs_opts *o);

/*
 * Parse the log query options by name through get (returns a decoded
 * query value or NULL; arg is passed back).  A malformed number or
 * boolean gives CM_BAD_REQUEST with the message the API server uses.
 * The strings in o are borrowed from what get returned.
 */
enum cm_status logs_opts_parse(struct logs_opts *o,
    const char *(*get)(void *arg, const char *name), void *arg,
    struct cm_err *err);

/*
 * Render the log of one container of pod as of now_ms.  Returns a
 * NUL-terminated buffer the caller frees, its length in *len; NULL with
 * CM_BAD_REQUEST and the API server's message ("a container name must be
 * specified ...", "container \"x\" in pod \"y\" is waiting to start: ...",
 * "previous terminated container ... not found") when there is no log.
 */
char *logs_render(const cJSON *pod, const struct logs_opts *o,
    int64_t now_ms, size_t *len, struct cm_err *err);

/*
 * Start a follow stream: the lines logs_render() would give (tail and
 * since applied), then each new line when it is due.  NULL with err as
 * for logs_render().  Free with logs_follow_free().
 */
struct logs_follow *logs_follow_new(const cJSON *pod,
    const struct logs_opts *o, int64_t now_ms, struct cm_err *err);

/* Free a follow stream; NULL is a no-op. */
void logs_follow_free(struct logs_follow *f);

/*
 * Copy up to cap bytes of the lines due by now_ms into buf; returns the
 * count (0: nothing due yet).  A line longer than what is left of cap is
 * split across calls.  limitBytes ends the stream once reached.
 */
size_t logs_follow_read(struct logs_follow *f, int64_t now_ms, char *buf,
    size_t cap);

/* Epoch ms when the next line is due; INT64_MAX when none will come. */
int64_t logs_follow_next_ms(const struct logs_follow *f);

/*
 * Tell the stream the pod's current state (NULL: the pod is gone).  When
 * the followed run ended (crash, restart, deletion) the stream keeps the
 * run's last lines and then ends.
 */
void logs_follow_update(struct logs_follow *f, const cJSON *pod);

/* True once every line has been read and no more will come. */
bool logs_follow_done(const struct logs_follow *f);

/*
 * Blocking read for a server thread: wait up to timeout_ms for lines,
 * re-reading the pod (namespace ns, name) from st every few hundred ms.
 * Returns bytes copied (> 0), 0 on timeout with nothing due, or -1 when
 * the stream has ended (container stopped, pod deleted, limitBytes).
 */
ssize_t logs_follow_wait(struct logs_follow *f, struct objstore *st,
    const char *ns, const char *name, char *buf, size_t cap,
    int timeout_ms);

#endif
