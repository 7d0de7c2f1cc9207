/*
 * actions.c - the action table generated from ACTION_INFO.  See
 * actions.h.  Keys are not here: they are keymap data.
 */
#include "config.h"

#include "views/actions.h"

#include <string.h>

const struct action_info action_table[ACTION_COUNT] = {
#define ACTION_ROW(id, name, group, help, flags) \
	[ACTION_##id] = { ACTION_##id, name, group, help, flags },
	ACTION_INFO(ACTION_ROW)
#undef ACTION_ROW
};

const char *const action_names[ACTION_COUNT] = {
#define ACTION_NAME(id, name, group, help, flags) [ACTION_##id] = name,
	ACTION_INFO(ACTION_NAME)
#undef ACTION_NAME
};

static bool
actions_valid(enum action a)
{
	return (int)a >= 0 && a < ACTION_COUNT;
}

const char *
actions_name(enum action a)
{
	return actions_valid(a) ? action_table[a].name : NULL;
}

const char *
actions_group(enum action a)
{
	return actions_valid(a) ? action_table[a].group : NULL;
}

const char *
actions_help(enum action a)
{
	return actions_valid(a) ? action_table[a].help : NULL;
}

bool
actions_mutates(enum action a)
{
	return actions_valid(a) &&
	    (action_table[a].flags & ACTION_F_MUTATES) != 0;
}

enum action
actions_find(const char *name)
{
	int i;

	if (name == NULL)
		return ACTION_NONE;
	for (i = 0; i < ACTION_COUNT; i++)
		if (strcmp(action_table[i].name, name) == 0)
			return (enum action)i;
	return ACTION_NONE;
}
