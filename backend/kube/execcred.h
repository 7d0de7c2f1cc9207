/*
 * execcred.h - credentials from a kubeconfig exec plugin.
 *
 * An exec plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin)
 * is a program that prints an ExecCredential (client.authentication.k8s.io
 * v1 or v1beta1) with a bearer token or a client certificate, and maybe
 * an expirationTimestamp.  This module runs it without a shell, with the
 * kubeconfig's args and env plus KUBERNETES_EXEC_INFO, stdin from
 * /dev/null, a deadline and a cap on what it prints, and caches the
 * credential until it expires or the caller says the server refused it
 * (a 401).
 *
 * We never have a terminal to lend a plugin (the console owns the screen,
 * the hub is a daemon), so a plugin configured with interactiveMode
 * Always is refused with a message saying so, without being run.  It does
 * not know HTTP: kubeclient.h asks it for a credential before a request
 * and invalidates it on a 401.
 *
 * Threading: a struct execcred is used by one thread at a time.
 */
#ifndef CM_BACKEND_KUBE_EXECCRED_H
#define CM_BACKEND_KUBE_EXECCRED_H

#include <stddef.h>
#include <stdint.h>

#include "backend/kube/kubeconfig.h"
#include "backend/status.h"

/* Largest ExecCredential a plugin may print. */
#define EXECCRED_OUTPUT_MAX (1024u * 1024)

/* A credential: a token, or a client certificate and key (PEM). */
struct kube_cred {
	char *token;			/* or NULL */
	char *cert;			/* or NULL */
	size_t cert_len;
	char *key;			/* or NULL */
	size_t key_len;
	int64_t expiry_ms;		/* epoch ms; -1: never expires */
};

struct execcred;

/*
 * A runner for exec, with cluster's connection details for
 * provideClusterInfo (cluster may be NULL).  Both are copied.  A plugin
 * running longer than timeout_ms (<= 0: 30 s) is killed.
 */
struct execcred *execcred_new(const struct kube_exec *exec,
    const struct kube_cluster *cluster, long timeout_ms);

/* Free a runner and its cached credential.  NULL is a no-op. */
void execcred_free(struct execcred *ec);

/*
 * The credential, running the plugin when none is cached, the cached one
 * has expired at now_ms (epoch ms), or it was invalidated.  *cred is
 * borrowed until the next call on ec.  Errors (CM_UNAUTHORIZED, with
 * the plugin's name and what went wrong: not found, exit status and its
 * stderr, timeout, bad output, interactive mode) cache nothing.
 */
enum cm_status execcred_get(struct execcred *ec, int64_t now_ms,
    const struct kube_cred **cred, struct cm_err *err);

/* Forget the cached credential (the server answered 401 with it). */
void execcred_invalidate(struct execcred *ec);

/* How many times the plugin has been run. */
unsigned execcred_runs(const struct execcred *ec);

/*
 * Parse an ExecCredential of len bytes, which must be of api_version,
 * into out (release with execcred_cred_done()).  CM_UNAUTHORIZED with the
 * reason when it is malformed or carries no credential.
 */
enum cm_status execcred_parse(const char *json, size_t len,
    const char *api_version, struct kube_cred *out, struct cm_err *err);

/* Release what out holds, wiping the secrets.  Safe on a zeroed cred. */
void execcred_cred_done(struct kube_cred *cred);

/* The KUBERNETES_EXEC_INFO value for exec and cluster; caller frees. */
char *execcred_exec_info(const struct kube_exec *exec,
    const struct kube_cluster *cluster);

#endif
