/*
 * render.h - turn an application version's manifest template and a
 * config into the Kubernetes objects to apply.
 *
 * A template is YAML text, one or more documents: exactly one Deployment
 * or StatefulSet, plus optional Service and ConfigMap documents.  It may
 * hold placeholders: {{ config.a.b }} (a config value by its dotted
 * path), {{ app.name }}, {{ version }}, {{ namespace }} and
 * {{ deployment.id }}.  A plain (unquoted) YAML scalar that is exactly one
 * placeholder becomes the value with its type (a number stays a number,
 * an object stays an object); a placeholder inside a longer scalar, or in
 * a quoted one, is interpolated as text (objects as compact JSON).  Plain
 * scalars follow the YAML 1.2 core schema (null, true/false, integers,
 * floats; "yes" stays a string).
 *
 * Every rendered object gets the labels app.kubernetes.io/name,
 * app.kubernetes.io/version and app.kubernetes.io/managed-by=clustermaster
 * (the pod template of the workload gets those it lacks), the annotation
 * clustermaster.io/deployment-id, and the deployment's namespace.
 *
 * Not here: applying the objects (hub/workflow), validating the config
 * (jschema.h; render_manifest expects defaults already applied), Helm's
 * template language (no conditionals, loops or functions), anchors,
 * aliases and tags other than !!str.
 */
#ifndef CM_HUB_APPS_RENDER_H
#define CM_HUB_APPS_RENDER_H

#include <cjson/cJSON.h>

#include "backend/status.h"

/* The largest template accepted (bytes). */
#define RENDER_TEMPLATE_MAX (256 * 1024)

#define RENDER_LABEL_NAME "app.kubernetes.io/name"
#define RENDER_LABEL_VERSION "app.kubernetes.io/version"
#define RENDER_LABEL_MANAGED "app.kubernetes.io/managed-by"
#define RENDER_MANAGER "clustermaster"
#define RENDER_ANNOTATION_ID "clustermaster.io/deployment-id"

/* The values of the non-config placeholders.  Any may be NULL (""). */
struct render_vars {
	const char *app;
	const char *version;
	const char *namespace;		/* NULL: "default" */
	const char *deployment_id;	/* NULL: no annotation */
};

/*
 * Render template tmpl with config (already validated, defaults applied)
 * into *objects (a cJSON array of Kubernetes objects in document order;
 * caller frees).  CM_VALIDATION with field "manifest" for a template
 * that is not valid YAML, has an unknown placeholder or breaks the rules
 * above (the message gives the line), or field "config.<path>" when the
 * template uses a config value that config lacks.
 */
enum cm_status render_manifest(const char *tmpl, const cJSON *config,
    const struct render_vars *vars, cJSON **objects, struct cm_err *err);

/*
 * Check a template for a new version: every placeholder known, every
 * config path declared by schema (a checked schema), and a render with a
 * sample config (jschema_sample) succeeds.  *kind gets the workload kind,
 * "Deployment" or "StatefulSet" (static).  CM_VALIDATION, field
 * "manifest", otherwise.
 */
enum cm_status render_check(const char *tmpl, const cJSON *schema,
    const struct render_vars *vars, const char **kind, struct cm_err *err);

/* The Deployment or StatefulSet among rendered objects, or NULL. */
const cJSON *render_workload(const cJSON *objects);

#endif
