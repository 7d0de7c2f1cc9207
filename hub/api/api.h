/*
 * api.h - what every handler shares: the request path (dispatch), body
 * parsing, paging, and the audit context of a request.
 *
 * Handlers are thin: api_body() parses and rejects bad JSON, the service
 * call does the work in one store transaction, and api_reply()/
 * http_resp_error() answer.  Nothing here knows a domain.
 */
#ifndef CM_HUB_API_API_H
#define CM_HUB_API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/http/http.h"

struct hub;
struct audit_entry;
struct store_query;
struct store_rows;
struct store_tx;

/*
 * The request path: route, authenticate, rate-limit, authorise, run the
 * handler.  Answers 404/405/401/429/403 itself; audits 403s.
 */
void api_dispatch(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/*
 * Take a token from key's bucket (per_min per minute, burst at most); when
 * none is left answer 429 with Retry-After and return false.
 */
bool api_rate_take(struct hub *hub, const char *key, long per_min,
    long burst, struct http_resp *resp);

/*
 * Parse the request body as a JSON object (duplicate keys refused).  On
 * failure answers 400 and returns NULL; the caller frees the result.
 */
cJSON *api_body(struct http_req *req, struct http_resp *resp);

#define API_CURSOR_KEY_MAX 256

/*
 * A page of a list: at most limit items after the sort key `after`.  On
 * the wire the key travels as an opaque cursor (base64url), so clients
 * cannot come to depend on what is inside.
 */
struct api_page {
	int64_t limit;
	const char *after;	/* NULL = from the start; points into key */
	char key[API_CURSOR_KEY_MAX];
};

/*
 * Read ?limit= and ?cursor= (defaults 50 / start, limit bounded by the
 * config's page_max).  Bad values: 422 naming the parameter.
 */
enum cm_status api_page_parse(struct hub *hub, struct http_req *req,
    struct api_page *page, struct cm_err *err);

/*
 * Wrap items in {"items": [...], "next_cursor": ...}.  Takes items;
 * last_key is the sort key of the last item when more follow (it is
 * encoded as the cursor), or NULL for the last page.
 */
cJSON *api_list(cJSON *items, const char *last_key);

/* Build one list item from the current row. */
typedef cJSON *(*api_row_fn)(struct store_rows *rows);

/*
 * Drain rows, fetched with LIMIT page->limit + 1 (page NULL: no paging),
 * into a list answer: items made by row_fn, and a next cursor from
 * column key_col of the last item when one more row follows.  Does not
 * close rows.  On a store error, err says why and *out is untouched.
 */
enum cm_status api_page_rows(struct store_rows *rows,
    const struct api_page *page, api_row_fn row_fn, int key_col,
    cJSON **out, struct cm_err *err);

/*
 * Run q with $1 = id, $2 = tenant in tx and build *out (the caller's)
 * from its row with row_fn; CM_NOT_FOUND on "id" ("no such <what>")
 * when there is no row, *out NULL on every failure.
 */
enum cm_status api_fetch_one(struct store_tx *tx, const struct store_query *q,
    const char *id, const char *tenant, api_row_fn row_fn, const char *what,
    cJSON **out, struct cm_err *err);

/*
 * Check a resource name: 1 to max lowercase letters, digits and '-',
 * starting and ending with a letter or digit; CM_VALIDATION on "name".
 */
enum cm_status api_check_name(const char *name, size_t max,
    struct cm_err *err);

/* Fill the who/where of an audit entry from the request. */
void api_audit_init(struct audit_entry *e, const struct http_req *req,
    const char *action, const char *resource_type,
    const char *resource_id);

/* Answer status with json, or the error in err when st != CM_OK. */
void api_reply(struct http_resp *resp, enum cm_status st, int status,
    cJSON *json, const struct cm_err *err);

/* Path parameter 0 checked to be a UUID; otherwise answer 404. */
const char *api_id_param(struct http_req *req, struct http_resp *resp,
    size_t i);

#endif
