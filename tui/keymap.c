/*
 * keymap.c - key notation, keymap files and key lookup.  See keymap.h.
 *
 * Bindings are a small array of {key, action} in binding order: a
 * keymap has a few dozen, so a linear lookup per keystroke costs
 * nothing and keeps "the first key of an action" trivially defined.
 * A file is checked completely before any of it is applied, so a bad
 * user file never leaves a half-changed keymap.
 */
#include "config.h"

#include "tui/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/screen.h"		/* curses.h with wide characters */

#include "backend/xalloc.h"
#include "backend/ydoc.h"
#include "tui/builtin.h"

struct keymap_binding {
	int key;
	int action;
};

struct keymap {
	const char *const *names;
	size_t nactions;
	struct keymap_binding *b;
	size_t n;
	size_t cap;
	char (*hints)[KEYMAP_KEY_NAME_MAX];	/* per action */
};

/* Named keys; the first name of a code is its canonical notation. */
static const struct {
	const char *name;
	int key;
} keymap_named[] = {
	{ "Enter", KEYMAP_ENTER },
	{ "Escape", KEYMAP_ESCAPE },
	{ "Esc", KEYMAP_ESCAPE },
	{ "Tab", '\t' },
	{ "BTab", KEYMAP_FKEY(KEY_BTAB) },
	{ "S-Tab", KEYMAP_FKEY(KEY_BTAB) },
	{ "Space", ' ' },
	{ "Backspace", KEYMAP_FKEY(KEY_BACKSPACE) },
	{ "Delete", KEYMAP_FKEY(KEY_DC) },
	{ "Insert", KEYMAP_FKEY(KEY_IC) },
	{ "Up", KEYMAP_FKEY(KEY_UP) },
	{ "Down", KEYMAP_FKEY(KEY_DOWN) },
	{ "Left", KEYMAP_FKEY(KEY_LEFT) },
	{ "Right", KEYMAP_FKEY(KEY_RIGHT) },
	{ "Home", KEYMAP_FKEY(KEY_HOME) },
	{ "End", KEYMAP_FKEY(KEY_END) },
	{ "PageUp", KEYMAP_FKEY(KEY_PPAGE) },
	{ "PageDown", KEYMAP_FKEY(KEY_NPAGE) },
	{ "Resize", KEYMAP_FKEY(KEY_RESIZE) },
};

#define KEYMAP_NAMED_COUNT (sizeof keymap_named / sizeof keymap_named[0])
#define KEYMAP_FKEYS 12

/* Decode exactly one UTF-8 character making up all of s; -1 otherwise. */
static int
keymap_utf8_one(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int cp, need, i;

	if (p[0] < 0x80) {
		cp = p[0];
		need = 0;
	} else if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		need = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		need = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		need = 3;
	} else {
		return -1;
	}
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (p[need + 1] != '\0')
		return -1;
	/* Overlong forms, surrogates and out-of-range code points. */
	if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
	    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

static size_t
keymap_utf8_put(int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Key without modifiers: a name, F1..F12 or one printable character. */
static bool
keymap_key_parse_base(const char *s, int *key)
{
	size_t i;
	char *end;
	long n;
	int cp;

	for (i = 0; i < KEYMAP_NAMED_COUNT; i++) {
		if (strcasecmp(s, keymap_named[i].name) == 0) {
			*key = keymap_named[i].key;
			return true;
		}
	}
	if ((s[0] == 'F' || s[0] == 'f') && s[1] >= '1' && s[1] <= '9') {
		n = strtol(s + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= KEYMAP_FKEYS) {
			*key = KEYMAP_FKEY(KEY_F((int)n));
			return true;
		}
	}
	cp = keymap_utf8_one(s);
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return false;
	*key = cp;
	return true;
}

bool
keymap_key_parse(const char *notation, int *key)
{
	const char *s = notation;
	bool meta = false;
	int k;

	if (s == NULL || s[0] == '\0')
		return false;
	if ((s[0] == 'M' || s[0] == 'm') && s[1] == '-' && s[2] != '\0') {
		meta = true;
		s += 2;
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0') {
		s += 2;
		if (strcasecmp(s, "Space") == 0 || strcmp(s, "@") == 0) {
			k = 0;
		} else if (s[1] == '\0' && ((s[0] >= 'a' && s[0] <= 'z') ||
		    (s[0] >= 'A' && s[0] <= 'Z') || strchr("[\\]^_", s[0]))) {
			k = KEYMAP_CTRL(s[0]);
		} else {
			return false;
		}
	} else if (!keymap_key_parse_base(s, &k)) {
		return false;
	}
	*key = meta ? (k | KEYMAP_META) : k;
	return true;
}

char *
keymap_key_name(int key, char *buf, size_t size)
{
	char tmp[KEYMAP_KEY_NAME_MAX];
	const char *prefix = "";
	int k = key;
	size_t i, n;

	if (size == 0)
		return buf;
	if (key < 0) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	if (k & KEYMAP_META) {
		prefix = "M-";
		k &= ~KEYMAP_META;
	}
	for (i = 0; i < KEYMAP_NAMED_COUNT; i++) {
		if (keymap_named[i].key == k) {
			snprintf(buf, size, "%s%s", prefix,
			    keymap_named[i].name);
			return buf;
		}
	}
	if (k & KEYMAP_FKEY_FLAG) {
		k &= ~KEYMAP_FKEY_FLAG;
		if (k >= KEY_F(1) && k <= KEY_F(KEYMAP_FKEYS))
			snprintf(buf, size, "%sF%d", prefix, k - KEY_F(0));
		else
			snprintf(buf, size, "%sKey-%d", prefix, k);
		return buf;
	}
	if (k == 0) {
		snprintf(buf, size, "%sC-Space", prefix);
	} else if (k < 0x20) {
		snprintf(buf, size, "%sC-%c", prefix,
		    k <= 26 ? 'a' + k - 1 : '@' + k);
	} else if (k == 0x7f) {
		snprintf(buf, size, "%sBackspace", prefix);
	} else if (k <= 0x10ffff) {
		n = keymap_utf8_put(k, tmp);
		tmp[n] = '\0';
		snprintf(buf, size, "%s%s", prefix, tmp);
	} else {
		snprintf(buf, size, "%sKey-%d", prefix, k);
	}
	return buf;
}

int
keymap_key_from_wch(int ret, unsigned wch)
{
	if (ret == KEY_CODE_YES) {
		if (wch == KEY_ENTER)
			return KEYMAP_ENTER;
		return KEYMAP_FKEY((int)wch);
	}
	if (ret != OK)
		return KEYMAP_NONE;
	if (wch == '\n')
		return KEYMAP_ENTER;
	if (wch == 0x7f)
		return KEYMAP_FKEY(KEY_BACKSPACE);
	if (wch > 0x10ffff)
		return KEYMAP_NONE;
	return (int)wch;
}

struct keymap *
keymap_new(const char *const *names, size_t nactions)
{
	struct keymap *km = xcalloc(1, sizeof *km);

	km->names = names;
	km->nactions = nactions;
	km->hints = xcalloc(nactions > 0 ? nactions : 1, sizeof *km->hints);
	return km;
}

void
keymap_free(struct keymap *km)
{
	if (km == NULL)
		return;
	free(km->b);
	free(km->hints);
	free(km);
}

/* Recompute every action's hint after the bindings changed. */
static void
keymap_rehint(struct keymap *km)
{
	size_t a, i;

	for (a = 0; a < km->nactions; a++)
		km->hints[a][0] = '\0';
	for (i = km->n; i-- > 0;)
		keymap_key_name(km->b[i].key, km->hints[km->b[i].action],
		    KEYMAP_KEY_NAME_MAX);
}

void
keymap_clear(struct keymap *km)
{
	km->n = 0;
	keymap_rehint(km);
}

/* Drop every binding that matches key (>= 0) or action (>= 0). */
static void
keymap_drop(struct keymap *km, int key, int action)
{
	size_t i, j = 0;

	for (i = 0; i < km->n; i++) {
		if ((key >= 0 && km->b[i].key == key) ||
		    (action >= 0 && km->b[i].action == action))
			continue;
		km->b[j++] = km->b[i];
	}
	km->n = j;
}

static void
keymap_append(struct keymap *km, int action, int key)
{
	keymap_drop(km, key, -1);
	if (km->n == km->cap) {
		km->cap = km->cap ? km->cap * 2 : 32;
		km->b = xreallocarray(km->b, km->cap, sizeof *km->b);
	}
	km->b[km->n].key = key;
	km->b[km->n].action = action;
	km->n++;
}

bool
keymap_bind(struct keymap *km, int action, int key)
{
	if (action < 0 || (size_t)action >= km->nactions || key < 0)
		return false;
	keymap_append(km, action, key);
	keymap_rehint(km);
	return true;
}

void
keymap_unbind(struct keymap *km, int action)
{
	keymap_drop(km, -1, action);
	keymap_rehint(km);
}

int
keymap_lookup(const struct keymap *km, int key)
{
	size_t i;

	if (key < 0)
		return KEYMAP_NONE;
	for (i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].action;
	return KEYMAP_NONE;
}

size_t
keymap_keys(const struct keymap *km, int action, int *keys, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != action)
			continue;
		if (n < max)
			keys[n] = km->b[i].key;
		n++;
	}
	return n;
}

const char *
keymap_hint(const struct keymap *km, int action)
{
	if (action < 0 || (size_t)action >= km->nactions)
		return "";
	return km->hints[action];
}

int
keymap_action_find(const struct keymap *km, const char *name)
{
	size_t i;

	for (i = 0; i < km->nactions; i++)
		if (km->names[i] != NULL && strcmp(km->names[i], name) == 0)
			return (int)i;
	return KEYMAP_NONE;
}

/* One key of a file, checked, with where it was written. */
struct keymap_entry {
	int action;
	int key;
	const struct ynode *node;
};

/* Check one action's value and append its keys to entries. */
static enum cm_status
keymap_check_action(struct keymap *km, const char *name,
    const struct ynode *b, int action, struct keymap_entry **entries,
    size_t *n, size_t *cap, struct cm_err *err)
{
	const struct ynode *k, *one = NULL;
	size_t i;
	int key;

	if (b->type == YNODE_SCALAR)
		one = b;
	else if (b->type != YNODE_SEQ)
		return ydoc_error(err, name, b, "\"%s\": expected a list of "
		    "keys, like [j, Down]", b->key);
	for (k = one != NULL ? one : b->child; k != NULL;
	    k = one != NULL ? NULL : k->next) {
		if (k->type != YNODE_SCALAR)
			return ydoc_error(err, name, k, "\"%s\": a key must be "
			    "a plain value", b->key);
		if (!keymap_key_parse(k->value, &key))
			return ydoc_error(err, name, k, "unknown key \"%.40s\" "
			    "for \"%s\"", k->value, b->key);
		for (i = 0; i < *n; i++) {
			if ((*entries)[i].key != key)
				continue;
			if ((*entries)[i].action == action)
				break;	/* listed twice: harmless */
			return ydoc_error(err, name, k, "key \"%.40s\" is "
			    "bound to both \"%s\" (line %zu) and \"%s\"",
			    k->value, km->names[(*entries)[i].action],
			    (*entries)[i].node->line, b->key);
		}
		if (i < *n)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			*entries = xreallocarray(*entries, *cap,
			    sizeof **entries);
		}
		(*entries)[*n].action = action;
		(*entries)[*n].key = key;
		(*entries)[*n].node = k;
		(*n)++;
	}
	return CM_OK;
}

/* Check a whole document; on success fill entries and the bound set. */
static enum cm_status
keymap_check(struct keymap *km, const char *name, const struct ynode *root,
    struct keymap_entry **entries, size_t *n, bool *named,
    struct cm_err *err)
{
	const struct ynode *c, *bindings = NULL;
	size_t cap = 0;
	enum cm_status st;
	int action;

	if (root->type != YNODE_MAP)
		return ydoc_error(err, name, root, "expected a map with "
		    "\"bindings\"");
	foreach_ynode(root, c) {
		if (strcmp(c->key, "name") == 0) {
			if (c->type != YNODE_SCALAR)
				return ydoc_error(err, name, c,
				    "\"name\" must be a string");
		} else if (strcmp(c->key, "bindings") == 0) {
			bindings = c;
		} else {
			return ydoc_error(err, name, c, "unknown field "
			    "\"%.40s\" (expected name, bindings)", c->key);
		}
	}
	if (bindings == NULL)
		return ydoc_error(err, name, root, "missing \"bindings\"");
	if (bindings->type != YNODE_MAP)
		return ydoc_error(err, name, bindings, "\"bindings\" must map "
		    "actions to lists of keys");
	foreach_ynode(bindings, c) {
		action = keymap_action_find(km, c->key);
		if (action == KEYMAP_NONE)
			return ydoc_error(err, name, c, "unknown action "
			    "\"%.40s\"", c->key);
		named[action] = true;
		st = keymap_check_action(km, name, c, action, entries, n,
		    &cap, err);
		if (st != CM_OK)
			return st;
	}
	return CM_OK;
}

/* Check a loaded document and, when it is good, apply it to km. */
static enum cm_status
keymap_apply(struct keymap *km, const char *name, const struct ynode *root,
    struct cm_err *err)
{
	struct keymap_entry *entries = NULL;
	bool *named;
	size_t n = 0, i;
	enum cm_status st;

	named = xcalloc(km->nactions > 0 ? km->nactions : 1, sizeof *named);
	st = keymap_check(km, name, root, &entries, &n, named, err);
	if (st != CM_OK)
		goto out;
	/* The actions the file names get exactly its keys. */
	for (i = 0; i < km->nactions; i++)
		if (named[i])
			keymap_drop(km, -1, (int)i);
	for (i = 0; i < n; i++)
		keymap_append(km, entries[i].action, entries[i].key);
	keymap_rehint(km);
out:
	free(entries);
	free(named);
	return st;
}

enum cm_status
keymap_parse(struct keymap *km, const char *name, const char *text,
    size_t len, struct cm_err *err)
{
	struct ynode *root = NULL;
	enum cm_status st;

	st = ydoc_load_string(name, text, len, &root, err);
	if (st == CM_OK)
		st = keymap_apply(km, name, root, err);
	ydoc_free(root);
	return st;
}

enum cm_status
keymap_load_file(struct keymap *km, const char *path, struct cm_err *err)
{
	struct ynode *root = NULL;
	enum cm_status st;

	st = ydoc_load_file(path, &root, err);
	if (st == CM_OK)
		st = keymap_apply(km, path, root, err);
	ydoc_free(root);
	return st;
}

enum cm_status
keymap_load(struct keymap *km, const char *name, struct cm_err *err)
{
	const struct builtin_file *b, *base;
	char label[96];
	char *path;
	enum cm_status st;

	b = builtin_find("keymaps", name);
	base = b != NULL ? b : builtin_find("keymaps", "default");
	keymap_clear(km);
	if (base != NULL) {
		snprintf(label, sizeof label, "builtin:%s", base->name);
		st = keymap_parse(km, label, base->text, base->len, err);
		if (st != CM_OK)
			return st;
	}
	path = builtin_user_path("keymaps", name);
	st = path != NULL ? keymap_load_file(km, path, err) : CM_NOT_FOUND;
	free(path);
	if (st == CM_NOT_FOUND) {
		if (b != NULL) {
			cm_err_clear(err);
			return CM_OK;
		}
		return cm_err_set(err, CM_NOT_FOUND, NULL,
		    "unknown keymap \"%.64s\"", name);
	}
	return st;
}
