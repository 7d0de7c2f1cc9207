/*
 * dialog.h - the confirm dialog: a centred box with a title, a message
 * and either [Yes]/[No] buttons or a "type the name to confirm" field.
 *
 * Yes/No mode: Left/Right/Tab move between the buttons (No has the focus
 * at first, so a stray Enter is harmless), Enter presses the focused
 * one, y/n press Yes/No directly.  Name mode: the message is followed by
 * an input line; Enter accepts only when the typed text equals the
 * expected name exactly, otherwise the dialog says so and stays open.
 * Escape and C-g cancel in both modes.
 *
 * The dialog only answers; the caller runs the action.  Drawing never
 * refreshes and does not save what is under the box: the caller redraws
 * the screen below it each frame.
 */
#ifndef CM_TUI_DIALOG_H
#define CM_TUI_DIALOG_H

#include <stdbool.h>
#include <wchar.h>

#include <curses.h>

/* What a key did (bits). */
#define DIALOG_NONE	0x0u
#define DIALOG_REDRAW	0x1u
#define DIALOG_ACCEPT	0x2u	/* Yes, or the right name typed */
#define DIALOG_CANCEL	0x4u	/* No, Escape */

struct dialog;

/*
 * New Yes/No dialog (expect NULL) or name dialog (expect = the name the
 * user must type).  All strings are copied; message may hold newlines
 * and is word-wrapped to the box.
 */
struct dialog *dialog_new(const char *title, const char *message,
    const char *expect);

/* Free the dialog; NULL is a no-op. */
void dialog_free(struct dialog *d);

/* Handle one key from get_wch(); is_key is true for KEY_* codes. */
unsigned dialog_key(struct dialog *d, wint_t ch, bool is_key);

/* True in Yes/No mode when [Yes] has the focus. */
bool dialog_yes_focused(const struct dialog *d);

/* The text typed so far in name mode ("" in Yes/No mode), borrowed. */
const char *dialog_input(const struct dialog *d);

/*
 * Where dialog_draw() puts the box on a rows x cols window: *y, *x,
 * *h, *w; false when the window is too small for it (nothing drawn).
 */
bool dialog_rect(const struct dialog *d, int rows, int cols, int *y, int *x,
    int *h, int *w);

/*
 * Draw the box centred in win (nothing when win is too small for it).
 * In name mode the window's cursor is left on the input.  Never
 * refreshes.
 */
void dialog_draw(const struct dialog *d, WINDOW *win);

#endif
