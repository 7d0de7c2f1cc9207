/*
 * settings.h - the console's config.yaml: contexts, refresh, theme,
 * keymap, read-only; and where the user's files live (XDG).
 *
 *     current-context: demo
 *     refresh: 5s              # "500ms", "5s", "1m"; 1s..10m
 *     theme: default
 *     keymap: default
 *     read-only: false
 *     tour-offer: true         # offer the "getting around" tour once
 *     contexts:
 *       demo: { hub: http://127.0.0.1:8080, user: admin@demo.test,
 *               ca-file: /path/ca.pem }
 *       prod: { kube: ~/.kube/config, protected: true }
 *
 * A missing file gives the defaults with no context.  A bad file (syntax,
 * unknown key, bad value, a current-context that names no context) is
 * reported as "file:line:column: message" and gives the defaults, so the
 * console still starts.  settings_save() writes the whole file back
 * (comments are not kept).
 *
 * "protected: true" on a context makes every action on its clusters ask
 * for the object's name to be typed; in direct mode it also marks the
 * kubeconfig context of the same name.
 *
 * It does not connect anywhere or check that a kube: context is usable
 * (the app does).  Plain data: no threads involved.
 */
#ifndef CM_BACKEND_SETTINGS_H
#define CM_BACKEND_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

#define SETTINGS_REFRESH_DEFAULT_MS 5000
#define SETTINGS_REFRESH_MIN_MS 1000
#define SETTINGS_REFRESH_MAX_MS 600000
#define SETTINGS_PATH_MAX 4096

/* One named context.  Strings are owned by the settings; NULL = unset. */
struct settings_context {
	char *name;
	char *hub;		/* hub base URL */
	char *user;		/* email to log in as */
	char *ca_file;		/* PEM bundle for the hub's TLS */
	char *kube;		/* kubeconfig path (direct mode) */
	bool protect;		/* protected: actions need the typed name */
	bool read_only;		/* read-only: no action changes anything */
};

/* The whole file.  Embedded by the caller: settings_init/_done. */
struct settings {
	char *path;		/* file loaded (or that would be); owned */
	bool loaded;		/* the file existed and was good */
	char *current_context;	/* NULL when none */
	int refresh_ms;
	char *theme;		/* "default" */
	char *keymap;		/* "default" */
	bool read_only;
	bool tour_offer;	/* offer a first tour (default true) */
	struct settings_context *contexts;
	size_t ncontexts;
};

/* Fill s with the defaults (no path, no contexts). */
void settings_init(struct settings *s);

/* Free what s holds and zero it (settings_init() it again to reuse). */
void settings_done(struct settings *s);

/*
 * Load path (NULL: settings_default_path()) into s, whose old content
 * is freed first (s must be initialised or zeroed).  Missing file:
 * CM_OK, defaults, loaded false.
 * Bad file: CM_VALIDATION with "file:line:column: message" in err->msg
 * and s holding the defaults (path kept).  Other I/O: CM_IO, defaults.
 */
enum cm_status settings_load(struct settings *s, const char *path,
    struct cm_err *err);

/*
 * Write s to path (NULL: s->path, else the default) atomically (temp
 * file + rename, mode 0600), creating the directory (0700) if needed.
 */
enum cm_status settings_save(const struct settings *s, const char *path,
    struct cm_err *err);

/* The context named name, or NULL; borrowed until s changes. */
const struct settings_context *settings_find_context(
    const struct settings *s, const char *name);

/* The current context, or NULL when none is set. */
const struct settings_context *settings_current(const struct settings *s);

/*
 * Add or replace the hub context name (hub, user, ca_file copied; user
 * and ca_file may be NULL) and, when make_current, make it current.
 * Names are [A-Za-z0-9._-], 1..64 chars, not starting with '.':
 * CM_VALIDATION otherwise.
 */
enum cm_status settings_put_context(struct settings *s, const char *name,
    const char *hub, const char *user, const char *ca_file,
    bool make_current, struct cm_err *err);

/* True when name is usable as a context name (and a file name). */
bool settings_context_name_ok(const char *name);

/*
 * Parse a duration "500ms", "5s", "1m" (or a bare number of seconds)
 * into milliseconds.  Returns false when malformed or out of int range;
 * bounds are the caller's.
 */
bool settings_parse_duration(const char *text, int *ms);

/*
 * The console's config dir: $XDG_CONFIG_HOME/clustermaster when that is
 * absolute, else $HOME/.config/clustermaster, else the passwd home's.
 * CM_IO when no home can be found or the path does not fit.
 */
enum cm_status settings_config_dir(char *out, size_t len,
    struct cm_err *err);

/* The state dir: $XDG_STATE_HOME/clustermaster or ~/.local/state/... */
enum cm_status settings_state_dir(char *out, size_t len, struct cm_err *err);

/* The default config file: settings_config_dir()/config.yaml. */
enum cm_status settings_default_path(char *out, size_t len,
    struct cm_err *err);

#endif
