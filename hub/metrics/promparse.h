/*
 * promparse.h - a streaming parser of the Prometheus text exposition
 * format (version 0.0.4), written for the hub's scrapes of the
 * endpoints a cluster is configured with.
 *
 * The parser walks a buffer the caller holds and hands out one sample at
 * a time: its metric name, its labels (escapes \\ \" \n undone), its
 * value (NaN, +Inf and -Inf included), its optional timestamp, and the
 * type of its family from the # TYPE line (counter, gauge, histogram
 * with _bucket/_sum/_count and "le", summary with "quantile" and
 * _sum/_count, untyped).  Names and label texts are copied into buffers
 * inside the parser that the next call reuses, so a scrape of any size
 * costs one struct prom_parser and nothing per sample.  The first error
 * stops the parse and reads "LINE:COLUMN: what", counted from 1.
 *
 * Not here: the OpenMetrics format (# EOF, exemplars, _created), the
 * protobuf format, fetching the text, and deciding what to keep (the
 * collector does that).
 */
#ifndef CM_HUB_METRICS_PROMPARSE_H
#define CM_HUB_METRICS_PROMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"

#define PROM_NAME_MAX 256	/* longest metric or label name + NUL */
#define PROM_LABELS_MAX 64	/* labels of one sample */
#define PROM_TEXT_MAX 16384	/* all label values of one sample */

/* The type a # TYPE line gives a family. */
enum prom_type {
	PROM_UNTYPED,
	PROM_COUNTER,
	PROM_GAUGE,
	PROM_HISTOGRAM,
	PROM_SUMMARY,
};

/* One label of a sample; both texts are NUL-terminated, borrowed. */
struct prom_label {
	const char *name;
	const char *value;
};

/* One sample, valid until the next promparse_next call. */
struct prom_sample {
	char name[PROM_NAME_MAX];
	size_t nlabels;
	struct prom_label labels[PROM_LABELS_MAX];
	double value;
	bool has_timestamp;
	int64_t timestamp_ms;
	enum prom_type type;	/* of the family the sample belongs to */
	const char *family;	/* that family's name (borrowed), or the
				 * sample's own name when no TYPE named it */
	const char *help;	/* the family's HELP text, or NULL */
};

/* A parse in progress over a caller's buffer.  Embed it; no _done. */
struct prom_parser {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned line;
	size_t line_start;
	char family[PROM_NAME_MAX];	/* the last # TYPE or # HELP name */
	enum prom_type family_type;
	bool family_typed;
	bool family_sampled;		/* samples of it were seen */
	char help[1024];
	bool has_help;
	bool failed;
	char text[PROM_TEXT_MAX];	/* the current sample's labels */
};

/* Start parsing len bytes of buf (held by the caller meanwhile). */
void promparse_init(struct prom_parser *pp, const char *buf, size_t len);

/*
 * The next sample into *s: 1 when there is one, 0 at the end of the
 * input, -1 on malformed input with err (CM_VALIDATION) reading
 * "LINE:COLUMN: message".  After -1 the parser stays failed.
 */
int promparse_next(struct prom_parser *pp, struct prom_sample *s,
    struct cm_err *err);

/* The value of label name of s, or NULL. */
const char *promparse_label(const struct prom_sample *s, const char *name);

/* "counter", "gauge", ... of t (static). */
const char *promparse_type_name(enum prom_type t);

#endif
