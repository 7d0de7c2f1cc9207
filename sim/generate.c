/*
 * generate.c - a realistic simulated fleet.  See generate.h.
 *
 * The plan: nodes first (a KubeadmControlPlane's control-plane nodes,
 * tainted unless the cluster has one node, and a MachineDeployment's
 * workers, one of them NotReady in bigger fleets), then kube-system,
 * then application workloads until the pod count is reached exactly.
 * Pods are built from their owner's template by the same code the
 * controller uses (ctl_pod_new), so a generated pod and a pod the
 * controller makes look alike, and ReplicaSets are named with the same
 * template hash.  Objects are loaded with objstore_seed() so their uids
 * and past creation times stay.  Everything random comes from one
 * splitmix64 stream seeded by the caller.
 */
#include "config.h"

#include "sim/generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/controller.h"
#include "sim/ctl.h"
#include "sim/objstore.h"

#define GEN_DAY_MS INT64_C(86400000)
#define GEN_MAX_WORKLOADS 4096

struct gen_node {
	char name[128];
	char uid[40];
	char ip[32];
	char cidr[32];
	bool cp;
	bool ready;
	int pods;
};

struct gen {
	struct objstore *st;
	uint64_t rng;
	const char *cluster;
	const char *version;
	int64_t now;
	int64_t born;		/* cluster creation time */
	struct gen_node *nodes;
	int nnodes;
	int ncp;
	int pods;		/* pods made so far */
	int ip_next;
};

struct gen_app {
	const char *comp;
	const char *image;	/* "%s" is the namespace */
	int port;
	const char *cpu;
	const char *mem;
	const char *mem_limit;
	int min;
	int max;
	bool sts;
};

static const struct gen_app gen_apps[] = {
	{ "api", "ghcr.io/acme/%s-api:v2.14.3", 8080, "250m", "256Mi",
	    "512Mi", 2, 6, false },
	{ "web", "nginx:1.25.3", 80, "100m", "64Mi", "128Mi", 2, 4, false },
	{ "worker", "ghcr.io/acme/%s-worker:v2.14.3", 9090, "500m", "512Mi",
	    "1Gi", 1, 8, false },
	{ "consumer", "ghcr.io/acme/%s-consumer:v0.9.12", 9090, "200m",
	    "256Mi", "512Mi", 2, 6, false },
	{ "gateway", "envoyproxy/envoy:v1.29.1", 8080, "200m", "128Mi",
	    "256Mi", 2, 4, false },
	{ "frontend", "ghcr.io/acme/%s-frontend:v3.2.0", 3000, "100m",
	    "128Mi", "256Mi", 2, 4, false },
	{ "grpc", "ghcr.io/acme/%s-grpc:v1.8.5", 50051, "250m", "256Mi",
	    "512Mi", 2, 6, false },
	{ "scheduler", "ghcr.io/acme/%s-scheduler:v1.3.0", 9090, "100m",
	    "128Mi", "256Mi", 1, 1, false },
	{ "exporter", "prom/statsd-exporter:v0.26.0", 9102, "50m", "32Mi",
	    "64Mi", 1, 1, false },
	{ "redis", "redis:7.2.3", 6379, "100m", "256Mi", "512Mi", 1, 3,
	    true },
	{ "postgres", "postgres:16.1", 5432, "500m", "1Gi", "2Gi", 1, 3,
	    true },
};

#define GEN_NAPPS (sizeof(gen_apps) / sizeof(gen_apps[0]))

static const char *const gen_namespaces[] = {
	"payments", "checkout", "catalog", "search", "identity",
	"notifications", "orders", "inventory", "billing", "shipping",
	"recommendations", "analytics", "media", "reviews", "pricing",
	"loyalty", "fraud", "ledger", "messaging", "profiles", "reporting",
	"partners", "support", "onboarding", "content", "geo", "ads",
	"experiments", "audit", "exports", "imports", "storefront",
};

#define GEN_NNS (sizeof(gen_namespaces) / sizeof(gen_namespaces[0]))

static const char *const gen_zones[] = {
	"eu-west-1a", "eu-west-1b", "eu-west-1c",
};

/* ---- randomness and ids ---- */

static uint64_t
gen_rand(struct gen *g)
{
	uint64_t x;

	g->rng += UINT64_C(0x9e3779b97f4a7c15);
	x = g->rng;
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static int
gen_range(struct gen *g, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)(gen_rand(g) % (uint64_t)(hi - lo + 1));
}

static void
gen_uid(struct gen *g, char out[40])
{
	uint64_t a = gen_rand(g), b = gen_rand(g);

	snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	    (unsigned)a & 0xfff, (unsigned)((b >> 48) & 0x3fff) | 0x8000,
	    (unsigned long long)(b & UINT64_C(0xffffffffffff)));
}

static void
gen_suffix(struct gen *g, char *out, int n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	uint64_t r = gen_rand(g);
	int i;

	for (i = 0; i < n; i++) {
		out[i] = alphabet[r % (sizeof(alphabet) - 1)];
		r /= 27;
	}
	out[n] = '\0';
}

static void
gen_time(int64_t ms, char out[CTL_TIME_LEN])
{
	ctl_time_fmt(ms, out);
}

/* Copy pattern into out with its one "%s" replaced by value. */
static void
gen_subst(char *out, size_t cap, const char *pattern, const char *value)
{
	const char *p = strstr(pattern, "%s");

	if (p == NULL) {
		snprintf(out, cap, "%s", pattern);
		return;
	}
	snprintf(out, cap, "%.*s%s%s", (int)(p - pattern), pattern, value,
	    p + 2);
}

/* ---- object plumbing ---- */

static cJSON *
gen_meta(cJSON *obj, const char *name, const char *ns, const char *uid,
    int64_t created)
{
	cJSON *md = ctl_obj(obj, "metadata");
	char t[CTL_TIME_LEN];

	ctl_set_str(md, "name", name);
	if (ns != NULL)
		ctl_set_str(md, "namespace", ns);
	ctl_set_str(md, "uid", uid);
	gen_time(created, t);
	ctl_set_str(md, "creationTimestamp", t);
	return md;
}

static cJSON *
gen_object(const char *api_version, const char *kind)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "apiVersion", api_version);
	cJSON_AddStringToObject(o, "kind", kind);
	return o;
}

/* Store obj (owned) as recorded: uid and creation time stay. */
static void
gen_put(struct gen *g, const char *resource, const char *ns, cJSON *obj)
{
	objstore_seed(g->st, resource, ns != NULL ? ns : "", obj, NULL);
	cJSON_Delete(obj);
}

/* ---- nodes ---- */

cJSON *
generate_node(const char *name, bool control_plane, const char *version,
    int index, bool ready, int64_t created_ms)
{
	static const int cpus[] = { 4, 8, 16 };
	static const char *const types[] = { "m6i.xlarge", "m6i.2xlarge",
		"m6i.4xlarge" };
	uint64_t h = ctl_hash64(name);
	int size = control_plane ? 0 : (int)(h % 3), cpu = cpus[size];
	long long mem_ki = (long long)cpu * 4 * 1024 * 1024 - 180 * 1024;
	cJSON *node = gen_object("v1", "Node"), *md, *l, *a, *spec, *st, *o;
	cJSON *conds, *c, *addrs, *arr, *img;
	char t[CTL_TIME_LEN], buf[160], hex[65];
	const char *cond_types[][4] = {
		{ "MemoryPressure", "KubeletHasSufficientMemory",
		    "kubelet has sufficient memory available", "False" },
		{ "DiskPressure", "KubeletHasNoDiskPressure",
		    "kubelet has no disk pressure", "False" },
		{ "PIDPressure", "KubeletHasSufficientPID",
		    "kubelet has sufficient PID available", "False" },
	};
	const char *images[][2] = {
		{ "registry.k8s.io/kube-proxy", "91233156" },
		{ "registry.k8s.io/etcd:3.5.16-0", "57680541" },
		{ "docker.io/kindest/kindnetd:v20241212-9f82dd49", "39008320" },
		{ "registry.k8s.io/coredns/coredns:v1.11.3", "18562039" },
		{ "registry.k8s.io/pause:3.10", "320368" },
	};
	size_t i;

	gen_time(created_ms, t);
	md = cJSON_AddObjectToObject(node, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "creationTimestamp", t);
	l = cJSON_AddObjectToObject(md, "labels");
	cJSON_AddStringToObject(l, "beta.kubernetes.io/arch", "amd64");
	cJSON_AddStringToObject(l, "beta.kubernetes.io/instance-type",
	    types[size]);
	cJSON_AddStringToObject(l, "beta.kubernetes.io/os", "linux");
	cJSON_AddStringToObject(l, "kubernetes.io/arch", "amd64");
	cJSON_AddStringToObject(l, "kubernetes.io/hostname", name);
	cJSON_AddStringToObject(l, "kubernetes.io/os", "linux");
	cJSON_AddStringToObject(l, "node.kubernetes.io/instance-type",
	    types[size]);
	if (control_plane) {
		cJSON_AddStringToObject(l,
		    "node-role.kubernetes.io/control-plane", "");
		cJSON_AddStringToObject(l,
		    "node.kubernetes.io/exclude-from-external-load-balancers",
		    "");
	}
	cJSON_AddStringToObject(l, "topology.kubernetes.io/region",
	    "eu-west-1");
	cJSON_AddStringToObject(l, "topology.kubernetes.io/zone",
	    gen_zones[(index < 0 ? 0 : index) % 3]);
	a = cJSON_AddObjectToObject(md, "annotations");
	cJSON_AddStringToObject(a, "kubeadm.alpha.kubernetes.io/cri-socket",
	    "unix:///run/containerd/containerd.sock");
	cJSON_AddStringToObject(a, "node.alpha.kubernetes.io/ttl", "0");
	cJSON_AddStringToObject(a,
	    "volumes.kubernetes.io/controller-managed-attach-detach", "true");
	spec = cJSON_AddObjectToObject(node, "spec");
	snprintf(buf, sizeof(buf), "10.244.%d.0/24", index & 0xff);
	cJSON_AddStringToObject(spec, "podCIDR", buf);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "podCIDRs"),
	    cJSON_CreateString(buf));
	snprintf(buf, sizeof(buf), "kubesim://%s", name);
	cJSON_AddStringToObject(spec, "providerID", buf);
	if (control_plane || !ready) {
		arr = cJSON_AddArrayToObject(spec, "taints");
		if (control_plane) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key",
			    "node-role.kubernetes.io/control-plane");
			cJSON_AddStringToObject(o, "effect", "NoSchedule");
			cJSON_AddItemToArray(arr, o);
		}
		if (!ready) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key",
			    "node.kubernetes.io/not-ready");
			cJSON_AddStringToObject(o, "effect", "NoSchedule");
			cJSON_AddItemToArray(arr, o);
		}
	}
	st = cJSON_AddObjectToObject(node, "status");
	for (i = 0; i < 2; i++) {
		o = cJSON_AddObjectToObject(st, i == 0 ? "capacity" :
		    "allocatable");
		snprintf(buf, sizeof(buf), "%d", cpu);
		cJSON_AddStringToObject(o, "cpu", buf);
		cJSON_AddStringToObject(o, "ephemeral-storage", i == 0 ?
		    "102687672Ki" : "94636958627");
		cJSON_AddStringToObject(o, "hugepages-1Gi", "0");
		cJSON_AddStringToObject(o, "hugepages-2Mi", "0");
		snprintf(buf, sizeof(buf), "%lldKi", i == 0 ? mem_ki + 180 *
		    1024 : mem_ki - 100 * 1024);
		cJSON_AddStringToObject(o, "memory", buf);
		cJSON_AddStringToObject(o, "pods", "110");
	}
	conds = cJSON_AddArrayToObject(st, "conditions");
	for (i = 0; i < 3; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", cond_types[i][0]);
		cJSON_AddStringToObject(c, "status", cond_types[i][3]);
		cJSON_AddStringToObject(c, "lastHeartbeatTime", t);
		cJSON_AddStringToObject(c, "lastTransitionTime", t);
		cJSON_AddStringToObject(c, "reason", cond_types[i][1]);
		cJSON_AddStringToObject(c, "message", cond_types[i][2]);
		cJSON_AddItemToArray(conds, c);
	}
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "Ready");
	cJSON_AddStringToObject(c, "status", ready ? "True" : "False");
	cJSON_AddStringToObject(c, "lastHeartbeatTime", t);
	cJSON_AddStringToObject(c, "lastTransitionTime", t);
	cJSON_AddStringToObject(c, "reason", ready ? "KubeletReady" :
	    "KubeletNotReady");
	cJSON_AddStringToObject(c, "message", ready ?
	    "kubelet is posting ready status" :
	    "container runtime network not ready: NetworkReady=false "
	    "reason:NetworkPluginNotReady message:Network plugin returns "
	    "error: cni plugin not initialized");
	cJSON_AddItemToArray(conds, c);
	addrs = cJSON_AddArrayToObject(st, "addresses");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "InternalIP");
	snprintf(buf, sizeof(buf), "172.18.%d.%d", (index / 250) & 0xff,
	    index % 250 + 2);
	cJSON_AddStringToObject(o, "address", buf);
	cJSON_AddItemToArray(addrs, o);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "Hostname");
	cJSON_AddStringToObject(o, "address", name);
	cJSON_AddItemToArray(addrs, o);
	o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st,
	    "daemonEndpoints"), "kubeletEndpoint");
	cJSON_AddNumberToObject(o, "Port", 10250);
	o = cJSON_AddObjectToObject(st, "nodeInfo");
	ctl_hex64(name, hex);
	snprintf(buf, sizeof(buf), "%.32s", hex);
	cJSON_AddStringToObject(o, "machineID", buf);
	snprintf(buf, sizeof(buf), "%.8s-%.4s-%.4s-%.4s-%.12s", hex + 32,
	    hex + 40, hex + 44, hex + 48, hex + 52);
	cJSON_AddStringToObject(o, "systemUUID", buf);
	snprintf(buf, sizeof(buf), "%.8s-%.4s-%.4s-%.4s-%.12s", hex + 8,
	    hex + 16, hex + 20, hex + 24, hex + 28);
	cJSON_AddStringToObject(o, "bootID", buf);
	cJSON_AddStringToObject(o, "kernelVersion", "6.1.0-28-cloud-amd64");
	cJSON_AddStringToObject(o, "osImage", "Debian GNU/Linux 12 (bookworm)");
	cJSON_AddStringToObject(o, "containerRuntimeVersion",
	    "containerd://1.7.24");
	cJSON_AddStringToObject(o, "kubeletVersion", version);
	cJSON_AddStringToObject(o, "kubeProxyVersion", version);
	cJSON_AddStringToObject(o, "operatingSystem", "linux");
	cJSON_AddStringToObject(o, "architecture", "amd64");
	arr = cJSON_AddArrayToObject(st, "images");
	for (i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		if (!control_plane && i == 1)
			continue;
		img = cJSON_CreateObject();
		o = cJSON_AddArrayToObject(img, "names");
		ctl_hex64(images[i][0], hex);
		if (i == 0)
			snprintf(buf, sizeof(buf), "%s:%s", images[i][0],
			    version);
		else
			snprintf(buf, sizeof(buf), "%s", images[i][0]);
		cJSON_AddItemToArray(o, cJSON_CreateString(buf));
		cJSON_AddNumberToObject(img, "sizeBytes",
		    (double)atol(images[i][1]));
		cJSON_AddItemToArray(arr, img);
	}
	return node;
}

static void
gen_nodes(struct gen *g, int n)
{
	struct gen_node *gn;
	cJSON *node, *ann;
	char name[128], sfx[6], mshash[6];
	int i, workers, unready = -1;
	int64_t created;

	g->ncp = n >= 10 ? 3 : 1;
	workers = n - g->ncp;
	if (workers >= 10)
		unready = g->ncp + gen_range(g, 0, workers - 1);
	gen_suffix(g, mshash, 5);
	g->nodes = xcalloc((size_t)n, sizeof(*g->nodes));
	g->nnodes = n;
	for (i = 0; i < n; i++) {
		gn = &g->nodes[i];
		gn->cp = i < g->ncp;
		gn->ready = i != unready;
		gen_suffix(g, sfx, 5);
		if (gn->cp)
			snprintf(name, sizeof(name), "%s-control-plane-%s",
			    g->cluster, sfx);
		else
			snprintf(name, sizeof(name), "%s-md-0-%s-%s",
			    g->cluster, mshash, sfx);
		snprintf(gn->name, sizeof(gn->name), "%s", name);
		gen_uid(g, gn->uid);
		created = g->born + (gn->cp ? (int64_t)i * 90000 :
		    300000 + (int64_t)gen_range(g, 0, 20) * GEN_DAY_MS / 2);
		if (created > g->now - GEN_DAY_MS)
			created = g->now - GEN_DAY_MS;
		node = generate_node(name, gn->cp, g->version, i, true,
		    created);
		gen_meta(node, name, NULL, gn->uid, created);
		snprintf(gn->ip, sizeof(gn->ip), "172.18.%d.%d",
		    (i / 250) & 0xff, i % 250 + 2);
		snprintf(gn->cidr, sizeof(gn->cidr), "10.244.%d.", i & 0xff);
		ann = ctl_obj(ctl_obj(node, "metadata"), "annotations");
		ctl_set_str(ann, "cluster.x-k8s.io/owner-kind", gn->cp ?
		    "KubeadmControlPlane" : "MachineDeployment");
		snprintf(name, sizeof(name), gn->cp ? "%s-control-plane" :
		    "%s-md-0", g->cluster);
		ctl_set_str(ann, "cluster.x-k8s.io/owner-name", name);
		ctl_set_str(ann, "cluster.x-k8s.io/cluster-name", g->cluster);
		ctl_set_str(ann, "cluster.x-k8s.io/cluster-namespace",
		    "default");
		ctl_set_str(ann, "cluster.x-k8s.io/machine", gn->name);
		if (gn->cp && n == 1)
			/* A one-node cluster runs workloads on it. */
			cJSON_DeleteItemFromObjectCaseSensitive(ctl_obj(node,
			    "spec"), "taints");
		if (!gn->ready) {
			cJSON *cond;

			cJSON_ArrayForEach(cond, ctl_path(node,
			    "status.conditions")) {
				ctl_set_str(cond, "status", "Unknown");
				ctl_set_str(cond, "reason",
				    "NodeStatusUnknown");
				ctl_set_str(cond, "message",
				    "Kubelet stopped posting node status.");
			}
			cond = cJSON_AddArrayToObject(ctl_obj(node, "spec"),
			    "taints");
			cJSON_AddItemToArray(cond, cJSON_Parse(
			    "{\"key\":\"node.kubernetes.io/unreachable\","
			    "\"effect\":\"NoSchedule\"}"));
			cJSON_AddItemToArray(cond, cJSON_Parse(
			    "{\"key\":\"node.kubernetes.io/unreachable\","
			    "\"effect\":\"NoExecute\"}"));
		}
		gen_put(g, CTL_R_NODES, NULL, node);
	}
}

/* Raise every node's pod capacity when the fleet would not fit. */
static void
gen_node_capacity(struct gen *g, int total_pods)
{
	int workers = g->nnodes > g->ncp ? g->nnodes - g->ncp : g->nnodes;
	int per = total_pods / (workers > 0 ? workers : 1) * 3 / 2 + 10;
	char buf[16];
	cJSON *node;
	int i;

	if (per <= 110)
		return;
	snprintf(buf, sizeof(buf), "%d", per);
	for (i = 0; i < g->nnodes; i++) {
		if (objstore_get(g->st, CTL_R_NODES, "", g->nodes[i].name,
		    &node, NULL) != CM_OK)
			continue;
		ctl_set_str(ctl_obj(ctl_obj(node, "status"), "capacity"),
		    "pods", buf);
		ctl_set_str(ctl_obj(ctl_obj(node, "status"), "allocatable"),
		    "pods", buf);
		objstore_update(g->st, CTL_R_NODES, "", node, NULL, NULL);
		cJSON_Delete(node);
	}
}

/* The node a new pod goes to: least loaded Ready one that fits. */
static struct gen_node *
gen_place(struct gen *g, bool system)
{
	struct gen_node *best = NULL, *n;
	int i, start = (int)(gen_rand(g) % (uint64_t)g->nnodes);

	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[(start + i) % g->nnodes];
		if (!n->ready || (n->cp && !system && g->nnodes > 1))
			continue;
		if (best == NULL || n->pods < best->pods)
			best = n;
	}
	if (best == NULL)
		best = &g->nodes[0];
	best->pods++;
	return best;
}

/* ---- namespaces and CAPI ---- */

static void
gen_namespace(struct gen *g, const char *name, int64_t created)
{
	cJSON *ns = gen_object("v1", "Namespace"), *md;
	char uid[40];

	gen_uid(g, uid);
	md = gen_meta(ns, name, NULL, uid, created);
	ctl_set_str(ctl_obj(md, "labels"), "kubernetes.io/metadata.name",
	    name);
	cJSON_AddArrayToObject(cJSON_AddObjectToObject(ns, "spec"),
	    "finalizers");
	cJSON_AddItemToArray(ctl_obj(ns, "spec")->child,
	    cJSON_CreateString("kubernetes"));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ns, "status"), "phase",
	    "Active");
	gen_put(g, CTL_R_NAMESPACES, NULL, ns);
}

static void
gen_capi(struct gen *g)
{
	cJSON *o, *md, *spec, *st, *tmpl;
	char uid[40], name[160], sel[320];
	int workers = g->nnodes - g->ncp, ready = 0, i;

	for (i = g->ncp; i < g->nnodes; i++)
		ready += g->nodes[i].ready ? 1 : 0;
	o = gen_object("controlplane.cluster.x-k8s.io/v1beta1",
	    "KubeadmControlPlane");
	gen_uid(g, uid);
	snprintf(name, sizeof(name), "%s-control-plane", g->cluster);
	md = gen_meta(o, name, "default", uid, g->born);
	ctl_set_num(md, "generation", 1);
	ctl_set_str(ctl_obj(md, "labels"), "cluster.x-k8s.io/cluster-name",
	    g->cluster);
	spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_AddNumberToObject(spec, "replicas", g->ncp);
	cJSON_AddStringToObject(spec, "version", g->version);
	tmpl = cJSON_AddObjectToObject(cJSON_AddObjectToObject(spec,
	    "machineTemplate"), "infrastructureRef");
	cJSON_AddStringToObject(tmpl, "apiVersion",
	    "infrastructure.cluster.x-k8s.io/v1beta1");
	cJSON_AddStringToObject(tmpl, "kind", "DockerMachineTemplate");
	cJSON_AddStringToObject(tmpl, "name", name);
	cJSON_AddStringToObject(tmpl, "namespace", "default");
	tmpl = cJSON_AddObjectToObject(cJSON_AddObjectToObject(spec,
	    "rolloutStrategy"), "rollingUpdate");
	cJSON_AddNumberToObject(tmpl, "maxSurge", 1);
	cJSON_AddStringToObject(ctl_obj(spec, "rolloutStrategy"), "type",
	    "RollingUpdate");
	st = cJSON_AddObjectToObject(o, "status");
	snprintf(sel, sizeof(sel), "cluster.x-k8s.io/cluster-name=%s,"
	    "cluster.x-k8s.io/control-plane", g->cluster);
	cJSON_AddStringToObject(st, "selector", sel);
	cJSON_AddNumberToObject(st, "replicas", g->ncp);
	cJSON_AddStringToObject(st, "version", g->version);
	cJSON_AddNumberToObject(st, "updatedReplicas", g->ncp);
	cJSON_AddNumberToObject(st, "readyReplicas", g->ncp);
	cJSON_AddNumberToObject(st, "unavailableReplicas", 0);
	cJSON_AddTrueToObject(st, "initialized");
	cJSON_AddTrueToObject(st, "ready");
	cJSON_AddNumberToObject(st, "observedGeneration", 1);
	gen_put(g, CTL_R_KCP, "default", o);

	o = gen_object("cluster.x-k8s.io/v1beta1", "MachineDeployment");
	gen_uid(g, uid);
	snprintf(name, sizeof(name), "%s-md-0", g->cluster);
	md = gen_meta(o, name, "default", uid, g->born);
	ctl_set_num(md, "generation", 1);
	ctl_set_str(ctl_obj(md, "labels"), "cluster.x-k8s.io/cluster-name",
	    g->cluster);
	ctl_set_str(ctl_obj(md, "annotations"),
	    "machinedeployment.clusters.x-k8s.io/revision", "1");
	spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_AddStringToObject(spec, "clusterName", g->cluster);
	cJSON_AddNumberToObject(spec, "replicas", workers);
	st = ctl_obj(ctl_obj(spec, "selector"), "matchLabels");
	cJSON_AddStringToObject(st, "cluster.x-k8s.io/cluster-name",
	    g->cluster);
	cJSON_AddStringToObject(st, "cluster.x-k8s.io/deployment-name", name);
	tmpl = cJSON_AddObjectToObject(spec, "template");
	st = ctl_obj(ctl_obj(tmpl, "metadata"), "labels");
	cJSON_AddStringToObject(st, "cluster.x-k8s.io/cluster-name",
	    g->cluster);
	cJSON_AddStringToObject(st, "cluster.x-k8s.io/deployment-name", name);
	st = cJSON_AddObjectToObject(tmpl, "spec");
	cJSON_AddStringToObject(st, "clusterName", g->cluster);
	cJSON_AddStringToObject(st, "version", g->version);
	st = cJSON_AddObjectToObject(o, "status");
	snprintf(sel, sizeof(sel), "cluster.x-k8s.io/cluster-name=%s,"
	    "cluster.x-k8s.io/deployment-name=%s", g->cluster, name);
	cJSON_AddStringToObject(st, "selector", sel);
	cJSON_AddNumberToObject(st, "replicas", workers);
	cJSON_AddNumberToObject(st, "updatedReplicas", workers);
	cJSON_AddNumberToObject(st, "readyReplicas", ready);
	cJSON_AddNumberToObject(st, "availableReplicas", ready);
	cJSON_AddNumberToObject(st, "unavailableReplicas", workers - ready);
	cJSON_AddStringToObject(st, "phase", ready == workers ? "Running" :
	    "ScalingUp");
	cJSON_AddNumberToObject(st, "observedGeneration", 1);
	gen_put(g, CTL_R_MD, "default", o);
}

/* ---- pods ---- */

enum gen_health {
	GEN_OK,
	GEN_CRASH,
	GEN_PULL,
	GEN_UNSCHEDULABLE,
	GEN_NODE_DOWN,
};

static cJSON *
gen_cond(const char *type, bool ok, const char *reason, const char *msg,
    const char *when)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "status", ok ? "True" : "False");
	cJSON_AddNullToObject(c, "lastProbeTime");
	cJSON_AddStringToObject(c, "lastTransitionTime", when);
	if (reason != NULL)
		cJSON_AddStringToObject(c, "reason", reason);
	if (msg != NULL)
		cJSON_AddStringToObject(c, "message", msg);
	return c;
}

static void
gen_event(struct gen *g, const cJSON *pod, const char *node, bool warning,
    const char *reason, const char *message, const char *container,
    int count, int64_t first, int64_t last)
{
	cJSON *ev = gen_object("v1", "Event"), *io, *src;
	char name[320], uid[40], t[CTL_TIME_LEN], fp[160];

	gen_uid(g, uid);
	snprintf(name, sizeof(name), "%s.%llx", ctl_name(pod),
	    (unsigned long long)(first * 1000000 + (int64_t)(gen_rand(g) %
	    1000000)));
	gen_meta(ev, name, ctl_ns(pod), uid, first);
	io = cJSON_AddObjectToObject(ev, "involvedObject");
	cJSON_AddStringToObject(io, "kind", "Pod");
	cJSON_AddStringToObject(io, "namespace", ctl_ns(pod));
	cJSON_AddStringToObject(io, "name", ctl_name(pod));
	cJSON_AddStringToObject(io, "uid", ctl_uid(pod));
	cJSON_AddStringToObject(io, "apiVersion", "v1");
	if (container != NULL) {
		snprintf(fp, sizeof(fp), "spec.containers{%s}", container);
		cJSON_AddStringToObject(io, "fieldPath", fp);
	}
	cJSON_AddStringToObject(ev, "reason", reason);
	cJSON_AddStringToObject(ev, "message", message);
	src = cJSON_AddObjectToObject(ev, "source");
	if (node == NULL) {
		/* The scheduler writes events.k8s.io events. */
		cJSON_AddNullToObject(ev, "firstTimestamp");
		cJSON_AddNullToObject(ev, "lastTimestamp");
		cJSON_AddStringToObject(ev, "type", "Warning");
		ctl_time_micro(first, t);
		cJSON_AddStringToObject(ev, "eventTime", t);
		src = cJSON_AddObjectToObject(ev, "series");
		cJSON_AddNumberToObject(src, "count", count);
		ctl_time_micro(last, t);
		cJSON_AddStringToObject(src, "lastObservedTime", t);
		cJSON_AddStringToObject(ev, "action", "Scheduling");
		cJSON_AddStringToObject(ev, "reportingComponent",
		    "default-scheduler");
		cJSON_AddStringToObject(ev, "reportingInstance",
		    "default-scheduler-kubesim");
		gen_put(g, CTL_R_EVENTS, ctl_ns(pod), ev);
		return;
	}
	cJSON_AddStringToObject(src, "component", "kubelet");
	cJSON_AddStringToObject(src, "host", node);
	gen_time(first, t);
	cJSON_AddStringToObject(ev, "firstTimestamp", t);
	gen_time(last, t);
	cJSON_AddStringToObject(ev, "lastTimestamp", t);
	cJSON_AddNumberToObject(ev, "count", count);
	cJSON_AddStringToObject(ev, "type", warning ? "Warning" : "Normal");
	cJSON_AddNullToObject(ev, "eventTime");
	cJSON_AddStringToObject(ev, "reportingComponent", "kubelet");
	cJSON_AddStringToObject(ev, "reportingInstance", node);
	gen_put(g, CTL_R_EVENTS, ctl_ns(pod), ev);
}

/* Fill the status of a generated pod on node (NULL: unschedulable). */
static void
gen_pod_status(struct gen *g, cJSON *pod, const struct gen_node *node,
    enum gen_health h, int64_t created, const char *sched_msg)
{
	cJSON *st = ctl_obj(pod, "status"), *conds, *css, *cs, *state, *o;
	const cJSON *ct;
	char t_sched[CTL_TIME_LEN], t_start[CTL_TIME_LEN], t_ready[CTL_TIME_LEN];
	char ip[48], ref[256], id[512], hex[65], seed[256], msg[600];
	char unready[256];
	int64_t last_start;
	int restarts = 0;
	const char *cname, *image;
	bool ready = h == GEN_OK;

	gen_time(created, t_sched);
	gen_time(created + 2000, t_start);
	gen_time(created + 9000 + (int64_t)(gen_rand(g) % 20000), t_ready);
	ctl_set_str(st, "qosClass", ctl_qos(ctl_path(pod, "spec")));
	if (node == NULL) {
		conds = cJSON_CreateArray();
		cJSON_AddItemToArray(conds, gen_cond("PodScheduled", false,
		    "Unschedulable", sched_msg, t_sched));
		ctl_set(st, "conditions", conds);
		ctl_set_str(st, "phase", "Pending");
		return;
	}
	ctl_set_str(ctl_obj(pod, "spec"), "nodeName", node->name);
	ctl_set_str(st, "phase", h == GEN_PULL ? "Pending" : "Running");
	ctl_set_str(st, "hostIP", node->ip);
	o = cJSON_CreateArray();
	cJSON_AddItemToArray(o, cJSON_CreateObject());
	cJSON_AddStringToObject(o->child, "ip", node->ip);
	ctl_set(st, "hostIPs", o);
	if (ctl_bool(pod, "spec.hostNetwork"))
		snprintf(ip, sizeof(ip), "%s", node->ip);
	else
		snprintf(ip, sizeof(ip), "%s%u", node->cidr,
		    2 + (unsigned)(ctl_hash64(ctl_uid(pod)) % 250));
	ctl_set_str(st, "podIP", ip);
	o = cJSON_CreateArray();
	cJSON_AddItemToArray(o, cJSON_CreateObject());
	cJSON_AddStringToObject(o->child, "ip", ip);
	ctl_set(st, "podIPs", o);
	ctl_set_str(st, "startTime", t_sched);
	css = cJSON_CreateArray();
	unready[0] = '\0';
	if (h == GEN_CRASH)
		restarts = gen_range(g, 4, 180);
	last_start = g->now - 60000 - (int64_t)(gen_rand(g) % 240000);
	cJSON_ArrayForEach(ct, ctl_path(pod, "spec.containers")) {
		cname = ctl_str(ct, "name");
		image = ctl_str(ct, "image");
		if (cname == NULL || image == NULL)
			continue;
		if (!ready)
			snprintf(unready + strlen(unready), sizeof(unready) -
			    strlen(unready), "%s%s", unready[0] ? " " : "",
			    cname);
		ctl_image_ref(image, ref, sizeof(ref));
		snprintf(seed, sizeof(seed), "%s/%s/%d", ctl_uid(pod), cname,
		    restarts);
		ctl_hex64(seed, hex);
		cs = cJSON_CreateObject();
		cJSON_AddStringToObject(cs, "name", cname);
		state = cJSON_AddObjectToObject(cs, "state");
		if (h == GEN_PULL) {
			o = cJSON_AddObjectToObject(state, "waiting");
			cJSON_AddStringToObject(o, "reason",
			    "ImagePullBackOff");
			snprintf(msg, sizeof(msg), "Back-off pulling image "
			    "\"%s\"", image);
			cJSON_AddStringToObject(o, "message", msg);
			cJSON_AddObjectToObject(cs, "lastState");
		} else if (h == GEN_CRASH) {
			o = cJSON_AddObjectToObject(state, "waiting");
			cJSON_AddStringToObject(o, "reason",
			    "CrashLoopBackOff");
			snprintf(msg, sizeof(msg), "back-off 5m0s restarting "
			    "failed container=%s pod=%s_%s(%s)", cname,
			    ctl_name(pod), ctl_ns(pod), ctl_uid(pod));
			cJSON_AddStringToObject(o, "message", msg);
			o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(cs,
			    "lastState"), "terminated");
			cJSON_AddNumberToObject(o, "exitCode", 1);
			cJSON_AddStringToObject(o, "reason", "Error");
			gen_time(last_start, t_start);
			cJSON_AddStringToObject(o, "startedAt", t_start);
			gen_time(last_start + 3000, t_start);
			cJSON_AddStringToObject(o, "finishedAt", t_start);
			snprintf(msg, sizeof(msg), "containerd://%s", hex);
			cJSON_AddStringToObject(o, "containerID", msg);
		} else {
			cJSON_AddStringToObject(cJSON_AddObjectToObject(state,
			    "running"), "startedAt", t_start);
			cJSON_AddObjectToObject(cs, "lastState");
		}
		cJSON_AddBoolToObject(cs, "ready", ready);
		cJSON_AddNumberToObject(cs, "restartCount", restarts);
		cJSON_AddStringToObject(cs, "image", ref);
		if (h == GEN_PULL) {
			cJSON_AddStringToObject(cs, "imageID", "");
		} else {
			ctl_image_id(image, id, sizeof(id));
			cJSON_AddStringToObject(cs, "imageID", id);
			snprintf(msg, sizeof(msg), "containerd://%s", hex);
			cJSON_AddStringToObject(cs, "containerID", msg);
		}
		cJSON_AddBoolToObject(cs, "started", h == GEN_OK ||
		    h == GEN_NODE_DOWN);
		cJSON_AddItemToArray(css, cs);
	}
	snprintf(msg, sizeof(msg), "containers with unready status: [%s]",
	    unready);
	conds = cJSON_CreateArray();
	cJSON_AddItemToArray(conds, gen_cond("PodReadyToStartContainers", true,
	    NULL, NULL, t_sched));
	cJSON_AddItemToArray(conds, gen_cond("Initialized", true, NULL, NULL,
	    t_sched));
	cJSON_AddItemToArray(conds, gen_cond("Ready", ready,
	    ready ? NULL : "ContainersNotReady", ready ? NULL : msg,
	    ready ? t_ready : t_start));
	cJSON_AddItemToArray(conds, gen_cond("ContainersReady", ready,
	    ready ? NULL : "ContainersNotReady", ready ? NULL : msg,
	    ready ? t_ready : t_start));
	cJSON_AddItemToArray(conds, gen_cond("PodScheduled", true, NULL, NULL,
	    t_sched));
	ctl_set(st, "conditions", conds);
	ctl_set(st, "containerStatuses", css);
	if (h == GEN_CRASH) {
		cname = ctl_str(cJSON_GetArrayItem(ctl_path(pod,
		    "spec.containers"), 0), "name");
		snprintf(msg, sizeof(msg), "Back-off restarting failed "
		    "container %s in pod %s_%s(%s)", cname, ctl_name(pod),
		    ctl_ns(pod), ctl_uid(pod));
		gen_event(g, pod, node->name, true, "BackOff", msg, cname,
		    restarts * 5, created + 30000, g->now - 20000);
	} else if (h == GEN_PULL) {
		cname = ctl_str(cJSON_GetArrayItem(ctl_path(pod,
		    "spec.containers"), 0), "name");
		image = ctl_str(cJSON_GetArrayItem(ctl_path(pod,
		    "spec.containers"), 0), "image");
		snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"",
		    image);
		gen_event(g, pod, node->name, false, "BackOff", msg, cname,
		    gen_range(g, 20, 400), created + 5000, g->now - 8000);
		gen_event(g, pod, node->name, true, "Failed",
		    "Error: ImagePullBackOff", cname, gen_range(g, 20, 400),
		    created + 5000, g->now - 8000);
	}
}

static int
gen_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What the scheduler says about a pod no node's labels match: the first
 * failing filter per node (taints before node affinity), reasons sorted.
 */
static void
gen_sched_message(struct gen *g, char *out, size_t cap)
{
	char items[3][128];
	const char *sorted[3];
	int cp = g->nnodes > 1 ? g->ncp : 0, down = 0, i, n = 0;
	size_t off;

	for (i = g->ncp; i < g->nnodes; i++)
		down += g->nodes[i].ready ? 0 : 1;
	if (cp > 0)
		snprintf(items[n++], sizeof(items[0]), "%d node(s) had "
		    "untolerated taint {node-role.kubernetes.io/"
		    "control-plane: }", cp);
	if (down > 0)
		snprintf(items[n++], sizeof(items[0]), "%d node(s) had "
		    "untolerated taint {node.kubernetes.io/unreachable: }",
		    down);
	if (g->nnodes - cp - down > 0)
		snprintf(items[n++], sizeof(items[0]), "%d node(s) didn't "
		    "match Pod's node affinity/selector", g->nnodes - cp -
		    down);
	for (i = 0; i < n; i++)
		sorted[i] = items[i];
	qsort(sorted, (size_t)n, sizeof(sorted[0]), gen_str_cmp);
	off = (size_t)snprintf(out, cap, "0/%d nodes are available:",
	    g->nnodes);
	for (i = 0; i < n && off < cap; i++)
		off += (size_t)snprintf(out + off, cap - off, " %s%s",
		    sorted[i], i + 1 < n ? "," : "");
	if (off < cap)
		snprintf(out + off, cap - off, ". preemption: 0/%d nodes are "
		    "available: %d Preemption is not helpful for scheduling.",
		    g->nnodes, g->nnodes);
}

/*
 * Make one pod of owner from tmpl: name given (StatefulSet, static pod)
 * or "<prefix><5 chars>".  Returns the pod's health.
 */
static void
gen_pod(struct gen *g, const cJSON *tmpl, const char *ns, const char *name,
    const char *prefix, const cJSON *owner, const char *kind,
    const cJSON *extra_labels, struct gen_node *pin, enum gen_health h,
    int64_t created)
{
	cJSON *pod;
	struct gen_node *node = pin;
	char pname[256], sfx[6], uid[40], msg[600];
	const char *fault = NULL;

	if (name == NULL) {
		gen_suffix(g, sfx, 5);
		snprintf(pname, sizeof(pname), "%s%s", prefix, sfx);
		name = pname;
	}
	pod = ctl_pod_new(gen_rand(g), tmpl, ns, name, NULL, owner, kind,
	    extra_labels, strcmp(kind, "DaemonSet") == 0 && pin != NULL ?
	    pin->name : NULL);
	if (strcmp(kind, "Node") == 0) {
		cJSON_DeleteItemFromObjectCaseSensitive(ctl_obj(pod,
		    "metadata"), "ownerReferences");
		cJSON_AddItemToArray(cJSON_AddArrayToObject(ctl_obj(pod,
		    "metadata"), "ownerReferences"), ctl_owner_ref(owner, "v1",
		    "Node"));
	}
	gen_uid(g, uid);
	gen_meta(pod, name, ns, uid, created);
	if (prefix != NULL)
		ctl_set_str(ctl_obj(pod, "metadata"), "generateName", prefix);
	if (h == GEN_CRASH)
		fault = "crash";
	else if (h == GEN_PULL)
		fault = "fail";
	if (fault != NULL)
		ctl_set_str(ctl_obj(ctl_obj(pod, "metadata"), "annotations"),
		    CONTROLLER_FAULT_ANNOTATION, fault);
	if (h == GEN_UNSCHEDULABLE) {
		node = NULL;
	} else if (node == NULL) {
		node = gen_place(g, false);
	}
	if (node != NULL && !node->ready)
		h = GEN_NODE_DOWN;
	gen_sched_message(g, msg, sizeof(msg));
	gen_pod_status(g, pod, h == GEN_UNSCHEDULABLE ? NULL : node, h,
	    created, msg);
	if (h == GEN_UNSCHEDULABLE)
		gen_event(g, pod, NULL, true, "FailedScheduling", msg, NULL,
		    gen_range(g, 10, 200), created + 1000, g->now - 30000);
	gen_put(g, CTL_R_PODS, ns, pod);
	g->pods++;
}

/* ---- workloads ---- */

static cJSON *
gen_template(const char *app_label, const char *instance, const char *comp,
    const char *image, int port, const char *cpu, const char *mem,
    const char *mem_limit, const char *gpu)
{
	cJSON *t = cJSON_CreateObject(), *md, *l, *spec, *cts, *ct, *o, *env;
	cJSON *probe;

	md = cJSON_AddObjectToObject(t, "metadata");
	l = cJSON_AddObjectToObject(md, "labels");
	cJSON_AddStringToObject(l, "app.kubernetes.io/name", app_label);
	cJSON_AddStringToObject(l, "app.kubernetes.io/instance", instance);
	cJSON_AddStringToObject(l, "app.kubernetes.io/component", comp);
	spec = cJSON_AddObjectToObject(t, "spec");
	cts = cJSON_AddArrayToObject(spec, "containers");
	ct = cJSON_CreateObject();
	cJSON_AddStringToObject(ct, "name", comp);
	cJSON_AddStringToObject(ct, "image", image);
	o = cJSON_AddArrayToObject(ct, "ports");
	cJSON_AddItemToArray(o, cJSON_CreateObject());
	cJSON_AddStringToObject(o->child, "name", port == 80 ? "http" :
	    port == 5432 ? "postgres" : port == 6379 ? "redis" : "http");
	cJSON_AddNumberToObject(o->child, "containerPort", port);
	env = cJSON_AddArrayToObject(ct, "env");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", "LOG_LEVEL");
	cJSON_AddStringToObject(o, "value", "info");
	cJSON_AddItemToArray(env, o);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", "POD_NAME");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(
	    cJSON_AddObjectToObject(o, "valueFrom"), "fieldRef"), "fieldPath",
	    "metadata.name");
	cJSON_AddItemToArray(env, o);
	o = cJSON_AddObjectToObject(ct, "resources");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "limits"), "memory",
	    mem_limit);
	if (gpu != NULL)
		cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(o,
		    "limits"), "nvidia.com/gpu", "1");
	l = cJSON_AddObjectToObject(o, "requests");
	cJSON_AddStringToObject(l, "cpu", cpu);
	cJSON_AddStringToObject(l, "memory", mem);
	if (port != 5432 && port != 6379) {
		probe = cJSON_AddObjectToObject(ct, "readinessProbe");
		o = cJSON_AddObjectToObject(probe, "httpGet");
		cJSON_AddStringToObject(o, "path", "/healthz");
		cJSON_AddNumberToObject(o, "port", port);
		cJSON_AddStringToObject(o, "scheme", "HTTP");
		cJSON_AddNumberToObject(probe, "periodSeconds", 10);
		cJSON_AddNumberToObject(probe, "timeoutSeconds", 1);
		cJSON_AddNumberToObject(probe, "successThreshold", 1);
		cJSON_AddNumberToObject(probe, "failureThreshold", 3);
	}
	cJSON_AddItemToArray(cts, ct);
	if (gpu != NULL)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(spec,
		    "nodeSelector"), "nvidia.com/gpu.present", "true");
	return t;
}

static void
gen_service(struct gen *g, const char *ns, const char *name,
    const cJSON *selector, int port, int64_t created)
{
	cJSON *svc = gen_object("v1", "Service"), *spec, *p, *arr;
	char uid[40], ip[32];

	gen_uid(g, uid);
	gen_meta(svc, name, ns, uid, created);
	spec = cJSON_AddObjectToObject(svc, "spec");
	snprintf(ip, sizeof(ip), "10.96.%d.%d", (g->ip_next / 250) % 250,
	    g->ip_next % 250 + 2);
	g->ip_next++;
	cJSON_AddStringToObject(spec, "clusterIP", ip);
	arr = cJSON_AddArrayToObject(spec, "clusterIPs");
	cJSON_AddItemToArray(arr, cJSON_CreateString(ip));
	cJSON_AddStringToObject(spec, "internalTrafficPolicy", "Cluster");
	arr = cJSON_AddArrayToObject(spec, "ipFamilies");
	cJSON_AddItemToArray(arr, cJSON_CreateString("IPv4"));
	cJSON_AddStringToObject(spec, "ipFamilyPolicy", "SingleStack");
	arr = cJSON_AddArrayToObject(spec, "ports");
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", port == 53 ? "dns" : "http");
	cJSON_AddNumberToObject(p, "port", port == 8080 || port == 3000 ? 80 :
	    port);
	cJSON_AddStringToObject(p, "protocol", port == 53 ? "UDP" : "TCP");
	cJSON_AddNumberToObject(p, "targetPort", port);
	cJSON_AddItemToArray(arr, p);
	if (selector != NULL)
		cJSON_AddItemToObject(spec, "selector",
		    cJSON_Duplicate(selector, 1));
	cJSON_AddStringToObject(spec, "sessionAffinity", "None");
	cJSON_AddStringToObject(spec, "type", "ClusterIP");
	cJSON_AddObjectToObject(cJSON_AddObjectToObject(svc, "status"),
	    "loadBalancer");
	gen_put(g, "services", ns, svc);
}

static cJSON *
gen_dcond(const char *type, bool ok, const char *reason, const char *msg,
    const char *upd, const char *trans)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "status", ok ? "True" : "False");
	cJSON_AddStringToObject(c, "lastUpdateTime", upd);
	cJSON_AddStringToObject(c, "lastTransitionTime", trans);
	cJSON_AddStringToObject(c, "reason", reason);
	cJSON_AddStringToObject(c, "message", msg);
	return c;
}

/*
 * A Deployment with its ReplicaSets (an older one at 0 when revision >
 * 1) and replicas pods; health[i] says how pod i is doing.
 */
static void
gen_deployment(struct gen *g, const char *ns, const char *name,
    cJSON *tmpl, int replicas, int revision, const enum gen_health *health,
    int port, int64_t created)
{
	cJSON *d = gen_object("apps/v1", "Deployment"), *md, *spec, *st, *rs;
	cJSON *conds, *rsmd, *rspec, *sel, *old_tmpl, *img;
	char uid[40], rsuid[40], hash[CONTROLLER_HASH_LEN], rsname[256];
	char t_upd[CTL_TIME_LEN], t_created[CTL_TIME_LEN], msg[400], buf[32];
	char *oldimg;
	int i, ready = 0, rev, r_unavail;
	int64_t rollout = created + (revision > 1 ? (int64_t)(gen_rand(g) %
	    (uint64_t)(g->now - created)) : 0), pod_created;

	if (rollout > g->now - 3600000)
		rollout = g->now - 3600000;
	if (rollout < created)
		rollout = created;
	bool stuck = false;

	gen_uid(g, uid);
	md = gen_meta(d, name, ns, uid, created);
	ctl_set_num(md, "generation", revision);
	cJSON_AddItemToObject(md, "labels", cJSON_Duplicate(ctl_path(tmpl,
	    "metadata.labels"), 1));
	snprintf(buf, sizeof(buf), "%d", revision);
	ctl_set_str(ctl_obj(md, "annotations"),
	    "deployment.kubernetes.io/revision", buf);
	spec = cJSON_AddObjectToObject(d, "spec");
	cJSON_AddNumberToObject(spec, "replicas", replicas);
	sel = ctl_obj(ctl_obj(spec, "selector"), "matchLabels");
	ctl_set(sel, "app.kubernetes.io/name", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(ctl_path(tmpl, "metadata.labels"),
	    "app.kubernetes.io/name"), 1));
	ctl_set(sel, "app.kubernetes.io/instance", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(ctl_path(tmpl, "metadata.labels"),
	    "app.kubernetes.io/instance"), 1));
	cJSON_AddItemToObject(spec, "template", tmpl);
	controller_default(CTL_R_DEPLOY, d);
	for (i = 0; i < replicas; i++) {
		if (health[i] == GEN_OK)
			ready++;
		if (health[i] == GEN_UNSCHEDULABLE)
			stuck = true;
	}
	/* The ReplicaSet of the current template, then an older one. */
	for (rev = revision; rev >= revision - 1 && rev >= 1; rev--) {
		rs = gen_object("apps/v1", "ReplicaSet");
		old_tmpl = cJSON_Duplicate(tmpl, 1);
		if (rev != revision) {
			img = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetArrayItem(ctl_path(old_tmpl,
			    "spec.containers"), 0), "image");
			oldimg = xasprintf("%s-rc%d", img->valuestring, rev);
			cJSON_SetValuestring(img, oldimg);
			free(oldimg);
		}
		controller_template_hash(old_tmpl, 0, hash);
		snprintf(rsname, sizeof(rsname), "%s-%s", name, hash);
		gen_uid(g, rsuid);
		rsmd = gen_meta(rs, rsname, ns, rsuid, rev == revision ?
		    rollout : created);
		ctl_set_num(rsmd, "generation", rev == revision ? 1 : 2);
		cJSON_AddItemToObject(rsmd, "labels", cJSON_Duplicate(
		    ctl_path(old_tmpl, "metadata.labels"), 1));
		ctl_set_str(ctl_obj(rsmd, "labels"), "pod-template-hash", hash);
		snprintf(buf, sizeof(buf), "%d", replicas);
		ctl_set_str(ctl_obj(rsmd, "annotations"),
		    "deployment.kubernetes.io/desired-replicas", buf);
		snprintf(buf, sizeof(buf), "%d", replicas + (replicas + 3) / 4);
		ctl_set_str(ctl_obj(rsmd, "annotations"),
		    "deployment.kubernetes.io/max-replicas", buf);
		snprintf(buf, sizeof(buf), "%d", rev);
		ctl_set_str(ctl_obj(rsmd, "annotations"),
		    "deployment.kubernetes.io/revision", buf);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(rsmd,
		    "ownerReferences"), ctl_owner_ref(d, "apps/v1",
		    "Deployment"));
		rspec = cJSON_AddObjectToObject(rs, "spec");
		cJSON_AddNumberToObject(rspec, "replicas", rev == revision ?
		    replicas : 0);
		sel = cJSON_Duplicate(ctl_path(d, "spec.selector"), 1);
		ctl_set_str(ctl_obj(sel, "matchLabels"), "pod-template-hash",
		    hash);
		cJSON_AddItemToObject(rspec, "selector", sel);
		ctl_set_str(ctl_obj(ctl_obj(old_tmpl, "metadata"), "labels"),
		    "pod-template-hash", hash);
		cJSON_AddItemToObject(rspec, "template", old_tmpl);
		st = cJSON_AddObjectToObject(rs, "status");
		if (rev == revision) {
			cJSON_AddNumberToObject(st, "replicas", replicas);
			ctl_set_count(st, "fullyLabeledReplicas", replicas);
			ctl_set_count(st, "readyReplicas", ready);
			ctl_set_count(st, "availableReplicas", ready);
		} else {
			cJSON_AddNumberToObject(st, "replicas", 0);
		}
		cJSON_AddNumberToObject(st, "observedGeneration",
		    rev == revision ? 1 : 2);
		if (rev == revision) {
			for (i = 0; i < replicas; i++) {
				pod_created = rollout + 1000 + (int64_t)(
				    gen_rand(g) % 60000);
				if (i == 0 && replicas > 2 &&
				    health[i] == GEN_OK)
					/* One replaced pod, as after a node
					 * drain. */
					pod_created = rollout + (int64_t)(
					    gen_rand(g) % (uint64_t)(g->now -
					    rollout + 1));
				snprintf(msg, sizeof(msg), "%s-", rsname);
				if (pod_created > g->now - 5000)
					pod_created = g->now - 5000;
				gen_pod(g, ctl_path(rs, "spec.template"), ns,
				    NULL, msg, rs, "ReplicaSet", NULL, NULL,
				    health[i], pod_created);
			}
		}
		gen_put(g, CTL_R_RS, ns, rs);
	}
	/* Status as the deployment controller leaves it. */
	st = cJSON_AddObjectToObject(d, "status");
	cJSON_AddNumberToObject(st, "observedGeneration", revision);
	ctl_set_count(st, "replicas", replicas);
	ctl_set_count(st, "updatedReplicas", replicas);
	ctl_set_count(st, "readyReplicas", ready);
	ctl_set_count(st, "availableReplicas", ready);
	ctl_set_count(st, "unavailableReplicas", replicas - ready);
	conds = cJSON_AddArrayToObject(st, "conditions");
	gen_time(created, t_created);
	gen_time(rollout + 20000, t_upd);
	r_unavail = replicas / 4;
	if (ready >= replicas - r_unavail)
		cJSON_AddItemToArray(conds, gen_dcond("Available", true,
		    "MinimumReplicasAvailable",
		    "Deployment has minimum availability.", t_upd, t_upd));
	else
		cJSON_AddItemToArray(conds, gen_dcond("Available", false,
		    "MinimumReplicasUnavailable",
		    "Deployment does not have minimum availability.", t_upd,
		    t_upd));
	snprintf(rsname, sizeof(rsname), "%s-", name);
	controller_template_hash(tmpl, 0, hash);
	if (stuck) {
		snprintf(msg, sizeof(msg), "ReplicaSet \"%s%s\" has timed out "
		    "progressing.", rsname, hash);
		gen_time(rollout + 600000, t_upd);
		cJSON_AddItemToArray(conds, gen_dcond("Progressing", false,
		    "ProgressDeadlineExceeded", msg, t_upd, t_upd));
	} else {
		snprintf(msg, sizeof(msg), "ReplicaSet \"%s%s\" has "
		    "successfully progressed.", rsname, hash);
		cJSON_AddItemToArray(conds, gen_dcond("Progressing", true,
		    "NewReplicaSetAvailable", msg, t_upd, t_created));
	}
	gen_service(g, ns, name, ctl_path(d, "spec.selector.matchLabels"), port,
	    created);
	gen_put(g, CTL_R_DEPLOY, ns, d);
}

static void
gen_statefulset(struct gen *g, const char *ns, const char *name,
    cJSON *tmpl, int replicas, int port, int64_t created)
{
	cJSON *s = gen_object("apps/v1", "StatefulSet"), *md, *spec, *st, *sel;
	cJSON *labels;
	char uid[40], hash[CONTROLLER_HASH_LEN], rev[320], pname[320], idx[16];
	int i, ready = 0;
	enum gen_health h;

	gen_uid(g, uid);
	md = gen_meta(s, name, ns, uid, created);
	ctl_set_num(md, "generation", 1);
	cJSON_AddItemToObject(md, "labels", cJSON_Duplicate(ctl_path(tmpl,
	    "metadata.labels"), 1));
	spec = cJSON_AddObjectToObject(s, "spec");
	cJSON_AddNumberToObject(spec, "replicas", replicas);
	cJSON_AddStringToObject(spec, "serviceName", name);
	sel = ctl_obj(ctl_obj(spec, "selector"), "matchLabels");
	ctl_set(sel, "app.kubernetes.io/name", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(ctl_path(tmpl, "metadata.labels"),
	    "app.kubernetes.io/name"), 1));
	ctl_set(sel, "app.kubernetes.io/instance", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(ctl_path(tmpl, "metadata.labels"),
	    "app.kubernetes.io/instance"), 1));
	cJSON_AddItemToObject(spec, "template", tmpl);
	controller_default(CTL_R_STS, s);
	controller_template_hash(tmpl, 0, hash);
	snprintf(rev, sizeof(rev), "%s-%s", name, hash);
	for (i = 0; i < replicas; i++) {
		labels = cJSON_CreateObject();
		snprintf(pname, sizeof(pname), "%s-%d", name, i);
		snprintf(idx, sizeof(idx), "%d", i);
		cJSON_AddStringToObject(labels, "controller-revision-hash", rev);
		cJSON_AddStringToObject(labels,
		    "statefulset.kubernetes.io/pod-name", pname);
		cJSON_AddStringToObject(labels, "apps.kubernetes.io/pod-index",
		    idx);
		h = GEN_OK;
		gen_pod(g, tmpl, ns, pname, NULL, s, "StatefulSet", labels,
		    NULL, h, created + 2000 + (int64_t)i * 15000);
		cJSON_Delete(labels);
		ready++;
	}
	st = cJSON_AddObjectToObject(s, "status");
	cJSON_AddNumberToObject(st, "observedGeneration", 1);
	cJSON_AddNumberToObject(st, "replicas", replicas);
	ctl_set_count(st, "readyReplicas", ready);
	ctl_set_count(st, "currentReplicas", replicas);
	ctl_set_count(st, "updatedReplicas", replicas);
	cJSON_AddStringToObject(st, "currentRevision", rev);
	cJSON_AddStringToObject(st, "updateRevision", rev);
	cJSON_AddNumberToObject(st, "collisionCount", 0);
	cJSON_AddNumberToObject(st, "availableReplicas", ready);
	gen_service(g, ns, name, ctl_path(s, "spec.selector.matchLabels"),
	    port, created);
	gen_put(g, CTL_R_STS, ns, s);
}

static void
gen_daemonset(struct gen *g, const char *name, const char *image,
    int64_t created)
{
	cJSON *ds = gen_object("apps/v1", "DaemonSet"), *md, *spec, *tmpl, *st;
	cJSON *labels, *ct, *tols, *t;
	char uid[40], hash[CONTROLLER_HASH_LEN], prefix[128];
	int i, ready = 0;

	gen_uid(g, uid);
	md = gen_meta(ds, name, "kube-system", uid, created);
	ctl_set_num(md, "generation", 1);
	ctl_set_str(ctl_obj(md, "labels"), "k8s-app", name);
	spec = cJSON_AddObjectToObject(ds, "spec");
	ctl_set_str(ctl_obj(ctl_obj(spec, "selector"), "matchLabels"),
	    "k8s-app", name);
	tmpl = cJSON_AddObjectToObject(spec, "template");
	ctl_set_str(ctl_obj(ctl_obj(tmpl, "metadata"), "labels"), "k8s-app",
	    name);
	t = cJSON_AddObjectToObject(tmpl, "spec");
	ct = cJSON_CreateObject();
	cJSON_AddStringToObject(ct, "name", name);
	cJSON_AddStringToObject(ct, "image", image);
	ctl_set_str(ctl_obj(ctl_obj(ct, "resources"), "requests"), "cpu",
	    "100m");
	ctl_set_str(ctl_obj(ctl_obj(ct, "resources"), "requests"), "memory",
	    "50Mi");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(t, "containers"), ct);
	cJSON_AddTrueToObject(t, "hostNetwork");
	cJSON_AddStringToObject(t, "priorityClassName", "system-node-critical");
	ctl_set_str(ctl_obj(t, "nodeSelector"), "kubernetes.io/os", "linux");
	tols = cJSON_AddArrayToObject(t, "tolerations");
	cJSON_AddItemToArray(tols, cJSON_Parse("{\"operator\":\"Exists\"}"));
	controller_default(CTL_R_DS, ds);
	controller_template_hash(tmpl, 0, hash);
	snprintf(prefix, sizeof(prefix), "%s-", name);
	for (i = 0; i < g->nnodes; i++) {
		labels = cJSON_CreateObject();
		cJSON_AddStringToObject(labels, "controller-revision-hash",
		    hash);
		cJSON_AddStringToObject(labels, "pod-template-generation", "1");
		g->nodes[i].pods++;
		gen_pod(g, tmpl, "kube-system", NULL, prefix, ds, "DaemonSet",
		    labels, &g->nodes[i], GEN_OK, created + 60000 +
		    (int64_t)i * 1000);
		cJSON_Delete(labels);
		if (g->nodes[i].ready)
			ready++;
	}
	st = cJSON_AddObjectToObject(ds, "status");
	cJSON_AddNumberToObject(st, "currentNumberScheduled", g->nnodes);
	cJSON_AddNumberToObject(st, "numberMisscheduled", 0);
	cJSON_AddNumberToObject(st, "desiredNumberScheduled", g->nnodes);
	cJSON_AddNumberToObject(st, "numberReady", ready);
	cJSON_AddNumberToObject(st, "observedGeneration", 1);
	cJSON_AddNumberToObject(st, "updatedNumberScheduled", g->nnodes);
	ctl_set_count(st, "numberAvailable", ready);
	ctl_set_count(st, "numberUnavailable", g->nnodes - ready);
	gen_put(g, CTL_R_DS, "kube-system", ds);
}

static void
gen_static_pods(struct gen *g)
{
	static const char *const comps[][2] = {
		{ "etcd", "registry.k8s.io/etcd:3.5.16-0" },
		{ "kube-apiserver", "registry.k8s.io/kube-apiserver:%s" },
		{ "kube-controller-manager",
		    "registry.k8s.io/kube-controller-manager:%s" },
		{ "kube-scheduler", "registry.k8s.io/kube-scheduler:%s" },
	};
	cJSON *tmpl, *owner, *ct, *ann;
	char name[256], image[160], hex[65];
	int i;
	size_t k;

	for (i = 0; i < g->ncp; i++) {
		owner = gen_object("v1", "Node");
		gen_meta(owner, g->nodes[i].name, NULL, g->nodes[i].uid,
		    g->born);
		for (k = 0; k < sizeof(comps) / sizeof(comps[0]); k++) {
			tmpl = cJSON_CreateObject();
			ctl_set_str(ctl_obj(ctl_obj(tmpl, "metadata"),
			    "labels"), "component", comps[k][0]);
			ctl_set_str(ctl_obj(ctl_obj(tmpl, "metadata"),
			    "labels"), "tier", "control-plane");
			ann = ctl_obj(ctl_obj(tmpl, "metadata"), "annotations");
			ctl_hex64(comps[k][0], hex);
			hex[32] = '\0';
			ctl_set_str(ann, "kubernetes.io/config.hash", hex);
			ctl_set_str(ann, "kubernetes.io/config.mirror", hex);
			ctl_set_str(ann, "kubernetes.io/config.source", "file");
			ct = cJSON_CreateObject();
			cJSON_AddStringToObject(ct, "name", comps[k][0]);
			gen_subst(image, sizeof(image), comps[k][1],
			    g->version);
			cJSON_AddStringToObject(ct, "image", image);
			ctl_set_str(ctl_obj(ctl_obj(ct, "resources"),
			    "requests"), "cpu", k == 0 ? "100m" : "250m");
			cJSON_AddItemToArray(cJSON_AddArrayToObject(ctl_obj(tmpl,
			    "spec"), "containers"), ct);
			cJSON_AddTrueToObject(ctl_obj(tmpl, "spec"),
			    "hostNetwork");
			cJSON_AddStringToObject(ctl_obj(tmpl, "spec"),
			    "priorityClassName", "system-node-critical");
			cJSON_AddNumberToObject(ctl_obj(tmpl, "spec"),
			    "priority", 2000001000);
			cJSON_AddItemToArray(cJSON_AddArrayToObject(
			    ctl_obj(tmpl, "spec"), "tolerations"),
			    cJSON_Parse("{\"operator\":\"Exists\","
			    "\"effect\":\"NoExecute\"}"));
			snprintf(name, sizeof(name), "%s-%s", comps[k][0],
			    g->nodes[i].name);
			g->nodes[i].pods++;
			gen_pod(g, tmpl, "kube-system", name, NULL, owner,
			    "Node", NULL, &g->nodes[i], GEN_OK,
			    g->born + 30000);
			cJSON_Delete(tmpl);
		}
		cJSON_Delete(owner);
	}
}

static void
gen_system(struct gen *g, int budget)
{
	enum gen_health h[2] = { GEN_OK, GEN_OK };
	cJSON *tmpl;
	char image[160];
	int64_t t = g->born + 20000;

	gen_static_pods(g);
	snprintf(image, sizeof(image), "registry.k8s.io/kube-proxy:%s",
	    g->version);
	gen_daemonset(g, "kube-proxy", image, t);
	gen_daemonset(g, "kindnet", "docker.io/kindest/kindnetd:v20241212-"
	    "9f82dd49", t);
	if (budget - (g->pods) < 3)
		return;
	tmpl = gen_template("coredns", "coredns", "coredns",
	    "registry.k8s.io/coredns/coredns:v1.11.3", 53, "100m", "70Mi",
	    "170Mi", NULL);
	cJSON_AddStringToObject(ctl_obj(ctl_obj(tmpl, "metadata"), "labels"),
	    "k8s-app", "kube-dns");
	cJSON_AddStringToObject(ctl_obj(tmpl, "spec"), "priorityClassName",
	    "system-cluster-critical");
	cJSON_AddStringToObject(ctl_obj(tmpl, "spec"), "serviceAccountName",
	    "coredns");
	gen_deployment(g, "kube-system", "coredns", tmpl, 2, 1, h, 53, t);
	tmpl = gen_template("metrics-server", "metrics-server",
	    "metrics-server", "registry.k8s.io/metrics-server/"
	    "metrics-server:v0.7.2", 10250, "100m", "200Mi", "400Mi", NULL);
	gen_deployment(g, "kube-system", "metrics-server", tmpl, 1, 1, h,
	    10250, t + 60000);
}

struct gen_work {
	int ns;
	int app;
	int replicas;
	bool gpu;	/* the workload no node can take */
};

static void
gen_apps_all(struct gen *g, int target)
{
	struct gen_work *w;
	enum gen_health *health;
	size_t nw = 0, i, j, nns;
	int sum = 0, extra, r, k, revision, maxr = 1;
	char name[256], image[256];
	const struct gen_app *a;
	cJSON *tmpl;
	int64_t ns_created;
	bool gpu_done = false;

	if (target <= 0)
		return;
	nns = (size_t)(target / 150);
	if (nns < 2)
		nns = 2;
	if (nns > GEN_NNS)
		nns = GEN_NNS;
	w = xcalloc(GEN_MAX_WORKLOADS, sizeof(*w));
	/* Plan: each namespace gets a few components. */
	for (i = 0; i < nns && sum < target; i++) {
		k = gen_range(g, 4, 7);
		for (j = 0; j < (size_t)k && nw < GEN_MAX_WORKLOADS; j++) {
			w[nw].ns = (int)i;
			w[nw].app = (int)((i + j * 3) % GEN_NAPPS);
			a = &gen_apps[w[nw].app];
			w[nw].replicas = gen_range(g, a->min, a->max);
			/* One GPU workload in bigger fleets never fits. */
			if (!gpu_done && target >= 300 &&
			    strcmp(a->comp, "worker") == 0) {
				gpu_done = true;
				w[nw].gpu = true;
				w[nw].replicas = 2;
			}
			sum += w[nw].replicas;
			nw++;
			if (sum >= target)
				break;
		}
	}
	/* Make the sum exact: trim the last one or spread the rest. */
	for (i = nw; sum > target && i-- > 0;) {
		r = w[i].replicas < sum - target ? w[i].replicas : sum - target;
		w[i].replicas -= r;
		sum -= r;
	}
	extra = target - sum;
	for (i = 0; extra > 0; i = (i + 1) % nw) {
		if (gen_apps[w[i].app].sts || gen_apps[w[i].app].max == 1 ||
		    w[i].gpu)
			continue;
		r = extra < 3 ? extra : gen_range(g, 1, 3);
		w[i].replicas += r;
		extra -= r;
	}
	for (i = 0; i < nw; i++)
		if (w[i].replicas > maxr)
			maxr = w[i].replicas;
	health = xcalloc((size_t)maxr + 1, sizeof(*health));
	for (i = 0; i < nns; i++) {
		ns_created = g->born + 86400000 + (int64_t)(gen_rand(g) %
		    (uint64_t)((g->now - g->born) / 2 + 1));
		gen_namespace(g, gen_namespaces[i], ns_created);
		for (j = 0; j < nw; j++) {
			if (w[j].ns != (int)i || w[j].replicas <= 0)
				continue;
			a = &gen_apps[w[j].app];
			gen_subst(image, sizeof(image), a->image,
			    gen_namespaces[i]);
			if (a->sts)
				snprintf(name, sizeof(name), "%s", a->comp);
			else
				snprintf(name, sizeof(name), "%s-%s",
				    gen_namespaces[i], a->comp);
			if (w[j].gpu) {
				snprintf(name, sizeof(name), "%s-ml-inference",
				    gen_namespaces[i]);
				tmpl = gen_template("ml-inference",
				    gen_namespaces[i], "ml-inference", image,
				    a->port, a->cpu, a->mem, a->mem_limit,
				    "gpu");
				for (k = 0; k < w[j].replicas; k++)
					health[k] = GEN_UNSCHEDULABLE;
				gen_deployment(g, gen_namespaces[i], name, tmpl,
				    w[j].replicas, 1, health, a->port,
				    ns_created + 3600000);
				continue;
			}
			tmpl = gen_template(a->comp, gen_namespaces[i],
			    a->comp, image, a->port, a->cpu, a->mem,
			    a->mem_limit, NULL);
			if (a->sts) {
				gen_statefulset(g, gen_namespaces[i], name,
				    tmpl, w[j].replicas, a->port,
				    ns_created + 600000);
				continue;
			}
			for (k = 0; k < w[j].replicas; k++) {
				uint64_t x = gen_rand(g) % 1000;

				health[k] = x < 30 ? GEN_CRASH : x < 40 ?
				    GEN_PULL : GEN_OK;
			}
			revision = gen_rand(g) % 5 < 2 ? gen_range(g, 2, 9) : 1;
			gen_deployment(g, gen_namespaces[i], name, tmpl,
			    w[j].replicas, revision, health, a->port,
			    ns_created + 600000 + (int64_t)j * 60000);
		}
	}
	free(health);
	free(w);
}

void
generate_fleet_opts(struct objstore *st, const struct generate_opts *o)
{
	struct gen g;
	int nodes = o->nodes > 0 ? o->nodes : 1;
	static const char *const base_ns[] = { "default", "kube-system",
		"kube-public", "kube-node-lease" };
	cJSON *sel;
	size_t i;

	memset(&g, 0, sizeof(g));
	g.st = st;
	g.rng = (uint64_t)o->seed * UINT64_C(0x2545f4914f6cdd1d) + 1;
	g.cluster = o->cluster != NULL ? o->cluster : "kubesim";
	g.version = o->version != NULL ? o->version : "v1.32.2";
	g.now = o->now_ms > 0 ? o->now_ms : time_now_ms();
	g.born = g.now - (int64_t)gen_range(&g, 30, 120) * GEN_DAY_MS;
	for (i = 0; i < sizeof(base_ns) / sizeof(base_ns[0]); i++)
		gen_namespace(&g, base_ns[i], g.born);
	gen_nodes(&g, nodes);
	gen_node_capacity(&g, o->pods);
	gen_capi(&g);
	gen_service(&g, "default", "kubernetes", NULL, 443, g.born);
	sel = cJSON_CreateObject();
	cJSON_AddStringToObject(sel, "k8s-app", "kube-dns");
	if (o->pods > 0) {
		gen_system(&g, o->pods);
		gen_service(&g, "kube-system", "kube-dns", sel, 53, g.born);
		gen_apps_all(&g, o->pods - g.pods);
	}
	cJSON_Delete(sel);
	free(g.nodes);
}

void
generate_fleet(struct objstore *st, int nodes, int pods, unsigned seed)
{
	struct generate_opts o;

	memset(&o, 0, sizeof(o));
	o.nodes = nodes;
	o.pods = pods;
	o.seed = seed;
	generate_fleet_opts(st, &o);
}
