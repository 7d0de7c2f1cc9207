/*
 * toast.h - the status line's messages: short-lived info and error
 * toasts, and a persistent banner ("hub unreachable, retrying in 8s").
 *
 * One toast shows at a time; a new one replaces the old.  Toasts expire
 * on the caller's clock (now_ms): the caller asks toast_deadline() when
 * to wake up and calls toast_expire() then.  The banner stays until the
 * caller clears it.  This module decides nothing about layout beyond one
 * line each: the caller picks the rows.
 */
#ifndef CM_TUI_TOAST_H
#define CM_TUI_TOAST_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#define TOAST_TEXT_MAX 512
#define TOAST_INFO_MS 3000		/* default lifetimes */
#define TOAST_ERROR_MS 8000

enum toast_kind {
	TOAST_INFO,
	TOAST_ERROR
};

struct toast;

/* New toast line with nothing to show. */
struct toast *toast_new(void);

/* Free it; NULL is a no-op. */
void toast_free(struct toast *t);

/*
 * Show a message from now_ms for ttl_ms (0 = the kind's default),
 * replacing any other; longer text is cut at TOAST_TEXT_MAX.
 */
void toast_show(struct toast *t, enum toast_kind kind, int64_t now_ms,
    int64_t ttl_ms, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Remove the toast now (e.g. when the user pressed a key). */
void toast_dismiss(struct toast *t);

/* Drop an expired toast; true when something went away (redraw). */
bool toast_expire(struct toast *t, int64_t now_ms);

/* When the current toast expires (ms), or -1 when none is showing. */
int64_t toast_deadline(const struct toast *t);

/* The toast showing at now_ms or NULL; *kind may be NULL. */
const char *toast_current(const struct toast *t, int64_t now_ms,
    enum toast_kind *kind);

/* Set the banner (copied; NULL or "" clears); true when it changed. */
bool toast_set_banner(struct toast *t, const char *text);

/* The banner or NULL. */
const char *toast_banner(const struct toast *t);

/*
 * Draw the toast showing at now_ms on row y of win (TOAST_INFO or
 * TOAST_ERROR role, clipped with an ellipsis); returns false and draws
 * nothing when there is none.  Never refreshes.
 */
bool toast_draw(const struct toast *t, WINDOW *win, int y, int64_t now_ms);

/* Draw the banner across row y (BANNER role); false when there is none. */
bool toast_draw_banner(const struct toast *t, WINDOW *win, int y);

#endif
