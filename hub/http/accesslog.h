/*
 * accesslog.h - one JSON object per answered request, one line each.
 *
 * The access log records who called what and how it went: time,
 * request id, method, path (never the query string), route pattern,
 * status, duration, sizes, client address and, when known, the user and
 * tenant.  It never records headers or bodies.  Each line is written
 * with a single write(2) under a lock, so lines from different threads
 * never interleave.
 */
#ifndef CM_HUB_HTTP_ACCESSLOG_H
#define CM_HUB_HTTP_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"

struct accesslog;

struct accesslog_entry {
	int64_t ts_ms;			/* request start, epoch ms */
	const char *request_id;
	const char *method;
	const char *path;		/* anything from '?' on is dropped */
	const char *route;		/* pattern, or NULL when unmatched */
	int status;
	int64_t duration_us;
	uint64_t bytes_in;		/* request body bytes received */
	uint64_t bytes_out;		/* response body bytes */
	const char *client_ip;
	const char *user_id;		/* may be NULL */
	const char *tenant_id;		/* may be NULL */
	const char *error;		/* wire error name, or NULL */
};

/*
 * Open the log: "-" is stderr, anything else a file opened for append
 * (created with mode 0640).  CM_IO with the reason in err on failure.
 */
enum cm_status accesslog_open(const char *path, struct accesslog **out,
    struct cm_err *err);

/* Close the log (stderr stays open); NULL is a no-op. */
void accesslog_close(struct accesslog *log);

/*
 * Write one entry as a JSON line.  NULL strings become null; text is
 * escaped and invalid UTF-8 replaced, so every line is valid JSON.
 * Failures to write are counted, never reported.  log may be NULL.
 */
void accesslog_write(struct accesslog *log, const struct accesslog_entry *e);

/* Lines that could not be written since open (for diagnostics). */
uint64_t accesslog_dropped(struct accesslog *log);

#endif
