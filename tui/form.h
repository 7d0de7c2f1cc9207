/*
 * form.h - a form of typed fields: text, integer, number, yes/no and a
 * choice among fixed values, each with its constraints, validated as the
 * user types and drawn one field per two rows (the field, then its error
 * or its help under it).
 *
 * Keys: Up/Down (and Tab/BTab) move between fields; on a text or number
 * field the usual line editing works (Left/Right, Home/End, C-a/C-e,
 * Backspace, Delete, C-u, C-k); on a choice or yes/no field Left/Right
 * (and Space) cycle through the values and a typed letter picks the next
 * value starting with it.  Enter answers FORM_SUBMIT and Escape
 * FORM_CANCEL: the form never closes itself, the caller reads the
 * values and decides.  Every edit re-checks the field, so the error is
 * there as soon as the text is wrong and gone as soon as it is right.
 *
 * It knows nothing of where fields come from (a JSON schema, a config
 * file): the caller describes them with struct form_field and reads
 * back text values.  Drawing never refreshes.
 */
#ifndef CM_TUI_FORM_H
#define CM_TUI_FORM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#define FORM_VALUE_MAX 512	/* bytes of a value, with the NUL */
#define FORM_ERROR_MAX 160

/* What a key did (bits). */
#define FORM_NONE	0x0u
#define FORM_REDRAW	0x1u	/* focus or cursor moved */
#define FORM_EDITED	0x2u	/* a value changed */
#define FORM_SUBMIT	0x4u	/* Enter */
#define FORM_CANCEL	0x8u	/* Escape */

enum form_type {
	FORM_TEXT,
	FORM_INTEGER,
	FORM_NUMBER,
	FORM_BOOL,		/* "true" / "false" */
	FORM_CHOICE		/* one of choices[] */
};

/* One field as the caller describes it; form_new() copies everything. */
struct form_field {
	const char *name;		/* the caller's key for it */
	const char *label;		/* shown; NULL: the name */
	const char *help;		/* one line under it, or NULL */
	enum form_type type;
	bool required;			/* empty is an error */
	const char *const *choices;	/* FORM_CHOICE values */
	size_t nchoices;
	bool has_min, has_max;		/* numbers: bounds, inclusive */
	double min, max;
	long min_len, max_len;		/* text: < 0 for none */
	const char *pattern;		/* text: POSIX ERE, or NULL */
	const char *value;		/* initial text, or NULL for "" */
};

/* Where a field is drawn (window cells), for pointing at it. */
struct form_rect {
	int y, x, h, w;
};

struct form;

/* A form of n fields (copied); the first one has the focus. */
struct form *form_new(const struct form_field *fields, size_t n);

/* Free the form; NULL is a no-op. */
void form_free(struct form *f);

/* Number of fields. */
size_t form_count(const struct form *f);

/* The field description (borrowed for the form's life). */
const struct form_field *form_field(const struct form *f, size_t i);

/* Index of the field named name, or -1. */
long form_find(const struct form *f, const char *name);

/* Handle one key from get_wch(); is_key is true for KEY_* codes. */
unsigned form_key(struct form *f, wint_t ch, bool is_key);

/* The text of field i, borrowed until the next call that changes it. */
const char *form_value(const struct form *f, size_t i);

/* Replace the text of field i (cut to FORM_VALUE_MAX) and re-check it. */
void form_set_value(struct form *f, size_t i, const char *text);

/*
 * The error of field i ("" when it is fine): the form's own check, or
 * the one form_set_error() gave it until the field is edited.
 */
const char *form_error(const struct form *f, size_t i);

/* Show msg as field i's error until it is next edited (a server's
 * verdict on a value the form itself accepted). */
void form_set_error(struct form *f, size_t i, const char *msg);

/* Index of the first field with an error, or -1 when all are fine. */
long form_first_error(const struct form *f);

/* The focused field, and moving the focus (clamped). */
size_t form_focus(const struct form *f);
void form_set_focus(struct form *f, size_t i);

/*
 * Draw the form in win's rows y .. y+h-1, scrolled so the focused field
 * shows: a label column (required fields marked "*"), the value box,
 * a hint of the type and bounds, and under it the error (error role) or
 * the focused field's help.  Never refreshes.
 */
void form_draw(struct form *f, WINDOW *win, int y, int h);

/* Where field i was drawn by the last form_draw(); false if it was not. */
bool form_field_rect(const struct form *f, size_t i, struct form_rect *out);

#endif
