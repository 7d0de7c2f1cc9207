/*
 * keymap.h - keys to actions, from YAML keymaps.
 *
 * A keymap binds keys to actions of a table the caller provides (an array
 * of action names indexed by action id), so the terminal core never knows
 * what the actions mean.  Files look like:
 *
 *   name: default
 *   bindings:
 *     down: [j, Down]
 *     page-down: [C-f, PageDown]
 *     command: [":"]
 *
 * Key notation: a single character (UTF-8 allowed), "C-x" (control),
 * "M-x" (meta: ESC then x; "M-C-x" too), and the names Enter, Escape,
 * Tab, BTab, Space, Backspace, Delete, Insert, Up, Down, Left, Right,
 * Home, End, PageUp, PageDown, F1..F12.  Names are case-insensitive.
 *
 * There is one scope: a key bound to two actions in one file is a
 * conflict.  Loading is atomic: a file with any error (syntax, unknown
 * action, unknown key, conflict) changes nothing and is reported as
 * "file:line:column: message", where the position is that of the key
 * (or of the action's value for an unknown action).  A file need not bind
 * every action: the actions it names get exactly its keys (an empty list
 * unbinds), other actions keep what they had, and a key it takes is
 * removed from the action that had it.  The built-ins are compiled in
 * from keymaps/; $XDG_CONFIG_HOME/clustermaster/keymaps/NAME.yaml
 * overrides the built-in NAME.
 *
 * Key codes are ints: a Unicode character, or an ncurses KEY_* code with
 * KEYMAP_FKEY, optionally with KEYMAP_META.  screen_getkey() returns
 * them.  It does not read the terminal.
 */
#ifndef CM_TUI_KEYMAP_H
#define CM_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

/* No key / no action. */
#define KEYMAP_NONE (-1)
/* Marks an ncurses KEY_* code (they overlap Unicode characters). */
#define KEYMAP_FKEY_FLAG 0x01000000
/* Meta (Alt): the key came after an ESC. */
#define KEYMAP_META 0x02000000
/* Key code of ncurses KEY_* code k. */
#define KEYMAP_FKEY(k) ((k) | KEYMAP_FKEY_FLAG)
/* Key code of control + ASCII letter c ('a' or 'A'). */
#define KEYMAP_CTRL(c) ((c) & 0x1f)

/* Enter (nonl: the terminal sends CR). */
#define KEYMAP_ENTER '\r'
#define KEYMAP_ESCAPE 0x1b

/* Longest key name keymap_key_name() writes, with its NUL. */
#define KEYMAP_KEY_NAME_MAX 32

struct keymap;

/*
 * New empty keymap over an action table: names[i] is the file name of
 * action i ("page-down").  The table is borrowed and must outlive the
 * keymap.
 */
struct keymap *keymap_new(const char *const *names, size_t nactions);

/* Free a keymap; NULL is a no-op. */
void keymap_free(struct keymap *km);

/* Remove every binding. */
void keymap_clear(struct keymap *km);

/*
 * Apply a keymap document (see above) over km.  name is used in
 * messages.  On error km is unchanged and err->msg is
 * "name:line:column: message" (CM_VALIDATION).
 */
enum cm_status keymap_parse(struct keymap *km, const char *name,
    const char *text, size_t len, struct cm_err *err);

/* keymap_parse() of a file; CM_NOT_FOUND / CM_IO when unreadable. */
enum cm_status keymap_load_file(struct keymap *km, const char *path,
    struct cm_err *err);

/*
 * Load keymap NAME: clear, apply the built-in NAME (the built-in
 * "default" when there is no such built-in), then the user's NAME.yaml
 * if there is one.  A bad user file is reported in err (CM_VALIDATION)
 * and km keeps the built-in; an unknown name (no built-in, no user file)
 * is CM_NOT_FOUND with the built-in default loaded.
 */
enum cm_status keymap_load(struct keymap *km, const char *name,
    struct cm_err *err);

/* Bind key to action, taking the key from any other action.  False when
 * action is out of range. */
bool keymap_bind(struct keymap *km, int action, int key);

/* Remove every key of action. */
void keymap_unbind(struct keymap *km, int action);

/* Action bound to key, or KEYMAP_NONE. */
int keymap_lookup(const struct keymap *km, int key);

/* Keys of action in binding order: fills up to max, returns how many
 * there are in all. */
size_t keymap_keys(const struct keymap *km, int action, int *keys,
    size_t max);

/*
 * Display name of action's first key ("j", "C-r", "Enter"), for key
 * hints and help; "" when unbound.  Borrowed: valid until km changes.
 */
const char *keymap_hint(const struct keymap *km, int action);

/* Action id of a name in the table, or KEYMAP_NONE. */
int keymap_action_find(const struct keymap *km, const char *name);

/* Parse key notation ("C-f", "PageDown", "é") into *key; false when
 * invalid. */
bool keymap_key_parse(const char *notation, int *key);

/*
 * Write the canonical notation of key into buf (at most size bytes,
 * NUL-terminated; KEYMAP_KEY_NAME_MAX is always enough).  Returns buf.
 */
char *keymap_key_name(int key, char *buf, size_t size);

/*
 * Key code of what get_wch() returned: ret is its result (OK or
 * KEY_CODE_YES), wch the character or KEY_* code.  Enter and newline
 * become KEYMAP_ENTER, DEL becomes Backspace.  KEYMAP_NONE for ERR.
 */
int keymap_key_from_wch(int ret, unsigned wch);

#endif
