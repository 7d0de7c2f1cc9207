/*
 * actions.h - every action a key can trigger in the console, as one
 * table.
 *
 * ACTION_INFO is the single source of the enum, the names keymaps bind
 * ("page-down"), the help screen's groups and lines, and the key table in
 * the docs.  Views receive an enum action and return REACT_* bits; they
 * never see keys.  Actions flagged ACTION_F_MUTATES change data on the
 * hub: read-only mode hides and refuses them.  The default keys are data,
 * in keymaps/default.yaml, not here.
 */
#ifndef CM_VIEWS_ACTIONS_H
#define CM_VIEWS_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Flags of an action. */
#define ACTION_F_NONE 0u
#define ACTION_F_MUTATES 1u	/* changes data: hidden when read-only */

/* id, name in keymaps, help group, help line, flags */
#define ACTION_INFO(_) \
	_(UP,            "up",            "Navigation", "Move up one row", ACTION_F_NONE) \
	_(DOWN,          "down",          "Navigation", "Move down one row", ACTION_F_NONE) \
	_(PAGE_UP,       "page-up",       "Navigation", "Move up one page", ACTION_F_NONE) \
	_(PAGE_DOWN,     "page-down",     "Navigation", "Move down one page", ACTION_F_NONE) \
	_(TOP,           "top",           "Navigation", "Go to the first row", ACTION_F_NONE) \
	_(BOTTOM,        "bottom",        "Navigation", "Go to the last row", ACTION_F_NONE) \
	_(LEFT,          "left",          "Navigation", "Scroll left", ACTION_F_NONE) \
	_(RIGHT,         "right",         "Navigation", "Scroll right", ACTION_F_NONE) \
	_(NEXT_PANE,     "next-pane",     "Navigation", "Go to the next pane", ACTION_F_NONE) \
	_(PREV_PANE,     "prev-pane",     "Navigation", "Go to the previous pane", ACTION_F_NONE) \
	_(ENTER,         "enter",         "Navigation", "Open the selected item", ACTION_F_NONE) \
	_(BACK,          "back",          "Navigation", "Go back / close", ACTION_F_NONE) \
	_(QUIT,          "quit",          "General",    "Quit the console", ACTION_F_NONE) \
	_(HELP,          "help",          "General",    "Show this help", ACTION_F_NONE) \
	_(COMMAND,       "command",       "General",    "Enter a command (:alerts, :q ...)", ACTION_F_NONE) \
	_(REFRESH,       "refresh",       "General",    "Refresh the data now", ACTION_F_NONE) \
	_(REDRAW,        "redraw",        "General",    "Redraw the screen", ACTION_F_NONE) \
	_(CONTEXT,       "context",       "General",    "Switch context", ACTION_F_NONE) \
	_(FILTER,        "filter",        "Table",      "Filter rows (text, regex, ! inverts)", ACTION_F_NONE) \
	_(FILTER_CLEAR,  "filter-clear",  "Table",      "Clear the filter", ACTION_F_NONE) \
	_(SORT_NEXT,     "sort-next",     "Table",      "Sort by the next column", ACTION_F_NONE) \
	_(SORT_REVERSE,  "sort-reverse",  "Table",      "Reverse the sort order", ACTION_F_NONE) \
	_(SORT_BY_1,     "sort-by-1",     "Table",      "Sort by column 1", ACTION_F_NONE) \
	_(SORT_BY_2,     "sort-by-2",     "Table",      "Sort by column 2", ACTION_F_NONE) \
	_(SORT_BY_3,     "sort-by-3",     "Table",      "Sort by column 3", ACTION_F_NONE) \
	_(SORT_BY_4,     "sort-by-4",     "Table",      "Sort by column 4", ACTION_F_NONE) \
	_(SORT_BY_5,     "sort-by-5",     "Table",      "Sort by column 5", ACTION_F_NONE) \
	_(SORT_BY_6,     "sort-by-6",     "Table",      "Sort by column 6", ACTION_F_NONE) \
	_(SORT_BY_7,     "sort-by-7",     "Table",      "Sort by column 7", ACTION_F_NONE) \
	_(SORT_BY_8,     "sort-by-8",     "Table",      "Sort by column 8", ACTION_F_NONE) \
	_(SORT_BY_9,     "sort-by-9",     "Table",      "Sort by column 9", ACTION_F_NONE) \
	_(TOGGLE_WIDE,   "toggle-wide",   "Table",      "Show or hide the extra columns", ACTION_F_NONE) \
	_(DESCRIBE,      "describe",      "Resource",   "Describe the selected item", ACTION_F_NONE) \
	_(YAML,          "yaml",          "Resource",   "Show the selected item as YAML", ACTION_F_NONE) \
	_(LOGS,          "logs",          "Resource",   "Follow the selected pod's logs", ACTION_F_NONE) \
	_(SCALE,         "scale",         "Resource",   "Scale the selected workload", ACTION_F_MUTATES) \
	_(RESTART,       "restart",       "Resource",   "Restart the selected workload", ACTION_F_MUTATES) \
	_(DELETE,        "delete",        "Resource",   "Delete the selected object (type its name)", ACTION_F_MUTATES) \
	_(JUMP_CLUSTER,  "jump-cluster",  "Alerts",     "Go to the alert's cluster", ACTION_F_NONE) \
	_(ALERT_ACK,     "alert-ack",     "Alerts",     "Acknowledge the selected alert", ACTION_F_MUTATES) \
	_(ALERT_RESOLVE, "alert-resolve", "Alerts",     "Resolve the selected alert", ACTION_F_MUTATES) \
	_(APP_DEPLOY,    "app-deploy",    "Deployments", "Deploy the selected application (the wizard)", ACTION_F_MUTATES) \
	_(APP_UPGRADE,   "app-upgrade",   "Deployments", "Upgrade the selected deployment (the wizard)", ACTION_F_MUTATES) \
	_(APP_ROLLBACK,  "app-rollback",  "Deployments", "Roll the selected deployment back (asks first)", ACTION_F_MUTATES) \
	_(TOGGLE_SELECT, "toggle-select", "Deployments", "Select or unselect the row (several clusters)", ACTION_F_NONE) \
	_(ALERT_SILENCE, "alert-silence", "Alerts",     "Silence the selected alert (or end its silence)", ACTION_F_MUTATES) \
	_(NOTIFICATION_ACK, "notification-ack", "Alerts", "Mark the selected notification read", ACTION_F_NONE) \
	_(RANGE_NEXT,    "range-next",    "Metrics",    "Longer chart range (1h, 6h, 24h, 7d)", ACTION_F_NONE) \
	_(RANGE_PREV,    "range-prev",    "Metrics",    "Shorter chart range", ACTION_F_NONE) \
	_(METRIC_NEXT,   "metric-next",   "Metrics",    "Chart the next metric", ACTION_F_NONE) \
	_(METRIC_PREV,   "metric-prev",   "Metrics",    "Chart the previous metric", ACTION_F_NONE)

enum action {
	ACTION_NONE = -1,	/* no action; ends a hints list */
#define ACTION_ENUM(id, name, group, help, flags) ACTION_##id,
	ACTION_INFO(ACTION_ENUM)
#undef ACTION_ENUM
	ACTION_COUNT
};

/* One row of the table. */
struct action_info {
	enum action id;
	const char *name;
	const char *group;
	const char *help;
	unsigned flags;
};

/* The table, indexed by enum action. */
extern const struct action_info action_table[ACTION_COUNT];

/* The names alone, indexed by enum action: the table keymap_new() takes. */
extern const char *const action_names[ACTION_COUNT];

/* Name of an action ("page-down"); NULL when out of range. */
const char *actions_name(enum action a);

/* Help group of an action ("Navigation"); NULL when out of range. */
const char *actions_group(enum action a);

/* Help line of an action; NULL when out of range. */
const char *actions_help(enum action a);

/* True when the action changes data (hidden in read-only mode). */
bool actions_mutates(enum action a);

/* Action from its name, or ACTION_NONE. */
enum action actions_find(const char *name);

#endif
