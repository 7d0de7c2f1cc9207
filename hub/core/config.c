/*
 * config.c - cmhubd's typed settings table.  See config.h.
 *
 * Every key lives in config_table: the file parser, the flag parser and
 * --help all read it, so a key cannot be documented and not honoured or
 * the reverse.  The file format is a flat YAML mapping of scalars; nested
 * values are refused with their position.
 */
#include "config.h"

#include "hub/core/config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

enum config_type {
	CONFIG_STR,
	CONFIG_LONG,
};

struct config_entry {
	const char *key;
	enum config_type type;
	size_t offset;
	const char *def;
	long min;
	long max;
	const char *help;
};

#define CFG_STR(key, field, def, help) \
	{ key, CONFIG_STR, offsetof(struct hub_config, field), def, 0, 0, help }
#define CFG_LONG(key, field, def, min, max, help) \
	{ key, CONFIG_LONG, offsetof(struct hub_config, field), def, min, \
	    max, help }

static const struct config_entry config_table[] = {
	CFG_STR("listen", listen, "127.0.0.1:8080",
	    "address:port to serve on; port 0 picks a free port"),
	CFG_STR("data", data_dir, "",
	    "data directory (signing keys, sqlite store, access log)"),
	CFG_STR("store", store, "",
	    "store URL; empty means sqlite:DATA/hub.db"),
	CFG_STR("access_log", access_log, "",
	    "JSON-lines access log; empty means DATA/access.log, - is stderr"),
	CFG_LONG("threads", threads, "4", 1, 256,
	    "HTTP worker threads"),
	CFG_LONG("store_pool", store_pool, "8", 1, 256,
	    "store connections kept open"),
	CFG_LONG("conn_limit", conn_limit, "1024", 1, 65536,
	    "most concurrent connections"),
	CFG_LONG("per_ip_conn_limit", per_ip_conn_limit, "256", 0, 65536,
	    "most concurrent connections from one address (0: no limit)"),
	CFG_LONG("conn_timeout", conn_timeout, "30", 1, 3600,
	    "seconds an idle connection is kept"),
	CFG_LONG("conn_memory", conn_memory, "32768", 16384, 16777216,
	    "bytes of buffer per connection"),
	CFG_LONG("body_max", body_max, "1048576", 1024, 67108864,
	    "largest request body in bytes; larger answers 413"),
	CFG_LONG("access_ttl", access_ttl, "900", 30, 86400,
	    "access token lifetime in seconds"),
	CFG_LONG("refresh_ttl", refresh_ttl, "1209600", 300, 31536000,
	    "refresh token lifetime in seconds"),
	CFG_LONG("hash_concurrency", hash_concurrency, "2", 1, 64,
	    "password hashes computed at once (64 MiB each)"),
	CFG_LONG("rate_read_per_min", rate_read_per_min, "6000", 0, 10000000,
	    "read requests per user per minute (0: unlimited)"),
	CFG_LONG("rate_read_burst", rate_read_burst, "600", 1, 10000000,
	    "read requests a user may burst"),
	CFG_LONG("rate_write_per_min", rate_write_per_min, "600", 0, 10000000,
	    "write requests per user per minute (0: unlimited)"),
	CFG_LONG("rate_write_burst", rate_write_burst, "120", 1, 10000000,
	    "write requests a user may burst"),
	CFG_LONG("rate_login_per_min", rate_login_per_min, "10", 0, 10000000,
	    "login attempts per address and account per minute (0: unlimited)"),
	CFG_LONG("rate_login_burst", rate_login_burst, "10", 1, 10000000,
	    "login attempts per address and account in a burst"),
	CFG_LONG("page_max", page_max, "500", 1, 10000,
	    "largest page a list returns"),
	CFG_LONG("collect_interval", collect_interval, "15", 1, 3600,
	    "seconds between two polls of every cluster by the collector"),
	CFG_LONG("metrics_raw_hours", metrics_raw_hours, "48", 1, 8760,
	    "hours raw metric samples are kept (rollups are kept longer)"),
	CFG_LONG("metrics_retention_interval", metrics_retention_interval,
	    "300", 1, 86400,
	    "seconds between two passes of the metrics retention job"),
	CFG_LONG("workflow_lease", workflow_lease, "30", 2, 3600,
	    "seconds a worker's claim on a deployment step lasts without a "
	    "heartbeat"),
	CFG_LONG("rollout_deadline", rollout_deadline, "300", 1, 86400,
	    "seconds a rollout may take before the deployment fails"),
	CFG_LONG("workflow_poll_ms", workflow_poll_ms, "1000", 10, 60000,
	    "milliseconds between two looks at a rollout in progress"),
	CFG_LONG("worker_threads", worker_threads, "4", 1, 64,
	    "threads that run deployment steps (worker role)"),
	CFG_LONG("events_retention", events_retention, "86400", 60, 31536000,
	    "seconds pushed events are kept for stream clients to resume"),
	CFG_LONG("stream_buffer_max", stream_buffer_max, "1048576", 4096,
	    67108864, "bytes an event stream client may fall behind before "
	    "it is cut loose"),
	CFG_LONG("stream_keepalive", stream_keepalive, "15", 1, 300,
	    "seconds between keepalive comments on an idle event stream"),
	CFG_LONG("stream_poll_ms", stream_poll_ms, "500", 10, 60000,
	    "milliseconds between looks for events written by other hub "
	    "processes"),
};

#define CONFIG_COUNT (sizeof config_table / sizeof config_table[0])

static const struct config_entry *
config_find(const char *key)
{
	size_t i;

	for (i = 0; i < CONFIG_COUNT; i++)
		if (strcmp(config_table[i].key, key) == 0)
			return &config_table[i];
	return NULL;
}

static enum cm_status
config_apply(struct hub_config *cfg, const struct config_entry *e,
    const char *value, struct cm_err *err)
{
	char *p = (char *)cfg + e->offset;
	char *end;
	long v;

	switch (e->type) {
	case CONFIG_STR:
		if (strlen(value) >= CONFIG_STR_MAX)
			return cm_err_set(err, CM_VALIDATION, e->key,
			    "%s: value longer than %d bytes", e->key,
			    CONFIG_STR_MAX - 1);
		strcpy(p, value);
		return CM_OK;
	case CONFIG_LONG:
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0')
			return cm_err_set(err, CM_VALIDATION, e->key,
			    "%s: \"%.64s\" is not an integer", e->key, value);
		if (v < e->min || v > e->max)
			return cm_err_set(err, CM_VALIDATION, e->key,
			    "%s: %ld is out of range %ld..%ld", e->key, v,
			    e->min, e->max);
		*(long *)(void *)p = v;
		return CM_OK;
	}
	return cm_err_set(err, CM_INTERNAL, e->key, "bad config type");
}

void
config_defaults(struct hub_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < CONFIG_COUNT; i++)
		if (config_apply(cfg, &config_table[i], config_table[i].def,
		    NULL) != CM_OK)
			abort();
}

enum cm_status
config_set(struct hub_config *cfg, const char *key, const char *value,
    struct cm_err *err)
{
	const struct config_entry *e = config_find(key);

	if (e == NULL)
		return cm_err_set(err, CM_VALIDATION, key,
		    "unknown setting \"%.64s\"", key);
	return config_apply(cfg, e, value, err);
}

static enum cm_status
config_fail_at(struct cm_err *err, const char *path, const yaml_mark_t *m,
    const char *what)
{
	return cm_err_set(err, CM_VALIDATION, NULL, "%s:%zu:%zu: %s", path,
	    m->line + 1, m->column + 1, what);
}

enum cm_status
config_load_file(struct hub_config *cfg, const char *path,
    struct cm_err *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	FILE *fp;
	char key[128];
	bool have_key = false, done = false;
	int depth = 0;
	enum cm_status st = CM_OK;
	struct cm_err sub;

	fp = fopen(path, "r");
	if (fp == NULL)
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		return cm_err_set(err, CM_NOMEM, NULL, "yaml parser");
	}
	yaml_parser_set_input_file(&parser, fp);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			st = cm_err_set(err, CM_VALIDATION, NULL,
			    "%s:%zu:%zu: %s", path,
			    parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem ? parser.problem : "syntax error");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
			if (++depth > 1)
				st = config_fail_at(err, path, &ev.start_mark,
				    "nested mappings are not allowed; "
				    "use key: value");
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SEQUENCE_START_EVENT:
			st = config_fail_at(err, path, &ev.start_mark,
			    "lists are not allowed; use key: value");
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;

			if (depth != 1) {
				st = config_fail_at(err, path, &ev.start_mark,
				    "expected a mapping of key: value");
			} else if (!have_key) {
				snprintf(key, sizeof key, "%s", v);
				have_key = true;
			} else {
				have_key = false;
				if (config_set(cfg, key, v, &sub) != CM_OK)
					st = config_fail_at(err, path,
					    &ev.start_mark, sub.msg);
			}
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (st != CM_OK)
			break;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	return st;
}

void
config_print_help(FILE *fp)
{
	size_t i;
	const struct config_entry *e;

	for (i = 0; i < CONFIG_COUNT; i++) {
		e = &config_table[i];
		if (e->type == CONFIG_LONG)
			fprintf(fp, "  %-20s integer %ld..%ld, default %s\n",
			    e->key, e->min, e->max, e->def);
		else
			fprintf(fp, "  %-20s string, default \"%s\"\n",
			    e->key, e->def);
		fprintf(fp, "  %-20s %s\n", "", e->help);
	}
}
