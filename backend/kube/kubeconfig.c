/*
 * kubeconfig.c - load and merge kubeconfig files.  See kubeconfig.h.
 *
 * Each file is loaded into a ydoc tree, then its clusters, users and
 * contexts are copied into the merged configuration unless an entry of
 * the same name came from an earlier file.  Contexts are tied to their
 * cluster and user only after every file is read, because kubectl lets a
 * context in one file name a user defined in another.  Entry errors are
 * recorded, never fatal: the entry keeps its error and any context using
 * it inherits the message.
 */
#include "config.h"

#include "backend/kube/kubeconfig.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "backend/ydoc.h"

/* How often a syntax error is cut away before giving up on a file. */
#define KC_SALVAGE_TRIES 8

/* A context plus where its references were written, for messages. */
struct kc_ctx {
	struct kube_context pub;	/* first: contexts[] points here */
	size_t cl_line, cl_col;
	size_t u_line, u_col;
};

/* One file being read. */
struct kc_loader {
	struct kubeconfig *kc;
	const char *name;		/* for messages */
	const char *dir;		/* for relative paths, or NULL */
};

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

unsigned char *
kubeconfig_b64_decode(const char *in, size_t *outlen)
{
	size_t n = strlen(in), i, o = 0, pad = 0, digits = 0;
	unsigned char *out = xmalloc(n / 4 * 3 + 4);
	unsigned int v = 0;
	int bits = 0;
	const char *p;

	*outlen = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		p = c != '\0' ? strchr(b64_std, c) : NULL;
		if (p == NULL || pad > 0)
			goto bad;
		v = (v << 6 | (unsigned int)(p - b64_std)) & 0xffffff;
		bits += 6;
		digits++;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	if (digits % 4 == 1 || pad > 2 || (pad > 0 &&
	    (digits + pad) % 4 != 0))
		goto bad;
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	free(out);
	return NULL;
}

char *
kubeconfig_b64_encode(const unsigned char *in, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *q = out;
	unsigned int v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 |
		    in[i + 2];
		*q++ = b64_std[v >> 18 & 63];
		*q++ = b64_std[v >> 12 & 63];
		*q++ = b64_std[v >> 6 & 63];
		*q++ = b64_std[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned int)in[i] << 16;
		*q++ = b64_std[v >> 18 & 63];
		*q++ = b64_std[v >> 12 & 63];
		*q++ = '=';
		*q++ = '=';
	} else if (n - i == 2) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8;
		*q++ = b64_std[v >> 18 & 63];
		*q++ = b64_std[v >> 12 & 63];
		*q++ = b64_std[v >> 6 & 63];
		*q++ = '=';
	}
	*q = '\0';
	return out;
}

static void
kc_exec_free(struct kube_exec *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->command);
	for (i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (i = 0; i < e->nenv; i++)
		free(e->env[i]);
	free(e->env);
	free(e->api_version);
	free(e->install_hint);
	free(e);
}

static void
kc_cluster_free(struct kube_cluster *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->server);
	free(c->ca);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c);
}

static void
kc_user_free(struct kube_user *u)
{
	if (u == NULL)
		return;
	free(u->name);
	if (u->token != NULL)
		explicit_bzero(u->token, strlen(u->token));
	free(u->token);
	free(u->token_file);
	free(u->cert);
	if (u->key != NULL)
		explicit_bzero(u->key, u->key_len);
	free(u->key);
	free(u->username);
	if (u->password != NULL)
		explicit_bzero(u->password, strlen(u->password));
	free(u->password);
	kc_exec_free(u->exec);
	free(u);
}

static void
kc_context_free(struct kube_context *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->namespace);
	free(c->cluster_name);
	free(c->user_name);
	free(c->file);
	free(c);
}

void
kubeconfig_free(struct kubeconfig *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < kc->ncontexts; i++)
		kc_context_free(kc->contexts[i]);
	free(kc->contexts);
	for (i = 0; i < kc->nclusters; i++)
		kc_cluster_free(kc->clusters[i]);
	free(kc->clusters);
	for (i = 0; i < kc->nusers; i++)
		kc_user_free(kc->users[i]);
	free(kc->users);
	free(kc->current);
	free(kc->problems);
	free(kc);
}

/* Append a copy of err to the configuration's problems. */
static void
kc_problem(struct kubeconfig *kc, const struct cm_err *err)
{
	kc->problems = xreallocarray(kc->problems, kc->nproblems + 1,
	    sizeof *kc->problems);
	kc->problems[kc->nproblems++] = *err;
}

/* Record "NAME:LINE:COL: msg" about node as a problem and into err. */
static void
kc_fail(struct kc_loader *ld, const struct ynode *node, struct cm_err *err,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
kc_fail(struct kc_loader *ld, const struct ynode *node, struct cm_err *err,
    const char *fmt, ...)
{
	char msg[CM_ERR_MSG_MAX];
	struct cm_err tmp;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err == NULL)
		err = &tmp;
	ydoc_error(err, ld->name, node, "%s", msg);
	kc_problem(ld->kc, err);
}

/* A scalar's text, or NULL when absent, empty or null ("~", "null"). */
static const char *
kc_text(const struct ynode *n)
{
	if (n == NULL || n->type != YNODE_SCALAR)
		return NULL;
	if (!n->quoted && (n->value[0] == '\0' || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0))
		return NULL;
	return n->value;
}

/*
 * Read map's key as a string into *out (NULL when absent).  A map or a
 * sequence where a string belongs is an error.
 */
static bool
kc_get_str(struct kc_loader *ld, const struct ynode *map, const char *key,
    const char **out, struct cm_err *err)
{
	const struct ynode *n = ydoc_get(map, key);

	*out = NULL;
	if (n == NULL)
		return true;
	if (n->type != YNODE_SCALAR) {
		kc_fail(ld, n, err, "%s must be a string", key);
		return false;
	}
	*out = kc_text(n);
	return true;
}

static bool
kc_get_bool(struct kc_loader *ld, const struct ynode *map, const char *key,
    bool *out, struct cm_err *err)
{
	const struct ynode *n = ydoc_get(map, key);

	*out = false;
	if (n == NULL || kc_text(n) == NULL)
		return true;
	if (!ydoc_bool(n, out)) {
		kc_fail(ld, n, err, "%s must be true or false", key);
		return false;
	}
	return true;
}

/* Read up to KUBECONFIG_FILE_MAX bytes of path, NUL-terminated. */
static enum cm_status
kc_read_file(const char *path, unsigned char **buf, size_t *len,
    struct cm_err *err)
{
	FILE *fp;
	unsigned char *b;
	size_t n;
	int e;

	*buf = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		e = errno;
		return cm_err_set(err, e == ENOENT ? CM_NOT_FOUND : CM_IO,
		    NULL, "%s: %s", path, strerror(e));
	}
	b = xmalloc(KUBECONFIG_FILE_MAX + 1);
	n = fread(b, 1, KUBECONFIG_FILE_MAX + 1, fp);
	e = ferror(fp) ? errno : 0;
	fclose(fp);
	if (e != 0 || n > KUBECONFIG_FILE_MAX) {
		free(b);
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    e != 0 ? strerror(e) : "file too large");
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return CM_OK;
}

/* Resolve path against the file's directory into a new string. */
static char *
kc_resolve(struct kc_loader *ld, const struct ynode *node, const char *path,
    struct cm_err *err)
{
	if (path[0] == '/')
		return xstrdup(path);
	if (ld->dir == NULL) {
		kc_fail(ld, node, err, "relative path \"%.64s\" cannot be "
		    "resolved here: use an absolute path or the -data field",
		    path);
		return NULL;
	}
	return xasprintf("%s/%s", ld->dir, path);
}

/*
 * Fill *data from the "-data" field (base64) or else the file field of
 * map.  what names the entry in messages.  Returns false on an error,
 * already recorded.
 */
static bool
kc_get_pem(struct kc_loader *ld, const struct ynode *map,
    const char *data_key, const char *file_key, const char *kind,
    const char *name, unsigned char **data, size_t *len, struct cm_err *err)
{
	const char *s;
	char *path;
	struct cm_err ferr;

	*data = NULL;
	*len = 0;
	if (!kc_get_str(ld, map, data_key, &s, err))
		return false;
	if (s != NULL) {
		*data = kubeconfig_b64_decode(s, len);
		if (*data == NULL) {
			kc_fail(ld, ydoc_get(map, data_key), err,
			    "%s \"%.64s\": %s is not valid base64", kind, name,
			    data_key);
			return false;
		}
		return true;
	}
	if (!kc_get_str(ld, map, file_key, &s, err))
		return false;
	if (s == NULL)
		return true;
	path = kc_resolve(ld, ydoc_get(map, file_key), s, err);
	if (path == NULL)
		return false;
	if (kc_read_file(path, data, len, &ferr) != CM_OK) {
		kc_fail(ld, ydoc_get(map, file_key), err, "%s \"%.64s\": "
		    "%s: %s", kind, name, file_key, ferr.msg);
		free(path);
		return false;
	}
	free(path);
	return true;
}

static struct kube_cluster *
kc_find_cluster(const struct kubeconfig *kc, const char *name)
{
	size_t i;

	for (i = 0; i < kc->nclusters; i++)
		if (strcmp(kc->clusters[i]->name, name) == 0)
			return kc->clusters[i];
	return NULL;
}

static struct kube_user *
kc_find_user(const struct kubeconfig *kc, const char *name)
{
	size_t i;

	for (i = 0; i < kc->nusers; i++)
		if (strcmp(kc->users[i]->name, name) == 0)
			return kc->users[i];
	return NULL;
}

const struct kube_context *
kubeconfig_find(const struct kubeconfig *kc, const char *name)
{
	size_t i;

	if (kc == NULL || name == NULL)
		return NULL;
	for (i = 0; i < kc->ncontexts; i++)
		if (strcmp(kc->contexts[i]->name, name) == 0)
			return kc->contexts[i];
	return NULL;
}

const struct kube_context *
kubeconfig_current(const struct kubeconfig *kc)
{
	return kc != NULL ? kubeconfig_find(kc, kc->current) : NULL;
}

/*
 * The name of a list entry ({name: X, KEY: {...}}), or NULL after
 * recording why it is unusable.  *body gets the KEY map (may be NULL).
 */
static const char *
kc_entry(struct kc_loader *ld, const struct ynode *item, const char *key,
    const char *what, const struct ynode **body)
{
	const struct ynode *b;
	const char *name;

	*body = NULL;
	if (item->type != YNODE_MAP) {
		kc_fail(ld, item, NULL, "a %s entry must be a map", what);
		return NULL;
	}
	if (!kc_get_str(ld, item, "name", &name, NULL))
		return NULL;
	if (name == NULL) {
		kc_fail(ld, item, NULL, "a %s entry has no name", what);
		return NULL;
	}
	b = ydoc_get(item, key);
	if (b != NULL && kc_text(b) != NULL) {
		kc_fail(ld, b, NULL, "%s \"%.64s\": %s must be a map", what,
		    name, key);
		return NULL;
	}
	if (b != NULL && b->type == YNODE_SEQ) {
		kc_fail(ld, b, NULL, "%s \"%.64s\": %s must be a map", what,
		    name, key);
		return NULL;
	}
	*body = b != NULL && b->type == YNODE_MAP ? b : NULL;
	return name;
}

static void
kc_parse_cluster(struct kc_loader *ld, const struct ynode *item)
{
	struct kube_cluster *c;
	const struct ynode *body;
	const char *name, *s;

	name = kc_entry(ld, item, "cluster", "cluster", &body);
	if (name == NULL || kc_find_cluster(ld->kc, name) != NULL)
		return;
	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name);
	cm_err_clear(&c->err);
	ld->kc->clusters = xreallocarray(ld->kc->clusters,
	    ld->kc->nclusters + 1, sizeof *ld->kc->clusters);
	ld->kc->clusters[ld->kc->nclusters++] = c;
	if (body == NULL) {
		kc_fail(ld, item, &c->err, "cluster \"%.64s\" has no cluster "
		    "settings", name);
		return;
	}
	if (!kc_get_str(ld, body, "server", &s, &c->err))
		return;
	if (s == NULL) {
		kc_fail(ld, body, &c->err, "cluster \"%.64s\" has no server",
		    name);
		return;
	}
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
		kc_fail(ld, ydoc_get(body, "server"), &c->err,
		    "cluster \"%.64s\": server must be an http:// or https:// "
		    "URL", name);
		return;
	}
	c->server = xstrdup(s);
	if (!kc_get_bool(ld, body, "insecure-skip-tls-verify", &c->insecure,
	    &c->err))
		return;
	if (!kc_get_str(ld, body, "tls-server-name", &s, &c->err))
		return;
	c->tls_server_name = s != NULL ? xstrdup(s) : NULL;
	if (!kc_get_str(ld, body, "proxy-url", &s, &c->err))
		return;
	c->proxy_url = s != NULL ? xstrdup(s) : NULL;
	kc_get_pem(ld, body, "certificate-authority-data",
	    "certificate-authority", "cluster", name, &c->ca, &c->ca_len,
	    &c->err);
}

/* Parse users[].user.exec into u->exec. */
static bool
kc_parse_exec(struct kc_loader *ld, struct kube_user *u,
    const struct ynode *n)
{
	struct kube_exec *e;
	const struct ynode *it, *list;
	const char *s, *ename, *evalue;
	bool set;

	if (n->type != YNODE_MAP) {
		kc_fail(ld, n, &u->err, "user \"%.64s\": exec must be a map",
		    u->name);
		return false;
	}
	e = xcalloc(1, sizeof *e);
	u->exec = e;
	if (!kc_get_str(ld, n, "command", &s, &u->err))
		return false;
	if (s == NULL) {
		kc_fail(ld, n, &u->err, "user \"%.64s\": exec has no command",
		    u->name);
		return false;
	}
	if (s[0] != '/' && strchr(s, '/') != NULL) {
		e->command = kc_resolve(ld, ydoc_get(n, "command"), s,
		    &u->err);
		if (e->command == NULL)
			return false;
	} else {
		e->command = xstrdup(s);
	}
	if (!kc_get_str(ld, n, "apiVersion", &s, &u->err))
		return false;
	if (s == NULL || (strcmp(s, "client.authentication.k8s.io/v1") != 0 &&
	    strcmp(s, "client.authentication.k8s.io/v1beta1") != 0)) {
		kc_fail(ld, ydoc_get(n, "apiVersion") != NULL ?
		    ydoc_get(n, "apiVersion") : n, &u->err,
		    "user \"%.64s\": exec apiVersion must be "
		    "client.authentication.k8s.io/v1 or v1beta1%s", u->name,
		    s != NULL && strstr(s, "v1alpha1") != NULL ?
		    " (v1alpha1 is no longer supported)" : "");
		return false;
	}
	e->api_version = xstrdup(s);
	if (!kc_get_str(ld, n, "interactiveMode", &s, &u->err))
		return false;
	if (s == NULL && strcmp(e->api_version,
	    "client.authentication.k8s.io/v1") == 0) {
		kc_fail(ld, n, &u->err, "user \"%.64s\": exec interactiveMode "
		    "must be set for client.authentication.k8s.io/v1",
		    u->name);
		return false;
	}
	if (s == NULL || strcmp(s, "IfAvailable") == 0) {
		e->interactive = KUBE_INTERACTIVE_IF_AVAILABLE;
	} else if (strcmp(s, "Never") == 0) {
		e->interactive = KUBE_INTERACTIVE_NEVER;
	} else if (strcmp(s, "Always") == 0) {
		e->interactive = KUBE_INTERACTIVE_ALWAYS;
	} else {
		kc_fail(ld, ydoc_get(n, "interactiveMode"), &u->err,
		    "user \"%.64s\": exec interactiveMode must be Never, "
		    "IfAvailable or Always", u->name);
		return false;
	}
	if (!kc_get_bool(ld, n, "provideClusterInfo", &set, &u->err))
		return false;
	e->provide_cluster_info = set;
	if (!kc_get_str(ld, n, "installHint", &s, &u->err))
		return false;
	e->install_hint = s != NULL ? xstrdup(s) : NULL;
	list = ydoc_get(n, "args");
	if (list != NULL && kc_text(list) != NULL) {
		kc_fail(ld, list, &u->err, "user \"%.64s\": exec args must be "
		    "a list", u->name);
		return false;
	}
	if (list != NULL && list->type == YNODE_SEQ) {
		e->args = xcalloc(list->nchildren + 1, sizeof *e->args);
		foreach_ynode(list, it) {
			if (it->type != YNODE_SCALAR) {
				kc_fail(ld, it, &u->err, "user \"%.64s\": "
				    "exec args must be strings", u->name);
				return false;
			}
			e->args[e->nargs++] = xstrdup(it->value);
		}
	}
	list = ydoc_get(n, "env");
	if (list != NULL && kc_text(list) != NULL) {
		kc_fail(ld, list, &u->err, "user \"%.64s\": exec env must be a "
		    "list", u->name);
		return false;
	}
	if (list != NULL && list->type == YNODE_SEQ) {
		e->env = xcalloc(list->nchildren + 1, sizeof *e->env);
		foreach_ynode(list, it) {
			ename = it->type == YNODE_MAP ?
			    kc_text(ydoc_get(it, "name")) : NULL;
			evalue = it->type == YNODE_MAP ?
			    ydoc_get_str(it, "value") : NULL;
			if (ename == NULL || strchr(ename, '=') != NULL) {
				kc_fail(ld, it, &u->err, "user \"%.64s\": "
				    "exec env entries need a name and a value",
				    u->name);
				return false;
			}
			e->env[e->nenv++] = xasprintf("%s=%s", ename,
			    evalue != NULL ? evalue : "");
		}
	}
	return true;
}

/* Read tokenFile's content, without trailing whitespace. */
static char *
kc_read_token(const char *path, struct cm_err *err)
{
	unsigned char *buf;
	size_t len;

	if (kc_read_file(path, &buf, &len, err) != CM_OK)
		return NULL;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	return (char *)buf;
}

static void
kc_parse_user(struct kc_loader *ld, const struct ynode *item)
{
	struct kube_user *u;
	const struct ynode *body, *n;
	const char *name, *s;
	struct cm_err ferr;

	name = kc_entry(ld, item, "user", "user", &body);
	if (name == NULL || kc_find_user(ld->kc, name) != NULL)
		return;
	u = xcalloc(1, sizeof *u);
	u->name = xstrdup(name);
	cm_err_clear(&u->err);
	ld->kc->users = xreallocarray(ld->kc->users, ld->kc->nusers + 1,
	    sizeof *ld->kc->users);
	ld->kc->users[ld->kc->nusers++] = u;
	if (body == NULL)
		return;		/* a user without credentials is valid */
	if (!kc_get_str(ld, body, "token", &s, &u->err))
		return;
	u->token = s != NULL ? xstrdup(s) : NULL;
	if (!kc_get_str(ld, body, "tokenFile", &s, &u->err))
		return;
	if (s != NULL) {
		n = ydoc_get(body, "tokenFile");
		u->token_file = kc_resolve(ld, n, s, &u->err);
		if (u->token_file == NULL)
			return;
		if (u->token == NULL) {
			u->token = kc_read_token(u->token_file, &ferr);
			if (u->token == NULL) {
				kc_fail(ld, n, &u->err, "user \"%.64s\": "
				    "tokenFile: %s", name, ferr.msg);
				return;
			}
		}
	}
	if (!kc_get_str(ld, body, "username", &s, &u->err))
		return;
	u->username = s != NULL ? xstrdup(s) : NULL;
	if (!kc_get_str(ld, body, "password", &s, &u->err))
		return;
	u->password = s != NULL ? xstrdup(s) : NULL;
	if (u->username != NULL && u->token != NULL) {
		kc_fail(ld, ydoc_get(body, "username"), &u->err, "user "
		    "\"%.64s\": username/password and a token cannot both be "
		    "set", name);
		return;
	}
	if (!kc_get_pem(ld, body, "client-certificate-data",
	    "client-certificate", "user", name, &u->cert, &u->cert_len,
	    &u->err))
		return;
	if (!kc_get_pem(ld, body, "client-key-data", "client-key", "user",
	    name, &u->key, &u->key_len, &u->err))
		return;
	if ((u->cert == NULL) != (u->key == NULL)) {
		kc_fail(ld, body, &u->err, "user \"%.64s\": a client "
		    "certificate needs a client key and the other way round",
		    name);
		return;
	}
	n = ydoc_get(body, "exec");
	if (n != NULL && kc_text(n) != NULL)
		kc_fail(ld, n, &u->err, "user \"%.64s\": exec must be a map",
		    name);
	else if (n != NULL && n->type != YNODE_SCALAR)
		kc_parse_exec(ld, u, n);
}

static void
kc_parse_context(struct kc_loader *ld, const struct ynode *item)
{
	struct kc_ctx *c;
	const struct ynode *body, *n;
	const char *name, *s;

	name = kc_entry(ld, item, "context", "context", &body);
	if (name == NULL || kubeconfig_find(ld->kc, name) != NULL)
		return;
	c = xcalloc(1, sizeof *c);
	c->pub.name = xstrdup(name);
	c->pub.file = xstrdup(ld->name);
	cm_err_clear(&c->pub.err);
	ld->kc->contexts = xreallocarray(ld->kc->contexts,
	    ld->kc->ncontexts + 1, sizeof *ld->kc->contexts);
	ld->kc->contexts[ld->kc->ncontexts++] = &c->pub;
	c->pub.namespace = xstrdup("default");
	c->pub.user_name = xstrdup("");
	if (body == NULL) {
		kc_fail(ld, item, &c->pub.err, "context \"%.64s\" has no "
		    "cluster", name);
		return;
	}
	if (!kc_get_str(ld, body, "cluster", &s, &c->pub.err))
		return;
	if (s == NULL) {
		kc_fail(ld, body, &c->pub.err, "context \"%.64s\" has no "
		    "cluster", name);
		return;
	}
	c->pub.cluster_name = xstrdup(s);
	n = ydoc_get(body, "cluster");
	c->cl_line = n->line;
	c->cl_col = n->column;
	if (!kc_get_str(ld, body, "user", &s, &c->pub.err))
		return;
	if (s != NULL) {
		free(c->pub.user_name);
		c->pub.user_name = xstrdup(s);
		n = ydoc_get(body, "user");
		c->u_line = n->line;
		c->u_col = n->column;
	}
	if (!kc_get_str(ld, body, "namespace", &s, &c->pub.err))
		return;
	if (s != NULL) {
		free(c->pub.namespace);
		c->pub.namespace = xstrdup(s);
	}
}

/* Copy one file's entries into the merged configuration. */
static void
kc_parse_doc(struct kc_loader *ld, const struct ynode *root)
{
	static const struct {
		const char *key;
		void (*parse)(struct kc_loader *, const struct ynode *);
	} lists[] = {
		{ "clusters", kc_parse_cluster },
		{ "users", kc_parse_user },
		{ "contexts", kc_parse_context },
	};
	const struct ynode *list, *it;
	const char *cur;
	size_t i;

	if (root->type != YNODE_MAP) {
		kc_fail(ld, root, NULL, "a kubeconfig must be a map");
		return;
	}
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		list = ydoc_get(root, lists[i].key);
		if (list == NULL || (list->type == YNODE_SCALAR &&
		    kc_text(list) == NULL))
			continue;	/* absent or null */
		if (list->type != YNODE_SEQ) {
			kc_fail(ld, list, NULL, "%s must be a list",
			    lists[i].key);
			continue;
		}
		foreach_ynode(list, it)
			lists[i].parse(ld, it);
	}
	if (!kc_get_str(ld, root, "current-context", &cur, NULL))
		return;
	if (ld->kc->current == NULL && cur != NULL)
		ld->kc->current = xstrdup(cur);
}

/* Tie each context to its cluster and user, or record why not. */
static void
kc_link(struct kubeconfig *kc)
{
	const struct kube_cluster *cl;
	const struct kube_user *u;
	struct kc_ctx *c;
	size_t i;

	for (i = 0; i < kc->ncontexts; i++) {
		c = (struct kc_ctx *)kc->contexts[i];
		if (c->pub.err.status != CM_OK)
			continue;
		cl = kc_find_cluster(kc, c->pub.cluster_name);
		if (cl == NULL) {
			cm_err_set(&c->pub.err, CM_VALIDATION, "cluster",
			    "%s:%zu:%zu: context \"%.64s\": cluster \"%.64s\" "
			    "is not defined", c->pub.file, c->cl_line,
			    c->cl_col, c->pub.name, c->pub.cluster_name);
			kc_problem(kc, &c->pub.err);
			continue;
		}
		if (cl->err.status != CM_OK) {
			c->pub.err = cl->err;
			continue;
		}
		u = NULL;
		if (c->pub.user_name[0] != '\0') {
			u = kc_find_user(kc, c->pub.user_name);
			if (u == NULL) {
				cm_err_set(&c->pub.err, CM_VALIDATION, "user",
				    "%s:%zu:%zu: context \"%.64s\": user "
				    "\"%.64s\" is not defined", c->pub.file,
				    c->u_line, c->u_col, c->pub.name,
				    c->pub.user_name);
				kc_problem(kc, &c->pub.err);
				continue;
			}
			if (u->err.status != CM_OK) {
				c->pub.err = u->err;
				continue;
			}
		}
		c->pub.cluster = cl;
		c->pub.user = u;
	}
}

/* The line and column of a ydoc error about name, or false. */
static bool
kc_error_mark(const struct cm_err *err, const char *name, size_t *line)
{
	size_t n = strlen(name), col;

	if (strncmp(err->msg, name, n) != 0)
		return false;
	return sscanf(err->msg + n, ":%zu:%zu:", line, &col) == 2;
}

/*
 * Parse text; on a syntax error record it and keep what parses before
 * the line it names, so a truncated or damaged file still gives its
 * first entries.
 */
static void
kc_load_text(struct kc_loader *ld, const char *text, size_t len)
{
	struct ynode *root = NULL;
	struct cm_err err;
	size_t line, l, cut, limit = SIZE_MAX;
	int tries;

	if (ydoc_load_string(ld->name, text, len, &root, &err) != CM_OK) {
		kc_problem(ld->kc, &err);
		for (tries = 0; tries < KC_SALVAGE_TRIES; tries++) {
			if (!kc_error_mark(&err, ld->name, &line))
				return;
			/* The mark may sit past the damage: cut at least
			 * one more line each time. */
			if (line >= limit)
				line = limit - 1;
			if (line <= 1)
				return;
			limit = line;
			for (cut = 0, l = 1; cut < len && l < line; cut++)
				if (text[cut] == '\n')
					l++;
			if (ydoc_load_string(ld->name, text, cut, &root,
			    &err) == CM_OK)
				break;
		}
		if (root == NULL)
			return;
	}
	kc_parse_doc(ld, root);
	ydoc_free(root);
}

static struct kubeconfig *
kc_new(void)
{
	return xcalloc(1, sizeof(struct kubeconfig));
}

/* The result of a load: CM_OK unless nothing at all is usable. */
static enum cm_status
kc_finish(struct kubeconfig *kc, struct kubeconfig **out, struct cm_err *err)
{
	kc_link(kc);
	if (kc->ncontexts == 0 && kc->nproblems > 0) {
		*err = kc->problems[0];
		kubeconfig_free(kc);
		return err->status;
	}
	cm_err_clear(err);
	*out = kc;
	return CM_OK;
}

enum cm_status
kubeconfig_load_string(const char *name, const char *text, size_t len,
    const char *dir, struct kubeconfig **out, struct cm_err *err)
{
	struct kc_loader ld;

	*out = NULL;
	ld.kc = kc_new();
	ld.name = name;
	ld.dir = dir;
	kc_load_text(&ld, text, len);
	ld.kc->nfiles = 1;
	return kc_finish(ld.kc, out, err);
}

/* Load one file of the list into kc; false when it does not exist. */
static bool
kc_load_file(struct kubeconfig *kc, const char *path)
{
	struct kc_loader ld;
	struct cm_err err;
	unsigned char *buf;
	char dir[PATH_MAX], *slash, *copy;
	size_t len;
	enum cm_status st;

	st = kc_read_file(path, &buf, &len, &err);
	if (st == CM_NOT_FOUND)
		return false;
	if (st != CM_OK) {
		kc_problem(kc, &err);
		return true;
	}
	copy = xstrdup(path);
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if (realpath(slash != NULL ? copy : ".", dir) == NULL)
		snprintf(dir, sizeof dir, "%s", slash != NULL ? copy : ".");
	free(copy);
	ld.kc = kc;
	ld.name = path;
	ld.dir = dir;
	kc->nfiles++;
	kc_load_text(&ld, (const char *)buf, len);
	free(buf);
	return true;
}

enum cm_status
kubeconfig_load(const char *paths, struct kubeconfig **out,
    struct cm_err *err)
{
	struct kubeconfig *kc;
	char *list, *p, *next, *def = NULL;
	char **seen = NULL;
	size_t nseen = 0, i;
	const char *home;
	bool dup;

	*out = NULL;
	if (paths == NULL || paths[0] == '\0')
		paths = getenv("KUBECONFIG");
	if (paths == NULL || paths[0] == '\0') {
		home = getenv("HOME");
		if (home == NULL || home[0] == '\0')
			return cm_err_set(err, CM_NOT_FOUND, NULL,
			    "no kubeconfig: KUBECONFIG and HOME are unset");
		def = xasprintf("%s/.kube/config", home);
		paths = def;
	}
	kc = kc_new();
	list = xstrdup(paths);
	for (p = list; p != NULL; p = next) {
		next = strchr(p, ':');
		if (next != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		dup = false;
		for (i = 0; i < nseen; i++)
			dup = dup || strcmp(seen[i], p) == 0;
		if (dup)
			continue;
		seen = xreallocarray(seen, nseen + 1, sizeof *seen);
		seen[nseen++] = p;
		kc_load_file(kc, p);
	}
	free(seen);
	if (kc->nfiles == 0 && kc->nproblems == 0) {
		cm_err_set(err, CM_NOT_FOUND, NULL, "no kubeconfig found at "
		    "%.200s", paths);
		kubeconfig_free(kc);
		free(list);
		free(def);
		return CM_NOT_FOUND;
	}
	free(list);
	free(def);
	return kc_finish(kc, out, err);
}
