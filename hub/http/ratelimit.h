/*
 * ratelimit.h - token buckets per key, bounded in memory.
 *
 * One bucket per key ("read:USER", "login:IP:account"), refilled at a
 * per-minute rate up to a burst.  The table holds at most max_keys
 * buckets; when full, the least recently used bucket is evicted.  The
 * caller passes the time (monotonic milliseconds), so tests drive the
 * clock.  Thread-safe.
 */
#ifndef CM_HUB_HTTP_RATELIMIT_H
#define CM_HUB_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* New limiter holding at most max_keys buckets (at least 1). */
struct ratelimit *ratelimit_new(size_t max_keys);

/* Free a limiter; NULL is a no-op. */
void ratelimit_free(struct ratelimit *rl);

/*
 * Take one token from key's bucket (a new key starts full with burst
 * tokens, at least 1).  Returns true when taken; otherwise false and
 * *retry_after_ms (may be NULL) gets the milliseconds until a token is
 * there.  per_minute <= 0 means unlimited: always true, nothing stored.
 */
bool ratelimit_take(struct ratelimit *rl, const char *key, double per_minute,
    double burst, int64_t now_ms, int64_t *retry_after_ms);

/* Number of buckets held now (for tests and diagnostics). */
size_t ratelimit_size(struct ratelimit *rl);

#endif
