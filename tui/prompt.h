/*
 * prompt.h - a one-line input: the ":" command line and the "/" filter.
 *
 * Line editing on UTF-8 text (Left/Right, Home/End, C-a/C-e, Backspace,
 * Delete, C-u kills to the start, C-k to the end, C-w the word before
 * the cursor), Tab completion from a candidate list the caller gives
 * (longest common prefix first, then Tab/BTab cycle through the matches,
 * shown on a line above the input), and history on Up/Down (C-p/C-n).
 *
 * The prompt keeps its own copy of the history: the caller loads it with
 * prompt_history_load(), appends the lines it wants remembered with
 * prompt_history_add() (accepting does not add: the caller decides, e.g.
 * commands yes, filters no) and persists them as it likes.  The list is
 * capped at PROMPT_HISTORY_MAX with the oldest dropped.
 *
 * Keys arrive as ncurses get_wch() results: a character, or a KEY_* code
 * with is_key true.  A keymap.h key code k is passed as
 * (k & ~KEYMAP_FKEY_FLAG, (k & KEYMAP_FKEY_FLAG) != 0); keys carrying
 * KEYMAP_META insert nothing.  Enter ('\r', '\n', KEY_ENTER) accepts,
 * Escape and C-g cancel; the prompt does not close itself or run
 * anything: the caller reads prompt_text() and acts.  Drawing never
 * refreshes; it leaves the window's cursor on the insertion point.
 */
#ifndef CM_TUI_PROMPT_H
#define CM_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#define PROMPT_TEXT_MAX 1024		/* bytes of input, with the NUL */
#define PROMPT_HISTORY_MAX 500

/* What a key did (bits): the caller redraws on any, acts on the last two. */
#define PROMPT_NONE	0x0u
#define PROMPT_REDRAW	0x1u	/* cursor, candidates or text moved */
#define PROMPT_EDITED	0x2u	/* the text changed (live filters) */
#define PROMPT_ACCEPT	0x4u	/* Enter: read prompt_text() */
#define PROMPT_CANCEL	0x8u	/* Escape or C-g */

struct prompt;

/* New empty prompt drawn after label (e.g. ":" or "/", copied). */
struct prompt *prompt_new(const char *label);

/* Free the prompt; NULL is a no-op. */
void prompt_free(struct prompt *p);

/*
 * Start editing: set label (NULL keeps it) and text (NULL = empty),
 * cursor at the end, history browsing and completion reset.
 */
void prompt_open(struct prompt *p, const char *label, const char *text);

/* Replace the text (cut at PROMPT_TEXT_MAX on a character edge). */
void prompt_set_text(struct prompt *p, const char *text);

/* The text being edited, borrowed until the next prompt call. */
const char *prompt_text(const struct prompt *p);

/* Cursor position as a byte offset into prompt_text(). */
size_t prompt_cursor(const struct prompt *p);

/* Handle one key from get_wch(); is_key is true for KEY_* codes. */
unsigned prompt_key(struct prompt *p, wint_t ch, bool is_key);

/*
 * Set the completion candidates (copied): Tab completes the text before
 * the cursor against them by case-insensitive prefix, so a candidate may
 * hold several words ("ctx prod").
 */
void prompt_set_candidates(struct prompt *p, const char *const *cands,
    size_t n);

/* Whether the candidate line is showing (prompt_draw uses one more row). */
bool prompt_completing(const struct prompt *p);

/* Number of matches listed and the highlighted one (-1 = none). */
size_t prompt_matches(const struct prompt *p, long *current);

/* The i-th listed match, borrowed until the next prompt call. */
const char *prompt_match(const struct prompt *p, size_t i);

/* Replace the history with items, oldest first (copied). */
void prompt_history_load(struct prompt *p, const char *const *items,
    size_t n);

/*
 * Append line (copied) to the history; empty lines and a repeat of the
 * newest entry are not added.
 */
void prompt_history_add(struct prompt *p, const char *line);

/* Number of history entries. */
size_t prompt_history_count(const struct prompt *p);

/* History entry i (0 = oldest), borrowed until the history changes. */
const char *prompt_history_at(const struct prompt *p, size_t i);

/*
 * Draw label and input at row y, columns x..x+width-1 of win, scrolled so
 * the cursor shows; while completing, the candidates go on row y-1 (y+1
 * when y is 0).  Leaves win's cursor at the insertion point.  Never
 * refreshes.
 */
void prompt_draw(const struct prompt *p, WINDOW *win, int y, int x,
    int width);

#endif
