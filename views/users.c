/*
 * users.c - ":users": the accounts the signed-in user may see.
 *
 * Email, name, roles, status and when the account was created, sorted
 * by email.  Disabled accounts are dimmed and pending ones show their
 * status as a warning, so the odd one out is visible in a long list.
 *
 * It does not create, edit or disable accounts (the hub's API and a
 * later screen do); a user without the right to list users sees the
 * hub's refusal in place of the table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/views.h"

enum {
	COL_EMAIL,
	COL_NAME,
	COL_ROLES,
	COL_STATUS,
	COL_CREATED,
	COL_COUNT
};

static const struct table_column users_columns[COL_COUNT] = {
	[COL_EMAIL] = { "EMAIL", 12, 48, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 8, 40, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_ROLES] = { "ROLES", 8, 48, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_CREATED] = { "CREATED", 10, 10, 0, TABLE_ALIGN_LEFT, 0 },
};

static const enum action users_hints[] = {
	ACTION_SORT_NEXT, ACTION_SORT_REVERSE, ACTION_NONE,
};

static bool
users_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(it, "roles");
	const cJSON *r;
	const char *status = listview_str(it, "status");
	const char *name = listview_str(it, "name");
	size_t used = 0;
	int64_t ms = 0;
	struct tm tm;
	time_t t;

	(void)app;
	snprintf(row->cells[COL_EMAIL], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "email"));
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    *name != '\0' ? name : "-");
	cJSON_ArrayForEach(r, roles) {
		if (!cJSON_IsString(r) || used >= LISTVIEW_CELL_MAX)
			continue;
		used += (size_t)snprintf(row->cells[COL_ROLES] + used,
		    LISTVIEW_CELL_MAX - used, "%s%s", used ? "," : "",
		    r->valuestring);
	}
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	if (time_parse_rfc3339(listview_str(it, "created_at"), &ms, NULL) ==
	    CM_OK) {
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		strftime(row->cells[COL_CREATED], LISTVIEW_CELL_MAX,
		    "%Y-%m-%d", &tm);
	} else {
		snprintf(row->cells[COL_CREATED], LISTVIEW_CELL_MAX, "-");
	}
	row->num[COL_CREATED] = (double)ms;
	row->has_num[COL_CREATED] = true;
	if (strcmp(status, "disabled") == 0)
		row->role = THEME_ROW_DIM;
	else if (strcmp(status, "pending") == 0)
		row->cell_role[COL_STATUS] = THEME_STATUS_WARN;
	return true;
}

static bool
users_open(struct view *v)
{
	struct listview *lv = xcalloc(1, sizeof *lv);

	listview_init(lv, v->app, SOURCE_USERS, NULL, users_columns,
	    COL_COUNT, users_fill, COL_EMAIL, false);
	table_set_empty_text(lv->table, "no users");
	v->priv = lv;
	return true;
}

static void
users_close(struct view *v)
{
	listview_done(v->priv, v->app);
	free(v->priv);
	v->priv = NULL;
}

static unsigned
users_refresh(struct view *v)
{
	return listview_refresh(v->priv, v->app);
}

static void
users_draw(struct view *v, WINDOW *win)
{
	listview_draw(v->priv, v->app, win);
}

static struct table *
users_table(struct view *v)
{
	return ((struct listview *)v->priv)->table;
}

const struct view_ops users_view = {
	.name = "users",
	.help = "The users of the tenant, their roles and status",
	.open = users_open,
	.close = users_close,
	.refresh = users_refresh,
	.draw = users_draw,
	.table = users_table,
	.hints = users_hints,
};
