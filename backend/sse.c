/*
 * sse.c - the text/event-stream parser.  See sse.h.
 *
 * A byte at a time into the current line; a line end processes the
 * line.  The one subtle case is CRLF split across two chunks: after a
 * CR the parser remembers to swallow an LF that comes first in the next
 * chunk, so the pair is one line end, not two (which would dispatch an
 * event too early).
 */
#include "config.h"

#include "backend/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

struct sse_parser {
	sse_event_fn fn;
	void *arg;
	size_t cap;

	char *line;		/* the line so far */
	size_t line_len, line_size;
	char *data;		/* the event's data lines, each + "\n" */
	size_t data_len, data_size;
	bool has_data;
	char type[SSE_TYPE_MAX];
	char id_buf[SSE_ID_MAX];	/* the id field's buffer */
	char last_id[SSE_ID_MAX];	/* as of the last dispatch */
	long retry_ms;
	bool after_cr;		/* swallow one LF */
	bool started;		/* a byte was seen: no BOM check */
	size_t bom;		/* BOM bytes matched at the start */
	unsigned long comments;
};

struct sse_parser *
sse_new(sse_event_fn fn, void *arg, size_t data_max)
{
	struct sse_parser *p = xcalloc(1, sizeof *p);

	p->fn = fn;
	p->arg = arg;
	p->cap = data_max > 0 ? data_max : SSE_DATA_MAX_DEFAULT;
	p->retry_ms = -1;
	return p;
}

void
sse_free(struct sse_parser *p)
{
	if (p == NULL)
		return;
	free(p->line);
	free(p->data);
	free(p);
}

void
sse_restart(struct sse_parser *p)
{
	p->line_len = 0;
	p->data_len = 0;
	p->has_data = false;
	p->type[0] = '\0';
	/* The id buffer becomes what was last dispatched. */
	memcpy(p->id_buf, p->last_id, sizeof p->id_buf);
	p->after_cr = false;
	p->started = false;
	p->bom = 0;
}

const char *
sse_last_id(const struct sse_parser *p)
{
	return p->last_id;
}

void
sse_set_last_id(struct sse_parser *p, const char *id)
{
	snprintf(p->last_id, sizeof p->last_id, "%s", id != NULL ? id : "");
	memcpy(p->id_buf, p->last_id, sizeof p->id_buf);
}

long
sse_retry_ms(const struct sse_parser *p)
{
	return p->retry_ms;
}

unsigned long
sse_comments(const struct sse_parser *p)
{
	return p->comments;
}

/* Append n bytes to a growing buffer; false past the cap. */
static bool
sse_append(char **buf, size_t *len, size_t *size, const char *s, size_t n,
    size_t cap)
{
	if (*len + n + 1 > cap)
		return false;
	if (*len + n + 1 > *size) {
		size_t want = *size > 0 ? *size : 256;

		while (want < *len + n + 1)
			want *= 2;
		if (want > cap)
			want = cap;
		*buf = xrealloc(*buf, want);
		*size = want;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

static void
sse_dispatch(struct sse_parser *p)
{
	struct sse_event ev;

	memcpy(p->last_id, p->id_buf, sizeof p->last_id);
	if (!p->has_data) {
		p->type[0] = '\0';
		return;
	}
	/* The last data line's "\n" is not part of the data. */
	if (p->data_len > 0 && p->data[p->data_len - 1] == '\n')
		p->data[--p->data_len] = '\0';
	ev.type = p->type[0] != '\0' ? p->type : "message";
	ev.data = p->data != NULL ? p->data : "";
	ev.data_len = p->data_len;
	ev.id = p->last_id;
	p->fn(p->arg, &ev);
	p->data_len = 0;
	if (p->data != NULL)
		p->data[0] = '\0';
	p->has_data = false;
	p->type[0] = '\0';
}

/* One whole line (without its end). */
static bool
sse_line(struct sse_parser *p, const char *line, size_t len)
{
	const char *colon, *value;
	size_t nlen, vlen, i;

	if (len == 0) {
		sse_dispatch(p);
		return true;
	}
	if (line[0] == ':') {
		p->comments++;
		return true;
	}
	colon = memchr(line, ':', len);
	nlen = colon != NULL ? (size_t)(colon - line) : len;
	value = colon != NULL ? colon + 1 : line + len;
	vlen = len - (size_t)(value - line);
	if (vlen > 0 && value[0] == ' ') {
		value++;
		vlen--;
	}
	if (nlen == 5 && memcmp(line, "event", 5) == 0) {
		snprintf(p->type, sizeof p->type, "%.*s", (int)vlen, value);
	} else if (nlen == 4 && memcmp(line, "data", 4) == 0) {
		if (!sse_append(&p->data, &p->data_len, &p->data_size, value,
		    vlen, p->cap) || !sse_append(&p->data, &p->data_len,
		    &p->data_size, "\n", 1, p->cap))
			return false;
		p->has_data = true;
	} else if (nlen == 2 && memcmp(line, "id", 2) == 0) {
		/* An id with a NUL is ignored, as the standard says. */
		if (memchr(value, '\0', vlen) == NULL)
			snprintf(p->id_buf, sizeof p->id_buf, "%.*s",
			    (int)vlen, value);
	} else if (nlen == 5 && memcmp(line, "retry", 5) == 0) {
		long ms = 0;

		for (i = 0; i < vlen; i++) {
			if (value[i] < '0' || value[i] > '9' ||
			    ms > 100000000L)
				return true;
			ms = ms * 10 + (value[i] - '0');
		}
		if (vlen > 0)
			p->retry_ms = ms;
	}
	return true;
}

enum cm_status
sse_feed(struct sse_parser *p, const char *buf, size_t len,
    struct cm_err *err)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	size_t i = 0;
	char c;

	/* A BOM may only open the stream, and may come split. */
	while (!p->started && i < len) {
		if ((unsigned char)buf[i] == bom[p->bom]) {
			i++;
			if (++p->bom == 3)
				p->started = true;
			continue;
		}
		if (p->bom > 0) {
			/* Not a BOM after all: those bytes were text. */
			if (!sse_append(&p->line, &p->line_len,
			    &p->line_size, (const char *)bom, p->bom,
			    p->cap))
				goto too_large;
		}
		p->started = true;
	}
	for (; i < len; i++) {
		c = buf[i];
		if (p->after_cr) {
			p->after_cr = false;
			if (c == '\n')
				continue;
		}
		if (c == '\r' || c == '\n') {
			p->after_cr = c == '\r';
			if (!sse_line(p, p->line != NULL ? p->line : "",
			    p->line_len))
				goto too_large;
			p->line_len = 0;
			continue;
		}
		if (!sse_append(&p->line, &p->line_len, &p->line_size, &c, 1,
		    p->cap))
			goto too_large;
	}
	return CM_OK;
too_large:
	sse_restart(p);
	return cm_err_set(err, CM_TOO_LARGE, NULL,
	    "event stream: an event passed %zu bytes", p->cap);
}
