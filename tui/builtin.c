/*
 * builtin.c - find compiled-in YAML and the user's override path.
 * See builtin.h.  The table itself is generated (tui/builtin_data.c).
 */
#include "config.h"

#include "tui/builtin.h"

#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

const struct builtin_file *
builtin_find(const char *dir, const char *name)
{
	const struct builtin_file *b;
	size_t dlen = strlen(dir);

	for (b = builtin_files; b->name != NULL; b++) {
		if (strncmp(b->name, dir, dlen) == 0 && b->name[dlen] == '/' &&
		    strcmp(b->name + dlen + 1, name) == 0)
			return b;
	}
	return NULL;
}

char *
builtin_user_path(const char *dir, const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* A name is a file name, never a path out of the directory. */
	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strchr(name, '/') != NULL)
		return NULL;
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/clustermaster/%s/%s.yaml", xdg, dir, name);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.config/clustermaster/%s/%s.yaml", home,
		    dir, name);
	return NULL;
}
