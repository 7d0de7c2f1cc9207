/*
 * kubeview.h - what the screens of Kubernetes objects share in direct
 * mode: which cluster and namespace they show, a title rule, the list,
 * and the object actions behind their confirmations.
 *
 * A kube view's argument is "[CONTEXT/][NAMESPACE]": ":pods" shows every
 * namespace of the current context (the one last named, else the
 * kubeconfig's), ":pods kube-system" one namespace, ":pods prod/" every
 * namespace of context prod (which becomes the current one), ":pods
 * prod/web" one namespace of prod.  The context is resolved through the
 * cluster list (by name or id), so the list starts once that is known.
 *
 * Keys of the object actions (until the action table has them, they are
 * read before the keymap, hidden and refused in read-only mode):
 *   l     logs of the selected pod
 *   s     scale a deployment or statefulset (asks for the number)
 *   r     restart it (Yes/No)
 *   C-d   delete the selected object (type its name to confirm)
 * In a protected context every one of them asks for the typed name.
 * d and y (the describe and yaml actions) open the selected object.
 */
#ifndef CM_VIEWS_KUBEVIEW_H
#define CM_VIEWS_KUBEVIEW_H

#include <stdbool.h>

#include "backend/kubescope.h"
#include "backend/source.h"
#include "views/listview.h"
#include "views/view.h"

struct prompt;

/* The object actions a kube view offers (bits). */
#define KUBEVIEW_OP_LOGS	0x1u
#define KUBEVIEW_OP_SCALE	0x2u
#define KUBEVIEW_OP_RESTART	0x4u
#define KUBEVIEW_OP_DELETE	0x8u

/* What Enter does on a row. */
enum kubeview_enter {
	KUBEVIEW_ENTER_DESCRIBE,
	KUBEVIEW_ENTER_LOGS,
	KUBEVIEW_ENTER_PODS,		/* a namespace: its pods */
};

/* A kube list screen, as data. */
struct kubeview_spec {
	enum source_kind kind;
	const char *resource;		/* "pods": references */
	const char *noun;		/* "pod": what dialogs call one */
	const char *title;		/* "Pods" */
	const struct table_column *cols;
	size_t ncols;
	listview_fill_fn fill;
	int sort_col;			/* -1: the source's order */
	bool descending;
	unsigned ops;			/* KUBEVIEW_OP_* */
	enum kubeview_enter enter;
	bool namespaced;
};

/* A kube list screen's state (the view's priv). */
struct kubeview {
	const struct kubeview_spec *spec;
	struct listview lv;
	bool started;			/* lv is set up */
	bool want_ctx;			/* the argument named a context */
	char ctx_arg[KUBESCOPE_PART_MAX];	/* as typed, or "" */
	char ctx[KUBESCOPE_CTX_ID_MAX];	/* resolved id */
	char ctx_name[KUBESCOPE_PART_MAX];
	char ns[KUBESCOPE_PART_MAX];	/* "" = all namespaces */
	bool protect;			/* the context is protected */
	struct feed_state clusters;	/* SOURCE_CLUSTERS; snap ref'd */
	struct prompt *prompt;		/* the scale prompt, or NULL */
	char *prompt_target;		/* full reference being scaled */
	char prompt_name[KUBESCOPE_PART_MAX];
};

/* Key hints of the kube screens (the app shows no global ones beside a
 * view that reads keys, so they are here). */
extern const enum action kubeview_hints[];

/* open(): set up v->priv for spec from v->arg; false (with a message)
 * outside direct mode. */
bool kubeview_open(struct view *v, const struct kubeview_spec *spec);

/* close(): unsubscribe and free v->priv. */
void kubeview_close(struct view *v);

/* refresh(): resolve the context, start or refresh the list. */
unsigned kubeview_refresh(struct view *v);

/* draw(): the title rule, the list, the scale prompt. */
void kubeview_draw(struct view *v, WINDOW *win);

/* key(): the object action keys and the scale prompt. */
unsigned kubeview_key(struct view *v, wint_t ch, bool is_key);

/* action(): Enter, describe and yaml on the selected row. */
unsigned kubeview_action(struct view *v, enum action a);

/* table(): the list's table. */
struct table *kubeview_table(struct view *v);

/*
 * The context id and name the kube screens open on when none is named:
 * the one last named in a kube view's argument, else the cluster list's
 * "current" one.  ctx_arg may name one (by name or id).  Returns false
 * while the cluster list is not there yet.
 */
bool kubeview_resolve_ctx(const struct feed_state *clusters,
    const char *ctx_arg, char *id, size_t idlen, char *name, size_t namelen,
    bool *protect);

/* Remember the context the kube screens open on (its id). */
void kubeview_set_current(const char *id);

/* The LOGS scope of the pod last selected in :pods (for ":logs"), or "". */
const char *kubeview_last_pod(void);

/* Remember the LOGS scope of the selected pod. */
void kubeview_set_last_pod(const char *scope);

/* A row's theme role for a pod STATUS (crash/pending in warning roles). */
enum theme_role kubeview_pod_role(const char *status);

/* Fill an AGE cell (and its sort number) from an RFC 3339 time. */
void kubeview_age(struct app *app, const char *rfc3339,
    struct listview_row *row, int col);

#endif
