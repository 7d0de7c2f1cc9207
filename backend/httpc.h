/*
 * httpc.h - a small blocking HTTP client on one reused libcurl easy handle.
 *
 * One struct httpc is one connection cache (keep-alive): requests made
 * through it reuse the same easy handle.  It enforces what every caller
 * would otherwise forget: connect and total timeouts, http/https only
 * (redirects are not followed), TLS verification on (with an optional CA
 * file), CURLOPT_NOSIGNAL, a cap on the response body (16 MiB by
 * default), and retries of idempotent methods (GET, HEAD, PUT, DELETE) on
 * connection failures and on 429/502/503/504, with exponential backoff
 * and full jitter, honouring a Retry-After in seconds.  It sends
 * If-None-Match and reports the ETag answered.
 *
 * It does not parse JSON, know the hub's API, follow redirects or do
 * anything asynchronous: hubclient.h builds on it, feed.h runs it on a
 * thread.  It never prints.
 *
 * Threading: a struct httpc is used by one thread at a time.  Different
 * handles may be used by different threads at once; libcurl's global
 * init runs once (pthread_once) on the first httpc_new().
 */
#ifndef CM_BACKEND_HTTPC_H
#define CM_BACKEND_HTTPC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

#define HTTPC_BODY_MAX_DEFAULT (16u * 1024 * 1024)
#define HTTPC_ETAG_MAX 128

struct httpc;

/* Knobs of a client; httpc_opts_init() gives the defaults noted. */
struct httpc_opts {
	long connect_timeout_ms;	/* 5000 */
	long timeout_ms;		/* whole request: 30000 */
	const char *ca_file;		/* PEM bundle; NULL: system's */
	int max_retries;		/* retries after the first try: 3 */
	long backoff_base_ms;		/* first backoff ceiling: 250 */
	long backoff_max_ms;		/* backoff ceiling cap: 8000 */
	long retry_after_max_ms;	/* longest Retry-After waited: 30000 */
	size_t body_max;		/* response body cap: 16 MiB */
	const char *user_agent;		/* "clustermaster/VERSION" */
};

/* One request; strings are borrowed for the call. */
struct httpc_req {
	const char *method;		/* "GET", "POST", ... */
	const char *url;		/* absolute http:// or https:// URL */
	const char *bearer;		/* Authorization: Bearer, or NULL */
	const char *body;		/* request body or NULL */
	size_t body_len;
	const char *content_type;	/* of body; NULL = application/json */
	const char *if_none_match;	/* an ETag, or NULL */
};

/* One answer.  Filled by httpc_do(); release with httpc_resp_done(). */
struct httpc_resp {
	long status;			/* HTTP status, 0 when none */
	char *body;			/* owned; NUL-terminated */
	size_t body_len;
	char etag[HTTPC_ETAG_MAX];	/* ETag header or "" */
	char content_type[64];		/* Content-Type header or "" */
	long retry_after_ms;		/* its Retry-After, or -1 */
	int attempts;			/* tries made (1 + retries) */
};

/* Fill opts with the defaults. */
void httpc_opts_init(struct httpc_opts *opts);

/* New client with opts (copied; NULL = defaults).  Aborts on OOM. */
struct httpc *httpc_new(const struct httpc_opts *opts);

/* Free a client and its connection.  NULL is a no-op. */
void httpc_free(struct httpc *h);

/*
 * Perform req, retrying as described above.  Any HTTP answer, whatever
 * its status, is CM_OK with resp filled (the caller maps statuses).
 * Failures: CM_UNAVAILABLE when no answer came (refused, unreachable,
 * timed out, TLS failure, cancelled; err says which), CM_TOO_LARGE when
 * the body passed the cap, CM_BAD_REQUEST for a URL that is not http(s).
 * resp is always initialised and must be released with httpc_resp_done().
 */
enum cm_status httpc_do(struct httpc *h, const struct httpc_req *req,
    struct httpc_resp *resp, struct cm_err *err);

/* Release what httpc_do() put in resp.  Safe on a zeroed resp. */
void httpc_resp_done(struct httpc_resp *resp);

/*
 * Make every httpc call of the calling thread abort soon (in-flight
 * transfer and backoff sleeps) once *flag becomes true: such calls fail
 * with CM_UNAVAILABLE "cancelled".  flag (NULL to clear) must outlive the
 * thread's calls.  The feed sets it on its network thread so that
 * feed_free() does not wait for timeouts.
 */
void httpc_thread_set_cancel(const atomic_bool *flag);

/*
 * Parse a Retry-After value: delta seconds, or an HTTP date relative to
 * now_ms (wall).  Returns milliseconds >= 0, or -1 when unparseable.
 */
long httpc_parse_retry_after(const char *value, long long now_ms);

/*
 * The backoff before retry number attempt (0-based): a uniform random
 * value in [0, min(max_ms, base_ms * 2^attempt)] (full jitter).
 */
long httpc_backoff_ms(long base_ms, long max_ms, int attempt);

#endif
