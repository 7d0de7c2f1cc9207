/*
 * settings.c - read and write config.yaml; find the XDG directories.
 * See settings.h.
 *
 * Reading is strict on purpose: an unknown key is almost always a typo
 * ("refersh: 1s") that would otherwise be ignored in silence, so it is
 * reported with its position like any other error, and the defaults are
 * used (the console still starts, and says why).
 */
#include "config.h"

#include "backend/settings.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend/state.h"
#include "backend/xalloc.h"
#include "backend/ydoc.h"

#define SETTINGS_APP "clustermaster"
#define SETTINGS_NAME_MAX 64

static char *
settings_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
settings_context_done(struct settings_context *c)
{
	free(c->name);
	free(c->hub);
	free(c->user);
	free(c->ca_file);
	free(c->kube);
	memset(c, 0, sizeof *c);
}

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof *s);
	s->refresh_ms = SETTINGS_REFRESH_DEFAULT_MS;
	s->theme = xstrdup("default");
	s->keymap = xstrdup("default");
	s->tour_offer = true;
}

void
settings_done(struct settings *s)
{
	size_t i;

	for (i = 0; i < s->ncontexts; i++)
		settings_context_done(&s->contexts[i]);
	free(s->contexts);
	free(s->path);
	free(s->current_context);
	free(s->theme);
	free(s->keymap);
	memset(s, 0, sizeof *s);
}

bool
settings_context_name_ok(const char *name)
{
	const char *p;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) > SETTINGS_NAME_MAX)
		return false;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return false;
	return true;
}

bool
settings_parse_duration(const char *text, int *ms)
{
	const char *p = text;
	long long v = 0, mult;

	if (text == NULL || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		if (v > 1000000000LL)
			return false;
		p++;
	}
	if (strcmp(p, "ms") == 0)
		mult = 1;
	else if (strcmp(p, "s") == 0 || *p == '\0')
		mult = 1000;
	else if (strcmp(p, "m") == 0)
		mult = 60000;
	else if (strcmp(p, "h") == 0)
		mult = 3600000;
	else
		return false;
	if (v * mult > 2147483647LL)
		return false;
	*ms = (int)(v * mult);
	return true;
}

/* The user's home: $HOME when absolute, else the passwd entry. */
static const char *
settings_home(char *buf, size_t len)
{
	const char *h = getenv("HOME");
	struct passwd pw, *res = NULL;

	if (h != NULL && h[0] == '/')
		return h;
	if (getpwuid_r(getuid(), &pw, buf, len, &res) == 0 && res != NULL &&
	    res->pw_dir != NULL && res->pw_dir[0] == '/')
		return res->pw_dir;
	return NULL;
}

static enum cm_status
settings_xdg_dir(const char *var, const char *fallback, char *out,
    size_t len, struct cm_err *err)
{
	const char *x = getenv(var), *home;
	char pwbuf[1024];
	int n;

	if (x != NULL && x[0] == '/') {
		n = snprintf(out, len, "%s/%s", x, SETTINGS_APP);
	} else {
		home = settings_home(pwbuf, sizeof pwbuf);
		if (home == NULL)
			return cm_err_set(err, CM_IO, NULL,
			    "no home directory: set HOME or %s", var);
		n = snprintf(out, len, "%s/%s/%s", home, fallback,
		    SETTINGS_APP);
	}
	if (n < 0 || (size_t)n >= len)
		return cm_err_set(err, CM_IO, NULL, "%s: path too long", var);
	return CM_OK;
}

enum cm_status
settings_config_dir(char *out, size_t len, struct cm_err *err)
{
	return settings_xdg_dir("XDG_CONFIG_HOME", ".config", out, len, err);
}

enum cm_status
settings_state_dir(char *out, size_t len, struct cm_err *err)
{
	return settings_xdg_dir("XDG_STATE_HOME", ".local/state", out, len,
	    err);
}

enum cm_status
settings_default_path(char *out, size_t len, struct cm_err *err)
{
	char dir[SETTINGS_PATH_MAX];
	enum cm_status st;
	int n;

	if ((st = settings_config_dir(dir, sizeof dir, err)) != CM_OK)
		return st;
	n = snprintf(out, len, "%s/config.yaml", dir);
	if (n < 0 || (size_t)n >= len)
		return cm_err_set(err, CM_IO, NULL, "config path too long");
	return CM_OK;
}

/* "~/x" -> "$HOME/x"; anything else copied. */
static char *
settings_expand(const char *path)
{
	char pwbuf[1024];
	const char *home;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		home = settings_home(pwbuf, sizeof pwbuf);
		if (home != NULL)
			return xasprintf("%s%s", home, path + 1);
	}
	return xstrdup(path);
}

static bool
settings_url_ok(const char *url)
{
	return (strncasecmp(url, "http://", 7) == 0 && url[7] != '\0') ||
	    (strncasecmp(url, "https://", 8) == 0 && url[8] != '\0');
}

/* A scalar with a non-empty value, else an error about it. */
static enum cm_status
settings_scalar(const char *file, const struct ynode *n, const char **out,
    struct cm_err *err)
{
	if (n->type != YNODE_SCALAR)
		return ydoc_error(err, file, n, "%s must be a single value",
		    n->key != NULL ? n->key : "value");
	if (n->value[0] == '\0')
		return ydoc_error(err, file, n, "%s must not be empty",
		    n->key != NULL ? n->key : "value");
	*out = n->value;
	return CM_OK;
}

static enum cm_status
settings_add_context(struct settings *s, const char *file,
    const struct ynode *cn, struct cm_err *err)
{
	struct settings_context c;
	const struct ynode *k;
	const char *v = NULL;
	enum cm_status st = CM_OK;

	memset(&c, 0, sizeof c);
	if (!settings_context_name_ok(cn->key))
		return ydoc_error(err, file, cn, "bad context name \"%.64s\": "
		    "use letters, digits, '.', '_' and '-'", cn->key);
	if (cn->type != YNODE_MAP)
		return ydoc_error(err, file, cn,
		    "context \"%s\" must be a map (hub:, user:, ...)",
		    cn->key);
	c.name = xstrdup(cn->key);
	foreach_ynode(cn, k) {
		if ((st = settings_scalar(file, k, &v, err)) != CM_OK)
			goto out;
		if (strcmp(k->key, "hub") == 0) {
			if (!settings_url_ok(v)) {
				st = ydoc_error(err, file, k, "hub must be an "
				    "http:// or https:// URL");
				goto out;
			}
			c.hub = xstrdup(v);
		} else if (strcmp(k->key, "user") == 0) {
			c.user = xstrdup(v);
		} else if (strcmp(k->key, "ca-file") == 0) {
			c.ca_file = settings_expand(v);
		} else if (strcmp(k->key, "kube") == 0) {
			c.kube = settings_expand(v);
		} else if (strcmp(k->key, "protected") == 0) {
			if (!ydoc_bool(k, &c.protect)) {
				st = ydoc_error(err, file, k,
				    "protected must be true or false");
				goto out;
			}
		} else if (strcmp(k->key, "read-only") == 0) {
			if (!ydoc_bool(k, &c.read_only)) {
				st = ydoc_error(err, file, k,
				    "read-only must be true or false");
				goto out;
			}
		} else {
			st = ydoc_error(err, file, k,
			    "unknown key \"%.64s\" in context \"%s\" "
			    "(known: hub, user, ca-file, kube, protected, "
			    "read-only)", k->key, c.name);
			goto out;
		}
	}
	if (c.hub == NULL && c.kube == NULL) {
		st = ydoc_error(err, file, cn,
		    "context \"%s\" needs hub: or kube:", c.name);
		goto out;
	}
	if (c.hub != NULL && c.kube != NULL) {
		st = ydoc_error(err, file, cn,
		    "context \"%s\" has both hub: and kube:", c.name);
		goto out;
	}
	s->contexts = xreallocarray(s->contexts, s->ncontexts + 1,
	    sizeof *s->contexts);
	s->contexts[s->ncontexts++] = c;
	return CM_OK;
out:
	settings_context_done(&c);
	return st;
}

static enum cm_status
settings_name_value(const char *file, const struct ynode *n, char **slot,
    struct cm_err *err)
{
	const char *v = NULL;
	enum cm_status st;

	if ((st = settings_scalar(file, n, &v, err)) != CM_OK)
		return st;
	if (!settings_context_name_ok(v))
		return ydoc_error(err, file, n, "bad %s name \"%.64s\"",
		    n->key, v);
	free(*slot);
	*slot = xstrdup(v);
	return CM_OK;
}

/* Apply the document root to s; the first error wins. */
static enum cm_status
settings_apply(struct settings *s, const char *file, const struct ynode *root,
    struct cm_err *err)
{
	const struct ynode *n, *cn, *cur = NULL;
	const char *v = NULL;
	enum cm_status st;
	bool b;
	int ms;

	if (root->type != YNODE_MAP)
		return ydoc_error(err, file, root,
		    "the settings must be a map of keys");
	foreach_ynode(root, n) {
		if (strcmp(n->key, "current-context") == 0) {
			if ((st = settings_scalar(file, n, &v, err)) != CM_OK)
				return st;
			cur = n;
		} else if (strcmp(n->key, "refresh") == 0) {
			if ((st = settings_scalar(file, n, &v, err)) != CM_OK)
				return st;
			if (!settings_parse_duration(v, &ms))
				return ydoc_error(err, file, n, "bad refresh "
				    "\"%.32s\": use e.g. 500ms, 5s or 1m", v);
			if (ms < SETTINGS_REFRESH_MIN_MS ||
			    ms > SETTINGS_REFRESH_MAX_MS)
				return ydoc_error(err, file, n, "refresh "
				    "\"%.32s\" out of range 1s..10m", v);
			s->refresh_ms = ms;
		} else if (strcmp(n->key, "theme") == 0) {
			if ((st = settings_name_value(file, n, &s->theme,
			    err)) != CM_OK)
				return st;
		} else if (strcmp(n->key, "keymap") == 0) {
			if ((st = settings_name_value(file, n, &s->keymap,
			    err)) != CM_OK)
				return st;
		} else if (strcmp(n->key, "read-only") == 0) {
			if (!ydoc_bool(n, &b))
				return ydoc_error(err, file, n,
				    "read-only must be true or false");
			s->read_only = b;
		} else if (strcmp(n->key, "tour-offer") == 0) {
			if (!ydoc_bool(n, &b))
				return ydoc_error(err, file, n,
				    "tour-offer must be true or false");
			s->tour_offer = b;
		} else if (strcmp(n->key, "contexts") == 0) {
			if (n->type == YNODE_SCALAR && n->value[0] == '\0')
				continue;	/* "contexts:" with nothing */
			if (n->type != YNODE_MAP)
				return ydoc_error(err, file, n,
				    "contexts must be a map of names");
			foreach_ynode(n, cn)
				if ((st = settings_add_context(s, file, cn,
				    err)) != CM_OK)
					return st;
		} else {
			return ydoc_error(err, file, n, "unknown key \"%.64s\" "
			    "(known: current-context, refresh, theme, keymap, "
			    "read-only, tour-offer, contexts)", n->key);
		}
	}
	if (cur != NULL) {
		if (settings_find_context(s, cur->value) == NULL)
			return ydoc_error(err, file, cur, "current-context "
			    "\"%.64s\" names no context", cur->value);
		s->current_context = xstrdup(cur->value);
	}
	return CM_OK;
}

enum cm_status
settings_load(struct settings *s, const char *path, struct cm_err *err)
{
	char def[SETTINGS_PATH_MAX];
	struct ynode *root = NULL;
	enum cm_status st;

	settings_done(s);
	settings_init(s);
	if (path == NULL) {
		if ((st = settings_default_path(def, sizeof def, err)) != CM_OK)
			return st;
		path = def;
	}
	s->path = xstrdup(path);
	st = ydoc_load_file(path, &root, err);
	if (st == CM_NOT_FOUND) {
		cm_err_clear(err);
		return CM_OK;
	}
	if (st == CM_OK)
		st = settings_apply(s, path, root, err);
	ydoc_free(root);
	if (st != CM_OK) {
		/* Defaults, but remember which file was meant. */
		char *keep = s->path;

		s->path = NULL;
		settings_done(s);
		settings_init(s);
		s->path = keep;
		return st;
	}
	s->loaded = true;
	return CM_OK;
}

const struct settings_context *
settings_find_context(const struct settings *s, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < s->ncontexts; i++)
		if (strcmp(s->contexts[i].name, name) == 0)
			return &s->contexts[i];
	return NULL;
}

const struct settings_context *
settings_current(const struct settings *s)
{
	return settings_find_context(s, s->current_context);
}

enum cm_status
settings_put_context(struct settings *s, const char *name, const char *hub,
    const char *user, const char *ca_file, bool make_current,
    struct cm_err *err)
{
	struct settings_context *c = NULL;
	size_t i;

	if (!settings_context_name_ok(name))
		return cm_err_set(err, CM_VALIDATION, "context",
		    "bad context name: use letters, digits, '.', '_' and '-'");
	if (hub == NULL || !settings_url_ok(hub))
		return cm_err_set(err, CM_VALIDATION, "hub",
		    "hub must be an http:// or https:// URL");
	for (i = 0; i < s->ncontexts; i++)
		if (strcmp(s->contexts[i].name, name) == 0)
			c = &s->contexts[i];
	if (c == NULL) {
		s->contexts = xreallocarray(s->contexts, s->ncontexts + 1,
		    sizeof *s->contexts);
		c = &s->contexts[s->ncontexts++];
		memset(c, 0, sizeof *c);
	}
	/* Copy first: the arguments may be this very context's strings. */
	{
		struct settings_context n;

		memset(&n, 0, sizeof n);
		n.name = xstrdup(name);
		n.hub = xstrdup(hub);
		n.user = settings_dup(user);
		n.ca_file = settings_dup(ca_file);
		n.protect = c->protect;	/* logging in again keeps it */
		n.read_only = c->read_only;
		if (make_current) {
			free(s->current_context);
			s->current_context = xstrdup(n.name);
		}
		settings_context_done(c);
		*c = n;
	}
	return CM_OK;
}

/* Append v as a YAML double-quoted scalar. */
static void
settings_emit_quoted(FILE *fp, const char *v)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void
settings_emit_duration(FILE *fp, int ms)
{
	if (ms % 60000 == 0)
		fprintf(fp, "%dm", ms / 60000);
	else if (ms % 1000 == 0)
		fprintf(fp, "%ds", ms / 1000);
	else
		fprintf(fp, "%dms", ms);
}

static void
settings_emit_kv(FILE *fp, const char *indent, const char *key,
    const char *v)
{
	if (v == NULL)
		return;
	fprintf(fp, "%s%s: ", indent, key);
	settings_emit_quoted(fp, v);
	fputc('\n', fp);
}

enum cm_status
settings_save(const struct settings *s, const char *path, struct cm_err *err)
{
	char def[SETTINGS_PATH_MAX], dir[SETTINGS_PATH_MAX], *slash;
	char *text = NULL;
	size_t len = 0, i;
	FILE *fp;
	enum cm_status st;

	if (path == NULL)
		path = s->path;
	if (path == NULL) {
		if ((st = settings_default_path(def, sizeof def, err)) != CM_OK)
			return st;
		path = def;
	}
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if ((st = state_make_dir(dir, err)) != CM_OK)
			return st;
	}
	fp = open_memstream(&text, &len);
	if (fp == NULL)
		fatal("open_memstream: %s", strerror(errno));
	fprintf(fp, "# clustermaster console settings\n");
	settings_emit_kv(fp, "", "current-context", s->current_context);
	if (s->refresh_ms > 0) {
		fprintf(fp, "refresh: ");
		settings_emit_duration(fp, s->refresh_ms);
		fputc('\n', fp);
	}
	settings_emit_kv(fp, "", "theme", s->theme);
	settings_emit_kv(fp, "", "keymap", s->keymap);
	fprintf(fp, "read-only: %s\n", s->read_only ? "true" : "false");
	/* Only when turned off: the default is to offer. */
	if (!s->tour_offer)
		fprintf(fp, "tour-offer: false\n");
	if (s->ncontexts == 0)
		fprintf(fp, "contexts: {}\n");
	else
		fprintf(fp, "contexts:\n");
	for (i = 0; i < s->ncontexts; i++) {
		const struct settings_context *c = &s->contexts[i];

		fprintf(fp, "  %s:\n", c->name);
		settings_emit_kv(fp, "    ", "hub", c->hub);
		settings_emit_kv(fp, "    ", "user", c->user);
		settings_emit_kv(fp, "    ", "ca-file", c->ca_file);
		settings_emit_kv(fp, "    ", "kube", c->kube);
		if (c->protect)
			fprintf(fp, "    protected: true\n");
		if (c->read_only)
			fprintf(fp, "    read-only: true\n");
	}
	if (fclose(fp) != 0)
		fatal("open_memstream: %s", strerror(errno));
	st = state_write_atomic(path, text, len, 0600, err);
	free(text);
	return st;
}
