/*
 * table_impl.h - what the files of the table widget share and nobody
 * else may use: the layout of struct table_model, so that sorting,
 * filtering and drawing in table.c read cells in place, and the two
 * model helpers that table_set_model() needs.
 *
 * Other code includes tui/table.h only and goes through table_model_*.
 * A model's text is one buffer: per row the key, then each cell, all
 * NUL-terminated; cells and rows point into it by offset.
 */
#ifndef CM_TUI_TABLE_IMPL_H
#define CM_TUI_TABLE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/table.h"

struct table_cell {
	uint32_t off;			/* into the model's text */
	uint32_t len;			/* bytes, without the NUL */
	uint8_t role;			/* THEME_DEFAULT = the row's */
};

struct table_row {
	uint32_t key;			/* offset of the key in text */
	uint32_t hash;
	uint8_t role;
};

struct table_model {
	size_t ncols;
	size_t nrows;
	size_t cap;
	struct table_row *rows;
	struct table_cell *cells;	/* nrows * ncols */
	double *nums;			/* NULL until one is set; NAN = none */
	char *text;
	size_t tlen;
	size_t tcap;
	uint32_t *slots;		/* key hash: row + 1, 0 = empty */
	size_t nslots;			/* power of two, or 0 = not built */
	size_t maxrow;			/* longest row text in bytes */
};

/*
 * Build the key hash of m (open addressing, at most half full) unless it
 * is built; adding a row drops it again.
 */
void table_model_index(struct table_model *m);

/*
 * True when row a of ma and row b of mb show the same thing: the same
 * role, and cells of the same text and role.
 */
bool table_model_rows_equal(const struct table_model *ma, size_t a,
    const struct table_model *mb, size_t b);

#endif
