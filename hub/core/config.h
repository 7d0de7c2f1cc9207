/*
 * config.h - cmhubd's settings: one typed table with defaults and bounds.
 *
 * The table in config.c is the single source of every key: its type,
 * default, bounds and help line.  `cmhubd --help` prints it, the config
 * file (flat YAML "key: value") is checked against it, and command-line
 * flags override the file.  A bad key or value names file:line:column.
 */
#ifndef CM_HUB_CORE_CONFIG_H
#define CM_HUB_CORE_CONFIG_H

#include <stdio.h>

#include "backend/status.h"

#define CONFIG_STR_MAX 512

struct hub_config {
	char listen[CONFIG_STR_MAX];	/* "127.0.0.1:8080" */
	char data_dir[CONFIG_STR_MAX];
	char store[CONFIG_STR_MAX];	/* "" = sqlite:DATA/hub.db */
	char access_log[CONFIG_STR_MAX];	/* "" = DATA/access.log, "-" = stderr */
	long threads;
	long store_pool;
	long conn_limit;
	long per_ip_conn_limit;
	long conn_timeout;		/* seconds */
	long conn_memory;		/* bytes per connection */
	long body_max;			/* bytes */
	long access_ttl;		/* seconds */
	long refresh_ttl;		/* seconds */
	long hash_concurrency;		/* concurrent argon2id hashes */
	long rate_read_per_min;
	long rate_read_burst;
	long rate_write_per_min;
	long rate_write_burst;
	long rate_login_per_min;
	long rate_login_burst;
	long page_max;			/* largest list page */
	long collect_interval;		/* seconds between collector rounds */
	long metrics_raw_hours;		/* raw samples kept (hub/metrics) */
	long metrics_retention_interval;	/* seconds between passes */
	long workflow_lease;		/* seconds a step claim lasts */
	long rollout_deadline;		/* seconds a rollout may take */
	long workflow_poll_ms;		/* rollout polling interval */
	long worker_threads;		/* deployment step runners */
	long events_retention;		/* seconds hub_events rows are kept */
	long stream_buffer_max;		/* bytes an SSE client may lag */
	long stream_keepalive;		/* seconds between SSE keepalives */
	long stream_poll_ms;		/* SSE look for other processes' rows */
};

/* Fill cfg with the defaults of the table. */
void config_defaults(struct hub_config *cfg);

/* Set one key from text; checks type and bounds. */
enum cm_status config_set(struct hub_config *cfg, const char *key,
    const char *value, struct cm_err *err);

/*
 * Apply a flat YAML mapping file.  On error err->msg reads
 * "FILE:LINE:COLUMN: message" and cfg keeps what was applied before.
 */
enum cm_status config_load_file(struct hub_config *cfg, const char *path,
    struct cm_err *err);

/* Print every key with type, default, bounds and help (for --help). */
void config_print_help(FILE *fp);

#endif
