/*
 * textview.h - a scrollable pane of text lines for the describe, YAML
 * and log screens: vertical and horizontal scrolling, a follow mode
 * that sticks to the last line, a filter over the lines, and a cap on
 * how many lines it keeps (the oldest go first).
 *
 * Filters read as the tables' do: "text" keeps the lines containing it
 * (case-insensitive), "/re/" those matching the extended regular
 * expression, and a leading "!" keeps the others.  Control characters
 * in lines are shown as '?', so text from a cluster cannot drive the
 * terminal.  It draws, never refreshes, and knows nothing of the feed.
 */
#ifndef CM_VIEWS_TEXTVIEW_H
#define CM_VIEWS_TEXTVIEW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "backend/status.h"
#include "views/actions.h"

struct textview {
	char **lines;		/* owned; a ring when max > 0 */
	size_t n;		/* lines held */
	size_t head;		/* index of the oldest in the ring */
	size_t cap;
	size_t max;		/* 0: no cap */
	size_t *vis;		/* indices (0 = oldest) the filter keeps */
	size_t nvis;
	size_t top;		/* first shown, in vis */
	int left;		/* columns scrolled right */
	bool follow;		/* stick to the last line */
	char expr[256];		/* the filter as given ("" = none) */
	char filter[256];	/* its text without "!" and slashes */
	bool invert;
	bool use_re;
	regex_t re;
	int page;		/* rows of the last draw */
};

/* Start an empty pane keeping at most max lines (0: all). */
void textview_init(struct textview *t, size_t max);

/* Free what t holds. */
void textview_done(struct textview *t);

/* Drop every line (the scroll position goes to the top). */
void textview_clear(struct textview *t);

/* Append one line (copied, cut at 4096 bytes). */
void textview_append(struct textview *t, const char *line);

/* Replace the text with text split at newlines, keeping the scroll
 * position when it still fits. */
void textview_set_text(struct textview *t, const char *text);

/* Set the filter; CM_VALIDATION (filter unchanged) for a bad regex. */
enum cm_status textview_set_filter(struct textview *t, const char *expr,
    struct cm_err *err);

/* Move for a navigation action; REACT-style: true when it moved. */
bool textview_navigate(struct textview *t, enum action a);

/* Lines held and lines the filter keeps. */
size_t textview_count(const struct textview *t);
size_t textview_shown(const struct textview *t);

/* Draw rows y .. y+h-1 of win. */
void textview_draw(struct textview *t, WINDOW *win, int y, int h);

#endif
