/*
 * init.c - `cmhubd init`: a new data directory with keys, store, first
 * tenant and platform admin.  See init.h.
 *
 * This writes tenants and users with its own SQL rather than through the
 * users service: there is no principal yet to act as, and the first
 * admin is the one object that may be created without one.  The audit
 * log records the bootstrap like any other mutation.
 */
#include "config.h"

#include "hub/core/init.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/apps/demo.h"
#include "hub/audit/audit.h"
#include "hub/auth/keyfile.h"
#include "hub/auth/password.h"
#include "hub/store/store.h"

#define ROLE_ID_PLATFORM_ADMIN "00000000-0000-7000-8000-000000000001"
#define ROLE_ID_TENANT_ADMIN "00000000-0000-7000-8000-000000000002"

static const struct store_query q_tenant_insert = {
	"init.tenant_insert",
	"INSERT INTO tenants (id, name, status, created_at) "
	"VALUES ($1, $2, 'active', $3)",
	NULL,
};

static const struct store_query q_user_insert = {
	"init.user_insert",
	"INSERT INTO users (id, tenant_id, email, name, password_hash, "
	"auth_provider, status, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, 'local', 'active', $6, $6)",
	NULL,
};

static const struct store_query q_role_insert = {
	"init.role_insert",
	"INSERT INTO user_roles (id, user_id, role_id, assigned_at) "
	"VALUES ($1, $2, $3, $4)",
	NULL,
};

bool
init_exists(const char *data_dir)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", data_dir, INIT_JWT_KEY);
	return access(path, F_OK) == 0;
}

/* Insert a local user with one role inside tx; fills id. */
static enum cm_status
init_user(struct store_tx *tx, const char *tenant_id, const char *email,
    const char *name, const char *hash, const char *role_id,
    char id[UUID_STR_LEN + 1], struct cm_err *err)
{
	char rid[UUID_STR_LEN + 1];
	int64_t now = time_now_ms();
	enum cm_status st;

	uuid_v7(id);
	uuid_v7(rid);
	st = store_exec(tx, &q_user_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant_id), STORE_TEXT(email), STORE_TEXT(name),
	    STORE_TEXT(hash), STORE_INT(now)), NULL, err);
	if (st != CM_OK)
		return st;
	return store_exec(tx, &q_role_insert, STORE_ARGS(STORE_TEXT(rid),
	    STORE_TEXT(id), STORE_TEXT(role_id), STORE_INT(now)), NULL, err);
}

/* Insert a tenant inside tx; fills id. */
static enum cm_status
init_tenant(struct store_tx *tx, const char *name,
    char id[UUID_STR_LEN + 1], struct cm_err *err)
{
	uuid_v7(id);
	return store_exec(tx, &q_tenant_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(name), STORE_INT(time_now_ms())), NULL, err);
}

enum cm_status
init_run(const struct init_opts *o, struct cm_err *err)
{
	unsigned char key[32];
	char path[4096], url[4200];
	char tenant_id[UUID_STR_LEN + 1], user_id[UUID_STR_LEN + 1];
	char *hash = NULL;
	struct store *store = NULL;
	struct store_tx *tx = NULL;
	struct audit_entry e;
	enum cm_status st;

	if (init_exists(o->data_dir))
		return cm_err_set(err, CM_CONFLICT, "data",
		    "%s is already initialised (it holds %s); "
		    "use another directory or remove it", o->data_dir,
		    INIT_JWT_KEY);
	if (mkdir(o->data_dir, 0700) != 0 && errno != EEXIST)
		return cm_err_set(err, CM_IO, "data", "mkdir %s: %s",
		    o->data_dir, strerror(errno));
	if ((st = password_check_policy(o->admin_password, err)) != CM_OK)
		return st;
	if ((st = password_hash(o->admin_password, &hash, err)) != CM_OK)
		return st;

	snprintf(path, sizeof path, "%s/%s", o->data_dir, INIT_JWT_KEY);
	if ((st = keyfile_create(path, key, err)) != CM_OK)
		goto out;
	snprintf(path, sizeof path, "%s/%s", o->data_dir, INIT_SEAL_KEY);
	if ((st = keyfile_create(path, key, err)) != CM_OK)
		goto out;
	snprintf(url, sizeof url, "sqlite:%s/%s", o->data_dir,
	    INIT_STORE_FILE);
	if ((st = store_open(url, 1, &store, err)) != CM_OK)
		goto out;

	if ((st = store_tx_begin(store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	if ((st = init_tenant(tx, o->tenant, tenant_id, err)) != CM_OK)
		goto out;
	if ((st = init_user(tx, tenant_id, o->admin_email, "Administrator",
	    hash, ROLE_ID_PLATFORM_ADMIN, user_id, err)) != CM_OK)
		goto out;
	memset(&e, 0, sizeof e);
	e.tenant_id = tenant_id;
	e.user_id = user_id;
	e.action = "hub.init";
	e.resource_type = "tenant";
	e.resource_id = tenant_id;
	e.success = true;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK && o->demo)
		st = init_demo(store, tenant_id, user_id, hash, err);
out:
	store_tx_rollback(tx);
	store_close(store);
	free(hash);
	return st;
}

/* Demo data: a fleet with something to look at on every screen. */
struct demo_cluster {
	const char *name;
	const char *provider;
	const char *region;
	const char *status;
	const char *version;
};

struct demo_alert {
	int cluster;		/* index into the cluster table */
	const char *type;
	const char *severity;
	const char *message;
	int age_min;
	int state;		/* 0 active, 1 acknowledged, 2 resolved */
};

static const struct demo_cluster demo_clusters[] = {
	{ "prod-eu-west", "aws", "eu-west-1", "healthy", "v1.30.4" },
	{ "prod-us-east", "aws", "us-east-1", "warning", "v1.30.4" },
	{ "prod-ap-south", "aws", "ap-south-1", "healthy", "v1.29.8" },
	{ "staging-eu", "gcp", "europe-west1", "healthy", "v1.31.1" },
	{ "analytics-gke", "gcp", "us-central1", "critical", "v1.30.2" },
	{ "ml-training", "gcp", "us-east4", "healthy", "v1.30.2" },
	{ "payments-aks", "azure", "westeurope", "healthy", "v1.29.7" },
	{ "identity-aks", "azure", "eastus", "warning", "v1.29.7" },
	{ "edge-factory-01", "on_prem", "dc-berlin", "offline", "v1.28.12" },
	{ "dc-frankfurt", "on_prem", "dc-frankfurt", "healthy", "v1.30.0" },
	{ "dc-amsterdam", "on_prem", "dc-amsterdam", "critical", "v1.30.0" },
	{ "dev-sandbox", "on_prem", "lab", "healthy", "v1.31.1" },
};

static const struct demo_alert demo_alerts[] = {
	{ 0, "MemoryPressure", "warning",
	    "Node ip-10-0-3-17 memory usage above 90% for 15m", 600, 2 },
	{ 3, "DiskPressure", "warning",
	    "Node gke-staging-pool-2 disk pressure", 480, 2 },
	{ 3, "DeprecatedAPI", "info",
	    "Deprecated API batch/v1beta1 CronJob still in use", 300, 0 },
	{ 5, "CapacityHigh", "info",
	    "GPU node pool at 95% allocation", 240, 0 },
	{ 7, "CertificateExpiry", "warning",
	    "API server certificate expires in 6 days", 200, 1 },
	{ 1, "APILatency", "warning",
	    "API server p99 latency 1.8 s over the last 10 m", 90, 0 },
	{ 0, "CrashLoopBackOff", "warning",
	    "Pod payments/ledger-7d9f8 restarting (CrashLoopBackOff)", 60, 0 },
	{ 10, "VolumeFull", "warning",
	    "PersistentVolume data-postgres-0 is 91% full", 45, 0 },
	{ 8, "ClusterUnreachable", "critical",
	    "Cluster unreachable for 42 minutes", 42, 0 },
	{ 4, "NodeNotReady", "critical",
	    "3 of 12 nodes NotReady", 25, 0 },
	{ 10, "EtcdNoLeader", "critical",
	    "etcd member etcd-2 has no leader", 12, 0 },
};

static const struct store_query q_demo_cluster = {
	"init.demo_cluster",
	"INSERT INTO clusters (id, tenant_id, name, provider, region, status, "
	"api_endpoint, kubernetes_version, labels, last_seen_at, created_at, "
	"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	"$11)",
	NULL,
};

static const struct store_query q_demo_event = {
	"init.demo_event",
	"INSERT INTO cluster_events (id, cluster_id, tenant_id, event_type, "
	"description, actor_user_id, details, created_at) "
	"VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)",
	NULL,
};

static const struct store_query q_demo_alert = {
	"init.demo_alert",
	"INSERT INTO cluster_alerts (id, tenant_id, cluster_id, alert_type, "
	"severity, message, status, acknowledged_at, acknowledged_by, "
	"resolved_by, created_at, updated_at, resolved_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $12, $9, $9, $10)",
	NULL,
};

static enum cm_status
demo_cluster(struct store_tx *tx, const char *tenant_id,
    const struct demo_cluster *c, int n, int64_t created,
    char id[UUID_STR_LEN + 1], struct cm_err *err)
{
	char endpoint[128], labels[128], eid[UUID_STR_LEN + 1];
	int64_t now = time_now_ms();
	enum cm_status st;
	bool offline = strcmp(c->status, "offline") == 0;

	uuid_v7(id);
	snprintf(endpoint, sizeof endpoint, "https://10.%d.0.1:6443", n + 10);
	/* Made-up endpoints: "simulated" puts the demo in the tours'
	 * practice mode (docs/tours.md). */
	snprintf(labels, sizeof labels, "{\"env\":\"%s\",\"team\":\"%s\","
	    "\"simulated\":\"true\"}",
	    strncmp(c->name, "prod", 4) == 0 ? "production" :
	    strncmp(c->name, "dev", 3) == 0 ? "development" : "shared",
	    n % 2 ? "platform" : "sre");
	st = store_exec(tx, &q_demo_cluster, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant_id), STORE_TEXT(c->name),
	    STORE_TEXT(c->provider), STORE_TEXT(c->region),
	    STORE_TEXT(c->status), STORE_TEXT(endpoint),
	    STORE_TEXT(c->version), STORE_TEXT(labels),
	    STORE_INT(offline ? now - 42 * 60000 : now - 15000),
	    STORE_INT(created)), NULL, err);
	if (st != CM_OK)
		return st;
	uuid_v7(eid);
	return store_exec(tx, &q_demo_event, STORE_ARGS(STORE_TEXT(eid),
	    STORE_TEXT(id), STORE_TEXT(tenant_id), STORE_TEXT("registered"),
	    STORE_TEXT("registered by the demo seed"), STORE_INT(created)),
	    NULL, err);
}

static enum cm_status
demo_alert(struct store_tx *tx, const char *tenant_id,
    const char *cluster_id, const struct demo_alert *a, const char *actor,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	int64_t at = time_now_ms() - (int64_t)a->age_min * 60000;

	uuid_v7(id);
	return store_exec(tx, &q_demo_alert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant_id), STORE_TEXT(cluster_id),
	    STORE_TEXT(a->type), STORE_TEXT(a->severity),
	    STORE_TEXT(a->message),
	    STORE_TEXT(a->state == 2 ? "resolved" : "active"),
	    a->state == 1 ? STORE_INT(at + 60000) : STORE_NULL,
	    STORE_INT(at),
	    a->state == 2 ? STORE_INT(at + 30 * 60000) : STORE_NULL,
	    STORE_TEXT(a->state == 1 ? actor : NULL),
	    STORE_TEXT(a->state == 2 ? actor : NULL)), NULL, err);
}

enum cm_status
init_demo(struct store *store, const char *tenant_id, const char *admin_id,
    const char *password_hash, struct cm_err *err)
{
	static const struct demo_cluster globex[] = {
		{ "globex-prod", "aws", "us-west-2", "healthy", "v1.30.4" },
		{ "globex-dr", "azure", "northeurope", "warning", "v1.30.4" },
	};
	static const struct demo_alert globex_alert = {
		1, "ReplicationLag", "warning",
		"Postgres replica lag 45 s", 30, 0
	};
	char ids[sizeof demo_clusters / sizeof demo_clusters[0]]
	    [UUID_STR_LEN + 1];
	struct demo_target targets[sizeof demo_clusters /
	    sizeof demo_clusters[0]];
	char gids[2][UUID_STR_LEN + 1];
	char gtenant[UUID_STR_LEN + 1], guser[UUID_STR_LEN + 1];
	struct store_tx *tx = NULL;
	int64_t base = time_now_ms() - 30LL * 24 * 3600 * 1000;
	enum cm_status st;
	size_t i;

	if ((st = store_tx_begin(store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	for (i = 0; i < sizeof demo_clusters / sizeof demo_clusters[0]; i++)
		if ((st = demo_cluster(tx, tenant_id, &demo_clusters[i],
		    (int)i, base + (int64_t)i * 3600000, ids[i], err)) !=
		    CM_OK)
			goto out;
	/* Oldest first, so ids (UUIDv7) and created_at agree on order. */
	for (i = 0; i < sizeof demo_alerts / sizeof demo_alerts[0]; i++)
		if ((st = demo_alert(tx, tenant_id,
		    ids[demo_alerts[i].cluster], &demo_alerts[i], admin_id,
		    err)) != CM_OK)
			goto out;
	/* Applications with versions and a little deployment history. */
	for (i = 0; i < sizeof demo_clusters / sizeof demo_clusters[0]; i++) {
		targets[i].name = demo_clusters[i].name;
		targets[i].id = ids[i];
	}
	if ((st = demo_apps_seed(tx, tenant_id, admin_id, targets,
	    sizeof demo_clusters / sizeof demo_clusters[0], err)) != CM_OK)
		goto out;

	if ((st = init_tenant(tx, "globex", gtenant, err)) != CM_OK ||
	    (st = init_user(tx, gtenant, "admin@globex.test", "Globex Admin",
	    password_hash, ROLE_ID_TENANT_ADMIN, guser, err)) != CM_OK)
		goto out;
	for (i = 0; i < 2; i++)
		if ((st = demo_cluster(tx, gtenant, &globex[i], (int)i + 100,
		    base, gids[i], err)) != CM_OK)
			goto out;
	if ((st = demo_alert(tx, gtenant, gids[1], &globex_alert, guser,
	    err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	return st;
}
