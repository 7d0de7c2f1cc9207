/*
 * audit.c - ":audit": who did what to which object, newest first.
 *
 * One row per audit record: time, user, action, resource, outcome and
 * the client's address (from 100 columns, or with `w`: at 80 the other
 * columns need the room).  Failures (denied or refused attempts) show
 * their status in the error role so they stand out in a long list.
 *
 * Audit records carry a user id, not an email.  The screen also watches
 * the user list and shows the email when it knows it; an account that
 * may not list users (an auditor, an operator) sees the id's tail,
 * which is what tells v7 ids apart (their head is a timestamp shared by
 * every id of the same moment).  Resources show by name when the
 * record's details give one ("cluster/prod-us-east"), else by id tail.
 * Times are UTC: "12-04 16:35:33" this year, "2025-12-04 16:35" before.
 *
 * It does not filter on the hub (the table's `/` filter does it here)
 * and shows no details beyond what fits a row.
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

#define AUDIT_SHORT_ID 6	/* hex digits of an id's tail */
#define AUDIT_WIDE_COLS 100	/* the IP column joins from here */

enum {
	COL_TIME,
	COL_USER,
	COL_ACTION,
	COL_RESOURCE,
	COL_STATUS,
	COL_IP,
	COL_COUNT
};

static const struct table_column audit_columns[COL_COUNT] = {
	[COL_TIME] = { "TIME", 14, 16, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_USER] = { "USER", 10, 32, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_ACTION] = { "ACTION", 12, 28, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_RESOURCE] = { "RESOURCE", 10, 40, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 7, 7, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_IP] = { "IP", 7, 39, 0, TABLE_ALIGN_LEFT, TABLE_COL_WIDE },
};

static const enum action audit_hints[] = {
	ACTION_SORT_NEXT, ACTION_SORT_REVERSE, ACTION_TOGGLE_WIDE,
	ACTION_NONE,
};

struct audit {
	struct listview list;
	struct feed_state users;	/* SOURCE_USERS; snap ref'd or NULL */
	int last_cols;			/* width of the last draw */
};

/*
 * The user list the fill function reads emails from.  Set only for the
 * duration of audit_refresh() (fill functions take no argument of
 * their own); NULL otherwise.
 */
static const cJSON *audit_user_items;

/* True for a canonical UUID ("8-4-4-4-12" hex digits). */
static bool
audit_is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F'))) {
			return false;
		}
	}
	return true;
}

/* The tail of a UUID, or the whole text when it is not one. */
static const char *
audit_short(const char *id)
{
	return audit_is_uuid(id) ? id + 36 - AUDIT_SHORT_ID : id;
}

/* The email of user id from the watched user list, or NULL. */
static const char *
audit_email(const char *id)
{
	const cJSON *u;

	cJSON_ArrayForEach(u, audit_user_items)
		if (strcmp(listview_str(u, "id"), id) == 0)
			return listview_str(u, "email");
	return NULL;
}

/*
 * "type/what": the object's name when the record's details carry one
 * (a cluster's or tenant's name, a user's email, a denied route), which
 * reads better than any id; else the id's tail; else the type alone.
 */
static void
audit_resource(const cJSON *it, const cJSON *details, const char *rid,
    char *out, size_t len)
{
	const char *type = listview_str(it, "resource_type");
	const char *what = listview_str(details, "name");

	if (*what == '\0' && strcmp(type, "user") == 0)
		what = listview_str(details, "email");
	if (*what == '\0' && *listview_str(details, "route") != '\0') {
		/* A denied request: "GET /api/v1/users" says it all. */
		snprintf(out, len, "%s %s", listview_str(details, "method"),
		    listview_str(details, "route"));
		return;
	}
	if (*what == '\0' && *rid != '\0')
		what = audit_short(rid);
	if (*what != '\0')
		snprintf(out, len, "%s/%s", type, what);
	else
		snprintf(out, len, "%s", type);
}

static bool
audit_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(it,
	    "details");
	const char *user = listview_str(it, "user_id");
	const char *rid = listview_str(it, "resource_id");
	const char *status = listview_str(it, "status");
	const char *email;
	int64_t ms = 0;
	struct tm tm;
	time_t t;
	int year;

	if (time_parse_rfc3339(listview_str(it, "created_at"), &ms, NULL) ==
	    CM_OK) {
		/* "12-04 16:35:33" this year, "2025-12-04 16:35" before:
		 * seconds matter in a recent log, the year in an old one. */
		t = (time_t)(app_now(app) / 1000);
		gmtime_r(&t, &tm);
		year = tm.tm_year;
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		strftime(row->cells[COL_TIME], LISTVIEW_CELL_MAX,
		    tm.tm_year == year ? "%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
		    &tm);
	} else {
		snprintf(row->cells[COL_TIME], LISTVIEW_CELL_MAX, "-");
	}
	row->num[COL_TIME] = (double)ms;
	row->has_num[COL_TIME] = true;

	/* The actor: the user list knows the email of a user id; a
	 * record without a user (a failed login) may name the email
	 * tried.  Else the id's tail, else "-" (the hub itself).  Other
	 * records' details.email is the object's (users.create), not the
	 * actor's. */
	email = *user != '\0' ? audit_email(user) :
	    listview_str(details, "email");
	if (email == NULL)
		email = "";
	if (*email != '\0')
		snprintf(row->cells[COL_USER], LISTVIEW_CELL_MAX, "%s", email);
	else if (*user != '\0')
		snprintf(row->cells[COL_USER], LISTVIEW_CELL_MAX, "%s",
		    audit_short(user));
	else
		snprintf(row->cells[COL_USER], LISTVIEW_CELL_MAX, "-");
	if (*email == '\0')
		row->cell_role[COL_USER] = THEME_ROW_DIM;

	snprintf(row->cells[COL_ACTION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "action"));
	audit_resource(it, details, rid, row->cells[COL_RESOURCE],
	    LISTVIEW_CELL_MAX);
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	if (strcmp(status, "success") != 0)
		row->cell_role[COL_STATUS] = THEME_STATUS_CRIT;
	snprintf(row->cells[COL_IP], LISTVIEW_CELL_MAX, "%s",
	    *listview_str(it, "ip") != '\0' ? listview_str(it, "ip") : "-");
	return true;
}

static bool
audit_open(struct view *v)
{
	struct audit *a = xcalloc(1, sizeof *a);

	listview_init(&a->list, v->app, SOURCE_AUDIT, NULL, audit_columns,
	    COL_COUNT, audit_fill, COL_TIME, true);
	table_set_empty_text(a->list.table, "no audit records");
	/* The user list changes rarely: a slow watch is enough. */
	feed_watch(app_feed(v->app), SOURCE_USERS, NULL,
	    app_refresh_ms(v->app) * 6);
	v->priv = a;
	return true;
}

static void
audit_close(struct view *v)
{
	struct audit *a = v->priv;

	feed_unwatch(app_feed(v->app), SOURCE_USERS, NULL);
	snapshot_unref(a->users.snap);
	listview_done(&a->list, v->app);
	free(a);
	v->priv = NULL;
}

static unsigned
audit_refresh(struct view *v)
{
	struct audit *a = v->priv;
	struct feed_state fs;
	unsigned react;

	feed_get(app_feed(v->app), SOURCE_USERS, NULL, &fs);
	if (fs.snap != a->users.snap) {
		/* New emails: rebuild the rows even if the log did not
		 * move. */
		a->list.built = false;
	}
	snapshot_unref(a->users.snap);
	a->users = fs;
	audit_user_items = snapshot_items(a->users.snap);
	react = listview_refresh(&a->list, v->app);
	audit_user_items = NULL;
	return react;
}

static void
audit_draw(struct view *v, WINDOW *win)
{
	struct audit *a = v->priv;
	int w = getmaxx(win);

	/* The IP column shows when there is room for it; crossing the
	 * threshold re-decides, and `w` toggles it in between. */
	if (a->last_cols == 0 || (w >= AUDIT_WIDE_COLS) !=
	    (a->last_cols >= AUDIT_WIDE_COLS))
		table_set_wide(a->list.table, w >= AUDIT_WIDE_COLS);
	a->last_cols = w;
	listview_draw(&a->list, v->app, win);
}

static struct table *
audit_table(struct view *v)
{
	return ((struct audit *)v->priv)->list.table;
}

const struct view_ops audit_view = {
	.name = "audit",
	.help = "The audit log: who did what, newest first",
	.open = audit_open,
	.close = audit_close,
	.refresh = audit_refresh,
	.draw = audit_draw,
	.table = audit_table,
	.hints = audit_hints,
};
