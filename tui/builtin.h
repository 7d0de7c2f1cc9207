/*
 * builtin.h - the YAML data compiled into the console (every .yaml
 * file of themes/ and keymaps/) and where the user's overrides of it live.
 *
 * tui/builtin_data.c is generated at build time by tui/local.am from the
 * files in themes/ and keymaps/; each entry is named by its path without
 * ".yaml" ("themes/light").  The user's copy of the same name lives in
 * $XDG_CONFIG_HOME/clustermaster/ (default ~/.config/clustermaster/) and
 * overrides it.  Nothing here parses YAML.
 */
#ifndef CM_TUI_BUILTIN_H
#define CM_TUI_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char *name;	/* "themes/default" */
	const char *text;	/* NUL-terminated YAML */
	size_t len;		/* bytes, without the NUL */
};

/* The generated table, ended by an entry with name NULL. */
extern const struct builtin_file builtin_files[];

/* Built-in dir/name ("themes", "light"), or NULL. */
const struct builtin_file *builtin_find(const char *dir, const char *name);

/*
 * Path of the user's dir/NAME.yaml under $XDG_CONFIG_HOME/clustermaster
 * (or $HOME/.config/clustermaster); NULL when neither variable is set or
 * name is not a plain file name.  Caller frees.
 */
char *builtin_user_path(const char *dir, const char *name);

#endif
