/*
 * execcred.c - run kubeconfig exec plugins and cache what they print.
 * See execcred.h.
 *
 * The plugin is started with posix_spawn (fork and exec without running
 * code in a forked copy of a threaded process), in its own process
 * group so that a timeout kills whatever it started too.  Its stdout is
 * read up to EXECCRED_OUTPUT_MAX and its stderr's first line is kept for
 * the error message.  Nothing here prints.
 */
#include "config.h"

#include "backend/kube/execcred.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define EC_STDERR_KEEP 512
#define EC_TIMEOUT_DEFAULT_MS 30000

extern char **environ;

struct execcred {
	struct kube_exec exec;		/* deep copy */
	char *info;			/* KUBERNETES_EXEC_INFO */
	long timeout_ms;
	struct kube_cred cred;
	bool have;
	unsigned runs;
};

void
execcred_cred_done(struct kube_cred *cred)
{
	if (cred == NULL)
		return;
	if (cred->token != NULL)
		explicit_bzero(cred->token, strlen(cred->token));
	free(cred->token);
	free(cred->cert);
	if (cred->key != NULL)
		explicit_bzero(cred->key, cred->key_len);
	free(cred->key);
	memset(cred, 0, sizeof *cred);
	cred->expiry_ms = -1;
}

/* Copy a NULL-terminated array of n strings. */
static char **
ec_strv_dup(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof *out);
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void
ec_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *
execcred_exec_info(const struct kube_exec *exec,
    const struct kube_cluster *cluster)
{
	cJSON *root = cJSON_CreateObject(), *spec, *cl;
	char *ca, *out;

	cJSON_AddStringToObject(root, "kind", "ExecCredential");
	cJSON_AddStringToObject(root, "apiVersion", exec->api_version);
	spec = cJSON_AddObjectToObject(root, "spec");
	/* We never lend a plugin a terminal: it must not prompt. */
	cJSON_AddBoolToObject(spec, "interactive", false);
	if (exec->provide_cluster_info && cluster != NULL) {
		cl = cJSON_AddObjectToObject(spec, "cluster");
		if (cluster->server != NULL)
			cJSON_AddStringToObject(cl, "server", cluster->server);
		if (cluster->tls_server_name != NULL)
			cJSON_AddStringToObject(cl, "tls-server-name",
			    cluster->tls_server_name);
		if (cluster->insecure)
			cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify",
			    true);
		if (cluster->ca != NULL) {
			ca = kubeconfig_b64_encode(cluster->ca,
			    cluster->ca_len);
			cJSON_AddStringToObject(cl,
			    "certificate-authority-data", ca);
			free(ca);
		}
		if (cluster->proxy_url != NULL)
			cJSON_AddStringToObject(cl, "proxy-url",
			    cluster->proxy_url);
	}
	out = json_print(root);
	cJSON_Delete(root);
	return out;
}

struct execcred *
execcred_new(const struct kube_exec *exec, const struct kube_cluster *cluster,
    long timeout_ms)
{
	struct execcred *ec = xcalloc(1, sizeof *ec);

	ec->exec.command = xstrdup(exec->command);
	ec->exec.args = ec_strv_dup(exec->args, exec->nargs);
	ec->exec.nargs = exec->nargs;
	ec->exec.env = ec_strv_dup(exec->env, exec->nenv);
	ec->exec.nenv = exec->nenv;
	ec->exec.api_version = xstrdup(exec->api_version);
	ec->exec.interactive = exec->interactive;
	ec->exec.provide_cluster_info = exec->provide_cluster_info;
	ec->exec.install_hint = exec->install_hint != NULL ?
	    xstrdup(exec->install_hint) : NULL;
	ec->info = execcred_exec_info(exec, cluster);
	ec->timeout_ms = timeout_ms > 0 ? timeout_ms : EC_TIMEOUT_DEFAULT_MS;
	ec->cred.expiry_ms = -1;
	return ec;
}

void
execcred_free(struct execcred *ec)
{
	if (ec == NULL)
		return;
	free(ec->exec.command);
	ec_strv_free(ec->exec.args, ec->exec.nargs);
	ec_strv_free(ec->exec.env, ec->exec.nenv);
	free(ec->exec.api_version);
	free(ec->exec.install_hint);
	free(ec->info);
	execcred_cred_done(&ec->cred);
	free(ec);
}

void
execcred_invalidate(struct execcred *ec)
{
	execcred_cred_done(&ec->cred);
	ec->have = false;
}

unsigned
execcred_runs(const struct execcred *ec)
{
	return ec->runs;
}

/* A string member of obj, or NULL when absent or empty. */
static const char *
ec_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) && it->valuestring[0] != '\0' ?
	    it->valuestring : NULL;
}

enum cm_status
execcred_parse(const char *json, size_t len, const char *api_version,
    struct kube_cred *out, struct cm_err *err)
{
	cJSON *root = NULL;
	const cJSON *status;
	const char *s, *cert, *key;
	struct cm_err perr;
	enum cm_status st;

	memset(out, 0, sizeof *out);
	out->expiry_ms = -1;
	if (json_parse(json, len, JSON_REQUIRE_OBJECT, &root, &perr) !=
	    CM_OK)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec "
		    "plugin did not print an ExecCredential: %s", perr.msg);
	s = ec_str(root, "kind");
	if (s == NULL || strcmp(s, "ExecCredential") != 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin "
		    "printed a %.64s, not an ExecCredential",
		    s != NULL ? s : "document without a kind");
		goto out;
	}
	s = ec_str(root, "apiVersion");
	if (s == NULL || strcmp(s, api_version) != 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin "
		    "answered with apiVersion %.64s but the kubeconfig asks "
		    "for %.64s", s != NULL ? s : "(none)", api_version);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsObject(status)) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin's "
		    "ExecCredential has no status");
		goto out;
	}
	s = ec_str(status, "expirationTimestamp");
	if (s != NULL && time_parse_rfc3339(s, &out->expiry_ms, &perr) !=
	    CM_OK) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin's "
		    "expirationTimestamp is not a time: %s", perr.msg);
		goto out;
	}
	cert = ec_str(status, "clientCertificateData");
	key = ec_str(status, "clientKeyData");
	if ((cert == NULL) != (key == NULL)) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin "
		    "gave a client certificate without its key or the other "
		    "way round");
		goto out;
	}
	s = ec_str(status, "token");
	if (s == NULL && cert == NULL) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "the exec plugin "
		    "gave neither a token nor a client certificate");
		goto out;
	}
	out->token = s != NULL ? xstrdup(s) : NULL;
	if (cert != NULL) {
		out->cert = xstrdup(cert);
		out->cert_len = strlen(cert);
		out->key = xstrdup(key);
		out->key_len = strlen(key);
	}
	st = CM_OK;
out:
	cJSON_Delete(root);
	if (st != CM_OK)
		execcred_cred_done(out);
	return st;
}

/*
 * The plugin's environment: ours, minus what the kubeconfig overrides
 * and any inherited KUBERNETES_EXEC_INFO, plus the kubeconfig's env and
 * ours.  Built before spawning: nothing allocates in the child.
 */
static char **
ec_envp(const struct execcred *ec, char **info)
{
	size_t n = 0, i, j, k = 0, nl;
	char **envp;
	bool skip;

	while (environ != NULL && environ[n] != NULL)
		n++;
	envp = xcalloc(n + ec->exec.nenv + 2, sizeof *envp);
	for (i = 0; i < n; i++) {
		skip = strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0;
		for (j = 0; !skip && j < ec->exec.nenv; j++) {
			nl = strcspn(ec->exec.env[j], "=");
			skip = strncmp(environ[i], ec->exec.env[j], nl + 1) ==
			    0;
		}
		if (!skip)
			envp[k++] = environ[i];
	}
	for (j = 0; j < ec->exec.nenv; j++)
		envp[k++] = ec->exec.env[j];
	*info = xasprintf("KUBERNETES_EXEC_INFO=%s", ec->info);
	envp[k++] = *info;
	envp[k] = NULL;
	return envp;
}

/* Kill the plugin's process group and reap it. */
static void
ec_kill(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Wait for pid until deadline (monotonic ms); false on timeout. */
static bool
ec_wait(pid_t pid, int64_t deadline, int *status)
{
	struct timespec ts = { 0, 5 * 1000000L };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;
		if (time_mono_ms() >= deadline)
			return false;
		nanosleep(&ts, NULL);
	}
}

/*
 * Read the plugin's stdout (into *out) and stderr (first bytes into
 * ebuf) until both close or the deadline passes.  Returns false on
 * timeout; *overflow is set when stdout passed the cap.
 */
static bool
ec_drain(int ofd, int efd, int64_t deadline, char **out, size_t *olen,
    char *ebuf, size_t *elen, bool *overflow)
{
	struct pollfd p[2];
	char tmp[4096];
	size_t cap = 4096;
	ssize_t n;
	int64_t left;
	int i;

	*out = xmalloc(cap);
	*olen = 0;
	p[0].fd = ofd;
	p[1].fd = efd;
	p[0].events = p[1].events = POLLIN;
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		left = deadline - time_mono_ms();
		if (left <= 0)
			return false;
		if (poll(p, 2, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, tmp, sizeof tmp);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				p[i].fd = -1;
				continue;
			}
			if (i == 1) {
				if (*elen < EC_STDERR_KEEP - 1) {
					size_t k = (size_t)n;

					if (k > EC_STDERR_KEEP - 1 - *elen)
						k = EC_STDERR_KEEP - 1 - *elen;
					memcpy(ebuf + *elen, tmp, k);
					*elen += k;
					ebuf[*elen] = '\0';
				}
				continue;
			}
			if (*olen + (size_t)n > EXECCRED_OUTPUT_MAX) {
				*overflow = true;
				continue;	/* keep draining, drop it */
			}
			while (*olen + (size_t)n + 1 > cap)
				cap *= 2;
			*out = xrealloc(*out, cap);
			memcpy(*out + *olen, tmp, (size_t)n);
			*olen += (size_t)n;
		}
	}
	(*out)[*olen] = '\0';
	return true;
}

/* First line of a plugin's stderr, for a message. */
static const char *
ec_first_line(char *ebuf)
{
	char *s = ebuf, *nl;

	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	nl = strpbrk(s, "\r\n");
	if (nl != NULL)
		*nl = '\0';
	return s;
}

/*
 * The program to start: cmd itself when it has a slash, else the first
 * executable of that name on PATH, as a shell finds it.  NULL when there
 * is none (looked up here, not left to the spawn, so a missing plugin
 * reads the same everywhere).  Caller frees.
 */
static char *
ec_lookup(const char *cmd)
{
	const char *path = getenv("PATH"), *p, *end;
	char *cand;
	size_t n;

	if (strchr(cmd, '/') != NULL)
		return access(cmd, X_OK) == 0 ? xstrdup(cmd) : NULL;
	if (path == NULL || path[0] == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		cand = n == 0 ? xasprintf("./%s", cmd) :
		    xasprintf("%.*s/%s", (int)n, p, cmd);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (end == NULL)
			return NULL;
	}
}

/* Run the plugin once and parse what it prints into ec->cred. */
static enum cm_status
ec_run(struct execcred *ec, struct cm_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	char **argv = NULL, **envp = NULL, *info = NULL, *out = NULL;
	char *prog = NULL;
	char ebuf[EC_STDERR_KEEP] = "";
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 };
	int rc, status = 0;
	size_t olen = 0, elen = 0, i;
	bool overflow = false, fa_ok = false, attr_ok = false;
	pid_t pid = -1;
	int64_t deadline;
	enum cm_status st;
	const char *cmd = ec->exec.command;

	ec->runs++;
	prog = ec_lookup(cmd);
	if (prog == NULL) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "exec plugin "
		    "\"%.64s\" not found: %.150s", cmd,
		    ec->exec.install_hint != NULL ? ec->exec.install_hint :
		    "install it or put it on PATH");
		goto out;
	}
	if (pipe2(opipe, O_CLOEXEC) < 0 || pipe2(epipe, O_CLOEXEC) < 0) {
		st = cm_err_set(err, CM_IO, NULL, "exec plugin \"%.64s\": "
		    "pipe: %s", cmd, strerror(errno));
		goto out;
	}
	argv = xcalloc(ec->exec.nargs + 2, sizeof *argv);
	argv[0] = ec->exec.command;
	for (i = 0; i < ec->exec.nargs; i++)
		argv[i + 1] = ec->exec.args[i];
	envp = ec_envp(ec, &info);
	posix_spawn_file_actions_init(&fa);
	fa_ok = true;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, opipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], 2);
	posix_spawnattr_init(&attr);
	attr_ok = true;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&pid, prog, &fa, &attr, argv, envp);
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	if (rc != 0) {
		pid = -1;
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "exec plugin "
		    "\"%.64s\" could not start: %s", cmd, strerror(rc));
		goto out;
	}
	deadline = time_mono_ms() + ec->timeout_ms;
	if (!ec_drain(opipe[0], epipe[0], deadline, &out, &olen, ebuf, &elen,
	    &overflow) || !ec_wait(pid, deadline, &status)) {
		ec_kill(pid);
		pid = -1;
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "exec plugin "
		    "\"%.64s\" timed out after %ld ms", cmd, ec->timeout_ms);
		goto out;
	}
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
			    "exec plugin \"%.64s\" failed with exit code %d: "
			    "%.150s", cmd, WEXITSTATUS(status),
			    ec_first_line(ebuf));
		else
			st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
			    "exec plugin \"%.64s\" was killed by signal %d",
			    cmd, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		goto out;
	}
	if (overflow) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL, "exec plugin "
		    "\"%.64s\" printed more than %u bytes", cmd,
		    EXECCRED_OUTPUT_MAX);
		goto out;
	}
	st = execcred_parse(out, olen, ec->exec.api_version, &ec->cred, err);
	if (st != CM_OK) {
		char msg[CM_ERR_MSG_MAX];

		snprintf(msg, sizeof msg, "%s", err->msg);
		cm_err_set(err, st, NULL, "exec plugin \"%.64s\": %s", cmd,
		    msg);
	}
out:
	if (pid > 0)
		ec_kill(pid);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	for (i = 0; i < 2; i++) {
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	if (out != NULL)
		explicit_bzero(out, olen);
	free(out);
	free(prog);
	free(argv);
	free(envp);
	free(info);
	return st;
}

enum cm_status
execcred_get(struct execcred *ec, int64_t now_ms,
    const struct kube_cred **cred, struct cm_err *err)
{
	enum cm_status st;

	*cred = NULL;
	if (ec->have && (ec->cred.expiry_ms < 0 ||
	    now_ms < ec->cred.expiry_ms)) {
		*cred = &ec->cred;
		return CM_OK;
	}
	execcred_invalidate(ec);
	if (ec->exec.interactive == KUBE_INTERACTIVE_ALWAYS)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL, "exec plugin "
		    "\"%.64s\" needs an interactive terminal "
		    "(interactiveMode: Always), which ClusterMaster cannot "
		    "give it: log in with it in a shell first, or set "
		    "interactiveMode to IfAvailable", ec->exec.command);
	st = ec_run(ec, err);
	if (st != CM_OK)
		return st;
	ec->have = true;
	*cred = &ec->cred;
	return CM_OK;
}
