/*
 * clikube.h - `cm get` against Kubernetes directly: nodes, namespaces,
 * pods, deployments, statefulsets and events of one kubeconfig context.
 *
 *   cm --kubeconfig FILE get pods [--context C] [-n NS | -A]
 *       [-o table|json|yaml]
 *
 * -o json prints what `kubectl get -o json` prints: a List (apiVersion
 * v1, kind List, metadata.resourceVersion "") of the objects with their
 * apiVersion and kind, keys sorted and indented by four spaces, strings
 * escaped as Go's encoder does.  -o yaml prints the same document as
 * kubectl's YAML (keys sorted, sequences not indented under their key).
 * The table is the server's Table (the columns kubectl prints; from the
 * objects, in kubectl's default columns, when the server answers with a
 * plain List).  Lists are read in pages of 500 and written out page by
 * page (JSON and YAML to a temporary file first, so a failure half-way
 * prints nothing), so memory stays that of a page whatever the size of
 * the cluster.
 *
 * A failed call exits 1 with the server's reason on stderr ("cm: ..."):
 * unauthorized, forbidden, cannot reach the server, not found.  It does
 * not watch (-w), take label selectors or print wide columns.
 */
#ifndef CM_VIEWS_CLIKUBE_H
#define CM_VIEWS_CLIKUBE_H

#include <stdbool.h>

/* True when name is a kind `cm get` reads from a cluster ("pods", "po",
 * "deploy" ...). */
bool clikube_is_kind(const char *name);

/*
 * Get kind from the context (NULL: current-context) of kubeconfig (NULL:
 * $KUBECONFIG or ~/.kube/config) in ns (NULL: the context's namespace),
 * or in every namespace with all; print it on stdout as output ("table",
 * "json", "yaml").  Returns the exit code (0, or 1 with the reason on
 * stderr).
 */
int clikube_get(const char *kind, const char *kubeconfig, const char *context,
    const char *ns, bool all, const char *output);

#endif
