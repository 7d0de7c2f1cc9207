/*
 * table_model.c - the rows a table shows.  See table.h; the layout is in
 * table_impl.h.
 *
 * A model keeps all its text in one growing buffer: per row the key,
 * then each cell NUL-terminated, so a row's cells are one contiguous
 * byte range and 10,000 rows cost a handful of allocations, not 60,000.
 * Text is cleaned as it is added (control characters become spaces,
 * invalid UTF-8 '?'), so drawing never sends the terminal anything but
 * printable text.  Rows are found by key through a hash built once the
 * model is complete (table_model_index); until then a lookup scans.
 *
 * It does not sort, filter, select or draw: that is the table's
 * (table.c), which reads the model in place.
 */
#include "config.h"

#include "tui/table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/table_impl.h"

struct table_model *
table_model_new(size_t ncols, size_t rows_hint)
{
	struct table_model *m;

	if (ncols == 0)
		fatal("table_model_new: no columns");
	m = xcalloc(1, sizeof(*m));
	m->ncols = ncols;
	m->cap = rows_hint > 0 ? rows_hint : 16;
	m->rows = xreallocarray(NULL, m->cap, sizeof(*m->rows));
	m->cells = xreallocarray(NULL, m->cap * ncols, sizeof(*m->cells));
	m->tcap = m->cap * (ncols + 1) * 16;
	m->text = xmalloc(m->tcap);
	return m;
}

void
table_model_free(struct table_model *m)
{
	if (m == NULL)
		return;
	free(m->rows);
	free(m->cells);
	free(m->nums);
	free(m->text);
	free(m->slots);
	free(m);
}

/* FNV-1a of a NUL-terminated key. */
static uint32_t
table_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* Make room for n more bytes of text. */
static void
table_model_reserve(struct table_model *m, size_t n)
{
	if (m->tlen + n <= m->tcap)
		return;
	if (m->tlen + n > UINT32_MAX)
		fatal("table model text over 4 GiB");
	while (m->tlen + n > m->tcap)
		m->tcap *= 2;
	if (m->tcap > UINT32_MAX)
		m->tcap = UINT32_MAX;
	m->text = xrealloc(m->text, m->tcap);
}

/*
 * Append s to the text, NUL-terminated, with control characters turned
 * into spaces and invalid UTF-8 into '?', so drawing never sends the
 * terminal anything but printable text.  Returns its offset.
 */
static uint32_t
table_model_append(struct table_model *m, const char *s, uint32_t *lenp)
{
	size_t len = s != NULL ? strlen(s) : 0, i, n, k;
	uint32_t off, cp;
	char *d;

	table_model_reserve(m, len + 1);
	off = (uint32_t)m->tlen;
	d = m->text + m->tlen;
	for (i = 0; i < len; i += n) {
		n = chrome_utf8_decode(s + i, len - i, &cp);
		if (cp == 0xfffd && n == 1 && (unsigned char)s[i] >= 0x80) {
			*d++ = '?';
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			*d++ = ' ';
		} else {
			for (k = 0; k < n; k++)
				*d++ = s[i + k];
		}
	}
	*d++ = '\0';
	m->tlen = (size_t)(d - m->text);
	if (lenp != NULL)
		*lenp = (uint32_t)(m->tlen - off - 1);
	return off;
}

size_t
table_model_add_row(struct table_model *m, const char *key,
    enum theme_role role, const char *const *cells)
{
	struct table_row *row;
	struct table_cell *c;
	size_t r = m->nrows, i, start;

	if (m->nrows == m->cap) {
		m->cap *= 2;
		m->rows = xreallocarray(m->rows, m->cap, sizeof(*m->rows));
		m->cells = xreallocarray(m->cells, m->cap * m->ncols,
		    sizeof(*m->cells));
		if (m->nums != NULL) {
			m->nums = xreallocarray(m->nums, m->cap * m->ncols,
			    sizeof(*m->nums));
			for (i = r * m->ncols; i < m->cap * m->ncols; i++)
				m->nums[i] = NAN;
		}
	}
	row = &m->rows[r];
	row->key = table_model_append(m, key != NULL ? key : "", NULL);
	row->hash = table_hash(m->text + row->key);
	row->role = (uint8_t)role;
	start = m->tlen;
	for (i = 0; i < m->ncols; i++) {
		c = &m->cells[r * m->ncols + i];
		c->off = table_model_append(m, cells != NULL ? cells[i] : NULL,
		    &c->len);
		c->role = THEME_DEFAULT;
	}
	if (m->tlen - start > m->maxrow)
		m->maxrow = m->tlen - start;
	m->nrows++;
	/* A hash built for lookups is stale now. */
	free(m->slots);
	m->slots = NULL;
	m->nslots = 0;
	return r;
}

void
table_model_set_cell_role(struct table_model *m, size_t row, size_t col,
    enum theme_role role)
{
	if (row < m->nrows && col < m->ncols)
		m->cells[row * m->ncols + col].role = (uint8_t)role;
}

void
table_model_set_cell_num(struct table_model *m, size_t row, size_t col,
    double value)
{
	size_t i;

	if (row >= m->nrows || col >= m->ncols)
		return;
	if (m->nums == NULL) {
		m->nums = xreallocarray(NULL, m->cap * m->ncols,
		    sizeof(*m->nums));
		for (i = 0; i < m->cap * m->ncols; i++)
			m->nums[i] = NAN;
	}
	m->nums[row * m->ncols + col] = value;
}

size_t
table_model_rows(const struct table_model *m)
{
	return m != NULL ? m->nrows : 0;
}

size_t
table_model_cols(const struct table_model *m)
{
	return m != NULL ? m->ncols : 0;
}

const char *
table_model_cell(const struct table_model *m, size_t row, size_t col)
{
	if (m == NULL || row >= m->nrows || col >= m->ncols)
		return NULL;
	return m->text + m->cells[row * m->ncols + col].off;
}

const char *
table_model_key(const struct table_model *m, size_t row)
{
	if (m == NULL || row >= m->nrows)
		return NULL;
	return m->text + m->rows[row].key;
}

void
table_model_index(struct table_model *m)
{
	size_t r, i, mask;

	if (m->nslots != 0)
		return;
	m->nslots = 16;
	while (m->nslots < m->nrows * 2)
		m->nslots *= 2;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	mask = m->nslots - 1;
	for (r = 0; r < m->nrows; r++) {
		i = m->rows[r].hash & mask;
		while (m->slots[i] != 0)
			i = (i + 1) & mask;
		m->slots[i] = (uint32_t)(r + 1);
	}
}

long
table_model_find(const struct table_model *m, const char *key)
{
	uint32_t h;
	size_t i, r, mask;

	if (m == NULL || key == NULL)
		return -1;
	h = table_hash(key);
	if (m->nslots == 0) {
		/* Not indexed yet (still being built): a plain scan. */
		for (r = 0; r < m->nrows; r++)
			if (m->rows[r].hash == h &&
			    strcmp(m->text + m->rows[r].key, key) == 0)
				return (long)r;
		return -1;
	}
	mask = m->nslots - 1;
	for (i = h & mask; m->slots[i] != 0; i = (i + 1) & mask) {
		r = m->slots[i] - 1;
		if (m->rows[r].hash == h &&
		    strcmp(m->text + m->rows[r].key, key) == 0)
			return (long)r;
	}
	return -1;
}

bool
table_model_rows_equal(const struct table_model *ma, size_t a,
    const struct table_model *mb, size_t b)
{
	const struct table_cell *ca, *cb;
	size_t i;

	if (ma->ncols != mb->ncols || ma->rows[a].role != mb->rows[b].role)
		return false;
	ca = &ma->cells[a * ma->ncols];
	cb = &mb->cells[b * mb->ncols];
	for (i = 0; i < ma->ncols; i++) {
		if (ca[i].len != cb[i].len || ca[i].role != cb[i].role ||
		    memcmp(ma->text + ca[i].off, mb->text + cb[i].off,
		    ca[i].len) != 0)
			return false;
	}
	return true;
}
