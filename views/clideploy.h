/*
 * clideploy.h - cm's subcommands for applications: `cm deploy`,
 * `cm rollback`, and the apps and deployments kinds of `cm get`.
 *
 *   cm deploy APP --version V --cluster C [--cluster C2 ...]
 *             [--namespace N] [--set key=value ...] [--wait]
 *   cm rollback DEPLOYMENT_ID [--version V] [--wait]
 *
 * APP and the clusters are given by name or id.  --set values are typed
 * by the version's config schema (integers, booleans, lists, nested
 * a.b=c).  One deployment starts per cluster; its id is printed.  With
 * --wait each deployment is followed to its end, printing every event
 * as it comes.  Exit codes: 0 accepted (with --wait: every deployment
 * successful), 1 an error or (with --wait) a deployment that failed or
 * was rolled back, 2 bad usage (a --set the schema cannot take too).
 *
 * It does not draw or use ncurses; cli.c dispatches here.
 */
#ifndef CM_VIEWS_CLIDEPLOY_H
#define CM_VIEWS_CLIDEPLOY_H

#include <stdbool.h>

/* `cm deploy ...`: argv[0] is "deploy"; usage is printed on misuse. */
int clideploy_deploy(int argc, char **argv, const char *usage);

/* `cm rollback ...`: argv[0] is "rollback". */
int clideploy_rollback(int argc, char **argv, const char *usage);

/* True for the kinds of `cm get` answered here (apps, deployments). */
bool clideploy_is_kind(const char *kind);

/* True when context (NULL: the current one) is a hub context, or when
 * there is no such context (the hub path then says what is missing). */
bool clideploy_hub_context(const char *context);

/*
 * `cm get apps|deployments` on context (NULL: the current one) printed
 * as output ("table", "json" or "yaml"); returns the exit code.
 */
int clideploy_get(const char *kind, const char *context, const char *output);

#endif
