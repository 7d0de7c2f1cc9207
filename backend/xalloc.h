/*
 * xalloc.h - allocation that cannot fail, and fatal().
 *
 * Out of memory is not an error we recover from: the x* functions call
 * fatal(), which runs the registered hook (the console restores the
 * terminal there) and aborts.
 */
#ifndef CM_BACKEND_XALLOC_H
#define CM_BACKEND_XALLOC_H

#include <stddef.h>

typedef void (*fatal_hook_fn)(void);

/* Run before fatal() prints and aborts; NULL removes it. */
void fatal_set_hook(fatal_hook_fn hook);

/* Print "fatal: ..." to stderr and abort.  For OOM and broken invariants. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: nmemb * size with overflow check. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formatted, heap-allocated string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
