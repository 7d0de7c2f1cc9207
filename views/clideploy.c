/*
 * clideploy.c - `cm deploy`, `cm rollback`, `cm get apps|deployments`.
 * See clideploy.h.
 *
 * Options are parsed here rather than by cli.c's parser because
 * --cluster and --set repeat and --wait takes no value.  Names resolve
 * through the hub's lists (an exact id wins over a name).  --wait polls
 * the deployment and its events every half second and prints the
 * events it has not printed yet, so a slow terminal never misses one;
 * the workflow's own deadlines end a stuck deployment, so there is no
 * timeout here.
 */
#include "config.h"

#include "views/clideploy.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "backend/hubclient.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "views/cli.h"
#include "views/cliout.h"
#include "views/clisession.h"
#include "views/wizard_schema.h"

#define CLIDEPLOY_MAX 16		/* clusters / --set of one command */
#define CLIDEPLOY_POLL_MS 500

struct clideploy_opts {
	const char *pos;
	const char *version;
	const char *ns;
	const char *context;
	const char *clusters[CLIDEPLOY_MAX];
	size_t nclusters;
	const char *sets[CLIDEPLOY_MAX];
	size_t nsets;
	bool wait;
};

/* One deployment being followed. */
struct clideploy_follow {
	char id[64];
	char cluster[128];
	size_t printed;			/* events printed */
	char status[32];
	bool done;
};

static int
clideploy_usage(const char *usage, const char *why, const char *arg)
{
	if (why != NULL)
		clisession_say("%s%s%s", why, arg != NULL ? " " : "",
		    arg != NULL ? arg : "");
	fprintf(stderr, "usage: %s\n", usage);
	return CLI_EXIT_USAGE;
}

/* The value of an option at argv[*i] ("--x V" or "--x=V"). */
static const char *
clideploy_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) != 0)
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

/* -1 when parsed, else the exit code to return. */
static int
clideploy_parse(int argc, char **argv, const char *usage, bool deploy,
    struct clideploy_opts *o)
{
	const char *v;
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n", usage);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--wait") == 0) {
			o->wait = true;
			continue;
		}
		if ((v = clideploy_value(argc, argv, &i, "--version")) !=
		    NULL) {
			o->version = v;
		} else if ((v = clideploy_value(argc, argv, &i,
		    "--context")) != NULL) {
			o->context = v;
		} else if (deploy && ((v = clideploy_value(argc, argv, &i,
		    "--namespace")) != NULL || (v = clideploy_value(argc,
		    argv, &i, "-n")) != NULL)) {
			o->ns = v;
		} else if (deploy && (v = clideploy_value(argc, argv, &i,
		    "--cluster")) != NULL) {
			if (o->nclusters == CLIDEPLOY_MAX)
				return clideploy_usage(usage, "too many "
				    "--cluster", NULL);
			o->clusters[o->nclusters++] = v;
		} else if (deploy && (v = clideploy_value(argc, argv, &i,
		    "--set")) != NULL) {
			if (o->nsets == CLIDEPLOY_MAX)
				return clideploy_usage(usage, "too many --set",
				    NULL);
			o->sets[o->nsets++] = v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return clideploy_usage(usage, "unknown option",
			    argv[i]);
		} else if (o->pos == NULL) {
			o->pos = argv[i];
			continue;
		} else {
			return clideploy_usage(usage, "unexpected argument",
			    argv[i]);
		}
		if (v[0] == '\0')
			return clideploy_usage(usage, "a value is missing "
			    "after", argv[i - 1 >= 0 ? i - 1 : i]);
	}
	return -1;
}

static const char *
clideploy_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : "";
}

/* The item of list whose id, else name, is want; NULL when none. */
static const cJSON *
clideploy_find(const cJSON *list, const char *want)
{
	const cJSON *it, *items = cJSON_GetObjectItemCaseSensitive(list,
	    "items");

	cJSON_ArrayForEach(it, items)
		if (strcmp(clideploy_str(it, "id"), want) == 0)
			return it;
	cJSON_ArrayForEach(it, items)
		if (strcmp(clideploy_str(it, "name"), want) == 0)
			return it;
	return NULL;
}

static void
clideploy_nap(void)
{
	struct timespec ts = { CLIDEPLOY_POLL_MS / 1000,
	    (CLIDEPLOY_POLL_MS % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* "15:50:03" (UTC) of an RFC 3339 time. */
static void
clideploy_clock(const char *rfc3339, char *buf, size_t len)
{
	int64_t ms;
	time_t t;
	struct tm tm;

	if (time_parse_rfc3339(rfc3339, &ms, NULL) != CM_OK) {
		snprintf(buf, len, "--:--:--");
		return;
	}
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* Poll one deployment: print its new events; true once it ended. */
static enum cm_status
clideploy_poll(struct hubclient *hc, struct clideploy_follow *f,
    struct cm_err *err)
{
	cJSON *d = NULL, *ev = NULL;
	const cJSON *it;
	const char *st;
	char clock[16];
	size_t i = 0;
	enum cm_status rc;

	rc = hubclient_deployment(hc, f->id, &d, err);
	if (rc != CM_OK)
		return rc;
	rc = hubclient_deployment_events(hc, f->id, &ev, err);
	if (rc != CM_OK) {
		cJSON_Delete(d);
		return rc;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ev, "items")) {
		if (i++ < f->printed)
			continue;
		clideploy_clock(clideploy_str(it, "event_time"), clock,
		    sizeof clock);
		printf("%s  %s  %-18s %s\n", f->cluster, clock,
		    clideploy_str(it, "event_type"),
		    clideploy_str(it, "description"));
		f->printed++;
	}
	fflush(stdout);
	st = clideploy_str(d, "status");
	snprintf(f->status, sizeof f->status, "%s", st);
	if (strcmp(st, "successful") == 0 || strcmp(st, "failed") == 0) {
		f->done = true;
		printf("%s  deployment %s %s%s%s\n", f->cluster, f->id, st,
		    *clideploy_str(d, "rollback_version") != '\0' ?
		    ", rolled back to " : "",
		    clideploy_str(d, "rollback_version"));
		fflush(stdout);
	}
	cJSON_Delete(d);
	cJSON_Delete(ev);
	return CM_OK;
}

/* Follow every deployment to its end: 0 all successful, else 1. */
static int
clideploy_wait(struct clisession *s, struct clideploy_follow *f, size_t n)
{
	struct cm_err err;
	size_t i, left = n;
	int code = CLI_EXIT_OK;

	while (left > 0) {
		for (i = 0; i < n; i++) {
			if (f[i].done)
				continue;
			cm_err_clear(&err);
			if (clideploy_poll(s->hc, &f[i], &err) != CM_OK)
				return clisession_fail(s, &err);
			if (f[i].done) {
				left--;
				if (strcmp(f[i].status, "successful") != 0)
					code = CLI_EXIT_ERROR;
			}
		}
		if (left > 0)
			clideploy_nap();
	}
	return code;
}

/* The config of --set options typed by the version's schema. */
static int
clideploy_config(const struct clideploy_opts *o, const cJSON *version,
    const char *usage, cJSON **out)
{
	struct wizard_props props;
	struct cm_err err;
	cJSON *config = cJSON_CreateObject();
	size_t i;

	*out = NULL;
	cm_err_clear(&err);
	if (wizard_schema_flatten(cJSON_GetObjectItemCaseSensitive(version,
	    "config_schema"), &props, &err) != CM_OK) {
		clisession_say("%s", err.msg);
		cJSON_Delete(config);
		return CLI_EXIT_ERROR;
	}
	for (i = 0; i < o->nsets; i++) {
		if (wizard_schema_set(&props, config, o->sets[i], &err) !=
		    CM_OK) {
			wizard_props_done(&props);
			cJSON_Delete(config);
			return clideploy_usage(usage, err.msg, NULL);
		}
	}
	wizard_props_done(&props);
	*out = config;
	return -1;
}

int
clideploy_deploy(int argc, char **argv, const char *usage)
{
	struct clideploy_opts o;
	struct clideploy_follow f[CLIDEPLOY_MAX];
	struct clisession s;
	struct cm_err err;
	cJSON *apps = NULL, *versions = NULL, *clusters = NULL;
	cJSON *config = NULL, *body, *ans;
	const cJSON *app, *ver = NULL, *it, *cl[CLIDEPLOY_MAX];
	size_t i, nf = 0;
	int code;

	code = clideploy_parse(argc, argv, usage, true, &o);
	if (code >= 0)
		return code;
	if (o.pos == NULL)
		return clideploy_usage(usage, "which application?", NULL);
	if (o.version == NULL)
		return clideploy_usage(usage, "which version? give --version",
		    NULL);
	if (o.nclusters == 0)
		return clideploy_usage(usage, "where? give --cluster", NULL);
	if (!clisession_open(&s, o.context, true)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	memset(f, 0, sizeof f);
	cm_err_clear(&err);
	if (hubclient_apps(s.hc, &apps, &err) != CM_OK ||
	    hubclient_clusters(s.hc, &clusters, &err) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	app = clideploy_find(apps, o.pos);
	if (app == NULL) {
		clisession_say("no application named \"%s\" (cm get apps "
		    "lists them)", o.pos);
		code = CLI_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < o.nclusters; i++) {
		cl[i] = clideploy_find(clusters, o.clusters[i]);
		if (cl[i] == NULL) {
			clisession_say("no cluster named \"%s\" (cm get "
			    "clusters lists them)", o.clusters[i]);
			code = CLI_EXIT_ERROR;
			goto out;
		}
	}
	if (hubclient_app_versions(s.hc, clideploy_str(app, "id"), &versions,
	    &err) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(versions,
	    "items"))
		if (strcmp(clideploy_str(it, "version"), o.version) == 0)
			ver = it;
	if (ver == NULL) {
		clisession_say("%s has no version %s (latest: %s)",
		    clideploy_str(app, "name"), o.version,
		    *clideploy_str(app, "latest_version") != '\0' ?
		    clideploy_str(app, "latest_version") : "none");
		code = CLI_EXIT_ERROR;
		goto out;
	}
	code = clideploy_config(&o, ver, usage, &config);
	if (code >= 0)
		goto out;
	code = CLI_EXIT_OK;
	for (i = 0; i < o.nclusters; i++) {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "cluster_id",
		    clideploy_str(cl[i], "id"));
		cJSON_AddStringToObject(body, "version", o.version);
		cJSON_AddItemToObject(body, "config",
		    cJSON_Duplicate(config, true));
		if (o.ns != NULL)
			cJSON_AddStringToObject(body, "namespace", o.ns);
		ans = NULL;
		cm_err_clear(&err);
		if (hubclient_app_act(s.hc, clideploy_str(app, "id"), "deploy",
		    body, &ans, &err) != CM_OK) {
			if (err.status == CM_UNAUTHORIZED ||
			    err.status == CM_UNAVAILABLE)
				clisession_fail(&s, &err);
			else if (err.field[0] != '\0')
				clisession_say("%s: %s (%s)", clideploy_str(
				    cl[i], "name"), err.msg, err.field);
			else
				clisession_say("%s: %s", clideploy_str(cl[i],
				    "name"), err.msg);
			code = CLI_EXIT_ERROR;
		} else {
			snprintf(f[nf].id, sizeof f[nf].id, "%s",
			    clideploy_str(ans, "deployment_id"));
			snprintf(f[nf].cluster, sizeof f[nf].cluster, "%s",
			    clideploy_str(cl[i], "name"));
			printf("deployment %s: %s %s to %s\n", f[nf].id,
			    clideploy_str(app, "name"), o.version,
			    f[nf].cluster);
			nf++;
		}
		cJSON_Delete(ans);
		cJSON_Delete(body);
	}
	fflush(stdout);
	if (o.wait && nf > 0 && clideploy_wait(&s, f, nf) != CLI_EXIT_OK)
		code = CLI_EXIT_ERROR;
out:
	cJSON_Delete(config);
	cJSON_Delete(apps);
	cJSON_Delete(versions);
	cJSON_Delete(clusters);
	clisession_close(&s);
	return code;
}

int
clideploy_rollback(int argc, char **argv, const char *usage)
{
	struct clideploy_opts o;
	struct clideploy_follow f;
	struct clisession s;
	struct cm_err err;
	cJSON *d = NULL, *body = NULL, *ans = NULL;
	int code;

	code = clideploy_parse(argc, argv, usage, false, &o);
	if (code >= 0)
		return code;
	if (o.pos == NULL)
		return clideploy_usage(usage, "which deployment? give its id "
		    "(cm get deployments)", NULL);
	if (!clisession_open(&s, o.context, true)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	cm_err_clear(&err);
	if (hubclient_deployment(s.hc, o.pos, &d, &err) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "cluster_id",
	    clideploy_str(d, "cluster_id"));
	if (o.version != NULL)
		cJSON_AddStringToObject(body, "version", o.version);
	if (hubclient_app_act(s.hc, clideploy_str(d, "app_id"), "rollback",
	    body, &ans, &err) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	memset(&f, 0, sizeof f);
	snprintf(f.id, sizeof f.id, "%s", clideploy_str(ans, "deployment_id"));
	snprintf(f.cluster, sizeof f.cluster, "%s",
	    clideploy_str(d, "cluster_name"));
	printf("deployment %s: rollback of %s on %s\n", f.id,
	    clideploy_str(d, "app_name"), f.cluster);
	fflush(stdout);
	code = o.wait ? clideploy_wait(&s, &f, 1) : CLI_EXIT_OK;
out:
	cJSON_Delete(d);
	cJSON_Delete(body);
	cJSON_Delete(ans);
	clisession_close(&s);
	return code;
}

bool
clideploy_is_kind(const char *kind)
{
	return strcmp(kind, "apps") == 0 || strcmp(kind, "app") == 0 ||
	    strcmp(kind, "applications") == 0 ||
	    strcmp(kind, "deployments") == 0 ||
	    strcmp(kind, "deployment") == 0;
}

bool
clideploy_hub_context(const char *context)
{
	const struct settings_context *ctx;
	struct settings s;
	bool hub = true;

	if (!clisession_settings_load(&s)) {
		clisession_settings_free(&s);
		return true;
	}
	ctx = context != NULL ? settings_find_context(&s, context) :
	    settings_current(&s);
	if (ctx != NULL && ctx->hub == NULL && ctx->kube != NULL)
		hub = false;
	clisession_settings_free(&s);
	return hub;
}

/* "now" for ages: CM_FAKE_NOW (epoch seconds) freezes it for tests. */
static int64_t
clideploy_now(void)
{
	const char *fake = getenv("CM_FAKE_NOW");

	if (fake != NULL && fake[0] != '\0')
		return (int64_t)strtoll(fake, NULL, 10) * 1000;
	return time_now_ms();
}

static void
clideploy_table(bool apps, const cJSON *list)
{
	static const char *const app_cols[] = {
		"NAME", "LATEST", "VERSIONS", "DESCRIPTION",
	};
	static const char *const dep_cols[] = {
		"ID", "APP", "VERSION", "CLUSTER", "KIND", "STATUS", "AGE",
		"DURATION",
	};
	struct cliout_table t;
	const cJSON *it, *n;
	const char *cells[8];
	char num[32], age[CLIOUT_AGE_MAX], dur[32];
	int64_t now = clideploy_now(), a, b;

	cliout_table_init(&t, apps ? app_cols : dep_cols, apps ? 4 : 8);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list,
	    "items")) {
		if (apps) {
			n = cJSON_GetObjectItemCaseSensitive(it, "versions");
			snprintf(num, sizeof num, "%d", cJSON_IsNumber(n) ?
			    n->valueint : 0);
			cells[0] = clideploy_str(it, "name");
			cells[1] = clideploy_str(it, "latest_version");
			cells[2] = num;
			cells[3] = clideploy_str(it, "description");
		} else {
			snprintf(age, sizeof age, "-");
			snprintf(dur, sizeof dur, "-");
			if (time_parse_rfc3339(clideploy_str(it, "started_at"),
			    &a, NULL) == CM_OK) {
				cliout_age(a, now, age, sizeof age);
				if (time_parse_rfc3339(clideploy_str(it,
				    "completed_at"), &b, NULL) == CM_OK)
					snprintf(dur, sizeof dur, "%.1fs",
					    (double)(b - a) / 1000.0);
			}
			cells[0] = clideploy_str(it, "id");
			cells[1] = clideploy_str(it, "app_name");
			cells[2] = clideploy_str(it, "version");
			cells[3] = clideploy_str(it, "cluster_name");
			cells[4] = clideploy_str(it, "kind");
			cells[5] = clideploy_str(it, "status");
			cells[6] = age;
			cells[7] = dur;
		}
		cliout_table_add(&t, cells);
	}
	cliout_table_print(&t, stdout);
	cliout_table_done(&t);
}

int
clideploy_get(const char *kind, const char *context, const char *output)
{
	struct clisession s;
	struct cm_err err;
	cJSON *list = NULL;
	bool apps = strncmp(kind, "app", 3) == 0;
	int code = CLI_EXIT_OK;

	if (!clisession_open(&s, context, true)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	cm_err_clear(&err);
	if ((apps ? hubclient_apps(s.hc, &list, &err) :
	    hubclient_deployments(s.hc, NULL, &list, &err)) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	if (strcmp(output, "json") == 0)
		cliout_json(stdout, list);
	else if (strcmp(output, "yaml") == 0)
		cliout_yaml(stdout, list);
	else
		clideploy_table(apps, list);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(list,
	    "next_cursor")))
		clisession_say("warning: the list stops at %d items; the hub "
		    "has more", HUBCLIENT_LIST_MAX);
out:
	cJSON_Delete(list);
	clisession_close(&s);
	return code;
}
