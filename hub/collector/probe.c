/*
 * probe.c - from a cluster's sealed credentials to a Kubernetes client,
 * and from a client to what the cluster looks like.  See collector.h.
 *
 * Credentials are opened only here, kept no longer than it takes to
 * build a client (which copies what it needs), and wiped before they are
 * freed.  A stored kubeconfig may not run a command (exec) or name a
 * file (certificate, key, CA, tokenFile): on a hub those would run or
 * read things on the hub's machine on behalf of a tenant, so such a
 * kubeconfig is refused before it is loaded.
 *
 * A poll reads /readyz, /version, then the nodes and the pods in pages,
 * keeping counts and a few names and dropping each page before the next
 * one is fetched, so a cluster of any size costs a page of memory.
 *
 * probe_assess applies the status rules of docs/collector.md to a
 * struct cluster_health; it is here because it reads nothing else.
 *
 * Not here: the store writes, the alerts and the breaker (collector.c).
 */
#include "config.h"

#include "hub/collector/collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "backend/kube/kubeclient.h"
#include "backend/kube/kubeconfig.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "backend/ydoc.h"
#include "hub/auth/seal.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"

#define PROBE_PAGE 250

static const struct kube_resource probe_res_nodes = {
	"", "v1", "nodes", "Node", false,
};

static const struct kube_resource probe_res_pods = {
	"", "v1", "pods", "Pod", true,
};

static const struct store_query q_target = {
	"collector.target",
	"SELECT c.name, c.api_endpoint, cc.sealed FROM clusters c "
	"LEFT JOIN cluster_credentials cc ON cc.cluster_id = c.id "
	"AND cc.tenant_id = c.tenant_id "
	"WHERE c.id = $1 AND c.tenant_id = $2",
	NULL,
};

/* ---- credentials ----------------------------------------------------- */

/* Wipe every string of a parsed credentials object. */
static void
probe_wipe_json(cJSON *j)
{
	cJSON *it;

	for (it = j; it != NULL; it = it->next) {
		if (cJSON_IsString(it) && it->valuestring != NULL)
			OPENSSL_cleanse(it->valuestring,
			    strlen(it->valuestring));
		if (it->child != NULL)
			probe_wipe_json(it->child);
	}
}

/* Wipe every scalar of a YAML tree. */
static void
probe_wipe_ydoc(struct ynode *n)
{
	struct ynode *it;

	for (it = n; it != NULL; it = it->next) {
		if (it->value != NULL)
			OPENSSL_cleanse(it->value, strlen(it->value));
		if (it->child != NULL)
			probe_wipe_ydoc(it->child);
	}
}

/* The first key of the tree that a hub must not honour, or NULL. */
static const char *
probe_forbidden_key(const struct ynode *n)
{
	static const char *const keys[] = { "exec", "tokenFile",
	    "client-certificate", "client-key", "certificate-authority",
	    "auth-provider", NULL };
	const struct ynode *it;
	const char *bad;
	size_t i;

	for (it = n; it != NULL; it = it->next) {
		for (i = 0; it->key != NULL && keys[i] != NULL; i++)
			if (strcmp(it->key, keys[i]) == 0)
				return keys[i];
		if (it->child != NULL &&
		    (bad = probe_forbidden_key(it->child)) != NULL)
			return bad;
	}
	return NULL;
}

/* Refuse a kubeconfig that would run a command or read a file. */
static enum cm_status
probe_check_kubeconfig(const char *text, struct cm_err *err)
{
	struct ynode *root = NULL;
	const char *bad;
	enum cm_status st;

	st = ydoc_load_string("kubeconfig", text, strlen(text), &root, err);
	if (st != CM_OK)
		return cm_err_set(err, CM_VALIDATION, "credentials",
		    "the stored kubeconfig cannot be read: %.180s", err->msg);
	bad = probe_forbidden_key(root);
	probe_wipe_ydoc(root);
	ydoc_free(root);
	if (bad != NULL)
		return cm_err_set(err, CM_VALIDATION, "credentials",
		    "the stored kubeconfig uses \"%s\"; the hub accepts only "
		    "inline data (token, client-certificate-data, "
		    "client-key-data, certificate-authority-data)", bad);
	return CM_OK;
}

/* A client from a kubeconfig's current (or only) context, at endpoint. */
static struct kubeclient *
probe_from_kubeconfig(const char *id, const char *endpoint, const char *text,
    const struct kubeclient_opts *opts, struct cm_err *err)
{
	struct kubeconfig *kcfg = NULL;
	const struct kube_context *ctx;
	struct kube_context c;
	struct kube_cluster cl;
	struct kubeclient *kc = NULL;

	if (probe_check_kubeconfig(text, err) != CM_OK)
		return NULL;
	if (kubeconfig_load_string(id, text, strlen(text), NULL, &kcfg,
	    err) != CM_OK) {
		cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
		    "kubeconfig cannot be used: %.180s", err->msg);
		return NULL;
	}
	ctx = kubeconfig_current(kcfg);
	if (ctx == NULL && kcfg->ncontexts == 1)
		ctx = kcfg->contexts[0];
	if (ctx == NULL) {
		cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
		    "kubeconfig has no current-context");
		goto out;
	}
	if (ctx->err.status != CM_OK || ctx->cluster == NULL) {
		cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
		    "kubeconfig's context cannot be used: %.160s",
		    ctx->err.msg);
		goto out;
	}
	if (ctx->user != NULL && (ctx->user->exec != NULL ||
	    ctx->user->token_file != NULL)) {
		cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
		    "kubeconfig runs a command or reads a file");
		goto out;
	}
	/* The registered endpoint is where the cluster is. */
	cl = *ctx->cluster;
	cl.server = (char *)endpoint;
	c = *ctx;
	c.cluster = &cl;
	kc = kubeclient_new(&c, opts, err);
out:
	kubeconfig_free(kcfg);
	return kc;
}

struct kubeclient *
probe_client_from(const char *id, const char *endpoint, const char *cred,
    size_t len, const struct kubeclient_opts *opts, struct cm_err *err)
{
	struct kube_context ctx;
	struct kube_cluster cl;
	struct kube_user u;
	struct kubeclient *kc = NULL;
	const cJSON *kind, *ca, *insecure, *a, *b;
	cJSON *j;

	j = cJSON_ParseWithLength(cred, len);
	kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
	if (!cJSON_IsString(kind)) {
		cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
		    "credentials are not readable");
		goto out;
	}
	memset(&ctx, 0, sizeof ctx);
	memset(&cl, 0, sizeof cl);
	memset(&u, 0, sizeof u);
	cl.name = (char *)id;
	cl.server = (char *)endpoint;
	ca = cJSON_GetObjectItemCaseSensitive(j, "ca");
	if (cJSON_IsString(ca)) {
		cl.ca = (unsigned char *)ca->valuestring;
		cl.ca_len = strlen(ca->valuestring);
	}
	insecure = cJSON_GetObjectItemCaseSensitive(j, "insecure");
	cl.insecure = cJSON_IsTrue(insecure);
	u.name = (char *)id;
	ctx.name = (char *)id;
	ctx.namespace = (char *)"default";
	ctx.cluster_name = (char *)id;
	ctx.user_name = (char *)id;
	ctx.cluster = &cl;
	ctx.user = &u;
	if (strcmp(kind->valuestring, "token") == 0) {
		a = cJSON_GetObjectItemCaseSensitive(j, "token");
		if (!cJSON_IsString(a))
			goto unreadable;
		u.token = a->valuestring;
	} else if (strcmp(kind->valuestring, "client_cert") == 0) {
		a = cJSON_GetObjectItemCaseSensitive(j, "cert");
		b = cJSON_GetObjectItemCaseSensitive(j, "key");
		if (!cJSON_IsString(a) || !cJSON_IsString(b))
			goto unreadable;
		u.cert = (unsigned char *)a->valuestring;
		u.cert_len = strlen(a->valuestring);
		u.key = (unsigned char *)b->valuestring;
		u.key_len = strlen(b->valuestring);
	} else if (strcmp(kind->valuestring, "kubeconfig") == 0) {
		a = cJSON_GetObjectItemCaseSensitive(j, "kubeconfig");
		if (!cJSON_IsString(a))
			goto unreadable;
		kc = probe_from_kubeconfig(id, endpoint, a->valuestring, opts,
		    err);
		goto out;
	} else {
		goto unreadable;
	}
	kc = kubeclient_new(&ctx, opts, err);
	goto out;
unreadable:
	cm_err_set(err, CM_VALIDATION, "credentials", "the stored "
	    "credentials are not readable");
out:
	probe_wipe_json(j);
	cJSON_Delete(j);
	return kc;
}

enum cm_status
probe_client(struct hub *hub, const char *tenant, const char *id,
    const struct kubeclient_opts *opts, struct kubeclient **out,
    char **name, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	char *cname = NULL, *endpoint = NULL, *sealed = NULL;
	unsigned char *pt = NULL;
	size_t ptlen = 0;
	enum cm_status st;
	int rc;

	*out = NULL;
	if (name != NULL)
		*name = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_target, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st == CM_OK) {
		rc = store_rows_next(rows, err);
		if (rc < 0) {
			st = err->status;
		} else if (rc == 0) {
			st = cm_err_set(err, CM_NOT_FOUND, "id",
			    "no such cluster");
		} else {
			cname = xstrdup(store_rows_text(rows, 0));
			endpoint = xstrdup(store_rows_text(rows, 1));
			if (!store_rows_is_null(rows, 2))
				sealed = xstrdup(store_rows_text(rows, 2));
		}
	}
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st != CM_OK)
		goto out;
	if (sealed == NULL) {
		st = cm_err_set(err, CM_CONFLICT, "credentials", "cluster "
		    "\"%s\" has no credentials; add them with PUT "
		    "/api/v1/clusters/%s", cname, id);
		goto out;
	}
	if (seal_decrypt(hub->seal_key, sealed, id, &pt, &ptlen, err) !=
	    CM_OK) {
		st = cm_err_set(err, CM_VALIDATION, "credentials", "the "
		    "stored credentials of cluster \"%s\" cannot be opened "
		    "with this hub's sealing key", cname);
		goto out;
	}
	*out = probe_client_from(id, endpoint, (const char *)pt, ptlen,
	    opts, err);
	st = *out != NULL ? CM_OK : err->status;
	if (st == CM_OK && name != NULL) {
		*name = cname;
		cname = NULL;
	}
out:
	if (pt != NULL) {
		OPENSSL_cleanse(pt, ptlen);
		free(pt);
	}
	free(cname);
	free(endpoint);
	free(sealed);
	return st;
}

/* ---- polling --------------------------------------------------------- */

/* Append ", name" (or "name") to a list while it fits. */
static void
probe_name_add(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	if (used + strlen(name) + 3 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "", name);
}

/* Text of a string field of obj, or NULL. */
static const char *
probe_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* True when a failed call leaves nothing to assess: no answer came, or
 * the cluster refused the credentials. */
static bool
probe_cut_off(const struct kubeclient *kc)
{
	long http = kubeclient_last_http(kc);

	return http == 0 || http == 401 || http == 403;
}

static void
probe_offline(struct cluster_health *h, const struct cm_err *err)
{
	h->offline = true;
	snprintf(h->problem, sizeof h->problem, "%s", err->msg);
}

/* Count one node: Ready when its Ready condition is "True". */
static void
probe_node(struct cluster_health *h, const cJSON *node)
{
	const cJSON *conds, *c, *md;
	const char *type, *status, *name;
	bool ready = false;

	conds = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(node, "status"), "conditions");
	cJSON_ArrayForEach(c, conds) {
		type = probe_str(c, "type");
		status = probe_str(c, "status");
		if (type != NULL && strcmp(type, "Ready") == 0) {
			ready = status != NULL && strcmp(status, "True") == 0;
			break;
		}
	}
	h->nodes++;
	if (ready) {
		h->nodes_ready++;
		return;
	}
	md = cJSON_GetObjectItemCaseSensitive(node, "metadata");
	name = probe_str(md, "name");
	if (h->nodes - h->nodes_ready <= COLLECTOR_NODE_NAMES)
		probe_name_add(h->not_ready, sizeof h->not_ready,
		    name != NULL ? name : "?");
}

static bool
probe_node_page(void *arg, struct kube_page *page)
{
	struct cluster_health *h = arg;
	const cJSON *node;

	cJSON_ArrayForEach(node, page->items)
		probe_node(h, node);
	return true;
}

/*
 * A container that crashed this recently, and has restarted a few times,
 * is still crash-looping while it runs again between two back-offs:
 * otherwise the alert would resolve and fire again at every restart.
 */
#define PROBE_CRASH_WINDOW_MS (10 * 60 * 1000)
#define PROBE_CRASH_RESTARTS 3

/*
 * True when a container of a status list is crash-looping: waiting with
 * reason CrashLoopBackOff, or restarted at least PROBE_CRASH_RESTARTS
 * times with its last run ended by a failure within the window.
 */
static bool
probe_crashing(const cJSON *statuses, int64_t now_ms)
{
	const cJSON *cs, *state, *last, *restarts;
	const char *reason, *finished;
	struct cm_err err;
	int64_t ms;

	cJSON_ArrayForEach(cs, statuses) {
		state = cJSON_GetObjectItemCaseSensitive(cs, "state");
		reason = probe_str(cJSON_GetObjectItemCaseSensitive(state,
		    "waiting"), "reason");
		if (reason != NULL && strcmp(reason, "CrashLoopBackOff") == 0)
			return true;
		restarts = cJSON_GetObjectItemCaseSensitive(cs,
		    "restartCount");
		last = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cs, "lastState"),
		    "terminated");
		finished = probe_str(last, "finishedAt");
		if (cJSON_IsNumber(restarts) &&
		    restarts->valuedouble >= PROBE_CRASH_RESTARTS &&
		    cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(last,
		    "exitCode")) &&
		    cJSON_GetObjectItemCaseSensitive(last,
		    "exitCode")->valuedouble != 0 && finished != NULL &&
		    time_parse_rfc3339(finished, &ms, &err) == CM_OK &&
		    now_ms - ms < PROBE_CRASH_WINDOW_MS)
			return true;
	}
	return false;
}

struct probe_pods {
	struct cluster_health *h;
	int64_t now_ms;
};

/* Count one pod by phase; note the crash-looping and the stuck. */
static void
probe_pod(struct probe_pods *pp, const cJSON *pod)
{
	struct cluster_health *h = pp->h;
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(pod, "status");
	const char *phase = probe_str(st, "phase");
	const char *created = probe_str(md, "creationTimestamp");
	const char *ns = probe_str(md, "namespace"), *name;
	char full[2 * 256 + 2];
	struct cm_err err;
	int64_t ms;

	name = probe_str(md, "name");
	snprintf(full, sizeof full, "%.256s/%.256s", ns != NULL ? ns : "",
	    name != NULL ? name : "?");
	h->pods++;
	if (phase == NULL || strcmp(phase, "Pending") == 0) {
		h->pods_pending++;
		if (created != NULL && time_parse_rfc3339(created, &ms,
		    &err) == CM_OK &&
		    pp->now_ms - ms > COLLECTOR_PENDING_MAX_MS &&
		    h->pods_stuck++ == 0)
			probe_name_add(h->stuck, sizeof h->stuck, full);
	} else if (strcmp(phase, "Running") == 0) {
		h->pods_running++;
	} else if (strcmp(phase, "Succeeded") == 0) {
		h->pods_succeeded++;
	} else if (strcmp(phase, "Failed") == 0) {
		h->pods_failed++;
	}
	if (probe_crashing(cJSON_GetObjectItemCaseSensitive(st,
	    "containerStatuses"), pp->now_ms) ||
	    probe_crashing(cJSON_GetObjectItemCaseSensitive(st,
	    "initContainerStatuses"), pp->now_ms)) {
		if (++h->crashlooping <= COLLECTOR_POD_NAMES)
			probe_name_add(h->crashing, sizeof h->crashing, full);
	}
}

static bool
probe_pod_page(void *arg, struct kube_page *page)
{
	struct probe_pods *pp = arg;
	const cJSON *pod;

	cJSON_ArrayForEach(pod, page->items)
		probe_pod(pp, pod);
	return true;
}

/* Read gitVersion out of a /version answer. */
static void
probe_version(struct cluster_health *h, const char *body)
{
	cJSON *j = cJSON_Parse(body);
	const char *v = probe_str(j, "gitVersion");

	if (v != NULL)
		snprintf(h->version, sizeof h->version, "%s", v);
	cJSON_Delete(j);
}

void
probe_cluster(struct kubeclient *kc, int64_t now_ms,
    struct cluster_health *h)
{
	struct kube_list_opts lo;
	struct probe_pods pp;
	struct cm_err err;
	char *body = NULL;

	memset(h, 0, sizeof *h);
	cm_err_clear(&err);
	if (kubeclient_request(kc, "GET", "/readyz", NULL, NULL, 0, &body,
	    NULL, &err) == CM_OK) {
		h->ready = true;
	} else if (probe_cut_off(kc)) {
		probe_offline(h, &err);
		return;
	} else {
		snprintf(h->problem, sizeof h->problem, "readyz failed: %.200s",
		    err.msg);
	}
	free(body);
	body = NULL;
	if (kubeclient_request(kc, "GET", "/version", NULL, NULL, 0, &body,
	    NULL, &err) == CM_OK)
		probe_version(h, body);
	else if (probe_cut_off(kc)) {
		probe_offline(h, &err);
		return;
	}
	free(body);

	memset(&lo, 0, sizeof lo);
	lo.limit = PROBE_PAGE;
	if (kubeclient_list(kc, &probe_res_nodes, NULL, &lo, probe_node_page, h,
	    &err) == CM_OK) {
		h->nodes_known = true;
	} else if (probe_cut_off(kc)) {
		probe_offline(h, &err);
		return;
	} else if (h->problem[0] == '\0') {
		snprintf(h->problem, sizeof h->problem, "the API server failed "
		    "to list nodes: %.200s", err.msg);
	}
	pp.h = h;
	pp.now_ms = now_ms;
	if (kubeclient_list(kc, &probe_res_pods, NULL, &lo, probe_pod_page, &pp,
	    &err) == CM_OK) {
		h->pods_known = true;
	} else if (probe_cut_off(kc)) {
		probe_offline(h, &err);
		return;
	} else if (h->problem[0] == '\0') {
		snprintf(h->problem, sizeof h->problem, "the API server failed "
		    "to list pods: %.200s", err.msg);
	}
}

/* ---- rules ----------------------------------------------------------- */

/* " and N more" when a list of names was cut short. */
static void
probe_more(char *buf, size_t len, long total, long kept)
{
	if (total > kept)
		snprintf(buf, len, " and %ld more", total - kept);
	else
		buf[0] = '\0';
}

const char *
probe_assess(const struct cluster_health *h, char *reason, size_t len)
{
	long not_ready = h->nodes - h->nodes_ready;
	char more[32];
	size_t used = 0;

	if (h->offline) {
		snprintf(reason, len, "%s", h->problem);
		return "offline";
	}
	if (!h->ready) {
		snprintf(reason, len, "%s", h->problem);
		return "critical";
	}
	if (h->nodes_known && h->nodes_ready * 2 < h->nodes) {
		probe_more(more, sizeof more, not_ready,
		    not_ready < COLLECTOR_NODE_NAMES ? not_ready :
		    COLLECTOR_NODE_NAMES);
		snprintf(reason, len, "only %ld of %ld nodes are Ready "
		    "(not ready: %s%s)", h->nodes_ready, h->nodes,
		    h->not_ready, more);
		return "critical";
	}
	if (!h->nodes_known || !h->pods_known) {
		snprintf(reason, len, "%s", h->problem);
		return "critical";
	}
	reason[0] = '\0';
	if (not_ready > 0 && used < len) {
		probe_more(more, sizeof more, not_ready,
		    not_ready < COLLECTOR_NODE_NAMES ? not_ready :
		    COLLECTOR_NODE_NAMES);
		used += (size_t)snprintf(reason + used, len - used,
		    "%ld of %ld nodes not Ready: %s%s", not_ready, h->nodes,
		    h->not_ready, more);
	}
	if (h->crashlooping > 0 && used < len) {
		probe_more(more, sizeof more, h->crashlooping,
		    h->crashlooping < COLLECTOR_POD_NAMES ? h->crashlooping :
		    COLLECTOR_POD_NAMES);
		used += (size_t)snprintf(reason + used, len - used,
		    "%s%ld pod%s crash-looping: %s%s", used > 0 ? "; " : "",
		    h->crashlooping, h->crashlooping == 1 ? "" : "s",
		    h->crashing, more);
	}
	if (h->pods_stuck > 0 && used < len) {
		probe_more(more, sizeof more, h->pods_stuck, 1);
		used += (size_t)snprintf(reason + used, len - used,
		    "%s%ld pod%s Pending for more than 5 minutes: %s%s",
		    used > 0 ? "; " : "", h->pods_stuck,
		    h->pods_stuck == 1 ? "" : "s", h->stuck, more);
	}
	if (used > 0)
		return "warning";
	snprintf(reason, len, "%ld of %ld nodes Ready; %ld pods (%ld Running, "
	    "%ld Pending, %ld Succeeded, %ld Failed), none crash-looping",
	    h->nodes_ready, h->nodes, h->pods, h->pods_running,
	    h->pods_pending, h->pods_succeeded, h->pods_failed);
	return "healthy";
}
