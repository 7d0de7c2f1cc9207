/*
 * main.c - cmhubd's command line: `serve` runs the hub, `init` creates a
 * data directory.  Everything else lives in the service folders; this
 * file only parses flags, wires the pieces together and waits for a
 * signal.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/status.h"
#include "backend/timeutil.h"
#include "hub/api/api.h"
#include "hub/api/routes.h"
#include "hub/auth/keyfile.h"
#include "hub/auth/password.h"
#include "hub/auth/tokens.h"
#include "hub/alerts/jobs.h"
#include "hub/alerts/stream.h"
#include "hub/collector/collector.h"
#include "hub/workflow/workflow.h"
#include "hub/core/config.h"
#include "hub/core/hub.h"
#include "hub/core/init.h"
#include "hub/http/accesslog.h"
#include "hub/http/metrics.h"
#include "hub/http/ratelimit.h"
#include "hub/http/respcache.h"
#include "hub/http/server.h"
#include "hub/metrics/metrics.h"
#include "hub/store/store.h"

#define RATELIMIT_KEYS 65536
#define LIST_CACHE_SLOTS 1024

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: cmhubd serve --data DIR [--listen ADDR:PORT] "
	    "[--config FILE] [--set KEY=VALUE]...\n"
	    "                    [--roles api,worker,collector]\n"
	    "       cmhubd init --data DIR --tenant NAME --admin-email EMAIL\n"
	    "                   [--admin-password-file FILE] [--demo]\n"
	    "       cmhubd --help | --version\n"
	    "\n"
	    "ClusterMaster hub: the multi-tenant REST API (/api/v1).\n"
	    "\n"
	    "serve   Serve the API.  With --listen 127.0.0.1:0 a free port is\n"
	    "        picked; the first line on stdout is always\n"
	    "        \"listening on http://HOST:PORT\".  Stops cleanly on\n"
	    "        SIGINT or SIGTERM.\n"
	    "  --data DIR         data directory made by `cmhubd init`\n"
	    "  --listen ADDR:PORT address to serve on (config key listen)\n"
	    "  --config FILE      YAML file of \"key: value\" settings\n"
	    "  --set KEY=VALUE    one setting; overrides the file\n"
	    "  --roles LIST       what this process does, comma-separated\n"
	    "                     (default all): api serves HTTP, collector\n"
	    "                     polls the clusters, worker runs background\n"
	    "                     jobs (none yet).  Without api nothing is\n"
	    "                     served and the first line is \"running\n"
	    "                     roles ...\"\n"
	    "\n"
	    "init    Create DIR (mode 0700) with the signing key jwt.key and\n"
	    "        the credential sealing key seal.key (mode 0600), the\n"
	    "        sqlite store hub.db, tenant NAME and a platform-admin\n"
	    "        user.  Refuses a directory that is already initialised.\n"
	    "  --data DIR                 directory to create\n"
	    "  --tenant NAME              first tenant\n"
	    "  --admin-email EMAIL        its platform administrator\n"
	    "  --admin-password-file FILE read the password from FILE (first\n"
	    "                             line); otherwise one is generated\n"
	    "                             and printed once\n"
	    "  --demo                     add demo clusters, alerts, history\n"
	    "                             and a second tenant \"globex\"\n"
	    "                             (admin@globex.test, same password)\n"
	    "\n"
	    "Settings (config file keys and --set KEY=VALUE):\n");
	config_print_help(fp);
}

static int
fail(const struct cm_err *err)
{
	fprintf(stderr, "cmhubd: %s\n", err->msg);
	return 1;
}

static int
read_password_file(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "cmhubd: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)len, fp) == NULL) {
		fprintf(stderr, "cmhubd: %s: empty password file\n", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "admin-email", required_argument, NULL, 'e' },
		{ "admin-password-file", required_argument, NULL, 'p' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct init_opts o;
	char password[300];
	const char *pwfile = NULL;
	bool generated = false;
	struct cm_err err;
	int c;

	memset(&o, 0, sizeof o);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.data_dir = optarg; break;
		case 't': o.tenant = optarg; break;
		case 'e': o.admin_email = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'D': o.demo = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o.data_dir == NULL || o.tenant == NULL || o.admin_email == NULL ||
	    optind != argc) {
		fprintf(stderr, "cmhubd init: --data, --tenant and "
		    "--admin-email are required\n");
		return 2;
	}
	if (pwfile != NULL) {
		if (read_password_file(pwfile, password, sizeof password) != 0)
			return 1;
	} else {
		token_password(password, 21);
		generated = true;
	}
	o.admin_password = password;
	password_init(1);
	cm_err_clear(&err);
	if (init_run(&o, &err) != CM_OK)
		return fail(&err);
	printf("initialised %s: tenant \"%s\", platform admin %s\n",
	    o.data_dir, o.tenant, o.admin_email);
	if (generated)
		printf("admin password (shown once): %s\n", password);
	if (o.demo)
		printf("demo data added; tenant \"globex\" has tenant-admin "
		    "admin@globex.test with the same password\n");
	return 0;
}

static int
hub_open(struct hub *hub, struct cm_err *err)
{
	char path[CONFIG_STR_MAX + 32], url[CONFIG_STR_MAX + 32];
	struct hub_config *cfg = &hub->cfg;

	if (cfg->data_dir[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "data",
		    "--data DIR is required (create one with cmhubd init)");
	snprintf(path, sizeof path, "%s/%s", cfg->data_dir, INIT_JWT_KEY);
	if (keyfile_load(path, hub->jwt_key, err) != CM_OK)
		return err->status;
	snprintf(path, sizeof path, "%s/%s", cfg->data_dir, INIT_SEAL_KEY);
	if (keyfile_load(path, hub->seal_key, err) != CM_OK)
		return err->status;
	if (cfg->store[0] != '\0')
		snprintf(url, sizeof url, "%s", cfg->store);
	else
		snprintf(url, sizeof url, "sqlite:%s/%s", cfg->data_dir,
		    INIT_STORE_FILE);
	if (store_open(url, (unsigned)cfg->store_pool, &hub->store, err) !=
	    CM_OK)
		return err->status;
	if (cfg->access_log[0] != '\0')
		snprintf(path, sizeof path, "%s", cfg->access_log);
	else
		snprintf(path, sizeof path, "%s/access.log", cfg->data_dir);
	if (accesslog_open(path, &hub->accesslog, err) != CM_OK)
		return err->status;
	password_init((unsigned)cfg->hash_concurrency);
	hub->metrics = metrics_new();
	hub->ratelimit = ratelimit_new(RATELIMIT_KEYS);
	hub->lists = respcache_new(LIST_CACHE_SLOTS);
	hub->routes = api_routes;
	hub->nroutes = api_routes_count;
	hub->started_ms = time_now_ms();
	return CM_OK;
}

static void
hub_close(struct hub *hub)
{
	ratelimit_free(hub->ratelimit);
	respcache_free(hub->lists);
	metrics_free(hub->metrics);
	accesslog_close(hub->accesslog);
	store_close(hub->store);
}

#define SERVE_API 1u
#define SERVE_WORKER 2u
#define SERVE_COLLECTOR 4u

/* Parse "api,worker,collector" into SERVE_* bits; 0 on a bad list. */
static unsigned
parse_roles(const char *list)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "api", SERVE_API },
		{ "worker", SERVE_WORKER },
		{ "collector", SERVE_COLLECTOR },
	};
	unsigned roles = 0;
	size_t len, i;
	const char *p = list;

	for (;;) {
		len = strcspn(p, ",");
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == len &&
			    strncmp(names[i].name, p, len) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return 0;
		roles |= names[i].bit;
		if (p[len] == '\0')
			return roles;
		p += len + 1;
	}
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "roles", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct hub hub;
	unsigned roles = SERVE_API | SERVE_WORKER | SERVE_COLLECTOR;
	struct collector *collector = NULL;
	struct stream_broker *broker = NULL;
	struct jobs *jobs = NULL;
	struct worker *worker = NULL;
	struct metrics_retention *retention = NULL;
	const char *config = NULL, *data = NULL, *listen = NULL;
	char **sets;
	size_t nsets = 0, i;
	struct server *srv = NULL;
	char url[256], key[128];
	struct cm_err err;
	sigset_t mask;
	int c, sig, rc = 1;

	sets = calloc((size_t)argc, sizeof *sets);
	if (sets == NULL)
		return 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'c': config = optarg; break;
		case 's': sets[nsets++] = optarg; break;
		case 'r':
			if ((roles = parse_roles(optarg)) == 0) {
				fprintf(stderr, "cmhubd: --roles %s: expected a "
				    "comma-separated list of api, worker, "
				    "collector\n", optarg);
				free(sets);
				return 2;
			}
			break;
		case 'h': usage(stdout); free(sets); return 0;
		default: usage(stderr); free(sets); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(sets);
		return 2;
	}
	cm_err_clear(&err);
	config_defaults(&hub.cfg);
	if (config != NULL && config_load_file(&hub.cfg, config, &err) !=
	    CM_OK)
		goto out;
	for (i = 0; i < nsets; i++) {
		char *eq = strchr(sets[i], '=');

		if (eq == NULL || (size_t)(eq - sets[i]) >= sizeof key) {
			cm_err_set(&err, CM_VALIDATION, NULL,
			    "--set %s: expected KEY=VALUE", sets[i]);
			goto out;
		}
		memcpy(key, sets[i], (size_t)(eq - sets[i]));
		key[eq - sets[i]] = '\0';
		if (config_set(&hub.cfg, key, eq + 1, &err) != CM_OK)
			goto out;
	}
	if ((data != NULL && config_set(&hub.cfg, "data", data, &err) !=
	    CM_OK) || (listen != NULL && config_set(&hub.cfg, "listen",
	    listen, &err) != CM_OK))
		goto out;
	if (hub_open(&hub, &err) != CM_OK)
		goto out;

	/* Threads started from here on inherit the blocked signals. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((roles & SERVE_API) && server_start(&hub, api_dispatch, &srv, url,
	    sizeof url, &err) != CM_OK)
		goto out;
	if ((roles & SERVE_COLLECTOR) &&
	    (collector = collector_start(&hub, &err)) == NULL) {
		server_stop(srv);
		goto out;
	}
	if ((roles & SERVE_WORKER) &&
	    (worker = worker_start(&hub, &err)) == NULL) {
		collector_stop(collector);
		server_stop(srv);
		goto out;
	}
	if ((roles & SERVE_WORKER) &&
	    (retention = metrics_retention_start(&hub, &err)) == NULL) {
		worker_stop(worker);
		collector_stop(collector);
		server_stop(srv);
		goto out;
	}
	if (((roles & SERVE_API) &&
	    (broker = stream_start(&hub, &err)) == NULL) ||
	    (jobs = jobs_start(&hub, &err)) == NULL) {
		metrics_retention_stop(retention);
		worker_stop(worker);
		collector_stop(collector);
		server_stop(srv);
		stream_stop(broker);
		goto out;
	}
	if (roles & SERVE_API)
		printf("listening on %s\n", url);
	else
		printf("running roles%s%s\n",
		    roles & SERVE_WORKER ? " worker" : "",
		    roles & SERVE_COLLECTOR ? " collector" : "");
	fflush(stdout);
	sigwait(&mask, &sig);
	fprintf(stderr, "cmhubd: %s received, stopping\n",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	metrics_retention_stop(retention);
	worker_stop(worker);
	collector_stop(collector);
	server_stop(srv);
	stream_stop(broker);
	jobs_stop(jobs);
	rc = 0;
out:
	if (rc != 0)
		fail(&err);
	hub_close(&hub);
	free(sets);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("cmhubd %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	fprintf(stderr, "cmhubd: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
