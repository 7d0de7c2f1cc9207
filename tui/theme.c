/*
 * theme.c - theme files, colour names and the role -> attribute table.
 * See theme.h.
 *
 * Role i uses colour pair i + 1.  Colours are kept as xterm-256 numbers
 * in a theme and lowered only when applied, so one theme file serves 256
 * colours, 8 colours and monochrome.  Parsing works on a copy so that a
 * bad file changes nothing.
 */
#include "config.h"

#include "tui/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/ydoc.h"
#include "tui/builtin.h"

static const struct theme_style theme_defaults[THEME_ROLE_COUNT] = {
#define THEME_ROLE_STYLE(id, name, fg, bg, attrs, mono) \
	[THEME_##id] = { fg, bg, attrs, mono },
	THEME_ROLE_INFO(THEME_ROLE_STYLE)
#undef THEME_ROLE_STYLE
};

static const char *const theme_role_names[THEME_ROLE_COUNT] = {
#define THEME_ROLE_NAME(id, name, fg, bg, attrs, mono) [THEME_##id] = name,
	THEME_ROLE_INFO(THEME_ROLE_NAME)
#undef THEME_ROLE_NAME
};

static const char *const theme_color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	attr_t attr;
} theme_attr_names[] = {
	{ "normal", A_NORMAL },
	{ "none", A_NORMAL },
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "reverse", A_REVERSE },
	{ "underline", A_UNDERLINE },
	{ "standout", A_STANDOUT },
	{ "italic", A_ITALIC },
	{ "blink", A_BLINK },
};

/* What theme_apply() chose, for theme_attr(). */
static attr_t theme_current_attr[THEME_ROLE_COUNT];
static short theme_current_pair[THEME_ROLE_COUNT];

void
theme_init(struct theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", "default");
	memcpy(t->style, theme_defaults, sizeof t->style);
}

const char *
theme_role_name(enum theme_role role)
{
	if ((int)role < 0 || role >= THEME_ROLE_COUNT)
		return NULL;
	return theme_role_names[role];
}

bool
theme_role_find(const char *name, enum theme_role *out)
{
	int i;

	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (strcmp(theme_role_names[i], name) == 0) {
			*out = (enum theme_role)i;
			return true;
		}
	}
	return false;
}

/* RGB of an xterm-256 colour (xterm's defaults for 0-15). */
static void
theme_color_to_rgb(int c, int *r, int *g, int *b)
{
	static const unsigned char sys[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 },
		{ 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 },
		{ 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		*r = sys[c][0];
		*g = sys[c][1];
		*b = sys[c][2];
	} else if (c < 232) {
		c -= 16;
		*r = cube[c / 36];
		*g = cube[(c / 6) % 6];
		*b = cube[c % 6];
	} else {
		*r = *g = *b = 8 + (c - 232) * 10;
	}
}

static long
theme_dist(int r1, int g1, int b1, int r2, int g2, int b2)
{
	long dr = r1 - r2, dg = g1 - g2, db = b1 - b2;

	return dr * dr + dg * dg + db * db;
}

/* Nearest colour in [first, last] to an RGB triple; ties go low. */
static short
theme_nearest(int first, int last, int r, int g, int b)
{
	long best = -1, d;
	int c, cr, cg, cb;
	short pick = (short)first;

	for (c = first; c <= last; c++) {
		theme_color_to_rgb(c, &cr, &cg, &cb);
		d = theme_dist(r, g, b, cr, cg, cb);
		if (best < 0 || d < best) {
			best = d;
			pick = (short)c;
		}
	}
	return pick;
}

short
theme_color_rgb(int r, int g, int b)
{
	/* 16-255 only: 0-15 are redefined by most users' terminal themes. */
	return theme_nearest(16, 255, r, g, b);
}

short
theme_color_to_8(short color)
{
	int r, g, b;

	if (color < 0)
		return THEME_COLOR_DEFAULT;
	if (color < 8)
		return color;
	if (color < 16)
		return (short)(color - 8);
	if (color > 255)
		return THEME_COLOR_DEFAULT;
	theme_color_to_rgb(color, &r, &g, &b);
	return theme_nearest(0, 7, r, g, b);
}

static int
theme_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
theme_color_parse(const char *s, short *out)
{
	int i, v[6];
	long n;
	char *end;

	if (s == NULL || s[0] == '\0')
		return false;
	if (strcasecmp(s, "default") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return true;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, theme_color_names[i]) == 0) {
			*out = (short)i;
			return true;
		}
		if (strncasecmp(s, "bright-", 7) == 0 &&
		    strcasecmp(s + 7, theme_color_names[i]) == 0) {
			*out = (short)(i + 8);
			return true;
		}
	}
	if (s[0] == '#') {
		if (strlen(s) != 7)
			return false;
		for (i = 0; i < 6; i++)
			if ((v[i] = theme_hex(s[i + 1])) < 0)
				return false;
		*out = theme_color_rgb(v[0] * 16 + v[1], v[2] * 16 + v[3],
		    v[4] * 16 + v[5]);
		return true;
	}
	if (s[0] < '0' || s[0] > '9')
		return false;
	n = strtol(s, &end, 10);
	if (*end != '\0' || n < 0 || n > 255)
		return false;
	*out = (short)n;
	return true;
}

/* Attributes from a scalar or a list of names. */
static enum cm_status
theme_parse_attrs(const char *name, const struct ynode *node, attr_t *out,
    struct cm_err *err)
{
	const struct ynode *a, *one = NULL;
	attr_t attrs = A_NORMAL;
	size_t i;

	if (node->type == YNODE_SCALAR)
		one = node;
	else if (node->type != YNODE_SEQ)
		return ydoc_error(err, name, node, "\"%s\": expected a list "
		    "of attributes, like [bold, underline]", node->key);
	for (a = one != NULL ? one : node->child; a != NULL;
	    a = one != NULL ? NULL : a->next) {
		if (a->type != YNODE_SCALAR)
			return ydoc_error(err, name, a, "an attribute must be "
			    "a plain value");
		for (i = 0; i < sizeof theme_attr_names /
		    sizeof theme_attr_names[0]; i++)
			if (strcasecmp(a->value, theme_attr_names[i].name) == 0)
				break;
		if (i == sizeof theme_attr_names / sizeof theme_attr_names[0])
			return ydoc_error(err, name, a, "unknown attribute "
			    "\"%.40s\" (bold, dim, reverse, underline, "
			    "standout, italic, blink, normal)", a->value);
		attrs |= theme_attr_names[i].attr;
	}
	*out = attrs;
	return CM_OK;
}

static enum cm_status
theme_parse_role(const char *name, const struct ynode *node,
    struct theme_style *style, struct cm_err *err)
{
	const struct ynode *f;
	enum cm_status st;
	short *color;

	if (node->type != YNODE_MAP)
		return ydoc_error(err, name, node, "role \"%s\": expected a "
		    "map of fg, bg, attrs, mono", node->key);
	foreach_ynode(node, f) {
		if (strcmp(f->key, "fg") == 0 || strcmp(f->key, "bg") == 0) {
			color = f->key[0] == 'f' ? &style->fg : &style->bg;
			if (f->type != YNODE_SCALAR ||
			    !theme_color_parse(f->value, color))
				return ydoc_error(err, name, f, "unknown "
				    "colour \"%.40s\" (a name, 0-255 or "
				    "#rrggbb)", f->type == YNODE_SCALAR ?
				    f->value : "");
		} else if (strcmp(f->key, "attrs") == 0) {
			if ((st = theme_parse_attrs(name, f, &style->attrs,
			    err)) != CM_OK)
				return st;
		} else if (strcmp(f->key, "mono") == 0) {
			if ((st = theme_parse_attrs(name, f, &style->mono,
			    err)) != CM_OK)
				return st;
		} else {
			return ydoc_error(err, name, f, "unknown field "
			    "\"%.40s\" in role \"%s\" (expected fg, bg, "
			    "attrs, mono)", f->key, node->key);
		}
	}
	return CM_OK;
}

/* Apply a loaded document to a copy of t; copy back on success. */
static enum cm_status
theme_apply_doc(struct theme *t, const char *name, const struct ynode *root,
    struct cm_err *err)
{
	struct theme next = *t;
	const struct ynode *c, *r;
	enum theme_role role;
	enum cm_status st;

	if (root->type != YNODE_MAP)
		return ydoc_error(err, name, root, "expected a map with "
		    "\"roles\"");
	foreach_ynode(root, c) {
		if (strcmp(c->key, "name") == 0) {
			if (c->type != YNODE_SCALAR)
				return ydoc_error(err, name, c,
				    "\"name\" must be a string");
		} else if (strcmp(c->key, "monochrome") == 0) {
			if (!ydoc_bool(c, &next.monochrome))
				return ydoc_error(err, name, c,
				    "\"monochrome\" must be true or false");
		} else if (strcmp(c->key, "roles") == 0) {
			if (c->type != YNODE_MAP)
				return ydoc_error(err, name, c, "\"roles\" "
				    "must map role names to styles");
			foreach_ynode(c, r) {
				if (!theme_role_find(r->key, &role))
					return ydoc_error(err, name, r,
					    "unknown role \"%.40s\"", r->key);
				st = theme_parse_role(name, r,
				    &next.style[role], err);
				if (st != CM_OK)
					return st;
			}
		} else {
			return ydoc_error(err, name, c, "unknown field "
			    "\"%.40s\" (expected name, monochrome, roles)",
			    c->key);
		}
	}
	*t = next;
	return CM_OK;
}

enum cm_status
theme_parse(struct theme *t, const char *name, const char *text, size_t len,
    struct cm_err *err)
{
	struct ynode *root = NULL;
	enum cm_status st;

	st = ydoc_load_string(name, text, len, &root, err);
	if (st == CM_OK)
		st = theme_apply_doc(t, name, root, err);
	ydoc_free(root);
	return st;
}

enum cm_status
theme_load_file(struct theme *t, const char *path, struct cm_err *err)
{
	struct ynode *root = NULL;
	enum cm_status st;

	st = ydoc_load_file(path, &root, err);
	if (st == CM_OK)
		st = theme_apply_doc(t, path, root, err);
	ydoc_free(root);
	return st;
}

enum cm_status
theme_load(struct theme *t, const char *name, struct cm_err *err)
{
	const struct builtin_file *b;
	char label[96];
	char *path;
	enum cm_status st;

	theme_init(t);
	b = builtin_find("themes", name);
	if (b != NULL) {
		snprintf(label, sizeof label, "builtin:%s", b->name);
		st = theme_parse(t, label, b->text, b->len, err);
		if (st != CM_OK)
			return st;
	}
	path = builtin_user_path("themes", name);
	st = path != NULL ? theme_load_file(t, path, err) : CM_NOT_FOUND;
	free(path);
	if (st == CM_NOT_FOUND && b == NULL)
		return cm_err_set(err, CM_NOT_FOUND, NULL,
		    "unknown theme \"%.64s\"", name);
	if (st == CM_NOT_FOUND)
		st = CM_OK;
	if (st == CM_OK) {
		cm_err_clear(err);
		snprintf(t->name, sizeof t->name, "%s", name);
	}
	return st;
}

/* Foreground that reads on bg when the 8-colour mapping made them equal. */
static short
theme_contrast_8(short bg)
{
	return bg == COLOR_BLACK || bg == COLOR_BLUE || bg == COLOR_RED ||
	    bg == COLOR_MAGENTA ? COLOR_WHITE : COLOR_BLACK;
}

void
theme_apply(const struct theme *t, enum screen_colors colors)
{
	const struct theme_style *s;
	short fg, bg, pair;
	int i;

	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		s = &t->style[i];
		pair = (short)(i + 1);
		if (colors == SCREEN_COLORS_NONE || t->monochrome ||
		    pair >= COLOR_PAIRS) {
			theme_current_attr[i] = s->mono;
			theme_current_pair[i] = 0;
			continue;
		}
		fg = s->fg;
		bg = s->bg;
		if (colors == SCREEN_COLORS_8) {
			fg = theme_color_to_8(fg);
			bg = theme_color_to_8(bg);
			if (fg == bg && fg >= 0 && s->fg != s->bg)
				fg = theme_contrast_8(bg);
		}
		if (init_pair(pair, fg, bg) == ERR &&
		    init_pair(pair, fg < 0 ? COLOR_WHITE : fg,
		    bg < 0 ? COLOR_BLACK : bg) == ERR) {
			theme_current_attr[i] = s->mono;
			theme_current_pair[i] = 0;
			continue;
		}
		theme_current_attr[i] = s->attrs | COLOR_PAIR(pair);
		theme_current_pair[i] = pair;
	}
}

attr_t
theme_attr(enum theme_role role)
{
	if ((int)role < 0 || role >= THEME_ROLE_COUNT)
		return A_NORMAL;
	return theme_current_attr[role];
}

short
theme_pair(enum theme_role role)
{
	if ((int)role < 0 || role >= THEME_ROLE_COUNT)
		return 0;
	return theme_current_pair[role];
}
