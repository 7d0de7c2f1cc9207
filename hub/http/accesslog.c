/*
 * accesslog.c - JSON-lines access log with one write(2) per line.
 *
 * A line is built in a fixed stack buffer, field by field, each field
 * capped in bytes so the line always fits; strings are JSON-escaped and
 * invalid UTF-8 becomes U+FFFD, so a hostile path can neither break the
 * line nor forge another.  The path is cut at '?' (query strings carry
 * tokens).  Writing happens under a mutex with O_APPEND, so lines from
 * server threads do not interleave.  It does not rotate or ship logs:
 * with O_APPEND, logrotate's copytruncate works as is.
 */
#include "config.h"

#include "hub/http/accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define ACCESSLOG_LINE_MAX 8192
#define ACCESSLOG_PATH_MAX 2048		/* escaped bytes of the path */
#define ACCESSLOG_ROUTE_MAX 512
#define ACCESSLOG_FIELD_MAX 128		/* any other string */

struct accesslog {
	int fd;
	bool owns_fd;
	pthread_mutex_t lock;
	uint64_t dropped;
};

struct accesslog_line {
	char s[ACCESSLOG_LINE_MAX];
	size_t len;
};

enum cm_status
accesslog_open(const char *path, struct accesslog **out, struct cm_err *err)
{
	struct accesslog *log;
	int fd;
	bool owns = true;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return cm_err_set(err, CM_IO, "access_log",
		    "no access log path");
	if (strcmp(path, "-") == 0) {
		fd = STDERR_FILENO;
		owns = false;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0640);
		if (fd < 0)
			return cm_err_set(err, CM_IO, "access_log",
			    "cannot open access log %s: %s", path,
			    strerror(errno));
	}
	log = xcalloc(1, sizeof *log);
	log->fd = fd;
	log->owns_fd = owns;
	if (pthread_mutex_init(&log->lock, NULL) != 0)
		fatal("cannot initialise the access log lock");
	*out = log;
	return CM_OK;
}

void
accesslog_close(struct accesslog *log)
{
	if (log == NULL)
		return;
	if (log->owns_fd)
		close(log->fd);
	pthread_mutex_destroy(&log->lock);
	free(log);
}

uint64_t
accesslog_dropped(struct accesslog *log)
{
	uint64_t n;

	if (log == NULL)
		return 0;
	pthread_mutex_lock(&log->lock);
	n = log->dropped;
	pthread_mutex_unlock(&log->lock);
	return n;
}

/* Append n bytes; silently stops at the end (the caps keep us short). */
static void
accesslog_put(struct accesslog_line *l, const char *s, size_t n)
{
	if (n > sizeof l->s - 1 - l->len)
		n = sizeof l->s - 1 - l->len;
	memcpy(l->s + l->len, s, n);
	l->len += n;
}

static void
accesslog_puts(struct accesslog_line *l, const char *s)
{
	accesslog_put(l, s, strlen(s));
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
accesslog_utf8_len(const unsigned char *p, size_t n)
{
	unsigned cp;
	size_t len, i;

	if (p[0] < 0xc2)
		return 0;	/* continuation byte or overlong lead */
	if (p[0] < 0xe0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] < 0xf5) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Append n bytes of s as a JSON string using at most max bytes inside. */
static void
accesslog_str(struct accesslog_line *l, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used = 0, seq, elen;
	char esc[8];
	const char *out;

	if (s == NULL) {
		accesslog_puts(l, "null");
		return;
	}
	accesslog_puts(l, "\"");
	while (i < n) {
		seq = 1;
		out = esc;
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			elen = 2;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			elen = (size_t)snprintf(esc, sizeof esc, "\\u%04x",
			    p[i]);
		} else if (p[i] < 0x80) {
			out = (const char *)p + i;
			elen = 1;
		} else if ((seq = accesslog_utf8_len(p + i, n - i)) > 0) {
			out = (const char *)p + i;
			elen = seq;
		} else {
			seq = 1;
			out = "\\ufffd";
			elen = 6;
		}
		if (used + elen > max)
			break;
		accesslog_put(l, out, elen);
		used += elen;
		i += seq;
	}
	accesslog_puts(l, "\"");
}

static void
accesslog_field(struct accesslog_line *l, const char *key, const char *s,
    size_t max)
{
	accesslog_puts(l, ",\"");
	accesslog_puts(l, key);
	accesslog_puts(l, "\":");
	accesslog_str(l, s, s ? strlen(s) : 0, max);
}

static void
accesslog_num(struct accesslog_line *l, const char *key, long long v)
{
	char num[32];

	snprintf(num, sizeof num, ",\"%s\":%lld", key, v);
	accesslog_puts(l, num);
}

void
accesslog_write(struct accesslog *log, const struct accesslog_entry *e)
{
	struct accesslog_line l;
	char ts[TIME_RFC3339_LEN];
	size_t off;
	ssize_t n;

	if (log == NULL || e == NULL)
		return;
	l.len = 0;
	time_format_rfc3339(e->ts_ms, ts);
	accesslog_puts(&l, "{\"ts\":");
	accesslog_str(&l, ts, strlen(ts), ACCESSLOG_FIELD_MAX);
	accesslog_field(&l, "request_id", e->request_id, ACCESSLOG_FIELD_MAX);
	accesslog_field(&l, "method", e->method, ACCESSLOG_FIELD_MAX);
	accesslog_puts(&l, ",\"path\":");
	accesslog_str(&l, e->path, e->path ? strcspn(e->path, "?") : 0,
	    ACCESSLOG_PATH_MAX);
	accesslog_field(&l, "route", e->route, ACCESSLOG_ROUTE_MAX);
	accesslog_num(&l, "status", e->status);
	accesslog_num(&l, "duration_us", (long long)e->duration_us);
	accesslog_num(&l, "bytes_in", (long long)e->bytes_in);
	accesslog_num(&l, "bytes_out", (long long)e->bytes_out);
	accesslog_field(&l, "client_ip", e->client_ip, ACCESSLOG_FIELD_MAX);
	accesslog_field(&l, "user_id", e->user_id, ACCESSLOG_FIELD_MAX);
	accesslog_field(&l, "tenant_id", e->tenant_id, ACCESSLOG_FIELD_MAX);
	accesslog_field(&l, "error", e->error, ACCESSLOG_FIELD_MAX);
	accesslog_puts(&l, "}");
	/* The caps leave room: the brace and newline always fit. */
	l.s[l.len++] = '\n';

	pthread_mutex_lock(&log->lock);
	off = 0;
	while (off < l.len) {
		n = write(log->fd, l.s + off, l.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log->dropped++;
			break;
		}
		off += (size_t)n;
	}
	pthread_mutex_unlock(&log->lock);
}
