/*
 * timeutil.h - wall-clock time in epoch milliseconds and RFC 3339 text.
 *
 * The store keeps epoch milliseconds; the wire carries RFC 3339 UTC
 * ("2026-12-04T15:50:03.123Z").  Parsing accepts any offset and fraction
 * and normalises to UTC milliseconds.
 */
#ifndef CM_BACKEND_TIMEUTIL_H
#define CM_BACKEND_TIMEUTIL_H

#include <stdint.h>

#include "backend/status.h"

#define TIME_RFC3339_LEN 32

/* Milliseconds since the epoch, from CLOCK_REALTIME. */
int64_t time_now_ms(void);

/* Monotonic milliseconds, for durations and rate limits. */
int64_t time_mono_ms(void);

/* Format ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (TIME_RFC3339_LEN). */
void time_format_rfc3339(int64_t ms, char out[TIME_RFC3339_LEN]);

/*
 * Parse RFC 3339 ("2026-12-04T15:50:03Z", "...03.5+02:00") into epoch ms.
 * Rejects anything else with CM_VALIDATION and a reason in err.
 */
enum cm_status time_parse_rfc3339(const char *s, int64_t *ms,
    struct cm_err *err);

#endif
