/*
 * form_impl.h - the form's insides, shared by form.c (fields, checks,
 * editing) and form_draw.c (drawing).  Not for users of the form:
 * form.h is its door.
 */
#ifndef CM_TUI_FORM_IMPL_H
#define CM_TUI_FORM_IMPL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/form.h"

#define FORM_BOX_MAX 40		/* columns of a value box at most */
#define FORM_LABEL_MAX 28	/* columns of the label column at most */

struct form_item {
	struct form_field spec;		/* strings owned */
	char **choices;			/* owned copies */
	char value[FORM_VALUE_MAX];
	size_t cur;			/* cursor, bytes */
	char error[FORM_ERROR_MAX];	/* the form's own check */
	char server[FORM_ERROR_MAX];	/* form_set_error(), until edited */
	regex_t re;
	bool has_re;
	struct form_rect rect;		/* where it was last drawn */
	bool drawn;
};

struct form {
	struct form_item *items;
	size_t n;
	size_t focus;
	size_t top;			/* first field shown */
};

/* A bound as text without a pointless ".000000". */
void form_num(double v, char *buf, size_t len);

#endif
