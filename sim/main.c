/*
 * main.c - cm-kubesim: a Kubernetes API simulator on loopback.
 *
 *   cm-kubesim --listen 127.0.0.1:0 [--seed DIR]... [--nodes N --pods M]
 *       [--token T] [--tls-cert F --tls-key F [--client-ca F]]
 *       [--speed X] [--kubeconfig-out FILE] [--cluster NAME]...
 *       [--history N] [--bookmark-interval SECONDS] [--verbose]
 *
 * Each --cluster NAME (default "kubesim") is one simulated cluster with
 * its own store, controllers and listener (ports after the first are
 * chosen by the system when the listen port is fixed).  The first line
 * on stdout is "listening on URL" for the first cluster, then one such
 * line per further cluster, flushed before anything else happens, so a
 * test can read the URLs.  --kubeconfig-out writes a kubeconfig with a
 * cluster, user and context per simulated cluster (kubectl sends a bearer
 * token only over TLS, so --token wants --tls-cert for kubectl).
 * --history sizes the watch event ring (a smaller one makes 410 Expired
 * easy to provoke), --bookmark-interval the idle time before a watch
 * BOOKMARK, and --verbose logs each request to stderr.  SIGINT and
 * SIGTERM stop everything cleanly.
 *
 * This file only parses options and wires the parts together: the store
 * (objstore.c), seeding (seed.c), the fleet generator and controllers,
 * and the server (server.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backend/status.h"
#include "backend/xalloc.h"
#include "sim/controller.h"
#include "sim/generate.h"
#include "sim/metrics.h"
#include "sim/objstore.h"
#include "sim/seed.h"
#include "sim/server.h"

#define MAIN_MAX_SEEDS 16
#define MAIN_MAX_CLUSTERS 16

struct main_opts {
	const char *listen;
	const char *seeds[MAIN_MAX_SEEDS];
	int nseeds;
	long nodes;
	long pods;
	const char *token;
	const char *tls_cert;
	const char *tls_key;
	const char *client_ca;
	double speed;
	const char *kubeconfig_out;
	const char *clusters[MAIN_MAX_CLUSTERS];
	int nclusters;
	long history;
	long bookmark_seconds;
	bool verbose;
};

struct main_cluster {
	const char *name;
	struct objstore *st;
	struct controller *ctl;
	struct server *srv;
};

static void
main_usage(FILE *f)
{
	fprintf(f,
	    "usage: cm-kubesim [--listen HOST:PORT] [--seed DIR]...\n"
	    "                  [--nodes N --pods M] [--token T]\n"
	    "                  [--tls-cert FILE --tls-key FILE "
	    "[--client-ca FILE]]\n"
	    "                  [--speed X] [--kubeconfig-out FILE]\n"
	    "                  [--cluster NAME]... [--history N]\n"
	    "                  [--bookmark-interval SECONDS] [--verbose]\n");
}

static bool
main_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int
main_parse(int argc, char **argv, struct main_opts *o)
{
	enum { O_SEED = 256, O_NODES, O_PODS, O_TOKEN, O_CERT, O_KEY, O_CA,
	    O_SPEED, O_KCFG, O_CLUSTER, O_HISTORY, O_BOOKMARK };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, O_SEED },
		{ "nodes", required_argument, NULL, O_NODES },
		{ "pods", required_argument, NULL, O_PODS },
		{ "token", required_argument, NULL, O_TOKEN },
		{ "tls-cert", required_argument, NULL, O_CERT },
		{ "tls-key", required_argument, NULL, O_KEY },
		{ "client-ca", required_argument, NULL, O_CA },
		{ "speed", required_argument, NULL, O_SPEED },
		{ "kubeconfig-out", required_argument, NULL, O_KCFG },
		{ "cluster", required_argument, NULL, O_CLUSTER },
		{ "history", required_argument, NULL, O_HISTORY },
		{ "bookmark-interval", required_argument, NULL, O_BOOKMARK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:0";
	o->speed = 1.0;
	while ((c = getopt_long(argc, argv, "l:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case O_SEED:
			if (o->nseeds == MAIN_MAX_SEEDS)
				goto bad;
			o->seeds[o->nseeds++] = optarg;
			break;
		case O_NODES:
			if (!main_long(optarg, 0, 100000, &o->nodes))
				goto bad;
			break;
		case O_PODS:
			if (!main_long(optarg, 0, 1000000, &o->pods))
				goto bad;
			break;
		case O_TOKEN:
			o->token = optarg;
			break;
		case O_CERT:
			o->tls_cert = optarg;
			break;
		case O_KEY:
			o->tls_key = optarg;
			break;
		case O_CA:
			o->client_ca = optarg;
			break;
		case O_SPEED:
			errno = 0;
			o->speed = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || !(o->speed > 0) ||
			    o->speed > 10000)
				goto bad;
			break;
		case O_KCFG:
			o->kubeconfig_out = optarg;
			break;
		case O_CLUSTER:
			if (o->nclusters == MAIN_MAX_CLUSTERS ||
			    optarg[0] == '\0')
				goto bad;
			o->clusters[o->nclusters++] = optarg;
			break;
		case O_HISTORY:
			if (!main_long(optarg, 1, 10000000, &o->history))
				goto bad;
			break;
		case O_BOOKMARK:
			if (!main_long(optarg, 1, 86400,
			    &o->bookmark_seconds))
				goto bad;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			main_usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (o->nclusters == 0)
		o->clusters[o->nclusters++] = "kubesim";
	return 0;
bad:
	if (c != '?' && c != -1)
		fprintf(stderr, "cm-kubesim: bad value for an option: %s\n",
		    optarg != NULL ? optarg : "");
	main_usage(stderr);
	return -1;
}

/* Standard base64 of a file's bytes for *-data fields; caller frees. */
static char *
main_file_b64(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char buf[65536];
	size_t n;
	char *out;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, buf, (int)n);
	return out;
}

static int
main_write_kubeconfig(const struct main_opts *o,
    const struct main_cluster *cl, int n)
{
	char *tmp = xasprintf("%s.tmp", o->kubeconfig_out), *ca = NULL;
	FILE *f;
	int i, rc = -1, fd;

	if (o->tls_cert != NULL)
		ca = main_file_b64(o->tls_cert);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		fprintf(stderr, "cm-kubesim: %s: %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "- name: %s\n  cluster:\n    server: %s\n",
		    cl[i].name, server_url(cl[i].srv));
		if (ca != NULL)
			fprintf(f, "    certificate-authority-data: %s\n", ca);
	}
	fprintf(f, "users:\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "- name: %s\n  user:", cl[i].name);
		if (o->token != NULL)
			fprintf(f, "\n    token: \"%s\"\n", o->token);
		else
			fprintf(f, " {}\n");
	}
	fprintf(f, "contexts:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "- name: %s\n  context:\n    cluster: %s\n"
		    "    user: %s\n", cl[i].name, cl[i].name, cl[i].name);
	fprintf(f, "current-context: %s\n", cl[0].name);
	if (fclose(f) != 0 || rename(tmp, o->kubeconfig_out) != 0) {
		fprintf(stderr, "cm-kubesim: %s: %s\n", o->kubeconfig_out,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(ca);
	free(tmp);
	return rc;
}

static int
main_start_cluster(const struct main_opts *o, int idx,
    struct main_cluster *c)
{
	struct server_config cfg;
	struct generate_opts g;
	struct seed_stats stats;
	struct cm_err err;
	int i;

	c->name = o->clusters[idx];
	c->st = objstore_new((size_t)o->history);
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i < o->nseeds; i++) {
		if (seed_load(c->st, o->seeds[i], &stats, &err) != CM_OK) {
			fprintf(stderr, "cm-kubesim: seed: %s\n", err.msg);
			return -1;
		}
	}
	if (o->nodes > 0 || o->pods > 0) {
		memset(&g, 0, sizeof(g));
		g.cluster = c->name;
		g.nodes = (int)o->nodes;
		g.pods = (int)o->pods;
		g.seed = (unsigned)idx + 1;
		generate_fleet_opts(c->st, &g);
	}
	/*
	 * Recorded objects alone stay as recorded (kubectl get shows what the
	 * fixtures say) until someone changes them; a generated fleet is
	 * reconciled from the start.
	 */
	c->ctl = controller_start_opts(c->st, &(struct controller_opts){
	    .speed = o->speed,
	    .only_changes = o->nseeds > 0 && o->nodes == 0 && o->pods == 0,
	});
	memset(&cfg, 0, sizeof(cfg));
	/* Only the first cluster takes a fixed port; the others any. */
	cfg.listen = idx == 0 ? o->listen : "127.0.0.1:0";
	cfg.token = o->token;
	cfg.tls_cert = o->tls_cert;
	cfg.tls_key = o->tls_key;
	cfg.client_ca = o->client_ca;
	cfg.bookmark_ms = (int)o->bookmark_seconds * 1000;
	cfg.metrics = metrics_serve;
	cfg.metrics_arg = NULL;
	cfg.defaults = controller_default;
	cfg.access_log = o->verbose ? stderr : NULL;
	if (server_start(c->st, &cfg, &c->srv, &err) != CM_OK) {
		fprintf(stderr, "cm-kubesim: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
main_stop_cluster(struct main_cluster *c)
{
	if (c->st != NULL)
		objstore_close(c->st);
	server_stop(c->srv);
	controller_stop(c->ctl);
	objstore_free(c->st);
	memset(c, 0, sizeof(*c));
}

int
main(int argc, char **argv)
{
	struct main_opts o;
	struct main_cluster cl[MAIN_MAX_CLUSTERS];
	sigset_t set;
	int i, sig, rc = 1;

	memset(cl, 0, sizeof(cl));
	if (main_parse(argc, argv, &o) != 0)
		return 2;
	/* Threads inherit this mask: only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < o.nclusters; i++)
		if (main_start_cluster(&o, i, &cl[i]) != 0)
			goto out;
	if (o.kubeconfig_out != NULL &&
	    main_write_kubeconfig(&o, cl, o.nclusters) != 0)
		goto out;
	for (i = 0; i < o.nclusters; i++)
		printf("listening on %s\n", server_url(cl[i].srv));
	fflush(stdout);
	if (sigwait(&set, &sig) != 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < o.nclusters; i++)
		main_stop_cluster(&cl[i]);
	return rc;
}
