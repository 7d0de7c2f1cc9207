/*
 * theme.h - semantic colour roles and the themes that style them.
 *
 * Views and widgets draw with roles ("the selected row", "a critical
 * status"), never with colours: wattrset(win, theme_attr(THEME_ROW)).
 * A theme gives each role a foreground, a background and attributes for
 * colour terminals, and a separate attribute set for monochrome (NO_COLOR,
 * terminals without colours, --no-color, or a theme that says
 * "monochrome: true").  The defaults below are the built-in dark theme;
 * a theme file only lists the roles it changes.
 *
 * Themes are YAML, compiled in from themes/ and overridden by
 * $XDG_CONFIG_HOME/clustermaster/themes/NAME.yaml (docs/themes.md):
 *
 *   name: dark
 *   roles:
 *     header: { fg: white, bg: "#303030", attrs: [bold], mono: [reverse] }
 *
 * Colours are "default", the 8 ANSI names, "bright-" + a name (8-15), a
 * number 0-255, or "#rrggbb" (the nearest xterm-256 colour).  8-colour
 * terminals get the nearest of the 8.  A bad file is reported as
 * "file:line:column: message" and nothing of it is applied.
 *
 * It does not pick the terminal's colour depth (screen.h) or know what
 * any role is used for.
 */
#ifndef CM_TUI_THEME_H
#define CM_TUI_THEME_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "backend/status.h"
#include "tui/screen.h"

/* Colour number meaning "the terminal's own colour". */
#define THEME_COLOR_DEFAULT (-1)

/* id, name in files, fg, bg, attrs, monochrome attrs (dark defaults) */
#define THEME_ROLE_INFO(_) \
	_(DEFAULT,             "default",             -1,  -1, A_NORMAL, A_NORMAL) \
	_(HEADER,              "header",             252, 236, A_NORMAL, A_REVERSE) \
	_(HEADER_KEY,          "header-key",          81, 236, A_BOLD,   A_REVERSE | A_BOLD) \
	_(CRUMB,               "crumb",              250, 238, A_NORMAL, A_REVERSE) \
	_(CRUMB_ACTIVE,        "crumb-active",        16,  81, A_BOLD,   A_REVERSE | A_BOLD) \
	_(TABLE_HEADER,        "table-header",       250,  -1, A_BOLD,   A_UNDERLINE) \
	_(TABLE_HEADER_SORTED, "table-header-sorted", 81,  -1, A_BOLD,   A_BOLD | A_UNDERLINE) \
	_(ROW,                 "row",                 -1,  -1, A_NORMAL, A_NORMAL) \
	_(ROW_SELECTED,        "row-selected",        16, 117, A_NORMAL, A_REVERSE) \
	_(ROW_CHANGED,         "row-changed",        220,  -1, A_BOLD,   A_BOLD) \
	_(ROW_DIM,             "row-dim",            244,  -1, A_NORMAL, A_DIM) \
	_(STATUS_OK,           "status-ok",           71,  -1, A_NORMAL, A_NORMAL) \
	_(STATUS_WARN,         "status-warn",        214,  -1, A_NORMAL, A_BOLD) \
	_(STATUS_CRIT,         "status-crit",        196,  -1, A_BOLD,   A_BOLD | A_REVERSE) \
	_(STATUS_OFF,          "status-off",         244,  -1, A_NORMAL, A_DIM) \
	_(SEV_INFO,            "sev-info",            75,  -1, A_NORMAL, A_NORMAL) \
	_(SEV_WARN,            "sev-warn",           214,  -1, A_NORMAL, A_BOLD) \
	_(SEV_CRIT,            "sev-crit",           196,  -1, A_BOLD,   A_BOLD | A_REVERSE) \
	_(KEY_HINT,            "key-hint",           250, 236, A_NORMAL, A_REVERSE) \
	_(KEY_HINT_KEY,        "key-hint-key",        81, 236, A_BOLD,   A_REVERSE | A_BOLD) \
	_(PROMPT,              "prompt",              81,  -1, A_BOLD,   A_BOLD) \
	_(PROMPT_INPUT,        "prompt-input",       255,  -1, A_NORMAL, A_NORMAL) \
	_(COMPLETION,          "completion",         244,  -1, A_NORMAL, A_DIM) \
	_(TOAST_INFO,          "toast-info",          16, 114, A_NORMAL, A_REVERSE) \
	_(TOAST_ERROR,         "toast-error",        231, 160, A_BOLD,   A_REVERSE | A_BOLD) \
	_(BANNER,              "banner",              16, 214, A_BOLD,   A_REVERSE | A_BOLD) \
	_(DIALOG,              "dialog",             252, 237, A_NORMAL, A_NORMAL) \
	_(DIALOG_TITLE,        "dialog-title",        81, 237, A_BOLD,   A_BOLD) \
	_(DIALOG_INPUT,        "dialog-input",       255, 239, A_NORMAL, A_UNDERLINE) \
	_(HELP,                "help",               252, 235, A_NORMAL, A_NORMAL) \
	_(HELP_KEY,            "help-key",            81, 235, A_BOLD,   A_BOLD) \
	_(HELP_SECTION,        "help-section",       214, 235, A_BOLD,   A_BOLD | A_UNDERLINE) \
	_(BORDER,              "border",             244,  -1, A_NORMAL, A_NORMAL) \
	_(TITLE,               "title",               81,  -1, A_BOLD,   A_BOLD) \
	_(SPARK,               "spark",               75,  -1, A_NORMAL, A_NORMAL) \
	_(FILTER,              "filter",             220,  -1, A_BOLD,   A_BOLD) \
	_(STALE,               "stale",              214,  -1, A_NORMAL, A_BOLD)

enum theme_role {
#define THEME_ROLE_ENUM(id, name, fg, bg, attrs, mono) THEME_##id,
	THEME_ROLE_INFO(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
	THEME_ROLE_COUNT
};

/* How one role looks. */
struct theme_style {
	short fg;		/* 0-255 or THEME_COLOR_DEFAULT */
	short bg;
	attr_t attrs;		/* A_BOLD, ... with colours */
	attr_t mono;		/* attributes when there are no colours */
};

/* A whole theme; a plain value, copy it freely. */
struct theme {
	char name[64];
	bool monochrome;	/* use the mono attributes even with colours */
	struct theme_style style[THEME_ROLE_COUNT];
};

/* Fill t with the built-in defaults (the table above), named "default". */
void theme_init(struct theme *t);

/*
 * Apply a theme document (text, len bytes) over t: only the roles it
 * names change.  name is used in messages ("themes/dark.yaml").  On error
 * t is unchanged and err->msg is "name:line:column: message"
 * (CM_VALIDATION).
 */
enum cm_status theme_parse(struct theme *t, const char *name,
    const char *text, size_t len, struct cm_err *err);

/* theme_parse() of a file; CM_NOT_FOUND / CM_IO when it cannot be read. */
enum cm_status theme_load_file(struct theme *t, const char *path,
    struct cm_err *err);

/*
 * Load theme NAME: the defaults, then the built-in NAME if there is one,
 * then the user's NAME.yaml if there is one.  A bad user file is reported
 * in err (CM_VALIDATION, "file:line:column: ...") and t holds the
 * built-in; an unknown name is CM_NOT_FOUND and t holds the defaults.
 * t is usable whatever the status.
 */
enum cm_status theme_load(struct theme *t, const char *name,
    struct cm_err *err);

/*
 * Make t current for theme_attr(): set up colour pairs for the depth
 * (256 as is, 8 mapped down, none: mono attributes only).  Needs
 * screen_init() for colours; with SCREEN_COLORS_NONE it does not touch
 * ncurses.
 */
void theme_apply(const struct theme *t, enum screen_colors colors);

/* Attributes (with COLOR_PAIR) to wattrset for role, from theme_apply(). */
attr_t theme_attr(enum theme_role role);

/* Colour pair number role uses (0 when monochrome), for wbkgdset etc. */
short theme_pair(enum theme_role role);

/* A role's name in files ("row-selected"); NULL when out of range. */
const char *theme_role_name(enum theme_role role);

/* Role from its name in files; false when unknown. */
bool theme_role_find(const char *name, enum theme_role *out);

/*
 * Parse a colour: "default", an ANSI name ("red"), "bright-red", 0-255 or
 * "#rrggbb" (nearest xterm-256).  Case-insensitive.  False when invalid.
 */
bool theme_color_parse(const char *s, short *out);

/* Nearest xterm-256 colour (16-255) to an RGB triple, each 0-255. */
short theme_color_rgb(int r, int g, int b);

/* Nearest of the 8 ANSI colours to a 0-255 colour; default stays -1. */
short theme_color_to_8(short color);

#endif
