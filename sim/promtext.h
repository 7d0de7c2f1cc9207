/*
 * promtext.h - cm-kubesim's GET /metrics: the API server's own metrics
 * in the Prometheus text exposition format, so the hub can be pointed
 * at a real endpoint in tests and demos.
 *
 * What it serves is made up but shaped like kube-apiserver's: objects
 * in the store by resource (gauge), requests served by verb and code
 * (counter), a request-duration histogram and a GC-pause summary, the
 * process start time, and one metric whose help and label values need
 * escaping.  The numbers follow the store (object counts, its
 * resourceVersion) and the clock, so a scrape a few seconds later
 * differs.
 *
 * Not here: real request accounting (nothing is counted on the request
 * path) and the OpenMetrics format.
 */
#ifndef CM_SIM_PROMTEXT_H
#define CM_SIM_PROMTEXT_H

#include <stddef.h>
#include <stdint.h>

struct objstore;

/* The text at now_ms (caller frees); *len gets its length. */
char *promtext_render(struct objstore *st, int64_t now_ms,
    int64_t started_ms, size_t *len);

#endif
