/*
 * table.c - the virtualised table.  See table.h.
 *
 * The rows come from a model (table_model.c), read in place through
 * its layout in table_impl.h.  The table keeps three arrays of model
 * indices sized to the model: order (all rows, sorted), view (order
 * minus the filtered-out rows) and a scratch array for the merge sort.
 * A sort touches order then re-filters; a filter keystroke only
 * re-filters (O(rows) matches, no sort); drawing walks
 * view[top .. top+page) and allocates nothing.
 *
 * Change markers are a per-row timestamp carried over from the previous
 * model by key (a hash of keys is built once per model).  The selection
 * is remembered as the model row the user last chose, so it survives
 * sorting, filtering and a model swap (mapped by key), and comes back
 * when a filter that hid it is relaxed.
 *
 * Matching folds ASCII case only; a regex sees the row as its cells
 * joined by newlines and is compiled with REG_NEWLINE, so "^"/"$" anchor
 * at cell edges and no match spans two cells.
 */
#include "config.h"

#include "tui/table.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/table_impl.h"

#define TABLE_GUTTER 2			/* selection marker, change marker */
#define TABLE_NO_MARK INT64_MIN
#define TABLE_FADE_MS 5000
#define TABLE_TITLE_MAX 256		/* bytes of a header title + arrow */

struct table {
	struct table_column *cols;
	size_t ncols;
	int *title_w;
	table_cmp_fn *cmp;
	void **cmp_arg;

	struct table_model *m;
	size_t cap;			/* size of the per-row arrays */
	int64_t *mark;			/* per model row */
	uint32_t *order;
	uint32_t *view;
	uint32_t *tmp;
	double *keys;
	size_t nview;
	int *nat;			/* widest cell per column */

	/* Layout of the last draw. */
	size_t *lay_col;
	int *lay_w;
	size_t lay_n;
	bool lay_clipped;		/* columns cut at the right */
	int at_y, at_x, at_h, at_w;	/* screen cells of the last draw */
	bool drawn;

	int sort_col;
	bool desc;

	char *filter;			/* as given, "" = none */
	bool f_active;
	bool f_inverse;
	bool f_regex;
	regex_t re;
	char *needle;			/* lower-cased substring */
	size_t nlen;
	char *rowbuf;			/* a row joined by newlines */
	size_t rowcap;

	long sel_row;			/* the row the user chose, or -1 */
	size_t sel;			/* view position */
	size_t top;
	int page;
	int hscroll;
	bool wide;
	bool header;
	int64_t fade_ms;
	char *empty;
};

/* --- the table ------------------------------------------------------ */

struct table *
table_new(const struct table_column *cols, size_t ncols)
{
	struct table *t;
	size_t i;

	if (ncols == 0 || ncols > TABLE_COLS_MAX)
		fatal("table_new: %zu columns", ncols);
	t = xcalloc(1, sizeof(*t));
	t->ncols = ncols;
	t->cols = xreallocarray(NULL, ncols, sizeof(*t->cols));
	t->title_w = xcalloc(ncols, sizeof(*t->title_w));
	t->cmp = xcalloc(ncols, sizeof(*t->cmp));
	t->cmp_arg = xcalloc(ncols, sizeof(*t->cmp_arg));
	t->nat = xcalloc(ncols, sizeof(*t->nat));
	t->lay_col = xcalloc(ncols, sizeof(*t->lay_col));
	t->lay_w = xcalloc(ncols, sizeof(*t->lay_w));
	for (i = 0; i < ncols; i++) {
		t->cols[i] = cols[i];
		t->cols[i].title = xstrdup(cols[i].title != NULL ?
		    cols[i].title : "");
		t->title_w[i] = chrome_text_width(t->cols[i].title);
	}
	t->m = table_model_new(ncols, 1);
	table_model_index(t->m);
	t->sort_col = -1;
	t->filter = xstrdup("");
	t->sel_row = -1;
	t->page = 20;
	t->header = true;
	t->fade_ms = TABLE_FADE_MS;
	return t;
}

/* Forget the compiled filter. */
static void
table_filter_reset(struct table *t)
{
	if (t->f_active && t->f_regex)
		regfree(&t->re);
	free(t->needle);
	t->needle = NULL;
	t->nlen = 0;
	t->f_active = false;
	t->f_regex = false;
	t->f_inverse = false;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	table_filter_reset(t);
	for (i = 0; i < t->ncols; i++)
		free((char *)t->cols[i].title);
	free(t->cols);
	free(t->title_w);
	free(t->cmp);
	free(t->cmp_arg);
	free(t->nat);
	free(t->lay_col);
	free(t->lay_w);
	table_model_free(t->m);
	free(t->mark);
	free(t->order);
	free(t->view);
	free(t->tmp);
	free(t->keys);
	free(t->filter);
	free(t->rowbuf);
	free(t->empty);
	free(t);
}

/* Natural order: digit runs compare as numbers, letters fold ASCII case. */
static int
table_natcmp(const char *a, const char *b)
{
	size_t la, lb;
	int c;
	unsigned char ca, cb;

	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(a, b, la);
			if (c != 0)
				return c < 0 ? -1 : 1;
			a += la;
			b += lb;
			continue;
		}
		ca = (unsigned char)tolower((unsigned char)*a);
		cb = (unsigned char)tolower((unsigned char)*b);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}

/* Order of model rows a and b under the current sort, never 0 for a != b. */
static int
table_cmp(const struct table *t, uint32_t a, uint32_t b)
{
	const struct table_model *m = t->m;
	size_t col = (size_t)t->sort_col;
	double ka, kb;
	int c;

	if (t->cmp[col] != NULL) {
		c = t->cmp[col](m, a, b, col, t->cmp_arg[col]);
	} else if (t->keys != NULL && (!isnan(t->keys[a]) ||
	    !isnan(t->keys[b]))) {
		ka = t->keys[a];
		kb = t->keys[b];
		if (isnan(ka))
			c = 1;		/* numbers first, text after */
		else if (isnan(kb))
			c = -1;
		else
			c = ka < kb ? -1 : ka > kb;
	} else {
		c = table_natcmp(m->text + m->cells[a * m->ncols + col].off,
		    m->text + m->cells[b * m->ncols + col].off);
	}
	if (t->desc)
		c = c < 0 ? 1 : c > 0 ? -1 : 0;
	if (c == 0)
		c = a < b ? -1 : a > b;
	return c;
}

/* Stable bottom-up merge sort of n indices with t->tmp as scratch. */
static void
table_msort(struct table *t, size_t n)
{
	uint32_t *src = t->order, *dst = t->tmp, *swap;
	size_t width, lo, mid, hi, i, j, k;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			i = lo;
			j = mid;
			k = lo;
			while (i < mid && j < hi)
				dst[k++] = table_cmp(t, src[i], src[j]) <= 0 ?
				    src[i++] : src[j++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != t->order)
		memcpy(t->order, src, n * sizeof(*src));
}

/* Numeric sort keys for the sort column, or none (t->keys NULL). */
static void
table_sort_keys(struct table *t)
{
	const struct table_model *m = t->m;
	size_t col = (size_t)t->sort_col, r;
	const char *s;
	char *end;
	double v;
	bool numeric = (t->cols[col].flags & TABLE_COL_NUMERIC) != 0;

	free(t->keys);
	t->keys = NULL;
	if (t->cmp[col] != NULL || (!numeric && m->nums == NULL))
		return;
	t->keys = xreallocarray(NULL, m->nrows > 0 ? m->nrows : 1,
	    sizeof(*t->keys));
	for (r = 0; r < m->nrows; r++) {
		v = m->nums != NULL ? m->nums[r * m->ncols + col] : NAN;
		if (isnan(v) && numeric) {
			s = m->text + m->cells[r * m->ncols + col].off;
			v = strtod(s, &end);
			if (end == s)
				v = NAN;
		}
		t->keys[r] = v;
	}
}

/* Recompute order from the model and the sort. */
static void
table_sort_rows(struct table *t)
{
	size_t n = t->m->nrows, i;

	for (i = 0; i < n; i++)
		t->order[i] = (uint32_t)i;
	if (t->sort_col < 0 || n < 2)
		return;
	table_sort_keys(t);
	table_msort(t, n);
	free(t->keys);
	t->keys = NULL;
}

/* ASCII case-insensitive search of the lower-cased needle in h[0..len). */
static bool
table_contains(const char *h, size_t len, const char *needle, size_t nlen)
{
	size_t i, j;

	if (nlen > len)
		return false;
	for (i = 0; i + nlen <= len; i++) {
		for (j = 0; j < nlen; j++)
			if (tolower((unsigned char)h[i + j]) !=
			    (unsigned char)needle[j])
				break;
		if (j == nlen)
			return true;
	}
	return false;
}

/* Whether model row r passes the filter. */
static bool
table_match(struct table *t, uint32_t r)
{
	const struct table_model *m = t->m;
	const struct table_cell *first = &m->cells[(size_t)r * m->ncols];
	const struct table_cell *last = first + m->ncols - 1;
	size_t start = first->off, len = last->off + last->len - start, i;
	bool ok;

	if (!t->f_active)
		return true;
	if (t->f_regex) {
		memcpy(t->rowbuf, m->text + start, len);
		for (i = 0; i < len; i++)
			if (t->rowbuf[i] == '\0')
				t->rowbuf[i] = '\n';
		t->rowbuf[len] = '\0';
		ok = regexec(&t->re, t->rowbuf, 0, NULL, 0) == 0;
	} else {
		/* The NULs between cells never match a needle byte. */
		ok = table_contains(m->text + start, len, t->needle, t->nlen);
	}
	return ok != t->f_inverse;
}

/* Keep the selection visible and the view filled to the bottom. */
static void
table_scroll_fix(struct table *t)
{
	size_t page = t->page > 0 ? (size_t)t->page : 1, max_top;

	if (t->nview == 0) {
		t->sel = 0;
		t->top = 0;
		return;
	}
	if (t->sel >= t->nview)
		t->sel = t->nview - 1;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + page)
		t->top = t->sel - page + 1;
	max_top = t->nview > page ? t->nview - page : 0;
	if (t->top > max_top)
		t->top = max_top;
}

/* Recompute the view from order and the filter; place the selection. */
static void
table_refilter(struct table *t)
{
	size_t i;

	t->nview = 0;
	for (i = 0; i < t->m->nrows; i++)
		if (table_match(t, t->order[i]))
			t->view[t->nview++] = t->order[i];
	if (t->sel_row >= 0) {
		for (i = 0; i < t->nview; i++) {
			if (t->view[i] == (uint32_t)t->sel_row) {
				t->sel = i;
				break;
			}
		}
	}
	table_scroll_fix(t);
}

/* Snapshot of what the user sees, to report what an operation changed. */
struct table_before {
	long row;
	size_t sel;
	size_t top;
};

static void
table_before(const struct table *t, struct table_before *b)
{
	b->row = table_selected_row(t);
	b->sel = t->sel;
	b->top = t->top;
}

static unsigned
table_changes(const struct table *t, const struct table_before *b)
{
	unsigned bits = TABLE_CHANGED_NONE;

	if (table_selected_row(t) != b->row || t->sel != b->sel)
		bits |= TABLE_CHANGED_SELECTION;
	if (t->top != b->top)
		bits |= TABLE_CHANGED_SCROLL;
	return bits;
}

/* Widest cell of each column of the model. */
static void
table_measure(struct table *t)
{
	const struct table_model *m = t->m;
	size_t r, c;
	int w;

	for (c = 0; c < t->ncols; c++)
		t->nat[c] = 0;
	for (r = 0; r < m->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const struct table_cell *cell =
			    &m->cells[r * m->ncols + c];

			chrome_text_fit(m->text + cell->off, cell->len,
			    INT32_MAX, &w);
			if (w > t->nat[c])
				t->nat[c] = w;
		}
	}
}

unsigned
table_set_model(struct table *t, struct table_model *m, int64_t now_ms)
{
	struct table_model *old = t->m;
	const char *old_key;
	int64_t *mark;
	size_t r, n, old_top = t->top;
	long o;
	bool marking;
	unsigned bits = TABLE_CHANGED_ROWS;

	if (m->ncols != t->ncols)
		fatal("table_set_model: %zu cells per row, table has %zu",
		    m->ncols, t->ncols);
	old_key = table_selected_key(t);
	table_model_index(m);
	n = m->nrows;
	/* Nothing is new when there was nothing before (the first load). */
	marking = old->nrows > 0 && t->fade_ms > 0;
	mark = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*mark));
	for (r = 0; r < n; r++) {
		o = table_model_find(old, m->text + m->rows[r].key);
		if (o < 0 || !table_model_rows_equal(old, (size_t)o, m, r))
			mark[r] = marking ? now_ms : TABLE_NO_MARK;
		else
			mark[r] = t->mark != NULL ? t->mark[o] : TABLE_NO_MARK;
	}
	if (t->sel_row >= 0)
		t->sel_row = table_model_find(m,
		    old->text + old->rows[t->sel_row].key);
	free(t->mark);
	t->mark = mark;
	t->m = m;
	if (n > t->cap || t->order == NULL) {
		t->cap = n > 0 ? n : 1;
		free(t->order);
		free(t->view);
		free(t->tmp);
		t->order = xreallocarray(NULL, t->cap, sizeof(*t->order));
		t->view = xreallocarray(NULL, t->cap, sizeof(*t->view));
		t->tmp = xreallocarray(NULL, t->cap, sizeof(*t->tmp));
	}
	if (m->maxrow + 1 > t->rowcap) {
		t->rowcap = m->maxrow + 1;
		t->rowbuf = xrealloc(t->rowbuf, t->rowcap);
	}
	table_measure(t);
	table_sort_rows(t);
	table_refilter(t);
	if (t->sel_row < 0 && t->nview > 0)
		t->sel_row = (long)t->view[t->sel];
	/* Compare keys before the old model (and old_key) goes. */
	if ((old_key == NULL) != (table_selected_key(t) == NULL) ||
	    (old_key != NULL && strcmp(old_key, table_selected_key(t)) != 0))
		bits |= TABLE_CHANGED_SELECTION;
	if (t->top != old_top)
		bits |= TABLE_CHANGED_SCROLL;
	table_model_free(old);
	return bits;
}

const struct table_model *
table_get_model(const struct table *t)
{
	return t->m;
}

void
table_set_fade_ms(struct table *t, int64_t fade_ms)
{
	t->fade_ms = fade_ms > 0 ? fade_ms : 0;
}

bool
table_row_marked(const struct table *t, size_t row, int64_t now_ms)
{
	int64_t at;

	if (row >= t->m->nrows || t->mark == NULL || t->fade_ms <= 0)
		return false;
	at = t->mark[row];
	return at != TABLE_NO_MARK && now_ms - at < t->fade_ms;
}

int64_t
table_next_fade(const struct table *t, int64_t now_ms)
{
	int64_t best = -1, end;
	size_t r;

	if (t->mark == NULL || t->fade_ms <= 0)
		return -1;
	for (r = 0; r < t->m->nrows; r++) {
		if (t->mark[r] == TABLE_NO_MARK)
			continue;
		end = t->mark[r] + t->fade_ms;
		if (end > now_ms && (best < 0 || end < best))
			best = end;
	}
	return best;
}

void
table_set_empty_text(struct table *t, const char *text)
{
	free(t->empty);
	t->empty = text != NULL ? xstrdup(text) : NULL;
}

unsigned
table_set_wide(struct table *t, bool wide)
{
	if (t->wide == wide)
		return TABLE_CHANGED_NONE;
	t->wide = wide;
	t->hscroll = 0;
	return TABLE_CHANGED_ROWS;
}

bool
table_wide(const struct table *t)
{
	return t->wide;
}

void
table_set_header(struct table *t, bool show)
{
	t->header = show;
}

/* --- selection and scrolling ---------------------------------------- */

unsigned
table_navigate(struct table *t, enum table_nav nav)
{
	struct table_before b;
	size_t page = t->page > 0 ? (size_t)t->page : 1;
	int hs = t->hscroll;

	table_before(t, &b);
	switch (nav) {
	case TABLE_NAV_UP:
		if (t->sel > 0)
			t->sel--;
		break;
	case TABLE_NAV_DOWN:
		if (t->sel + 1 < t->nview)
			t->sel++;
		break;
	case TABLE_NAV_HALF_UP:
		page = page > 1 ? page / 2 : 1;
		/* FALLTHROUGH */
	case TABLE_NAV_PAGE_UP:
		t->sel = t->sel > page ? t->sel - page : 0;
		t->top = t->top > page ? t->top - page : 0;
		break;
	case TABLE_NAV_HALF_DOWN:
		page = page > 1 ? page / 2 : 1;
		/* FALLTHROUGH */
	case TABLE_NAV_PAGE_DOWN:
		if (t->nview > 0) {
			t->sel = t->sel + page < t->nview ? t->sel + page :
			    t->nview - 1;
			t->top += page;
		}
		break;
	case TABLE_NAV_TOP:
		t->sel = 0;
		break;
	case TABLE_NAV_BOTTOM:
		t->sel = t->nview > 0 ? t->nview - 1 : 0;
		break;
	case TABLE_NAV_LEFT:
		if (t->hscroll > 0)
			t->hscroll--;
		break;
	case TABLE_NAV_RIGHT:
		if (t->lay_clipped)
			t->hscroll++;
		break;
	}
	table_scroll_fix(t);
	if (t->nview > 0)
		t->sel_row = (long)t->view[t->sel];
	return table_changes(t, &b) |
	    (hs != t->hscroll ? TABLE_CHANGED_ROWS : 0);
}

unsigned
table_select_key(struct table *t, const char *key)
{
	long r = table_model_find(t->m, key);
	size_t i;

	if (r < 0)
		return TABLE_CHANGED_NONE;
	for (i = 0; i < t->nview; i++)
		if (t->view[i] == (uint32_t)r)
			return table_select_pos(t, i);
	return TABLE_CHANGED_NONE;
}

unsigned
table_select_pos(struct table *t, size_t pos)
{
	struct table_before b;

	if (t->nview == 0)
		return TABLE_CHANGED_NONE;
	table_before(t, &b);
	t->sel = pos < t->nview ? pos : t->nview - 1;
	t->sel_row = (long)t->view[t->sel];
	table_scroll_fix(t);
	return table_changes(t, &b);
}

const char *
table_selected_key(const struct table *t)
{
	long r = table_selected_row(t);

	return r >= 0 ? table_model_key(t->m, (size_t)r) : NULL;
}

long
table_selected_row(const struct table *t)
{
	if (t->nview == 0)
		return -1;
	return (long)t->view[t->sel < t->nview ? t->sel : t->nview - 1];
}

long
table_selected_pos(const struct table *t)
{
	return t->nview > 0 ? (long)t->sel : -1;
}

size_t
table_count(const struct table *t)
{
	return t->nview;
}

size_t
table_total(const struct table *t)
{
	return t->m->nrows;
}

long
table_view_row(const struct table *t, size_t pos)
{
	return pos < t->nview ? (long)t->view[pos] : -1;
}

/* --- sort ----------------------------------------------------------- */

unsigned
table_sort(struct table *t, int col, bool descending)
{
	struct table_before b;

	if (col < -1 || col >= (int)t->ncols)
		return TABLE_CHANGED_NONE;
	if (col == -1)
		descending = false;
	if (col == t->sort_col && descending == t->desc)
		return TABLE_CHANGED_NONE;
	table_before(t, &b);
	t->sort_col = col;
	t->desc = descending;
	table_sort_rows(t);
	table_refilter(t);
	return TABLE_CHANGED_ROWS | table_changes(t, &b);
}

unsigned
table_sort_next(struct table *t)
{
	int c;

	for (c = t->sort_col + 1; c < (int)t->ncols; c++) {
		if (t->cols[c].flags & TABLE_COL_NOSORT)
			continue;
		if ((t->cols[c].flags & TABLE_COL_WIDE) && !t->wide)
			continue;
		return table_sort(t, c, false);
	}
	return table_sort(t, -1, false);
}

unsigned
table_sort_reverse(struct table *t)
{
	if (t->sort_col < 0)
		return table_sort(t, 0, true);
	return table_sort(t, t->sort_col, !t->desc);
}

int
table_sort_column(const struct table *t, bool *descending)
{
	if (descending != NULL)
		*descending = t->desc;
	return t->sort_col;
}

void
table_set_compare(struct table *t, size_t col, table_cmp_fn fn, void *arg)
{
	if (col >= t->ncols)
		return;
	t->cmp[col] = fn;
	t->cmp_arg[col] = arg;
	if (t->sort_col == (int)col) {
		table_sort_rows(t);
		table_refilter(t);
	}
}

/* --- filter --------------------------------------------------------- */

enum cm_status
table_set_filter(struct table *t, const char *expr, unsigned *changed,
    struct cm_err *err)
{
	struct table_before b;
	const char *body;
	char *pat = NULL, msg[CM_ERR_MSG_MAX - 16];
	size_t len, i;
	bool inverse = false, regex = false;
	regex_t re;
	int rc;

	if (changed != NULL)
		*changed = TABLE_CHANGED_NONE;
	if (expr == NULL)
		expr = "";
	if (strcmp(expr, t->filter) == 0)
		return CM_OK;
	body = expr;
	if (body[0] == '!') {
		inverse = true;
		body++;
	}
	if (body[0] == '/') {
		regex = true;
		body++;
	} else if (body[0] == '\\' && (body[1] == '!' || body[1] == '/')) {
		body++;
	}
	len = strlen(body);
	if (regex && len > 0 && body[len - 1] == '/' &&
	    (len < 2 || body[len - 2] != '\\'))
		len--;
	if (regex && len > 0) {
		pat = xstrndup(body, len);
		rc = regcomp(&re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB |
		    REG_NEWLINE);
		free(pat);
		if (rc != 0) {
			regerror(rc, &re, msg, sizeof(msg));
			return cm_err_set(err, CM_VALIDATION, "filter",
			    "bad regex: %s", msg);
		}
	}
	table_before(t, &b);
	table_filter_reset(t);
	free(t->filter);
	t->filter = xstrdup(expr);
	/* "", "!", "/" and "!/" filter nothing: the user is still typing. */
	if (len > 0) {
		t->f_active = true;
		t->f_inverse = inverse;
		t->f_regex = regex;
		if (regex) {
			t->re = re;
		} else {
			t->needle = xstrndup(body, len);
			for (i = 0; i < len; i++)
				t->needle[i] = (char)tolower(
				    (unsigned char)t->needle[i]);
			t->nlen = len;
		}
	}
	table_refilter(t);
	if (changed != NULL)
		*changed = TABLE_CHANGED_ROWS | table_changes(t, &b);
	return CM_OK;
}

const char *
table_filter(const struct table *t)
{
	return t->filter;
}

/* --- drawing -------------------------------------------------------- */

int
table_page_rows(const struct table *t, int h)
{
	h -= t->header ? 1 : 0;
	return h > 0 ? h : 0;
}

/* Width column c wants: its widest cell or title, within its bounds. */
static int
table_col_want(const struct table *t, size_t c, int *minw)
{
	const struct table_column *col = &t->cols[c];
	int want, lo;

	lo = col->min_width > 0 ? col->min_width : t->title_w[c];
	if (col->max_width > 0 && lo > col->max_width)
		lo = col->max_width;
	if (lo < 1)
		lo = 1;
	want = t->nat[c] > t->title_w[c] ? t->nat[c] : t->title_w[c];
	if (t->sort_col == (int)c && want < t->title_w[c] + 1)
		want = t->title_w[c] + 1;
	if (col->max_width > 0 && want > col->max_width)
		want = col->max_width;
	if (want < lo)
		want = lo;
	*minw = lo;
	return want;
}

/*
 * Choose the columns and widths for width cells: natural widths, shrunk
 * widest-first down to the minimums, then columns dropped from the right
 * (the last one cut) when even that is too wide; spare room goes to the
 * flex columns.  O(columns) and no allocation.
 */
static void
table_layout(struct table *t, int width)
{
	int minw[TABLE_COLS_MAX], avail = width - TABLE_GUTTER, sum = 0;
	int extra, flex, best, give, room;
	size_t c, i, skipped = 0, n = 0;

	t->lay_clipped = false;
	for (c = 0; c < t->ncols && n < TABLE_COLS_MAX; c++) {
		if ((t->cols[c].flags & TABLE_COL_WIDE) && !t->wide)
			continue;
		if (n > 0 && skipped < (size_t)t->hscroll) {
			skipped++;
			continue;
		}
		t->lay_col[n] = c;
		t->lay_w[n] = table_col_want(t, c, &minw[n]);
		sum += t->lay_w[n] + (n > 0);
		n++;
	}
	if (skipped < (size_t)t->hscroll)
		t->hscroll = (int)skipped;
	/* Shrink the widest column above its minimum, one cell at a time. */
	while (sum > avail) {
		best = -1;
		for (i = 0; i < n; i++)
			if (t->lay_w[i] > minw[i] && (best < 0 ||
			    t->lay_w[i] > t->lay_w[best]))
				best = (int)i;
		if (best < 0)
			break;
		t->lay_w[best]--;
		sum--;
	}
	/* Drop columns from the right; keep a cut one if 4+ cells remain. */
	while (n > 1 && sum > avail) {
		n--;
		sum -= t->lay_w[n] + 1;
		t->lay_clipped = true;
		room = avail - sum - 1;
		if (room >= 4) {
			t->lay_w[n] = room;
			sum = avail;
			n++;
			break;
		}
	}
	if (n == 1 && sum > avail) {
		t->lay_w[0] = avail > 0 ? avail : 0;
		sum = t->lay_w[0];
	}
	t->lay_n = n;
	/* Spare room to flex columns in proportion, within their maximum. */
	extra = avail - sum;
	while (extra > 0) {
		flex = 0;
		for (i = 0; i < n; i++) {
			const struct table_column *col =
			    &t->cols[t->lay_col[i]];

			if (col->flex > 0 && (col->max_width <= 0 ||
			    t->lay_w[i] < col->max_width))
				flex += col->flex;
		}
		if (flex == 0)
			break;
		give = extra;
		for (i = 0; i < n && give > 0; i++) {
			const struct table_column *col =
			    &t->cols[t->lay_col[i]];
			int add;

			if (col->flex <= 0 || (col->max_width > 0 &&
			    t->lay_w[i] >= col->max_width))
				continue;
			add = extra * col->flex / flex;
			if (add < 1)
				add = 1;
			if (add > give)
				add = give;
			if (col->max_width > 0 &&
			    t->lay_w[i] + add > col->max_width)
				add = col->max_width - t->lay_w[i];
			t->lay_w[i] += add;
			give -= add;
		}
		if (give == extra)
			break;
		extra = give;
	}
}

/* chrome alignment of a column. */
static enum chrome_align
table_align(const struct table_column *col)
{
	if (col->align == TABLE_ALIGN_RIGHT)
		return CHROME_RIGHT;
	if (col->align == TABLE_ALIGN_CENTER)
		return CHROME_CENTER;
	return CHROME_LEFT;
}

static void
table_draw_header(struct table *t, WINDOW *win, int width)
{
	char title[TABLE_TITLE_MAX];
	const struct table_column *col;
	enum theme_role role;
	size_t i;
	int x = TABLE_GUTTER;

	chrome_put(win, 0, 0, width, "", 0, THEME_TABLE_HEADER, CHROME_LEFT);
	for (i = 0; i < t->lay_n; i++) {
		col = &t->cols[t->lay_col[i]];
		role = THEME_TABLE_HEADER;
		if (t->sort_col == (int)t->lay_col[i]) {
			role = THEME_TABLE_HEADER_SORTED;
			snprintf(title, sizeof(title), "%s%s", col->title,
			    glyphs_get(t->desc ? GLYPH_SORT_DOWN :
			    GLYPH_SORT_UP));
		} else {
			snprintf(title, sizeof(title), "%s", col->title);
		}
		chrome_put(win, 0, x, t->lay_w[i], title, (size_t)-1, role,
		    table_align(col));
		x += t->lay_w[i] + 1;
	}
}

static void
table_draw_row(struct table *t, WINDOW *win, int y, int width, size_t pos,
    int64_t now_ms)
{
	const struct table_model *m = t->m;
	uint32_t r = t->view[pos];
	const struct table_cell *cell;
	enum theme_role base, role;
	bool selected = pos == t->sel, marked;
	size_t i;
	int x = TABLE_GUTTER;

	marked = table_row_marked(t, r, now_ms);
	base = m->rows[r].role != THEME_DEFAULT ?
	    (enum theme_role)m->rows[r].role : THEME_ROW;
	if (selected)
		base = THEME_ROW_SELECTED;
	chrome_put(win, y, 0, width, "", 0, base, CHROME_LEFT);
	if (selected)
		chrome_put(win, y, 0, 1, glyphs_get(GLYPH_SELECT), (size_t)-1,
		    base, CHROME_LEFT);
	if (marked)
		chrome_put(win, y, 1, 1, glyphs_get(GLYPH_CHANGE), (size_t)-1,
		    selected ? base : THEME_ROW_CHANGED, CHROME_LEFT);
	for (i = 0; i < t->lay_n; i++) {
		cell = &m->cells[(size_t)r * m->ncols + t->lay_col[i]];
		role = base;
		if (!selected) {
			if (cell->role != THEME_DEFAULT)
				role = (enum theme_role)cell->role;
			else if (marked)
				role = THEME_ROW_CHANGED;
		}
		chrome_put(win, y, x, t->lay_w[i], m->text + cell->off,
		    cell->len, role, table_align(&t->cols[t->lay_col[i]]));
		x += t->lay_w[i] + 1;
	}
}

void
table_draw(struct table *t, WINDOW *win, int64_t now_ms)
{
	int h, w, y0, i;
	size_t pos;

	getmaxyx(win, h, w);
	if (h <= 0 || w <= 0)
		return;
	getbegyx(win, t->at_y, t->at_x);
	t->at_h = h;
	t->at_w = w;
	t->drawn = true;
	t->page = table_page_rows(t, h);
	table_scroll_fix(t);
	table_layout(t, w);
	y0 = 0;
	if (t->header) {
		table_draw_header(t, win, w);
		y0 = 1;
	}
	for (i = 0; i < t->page; i++) {
		pos = t->top + (size_t)i;
		if (pos < t->nview)
			table_draw_row(t, win, y0 + i, w, pos, now_ms);
		else
			chrome_put(win, y0 + i, 0, w, "", 0, THEME_ROW,
			    CHROME_LEFT);
	}
	if (t->nview == 0 && t->empty != NULL && t->page > 0)
		chrome_put(win, y0, 0, w, t->empty, (size_t)-1, THEME_ROW_DIM,
		    CHROME_CENTER);
}

bool
table_locate(const struct table *t, enum table_part part, const char *title,
    int *y, int *x, int *h, int *w)
{
	size_t i;
	int cx = TABLE_GUTTER;

	if (!t->drawn)
		return false;
	*y = t->at_y;
	*x = t->at_x;
	*h = t->at_h;
	*w = t->at_w;
	switch (part) {
	case TABLE_PART_ALL:
		return true;
	case TABLE_PART_HEADER:
		*h = 1;
		return t->header;
	case TABLE_PART_SELECTED:
		if (t->nview == 0 || t->sel < t->top ||
		    t->sel >= t->top + (size_t)t->page)
			return false;
		*y += (t->header ? 1 : 0) + (int)(t->sel - t->top);
		*h = 1;
		return true;
	case TABLE_PART_COLUMN:
		for (i = 0; i < t->lay_n; i++) {
			if (title != NULL && strcasecmp(
			    t->cols[t->lay_col[i]].title, title) == 0) {
				*x += cx;
				*w = t->lay_w[i];
				return *w > 0;
			}
			cx += t->lay_w[i] + 1;
		}
		return false;
	}
	return false;
}
