/*
 * state.h - the console's state directory: tokens, snapshot cache and
 * prompt history.
 *
 *     DIR/                      mode 0700 (created, and tightened if looser)
 *       tokens/CONTEXT.json     0600 {"access_token","refresh_token","user"}
 *       cache.db                sqlite (WAL): the last snapshot per
 *                               (context, kind, scope)
 *       history                 command prompt history, one per line,
 *                               the last STATE_HISTORY_MAX kept
 *
 * cache.db also keeps the guided-tour progress of direct mode
 * (state_tour_*), per context: there is no hub to keep it.
 *
 * Files are written atomically (a temp file in the same directory, fsync,
 * rename), so a crash leaves the old or the new file, never half of one.
 * The cache lets the console show data at once on start, marked
 * from_cache, before the first fetch answers.
 *
 * It does not decide what to cache or when (feed.h does) and does not
 * encrypt tokens (the 0600/0700 modes protect them, like ~/.kube/config).
 *
 * Threading: every function may be called from any thread; the cache's
 * sqlite connection is guarded by a mutex inside.
 */
#ifndef CM_BACKEND_STATE_H
#define CM_BACKEND_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/source.h"
#include "backend/status.h"

#define STATE_HISTORY_MAX 500

struct state;

/* Tokens of one context; strings owned, NULL when absent. */
struct state_tokens {
	char *access_token;
	char *refresh_token;
	char *user;
};

/*
 * Open (creating, mode 0700) the state dir dir (NULL:
 * settings_state_dir()) and its cache.  A cache that cannot be opened
 * is not fatal: the state works without it (state_cache_* answer
 * CM_NOT_FOUND / do nothing).  Returns NULL with err on failure to
 * create the directory.
 */
struct state *state_open(const char *dir, struct cm_err *err);

/*
 * Write len bytes to path atomically: a temp file in the same directory
 * created with mode, fsync'd, renamed over path, then the directory
 * fsync'd.  On failure path is untouched and the temp file removed.
 */
enum cm_status state_write_atomic(const char *path, const char *data,
    size_t len, unsigned mode, struct cm_err *err);

/* Create dir and its missing parents (new ones mode 0700); an existing
 * directory is CM_OK. */
enum cm_status state_make_dir(const char *dir, struct cm_err *err);

/* Close the cache and free st.  NULL is a no-op. */
void state_close(struct state *st);

/* The directory; borrowed for st's life. */
const char *state_dir(const struct state *st);

/*
 * Write tokens/CONTEXT.json (0600, atomic).  Any string may be NULL
 * (written as null).  A context name that is not a safe file name
 * (settings_context_name_ok()) is CM_VALIDATION.
 */
enum cm_status state_save_tokens(struct state *st, const char *context,
    const char *access_token, const char *refresh_token, const char *user,
    struct cm_err *err);

/* Read tokens/CONTEXT.json into out (release with state_tokens_done());
 * CM_NOT_FOUND when there is none, CM_VALIDATION when unreadable. */
enum cm_status state_load_tokens(struct state *st, const char *context,
    struct state_tokens *out, struct cm_err *err);

/* Free the strings of t and zero it. */
void state_tokens_done(struct state_tokens *t);

/* Remove tokens/CONTEXT.json; a missing file is CM_OK. */
enum cm_status state_delete_tokens(struct state *st, const char *context,
    struct cm_err *err);

/* Store s (kind, scope, etag, fetched_ms, data) as the cached snapshot of
 * context, replacing the previous one. */
enum cm_status state_cache_put(struct state *st, const char *context,
    const struct snapshot *s, struct cm_err *err);

/*
 * The cached snapshot of context/kind/scope (scope NULL = "") as a new
 * snapshot (one ref, from_cache true) in *out; CM_NOT_FOUND when none.
 */
enum cm_status state_cache_get(struct state *st, const char *context,
    enum source_kind kind, const char *scope, struct snapshot **out,
    struct cm_err *err);

/* Forget every cached snapshot of context (after a logout). */
enum cm_status state_cache_clear(struct state *st, const char *context,
    struct cm_err *err);

/*
 * The prompt history, oldest first, into a NULL-terminated array in
 * *lines (*n entries; free with state_history_free()).  No file: empty.
 */
enum cm_status state_history_load(struct state *st, char ***lines,
    size_t *n, struct cm_err *err);

/* Free what state_history_load() returned. */
void state_history_free(char **lines);

/*
 * Append line (newlines are not allowed: CM_VALIDATION; empty is
 * ignored; a repeat of the last entry is not added), keeping the last
 * STATE_HISTORY_MAX entries.
 */
enum cm_status state_history_add(struct state *st, const char *line,
    struct cm_err *err);

/*
 * The tour progress of context in the hub's shape, {"items":
 * [{"tour_name","step_completed","completed","completed_at",
 * "updated_at"}]}, into *out (caller frees).  CM_NOT_FOUND (and *out
 * NULL) when the database could not be opened.
 */
enum cm_status state_tour_list(struct state *st, const char *context,
    cJSON **out, struct cm_err *err);

/*
 * Record the progress of context in tour: step_completed steps done;
 * completed 1 sets the completion time (an earlier one stays), 0 clears
 * it, -1 leaves it as it is.  now_ms is the wall clock.
 */
enum cm_status state_tour_record(struct state *st, const char *context,
    const char *tour, int step_completed, int completed, int64_t now_ms,
    struct cm_err *err);

#endif
