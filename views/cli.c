/*
 * cli.c - cm's scriptable subcommands.  See cli.h.
 *
 * Each subcommand is one row of cli_cmds[] (tmux cmd_entry): a name, a
 * usage line and a function that parses its own options with
 * cli_parse() and returns the exit code.  The commands that talk to the
 * hub share one set-up (clisession_open): settings, the context, the
 * state dir, its tokens and a hubclient whose rotated tokens are saved
 * as they change.
 *
 * Messages go to stderr as one line "cm: ..."; data goes to stdout and a
 * failed write to it is an error (a full disk must not look like an
 * empty list).  It does not prompt for anything but a password, cache
 * lists or retry beyond what httpc does for GETs.
 */
#include "config.h"

#include "views/cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/hubclient.h"
#include "backend/settings.h"
#include "backend/state.h"
#include "backend/status.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "views/clideploy.h"
#include "views/clikube.h"
#include "views/cliout.h"
#include "views/clisession.h"

#define CLI_CONTEXT_NAME_MAX 64

struct cli_cmd {
	const char *name;
	int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
	const char *usage;	/* after "usage: " */
};

/* One option of a subcommand: "--name VALUE" (also "--name=VALUE"),
 * with an optional one-letter form "-c VALUE" / "-cVALUE". */
struct cli_opt {
	const char *name;
	char letter;
	const char **value;
};

static int cli_login(const struct cli_cmd *, int, char **);
static int cli_logout(const struct cli_cmd *, int, char **);
static int cli_get(const struct cli_cmd *, int, char **);
static int cli_alerts(const struct cli_cmd *, int, char **);
static int cli_deploy(const struct cli_cmd *, int, char **);
static int cli_rollback(const struct cli_cmd *, int, char **);
static int cli_version(const struct cli_cmd *, int, char **);
static int cli_help(const struct cli_cmd *, int, char **);

static const struct cli_cmd cli_cmds[] = {
	{ "login", cli_login, "cm login --hub URL --email EMAIL "
	    "[--password-file F] [--context NAME] [--ca-file F]" },
	{ "logout", cli_logout, "cm logout [--context NAME]" },
	{ "get", cli_get, "cm get clusters|alerts|audit|users "
	    "[-o table|json|yaml] [--context NAME]" },
	{ "alerts", cli_alerts, "cm alerts ack|resolve ID [--comment TEXT] "
	    "[--context NAME]" },
	{ "deploy", cli_deploy, "cm deploy APP --version V --cluster C "
	    "[--cluster C2 ...]\n           [--namespace N] "
	    "[--set key=value ...] [--wait] [--context NAME]" },
	{ "rollback", cli_rollback, "cm rollback DEPLOYMENT_ID [--version V] "
	    "[--wait] [--context NAME]" },
	{ "version", cli_version, "cm version" },
	{ "help", cli_help, "cm help" },
};

#define CLI_NCMDS (sizeof cli_cmds / sizeof cli_cmds[0])

/* `cm get` from a cluster, the second form of "get". */
static const char cli_get_kube_usage[] =
    "cm [--kubeconfig FILE] get nodes|namespaces|pods|deployments|"
    "statefulsets|events\n"
    "           [--context C] [-n NS | -A] [-o table|json|yaml]";

static const char cli_console_usage[] =
    "cm [--context NAME] [--readonly] [--theme NAME] [--keymap NAME]\n"
    "          [--config FILE] [--kubeconfig FILE] [--no-color] [--ascii]";

/* A usage error: the reason (fmt may be NULL) and the usage line. */
static int __attribute__((format(printf, 2, 3)))
cli_bad_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fputs("cm: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "usage: %s\n", cmd->usage);
	return CLI_EXIT_USAGE;
}

/* Flush stdout; a failed write is exit 1, not a silent partial list. */
static int
cli_flush(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		clisession_say("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return code;
}

/*
 * Parse argv[1..] of a subcommand (argv[0] is its name): options of
 * opts (NULL-name terminated) into their slots, the rest into pos[]
 * (at most maxpos).  Returns -1 when done, else an exit code to return:
 * CLI_EXIT_USAGE after printing why, CLI_EXIT_OK after printing the
 * usage for --help.
 */
static int
cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
    const struct cli_opt *opts, const char **pos, int maxpos, int *npos)
{
	const struct cli_opt *o;
	const char *arg, *value, *eq;
	bool options = true;
	size_t n;
	int i;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (!options || arg[0] != '-' || arg[1] == '\0') {
			if (*npos >= maxpos)
				return cli_bad_usage(cmd,
				    "unexpected argument '%s'", arg);
			pos[(*npos)++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options = false;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			printf("usage: %s\n", cmd->usage);
			return cli_flush(CLI_EXIT_OK);
		}
		value = NULL;
		for (o = opts; o->name != NULL; o++) {
			if (arg[1] == '-') {
				eq = strchr(arg + 2, '=');
				n = eq != NULL ? (size_t)(eq - arg - 2) :
				    strlen(arg + 2);
				if (strlen(o->name) != n ||
				    strncmp(arg + 2, o->name, n) != 0)
					continue;
				if (eq != NULL)
					value = eq + 1;
				break;
			}
			if (o->letter != '\0' && arg[1] == o->letter) {
				if (arg[2] != '\0')
					value = arg + 2;
				break;
			}
		}
		if (o->name == NULL)
			return cli_bad_usage(cmd, "unknown option '%s'", arg);
		if (value == NULL) {
			if (i + 1 >= argc)
				return cli_bad_usage(cmd,
				    "option '%s' needs a value", arg);
			value = argv[++i];
		}
		*o->value = value;
	}
	return -1;
}

bool
cli_is_command(const char *name)
{
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; i < CLI_NCMDS; i++)
		if (strcmp(name, cli_cmds[i].name) == 0)
			return true;
	return strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "--version") == 0;
}

void
cli_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: %s\n", cli_console_usage);
	for (i = 0; i < CLI_NCMDS; i++) {
		fprintf(out, "       %s\n", cli_cmds[i].usage);
		if (cli_cmds[i].run == cli_get) {
			fprintf(out, "       %s\n", cli_get_kube_usage);
			fprintf(out, "       cm get apps|deployments "
			    "[-o table|json|yaml] [--context NAME]\n");
		}
	}
	fputs("\n"
	    "Without a subcommand cm opens the full-screen console on the\n"
	    "current context (or NAME):\n"
	    "  --context NAME  use this context of config.yaml\n"
	    "  --readonly      hide every action that changes data\n"
	    "  --theme NAME    default, light, high-contrast, monochrome or"
	    " a user theme\n"
	    "  --keymap NAME   default or a user keymap\n"
	    "  --config FILE   another config.yaml\n"
	    "  --kubeconfig F  talk to the clusters of a kubeconfig directly"
	    "\n"
	    "                  (--context then names a kubeconfig context)\n"
	    "  --no-color      monochrome (also NO_COLOR=1)\n"
	    "  --ascii         ASCII lines and symbols instead of UTF-8\n"
	    "\n"
	    "Subcommands, for scripts:\n"
	    "  login    log in to a hub and save the context and its tokens;"
	    "\n"
	    "           the password is read from F's first line, else from"
	    "\n"
	    "           the terminal (not echoed) or the first line of stdin"
	    "\n"
	    "  logout   revoke the session and forget the tokens\n"
	    "  get      list clusters, alerts, audit logs or users (and apps"
	    "\n"
	    "           and deployments of applications); -o json"
	    "\n"
	    "           and -o yaml print the API's list document; nodes,\n"
	    "           pods ... come from the cluster of a kubeconfig\n"
	    "           context, -o json as kubectl get -o json prints it\n"
	    "  alerts   acknowledge or resolve an alert by id\n"
	    "  deploy   deploy a version of an application to clusters;\n"
	    "           --wait follows it and exits 1 if it failed\n"
	    "  rollback roll an application back where a deployment ran\n"
	    "  version  print the version\n"
	    "\n"
	    "Files: $XDG_CONFIG_HOME/clustermaster/config.yaml (contexts),\n"
	    "$XDG_STATE_HOME/clustermaster/ (tokens, cache).\n"
	    "Exit status: 0 ok, 1 error, 2 bad usage.\n", out);
}

const char *
cli_context_name(const char *url, char *buf, size_t len)
{
	const char *p, *end, *at, *host, *hend, *port = NULL;
	size_t n = 0;
	char c;

	if (len == 0)
		return buf;
	p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	/* Drop "user:pass@". */
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	host = p;
	if (*host == '[') {
		host++;
		hend = memchr(host, ']', (size_t)(end - host));
		if (hend == NULL)
			hend = end;
		if (hend < end && hend[1] == ':')
			port = hend + 2;
	} else {
		hend = memchr(host, ':', (size_t)(end - host));
		if (hend != NULL)
			port = hend + 1;
		else
			hend = end;
	}
	for (p = host; p < hend && n + 1 < len &&
	    n < CLI_CONTEXT_NAME_MAX; p++) {
		c = (char)tolower((unsigned char)*p);
		buf[n++] = isalnum((unsigned char)c) || c == '.' ||
		    c == '_' || c == '-' ? c : '-';
	}
	if (n > 0 && port != NULL && port < end) {
		for (p = port - 1; p < end && n + 1 < len &&
		    n < CLI_CONTEXT_NAME_MAX; p++)
			buf[n++] = isdigit((unsigned char)*p) ? *p : '-';
	}
	buf[n] = '\0';
	if (buf[0] == '.')
		buf[0] = '-';
	if (n == 0)
		snprintf(buf, len, "hub");
	return buf;
}

/* "now" for ages: CM_FAKE_NOW (epoch seconds) freezes it for tests. */
static int64_t
cli_now_ms(void)
{
	const char *fake = getenv("CM_FAKE_NOW");
	char *end;
	long long s;

	if (fake != NULL && fake[0] != '\0') {
		errno = 0;
		s = strtoll(fake, &end, 10);
		if (errno == 0 && *end == '\0' && s >= 0 &&
		    s < INT64_MAX / 1000)
			return (int64_t)s * 1000;
	}
	return time_now_ms();
}

/* --- subcommands --------------------------------------------------------- */

/* A relative --ca-file made absolute, so config.yaml works from anywhere. */
static char *
cli_abs_path(const char *path)
{
	char *abs = realpath(path, NULL);
	char *copy;

	if (abs == NULL)
		return NULL;
	copy = xstrdup(abs);
	free(abs);
	return copy;
}

static int
cli_login(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *hub = NULL, *email = NULL, *pwfile = NULL, *name = NULL;
	const char *ca = NULL, *pos[1];
	const struct cli_opt opts[] = {
		{ "hub", '\0', &hub }, { "email", '\0', &email },
		{ "password-file", '\0', &pwfile },
		{ "context", '\0', &name }, { "ca-file", '\0', &ca },
		{ NULL, '\0', NULL },
	};
	const struct settings_context *known;
	struct settings s;
	struct hubclient_opts ho;
	struct hubclient *hc = NULL;
	struct state *state = NULL;
	struct cm_err err;
	char password[CLISESSION_PASSWORD_MAX];
	char derived[CLI_CONTEXT_NAME_MAX + 1];
	char *ca_abs = NULL, *known_hub = NULL, *known_user = NULL;
	char *known_name = NULL;
	int code, npos;

	code = cli_parse(cmd, argc, argv, opts, pos, 0, &npos);
	if (code >= 0)
		return code;
	memset(password, 0, sizeof password);
	cm_err_clear(&err);
	if (!clisession_settings_load(&s)) {
		clisession_say("fix or remove the file; it was not changed");
		clisession_settings_free(&s);
		return CLI_EXIT_ERROR;
	}
	/* Logging in again to a known context needs no --hub/--email. */
	known = name != NULL ? settings_find_context(&s, name) :
	    hub == NULL ? settings_current(&s) : NULL;
	if (known != NULL && known->hub != NULL) {
		/* Copies: settings_put_context() frees the old context. */
		if (hub == NULL)
			hub = known_hub = xstrdup(known->hub);
		if (email == NULL && known->user != NULL)
			email = known_user = xstrdup(known->user);
		if (ca == NULL)
			ca = known->ca_file;
		if (name == NULL)
			name = known_name = xstrdup(known->name);
	}
	code = CLI_EXIT_USAGE;
	if (hub == NULL || email == NULL) {
		cli_bad_usage(cmd, "login needs --hub and --email");
		goto out;
	}
	if (name == NULL)
		name = cli_context_name(hub, derived, sizeof derived);
	if (!settings_context_name_ok(name)) {
		cli_bad_usage(cmd, "bad context name '%s': use letters, "
		    "digits, '.', '_' and '-'", name);
		goto out;
	}
	if (ca != NULL) {
		ca_abs = cli_abs_path(ca);
		if (ca_abs == NULL) {
			code = CLI_EXIT_ERROR;
			clisession_say("%s: %s", ca, strerror(errno));
			goto out;
		}
	}
	memset(&ho, 0, sizeof ho);
	ho.base_url = hub;
	ho.ca_file = ca_abs;
	ho.max_retries = -1;
	hc = hubclient_new(&ho, &err);
	if (hc == NULL) {
		cli_bad_usage(cmd, "%s", err.msg);
		goto out;
	}
	code = CLI_EXIT_ERROR;
	if (!clisession_read_password(pwfile, password, sizeof password,
	    &err)) {
		clisession_say("%s", err.msg);
		goto out;
	}
	if (hubclient_login(hc, email, password, &err) != CM_OK) {
		if (err.status == CM_UNAVAILABLE)
			clisession_say("cannot reach the hub: %s", err.msg);
		else
			clisession_say("%s", err.msg);
		goto out;
	}
	if (settings_put_context(&s, name, hubclient_base_url(hc), email,
	    ca_abs, true, &err) != CM_OK ||
	    settings_save(&s, NULL, &err) != CM_OK) {
		clisession_say("%s", err.msg);
		goto out;
	}
	state = state_open(NULL, &err);
	if (state == NULL ||
	    state_save_tokens(state, name, hubclient_access_token(hc),
	    hubclient_refresh_token(hc), email, &err) != CM_OK) {
		clisession_say("cannot save the tokens: %s", err.msg);
		goto out;
	}
	/* The cache may hold another user's data for this context. */
	state_cache_clear(state, name, NULL);
	printf("logged in to %s as %s (context %s)\n", hubclient_base_url(hc),
	    email, name);
	code = cli_flush(CLI_EXIT_OK);
out:
	explicit_bzero(password, sizeof password);
	state_close(state);
	hubclient_free(hc);
	free(ca_abs);
	free(known_hub);
	free(known_user);
	free(known_name);
	clisession_settings_free(&s);
	return code;
}

static int
cli_logout(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *name = NULL, *pos[1];
	const struct cli_opt opts[] = {
		{ "context", '\0', &name }, { NULL, '\0', NULL },
	};
	struct clisession s;
	struct cm_err err;
	int code, npos;

	code = cli_parse(cmd, argc, argv, opts, pos, 0, &npos);
	if (code >= 0)
		return code;
	if (!clisession_open(&s, name, false)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	cm_err_clear(&err);
	code = CLI_EXIT_ERROR;
	if (!hubclient_has_session(s.hc) &&
	    hubclient_refresh_token(s.hc) == NULL) {
		printf("not logged in to context %s\n", s.ctx->name);
		code = cli_flush(CLI_EXIT_OK);
		goto out;
	}
	/* Nothing to persist: the tokens go away whatever the hub says. */
	hubclient_on_tokens(s.hc, NULL, NULL);
	if (hubclient_logout(s.hc, &err) != CM_OK)
		clisession_say("warning: the hub was not told (%s); the tokens "
		    "are removed here", err.msg);
	if (state_delete_tokens(s.state, s.ctx->name, &err) != CM_OK) {
		clisession_say("%s", err.msg);
		goto out;
	}
	state_cache_clear(s.state, s.ctx->name, NULL);
	printf("logged out of context %s\n", s.ctx->name);
	code = cli_flush(CLI_EXIT_OK);
out:
	clisession_close(&s);
	return code;
}

/* The list kinds of `cm get`, with the names accepted for each. */
static const struct cli_kind {
	const char *name;
	const char *alias;
	enum cm_status (*fetch)(struct hubclient *, cJSON **,
	    struct cm_err *);
} cli_kinds[] = {
	{ "clusters", "cluster", hubclient_clusters },
	{ "alerts", "alert", hubclient_alerts },
	{ "audit", "audit-logs", hubclient_audit },
	{ "users", "user", hubclient_users },
};

/* {user id: email} from the users list, for the audit table; NULL when
 * the users cannot be listed (an auditor may not). */
static cJSON *
cli_user_names(struct hubclient *hc)
{
	cJSON *list = NULL, *names;
	const cJSON *u, *id, *email;

	if (hubclient_users(hc, &list, NULL) != CM_OK)
		return NULL;
	names = cJSON_CreateObject();
	cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(list, "items")) {
		id = cJSON_GetObjectItemCaseSensitive(u, "id");
		email = cJSON_GetObjectItemCaseSensitive(u, "email");
		if (cJSON_IsString(id) && cJSON_IsString(email))
			cJSON_AddStringToObject(names, id->valuestring,
			    email->valuestring);
	}
	cJSON_Delete(list);
	return names;
}

/*
 * `cm get KIND` from a cluster: a kind of kuberows.h, or any kind with
 * --kubeconfig.  Without --kubeconfig the kubeconfig is that of the
 * config's kube: context (named by --context, else the current one).
 */
static int
cli_get_kube(const struct cli_cmd *cmd, const char *kind,
    const char *kubeconfig, const char *context, const char *ns, bool all,
    const char *output)
{
	const struct settings_context *ctx;
	struct settings s;
	char *path = NULL;
	int code;

	if (!clikube_is_kind(kind))
		return cli_bad_usage(cmd, "cannot get '%s' from a cluster",
		    kind);
	if (ns != NULL && all)
		return cli_bad_usage(cmd, "-n and -A do not go together");
	if (kubeconfig == NULL) {
		if (!clisession_settings_load(&s)) {
			clisession_settings_free(&s);
			return CLI_EXIT_ERROR;
		}
		ctx = context != NULL ? settings_find_context(&s, context) :
		    settings_current(&s);
		if (ctx == NULL || ctx->kube == NULL) {
			clisession_settings_free(&s);
			return cli_bad_usage(cmd, "cannot get '%s' from a hub: "
			    "give --kubeconfig FILE, or use a kube: context",
			    kind);
		}
		path = xstrdup(ctx->kube);
		clisession_settings_free(&s);
		context = NULL;
	}
	code = clikube_get(kind, kubeconfig != NULL ? kubeconfig : path,
	    context, ns, all, output);
	free(path);
	return code;
}

static int
cli_get(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *name = NULL, *output = "table", *pos[1];
	const char *kubeconfig = NULL, *ns = NULL;
	const struct cli_opt opts[] = {
		{ "output", 'o', &output }, { "context", '\0', &name },
		{ "kubeconfig", '\0', &kubeconfig }, { "namespace", 'n', &ns },
		{ NULL, '\0', NULL },
	};
	bool all = false;
	char **av;
	int ac = 0, k;
	const struct cli_kind *kind = NULL;
	const cJSON *cursor;
	struct cliout_table table;
	struct clisession s;
	struct cm_err err;
	cJSON *list = NULL, *names = NULL;
	int code, npos;
	size_t i;

	/* -A takes no value: take it out before the common parser. */
	av = xcalloc((size_t)argc + 1, sizeof *av);
	for (k = 0; k < argc; k++) {
		if (k > 0 && (strcmp(argv[k], "-A") == 0 ||
		    strcmp(argv[k], "--all-namespaces") == 0))
			all = true;
		else
			av[ac++] = argv[k];
	}
	code = cli_parse(cmd, ac, av, opts, pos, 1, &npos);
	free(av);
	if (code >= 0)
		return code;
	if (npos == 0)
		return cli_bad_usage(cmd, "what to get?");
	if (strcmp(output, "table") != 0 && strcmp(output, "json") != 0 &&
	    strcmp(output, "yaml") != 0)
		return cli_bad_usage(cmd, "unknown output format '%s'", output);
	/* apps and deployments of a hub; "deployments" of a kube
	 * context are Kubernetes Deployments. */
	if (kubeconfig == NULL && ns == NULL && !all &&
	    clideploy_is_kind(pos[0]) && (!clikube_is_kind(pos[0]) ||
	    clideploy_hub_context(name)))
		return cli_flush(clideploy_get(pos[0], name, output));
	if (kubeconfig != NULL || clikube_is_kind(pos[0]) || ns != NULL ||
	    all)
		return cli_flush(cli_get_kube(cmd, pos[0], kubeconfig, name,
		    ns, all, output));
	for (i = 0; i < sizeof cli_kinds / sizeof cli_kinds[0]; i++)
		if (strcmp(pos[0], cli_kinds[i].name) == 0 ||
		    strcmp(pos[0], cli_kinds[i].alias) == 0)
			kind = &cli_kinds[i];
	if (kind == NULL)
		return cli_bad_usage(cmd, "cannot get '%s'", pos[0]);
	if (!clisession_open(&s, name, true)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	cm_err_clear(&err);
	if (kind->fetch(s.hc, &list, &err) != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	if (strcmp(output, "json") == 0) {
		cliout_json(stdout, list);
	} else if (strcmp(output, "yaml") == 0) {
		cliout_yaml(stdout, list);
	} else {
		if (strcmp(kind->name, "audit") == 0)
			names = cli_user_names(s.hc);
		if (cliout_table_items(&table, kind->name,
		    cJSON_GetObjectItemCaseSensitive(list, "items"),
		    cli_now_ms(), names, &err) != CM_OK) {
			clisession_say("%s", err.msg);
			code = CLI_EXIT_ERROR;
			goto out;
		}
		cliout_table_print(&table, stdout);
		cliout_table_done(&table);
	}
	cursor = cJSON_GetObjectItemCaseSensitive(list, "next_cursor");
	if (cJSON_IsString(cursor))
		clisession_say("warning: the list stops at %d items; the hub "
		    "has more", HUBCLIENT_LIST_MAX);
	code = cli_flush(CLI_EXIT_OK);
out:
	cJSON_Delete(names);
	cJSON_Delete(list);
	clisession_close(&s);
	return code;
}

static int
cli_alerts(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *name = NULL, *comment = NULL, *pos[2];
	const struct cli_opt opts[] = {
		{ "comment", '\0', &comment }, { "context", '\0', &name },
		{ NULL, '\0', NULL },
	};
	struct clisession s;
	struct cm_err err;
	enum cm_status st;
	cJSON *alert = NULL;
	bool ack;
	int code, npos;

	code = cli_parse(cmd, argc, argv, opts, pos, 2, &npos);
	if (code >= 0)
		return code;
	if (npos == 0)
		return cli_bad_usage(cmd, NULL);
	if (strcmp(pos[0], "ack") != 0 && strcmp(pos[0], "resolve") != 0)
		return cli_bad_usage(cmd, "unknown alerts action '%s'",
		    pos[0]);
	if (npos < 2 || pos[1][0] == '\0')
		return cli_bad_usage(cmd, "which alert? give its id");
	ack = strcmp(pos[0], "ack") == 0;
	if (!clisession_open(&s, name, true)) {
		clisession_close(&s);
		return CLI_EXIT_ERROR;
	}
	cm_err_clear(&err);
	st = ack ? hubclient_alert_ack(s.hc, pos[1], comment, &alert, &err) :
	    hubclient_alert_resolve(s.hc, pos[1], comment, &alert, &err);
	if (st != CM_OK) {
		code = clisession_fail(&s, &err);
		goto out;
	}
	printf("%s %s\n", ack ? "acknowledged" : "resolved", pos[1]);
	code = cli_flush(CLI_EXIT_OK);
out:
	cJSON_Delete(alert);
	clisession_close(&s);
	return code;
}

static int
cli_deploy(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_flush(clideploy_deploy(argc, argv, cmd->usage));
}

static int
cli_rollback(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_flush(clideploy_rollback(argc, argv, cmd->usage));
}

static int
cli_version(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *pos[1];
	const struct cli_opt opts[] = { { NULL, '\0', NULL } };
	int code, npos;

	code = cli_parse(cmd, argc, argv, opts, pos, 0, &npos);
	if (code >= 0)
		return code;
	printf("cm %s\n", PACKAGE_VERSION);
	return cli_flush(CLI_EXIT_OK);
}

static int
cli_help(const struct cli_cmd *cmd, int argc, char **argv)
{
	cli_usage(stdout);
	return cli_flush(CLI_EXIT_OK);
}

int
cli_run(int argc, char **argv)
{
	const char *name;
	size_t i;

	if (argc < 2) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		name = "help";
	else if (strcmp(name, "--version") == 0)
		name = "version";
	for (i = 0; i < CLI_NCMDS; i++)
		if (strcmp(name, cli_cmds[i].name) == 0)
			return cli_cmds[i].run(&cli_cmds[i], argc - 1,
			    argv + 1);
	clisession_say("unknown command '%s'", argv[1]);
	fputs("run 'cm help' for the list of commands\n", stderr);
	return CLI_EXIT_USAGE;
}
