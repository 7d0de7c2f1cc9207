/*
 * strbuf.h - a growing, NUL-terminated text.
 *
 * Zero-initialise one (`struct strbuf b = { 0 }`), append to it, and
 * take b.s (NULL while nothing was added) or free it with strbuf_free.
 * Appending never fails: allocation failure is fatal (xalloc.h).
 */
#ifndef CM_BACKEND_STRBUF_H
#define CM_BACKEND_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;	/* owned; always NUL-terminated once non-NULL */
	size_t len;
	size_t cap;
};

/* Append n bytes of s. */
void strbuf_add(struct strbuf *b, const char *s, size_t n);

/* Append the string s. */
void strbuf_puts(struct strbuf *b, const char *s);

/* Append printf-formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Free the text and empty b. */
void strbuf_free(struct strbuf *b);

#endif
