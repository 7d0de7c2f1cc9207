/*
 * kubeconfig.h - load kubeconfig files the way kubectl reads them.
 *
 * A KUBECONFIG list of files (colon-separated) is merged as kubectl
 * merges it: for each named cluster, user and context the first file
 * that defines it wins (whole entries, not field by field), and
 * current-context comes from the first file that sets one.  Missing
 * files in the list are skipped, as kubectl skips them.  Relative paths
 * inside a file (certificate files, tokenFile, an exec command with a
 * slash) are resolved against that file's directory.  Certificate,
 * key and CA files and tokenFile are read at load, so a context carries
 * its PEM bytes and a client never touches the files again (except
 * tokenFile, re-read after a 401).
 *
 * Errors do not fail the whole load.  Each problem is reported as
 * "FILE:LINE:COLUMN: message" and attached to the entry it spoils; a
 * context whose cluster or user is broken or missing carries that error
 * in ctx->err and the other contexts stay usable.  A file with a syntax
 * error keeps what parses before the bad line (a truncated file still
 * gives the contexts it got to).
 *
 * It does not talk to any server, run exec plugins (execcred.h does, on
 * demand) or write kubeconfig files.  auth-provider (the removed gcp and
 * azure providers), proxy extensions and preferences are ignored.
 */
#ifndef CM_BACKEND_KUBE_KUBECONFIG_H
#define CM_BACKEND_KUBE_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

/* Largest kubeconfig, certificate or token file read. */
#define KUBECONFIG_FILE_MAX (4u * 1024 * 1024)

enum kube_interactive {
	KUBE_INTERACTIVE_NEVER,
	KUBE_INTERACTIVE_IF_AVAILABLE,
	KUBE_INTERACTIVE_ALWAYS,
};

/* An exec credential plugin (users[].user.exec). */
struct kube_exec {
	char *command;			/* resolved, or a name for PATH */
	char **args;			/* nargs strings */
	size_t nargs;
	char **env;			/* "NAME=value", nenv strings */
	size_t nenv;
	char *api_version;		/* client.authentication.k8s.io/.. */
	enum kube_interactive interactive;
	bool provide_cluster_info;
	char *install_hint;		/* or NULL */
};

/* A cluster entry; the byte fields are owned and NUL-terminated. */
struct kube_cluster {
	char *name;
	char *server;			/* "https://host:port[/prefix]" */
	unsigned char *ca;		/* CA PEM (data or file), or NULL */
	size_t ca_len;
	bool insecure;			/* insecure-skip-tls-verify */
	char *tls_server_name;		/* or NULL */
	char *proxy_url;		/* or NULL */
	struct cm_err err;		/* CM_OK unless the entry is broken */
};

/* A user (AuthInfo) entry. */
struct kube_user {
	char *name;
	char *token;			/* token, or tokenFile's content */
	char *token_file;		/* resolved path, or NULL */
	unsigned char *cert;		/* client certificate PEM or NULL */
	size_t cert_len;
	unsigned char *key;		/* client key PEM, or NULL */
	size_t key_len;
	char *username;			/* basic auth, or NULL */
	char *password;
	struct kube_exec *exec;		/* or NULL */
	struct cm_err err;
};

/* A context: a cluster, a user and a namespace. */
struct kube_context {
	char *name;
	char *namespace;		/* "default" when the file says none */
	char *cluster_name;
	char *user_name;		/* may be "" (no credentials) */
	const struct kube_cluster *cluster;	/* NULL when err is set */
	const struct kube_user *user;		/* NULL when none or err */
	char *file;			/* file that defined it */
	struct cm_err err;		/* CM_OK when usable */
};

/* A merged configuration; owns everything it points to. */
struct kubeconfig {
	struct kube_context **contexts;	/* in file order */
	size_t ncontexts;
	struct kube_cluster **clusters;
	size_t nclusters;
	struct kube_user **users;
	size_t nusers;
	char *current;			/* current-context, or NULL */
	struct cm_err *problems;	/* every error found, in order */
	size_t nproblems;
	size_t nfiles;			/* files read */
};

/*
 * Load and merge the files of paths, a colon-separated list; NULL uses
 * $KUBECONFIG, or ~/.kube/config when that is unset or empty.  Returns
 * CM_OK with *out set when a context was found (usable or not) or no
 * problem was met; the problems are in (*out)->problems and in the
 * contexts they spoil.  With no context and a problem: the first
 * problem's status and message (CM_VALIDATION "FILE:LINE:COLUMN: ..."),
 * or CM_NOT_FOUND when no file of the list exists.  Free *out with
 * kubeconfig_free().
 */
enum cm_status kubeconfig_load(const char *paths, struct kubeconfig **out,
    struct cm_err *err);

/*
 * Load one kubeconfig held in memory (a hub's stored credential); name is
 * used in messages and dir (may be NULL: relative paths are then an
 * error) to resolve relative paths.  Same results as kubeconfig_load().
 */
enum cm_status kubeconfig_load_string(const char *name, const char *text,
    size_t len, const char *dir, struct kubeconfig **out, struct cm_err *err);

/* Free a configuration.  NULL is a no-op. */
void kubeconfig_free(struct kubeconfig *kc);

/* Context by name, or NULL; borrowed until kubeconfig_free(). */
const struct kube_context *kubeconfig_find(const struct kubeconfig *kc,
    const char *name);

/* The current context, or NULL when unset or not defined; borrowed. */
const struct kube_context *kubeconfig_current(const struct kubeconfig *kc);

/*
 * Decode standard base64 (padding optional, whitespace ignored) into a
 * new NUL-terminated buffer; *outlen gets the byte count.  Returns NULL
 * on an invalid character or length.  Caller frees.
 */
unsigned char *kubeconfig_b64_decode(const char *in, size_t *outlen);

/* Encode n bytes as standard base64 with padding; caller frees. */
char *kubeconfig_b64_encode(const unsigned char *in, size_t n);

#endif
