/*
 * test_kubeconfig.c - kubeconfig loading and merging, file:line:column
 * errors that leave the good contexts usable, and exec credential
 * plugins (run, cached until expiry, refused when interactive).
 *
 * Recorded kubeconfigs come from the shared fixtures when they are
 * there ($top_srcdir/../shared/fixtures/kube); the rest are written to
 * a temporary directory by each test.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/kube/execcred.h"
#include "backend/kube/kubeconfig.h"
#include "backend/timeutil.h"

/* A temporary directory per test. */
struct tdir {
	char path[256];
};

#define PATH_LEN 1024
#define MSG_LEN 2048

static int
setup_dir(void **state)
{
	struct tdir *d = calloc(1, sizeof *d);
	const char *tmp = getenv("TMPDIR");

	assert_non_null(d);
	snprintf(d->path, sizeof d->path, "%s/kubeconfig-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct tdir *d = *state;
	char cmd[PATH_LEN];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

/* Write text to DIR/name (0755 when exec); the path goes to out. */
static void
put(const struct tdir *d, const char *name, const char *text, bool exec,
    char *out, size_t outlen)
{
	char path[PATH_LEN];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", d->path, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	if (exec)
		assert_int_equal(chmod(path, 0755), 0);
	if (out != NULL)
		snprintf(out, outlen, "%s", path);
}

/* The shared fixtures' kubeconfig folder, or NULL (test skipped). */
static const char *
fixtures(void)
{
	static char dir[512];
	const char *top = getenv("top_srcdir");
	struct stat st;

	snprintf(dir, sizeof dir, "%s/../shared/fixtures/kube/kubeconfig",
	    top != NULL ? top : ".");
	if (stat(dir, &st) != 0) {
		print_message("fixtures not found at %s: skipped\n", dir);
		return NULL;
	}
	return dir;
}

static struct kubeconfig *
load_ok(const char *paths)
{
	struct kubeconfig *kc = NULL;
	struct cm_err err;

	if (kubeconfig_load(paths, &kc, &err) != CM_OK)
		fail_msg("load %s: %s", paths != NULL ? paths : "(default)",
		    err.msg);
	return kc;
}

static const struct kube_context *
ctx_ok(const struct kubeconfig *kc, const char *name)
{
	const struct kube_context *c = kubeconfig_find(kc, name);

	assert_non_null(c);
	if (c->err.status != CM_OK)
		fail_msg("context %s: %s", name, c->err.msg);
	return c;
}

/* Is needle among kc's problems? */
static bool
has_problem(const struct kubeconfig *kc, const char *needle)
{
	size_t i;

	for (i = 0; i < kc->nproblems; i++)
		if (strstr(kc->problems[i].msg, needle) != NULL)
			return true;
	return false;
}

/* Base64 round trips, with and without padding and line breaks. */
static void
test_b64(void **state)
{
	unsigned char *out;
	size_t n;
	char *enc;

	out = kubeconfig_b64_decode("Q0FEQVRBMg==", &n);
	assert_non_null(out);
	assert_int_equal(n, 7);
	assert_string_equal((char *)out, "CADATA2");
	free(out);
	out = kubeconfig_b64_decode("Q0FE\nQVRB", &n);
	assert_non_null(out);
	assert_string_equal((char *)out, "CADATA");
	free(out);
	out = kubeconfig_b64_decode("Q0FEQVRBMg", &n);
	assert_non_null(out);
	assert_int_equal(n, 7);
	free(out);
	assert_null(kubeconfig_b64_decode("Q0F*", &n));
	assert_null(kubeconfig_b64_decode("Q", &n));
	assert_null(kubeconfig_b64_decode("Q0==Q0==", &n));
	enc = kubeconfig_b64_encode((const unsigned char *)"CADATA2", 7);
	assert_string_equal(enc, "Q0FEQVRBMg==");
	free(enc);
	enc = kubeconfig_b64_encode((const unsigned char *)"ab", 2);
	assert_string_equal(enc, "YWI=");
	free(enc);
}

/* The recorded client-certificate kubeconfig gives its three contexts
 * with decoded certificate data, namespaces and basic auth. */
static void
test_fixture_cert_data(void **state)
{
	const char *dir = fixtures();
	char path[PATH_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;

	if (dir == NULL)
		skip();
	snprintf(path, sizeof path, "%s/kubeconfig-client-cert-data.yaml",
	    dir);
	kc = load_ok(path);
	assert_int_equal(kc->ncontexts, 3);
	assert_int_equal(kc->nproblems, 0);
	assert_string_equal(kc->current, "context2");
	c = kubeconfig_current(kc);
	assert_non_null(c);
	assert_string_equal(c->name, "context2");
	assert_string_equal(c->namespace, "namespace2");
	assert_string_equal(c->cluster->server, "http://example2.com");
	assert_true(c->cluster->insecure);
	assert_string_equal((char *)c->cluster->ca, "CADATA2");
	assert_string_equal((char *)c->user->cert, "USER2_CADATA");
	assert_string_equal((char *)c->user->key, "USER2_CKDATA");
	c = ctx_ok(kc, "context1");
	assert_string_equal(c->namespace, "default");
	assert_false(c->cluster->insecure);
	assert_string_equal(c->cluster->proxy_url, "socks5://localhost:1181");
	assert_int_equal(c->user->cert_len, strlen("USER_CADATA"));
	assert_memory_equal(c->user->cert, "USER_CADATA", 11);
	c = ctx_ok(kc, "passwd");
	assert_string_equal(c->user->username, "foo");
	assert_string_equal(c->user->password, "bar");
	assert_null(c->user->token);
	kubeconfig_free(kc);
}

/* The recorded token kubeconfig: a missing tokenFile spoils only its
 * context, with the file, line and column of the tokenFile value. */
static void
test_fixture_token(void **state)
{
	const char *dir = fixtures();
	char path[PATH_LEN], want[MSG_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;

	if (dir == NULL)
		skip();
	snprintf(path, sizeof path, "%s/kubeconfig-token.yaml", dir);
	kc = load_ok(path);
	assert_int_equal(kc->ncontexts, 3);
	c = kubeconfig_current(kc);
	assert_non_null(c);
	assert_int_equal(c->err.status, CM_OK);
	assert_string_equal(c->user->token,
	    "0123456789ABCDEF0123456789ABCDEF");
	c = kubeconfig_find(kc, "localhost/system:admin:token-file");
	assert_non_null(c);
	assert_int_equal(c->err.status, CM_VALIDATION);
	snprintf(want, sizeof want, "%s:31:16: user "
	    "\"system:admin:token-file\": tokenFile: /path/to/secret/token: "
	    "No such file or directory", path);
	assert_string_equal(c->err.msg, want);
	assert_null(c->user);
	c = ctx_ok(kc, "localhost/system:admin:userpass");
	assert_string_equal(c->user->username, "admin");
	assert_string_equal(c->namespace, "default");
	assert_int_equal(kc->nproblems, 1);
	kubeconfig_free(kc);
}

/* The recorded exec kubeconfig: no current context, and the three ways
 * to name a plugin (PATH, relative to the file, absolute). */
static void
test_fixture_exec(void **state)
{
	const char *dir = fixtures();
	char path[PATH_LEN], real[PATH_LEN], want[MSG_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;
	const struct kube_exec *e;

	if (dir == NULL)
		skip();
	snprintf(path, sizeof path, "%s/kubeconfig-exec-v1beta1.yaml", dir);
	kc = load_ok(path);
	assert_int_equal(kc->ncontexts, 3);
	assert_null(kc->current);
	assert_null(kubeconfig_current(kc));
	c = ctx_ok(kc, "localhost/system:admin:exec-search-path");
	e = c->user->exec;
	assert_non_null(e);
	assert_string_equal(e->command, "example-exec-plugin");
	assert_string_equal(e->api_version,
	    "client.authentication.k8s.io/v1beta1");
	assert_int_equal(e->interactive, KUBE_INTERACTIVE_IF_AVAILABLE);
	assert_int_equal(e->nargs, 2);
	assert_string_equal(e->args[0], "arg1");
	assert_string_equal(e->args[1], "arg2");
	assert_int_equal(e->nenv, 1);
	assert_string_equal(e->env[0], "FOO=bar");
	c = ctx_ok(kc, "localhost/system:admin:exec-relative-path");
	assert_non_null(realpath(dir, real));
	snprintf(want, sizeof want, "%s/dir/example-exec-plugin", real);
	assert_string_equal(c->user->exec->command, want);
	c = ctx_ok(kc, "localhost/system:admin:exec-absolute-path");
	assert_string_equal(c->user->exec->command,
	    "/abs/path/example-exec-plugin");
	kubeconfig_free(kc);
}

/* The recorded ExecCredential parses; a version mismatch is refused. */
static void
test_fixture_exec_credential(void **state)
{
	const char *dir = fixtures();
	char path[PATH_LEN], buf[4096];
	struct kube_cred cred;
	struct cm_err err;
	size_t n;
	FILE *fp;

	if (dir == NULL)
		skip();
	snprintf(path, sizeof path, "%s/exec-credential-v1beta1.json", dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	assert_int_equal(execcred_parse(buf, n,
	    "client.authentication.k8s.io/v1beta1", &cred, &err), CM_OK);
	assert_string_equal(cred.token, "my-bearer-token");
	assert_int_equal(cred.expiry_ms, -1);
	assert_null(cred.cert);
	execcred_cred_done(&cred);
	assert_int_equal(execcred_parse(buf, n,
	    "client.authentication.k8s.io/v1", &cred, &err), CM_UNAUTHORIZED);
	assert_string_equal(err.msg, "the exec plugin answered with "
	    "apiVersion client.authentication.k8s.io/v1beta1 but the "
	    "kubeconfig asks for client.authentication.k8s.io/v1");
	assert_null(cred.token);
}

/* ExecCredential parsing: certificates, expiry, and what is refused. */
static void
test_exec_credential_parse(void **state)
{
	static const char *const v1 = "client.authentication.k8s.io/v1";
	struct kube_cred cred;
	struct cm_err err;
	const char *s;

	s = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
	    "\"ExecCredential\",\"status\":{\"clientCertificateData\":\"C\","
	    "\"clientKeyData\":\"K\",\"expirationTimestamp\":"
	    "\"2030-01-01T00:00:00Z\"}}";
	assert_int_equal(execcred_parse(s, strlen(s), v1, &cred, &err), CM_OK);
	assert_null(cred.token);
	assert_string_equal(cred.cert, "C");
	assert_string_equal(cred.key, "K");
	assert_int_equal(cred.expiry_ms, 1893456000000LL);
	execcred_cred_done(&cred);
	s = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
	    "\"ExecCredential\",\"status\":{}}";
	assert_int_equal(execcred_parse(s, strlen(s), v1, &cred, &err),
	    CM_UNAUTHORIZED);
	assert_string_equal(err.msg, "the exec plugin gave neither a token "
	    "nor a client certificate");
	s = "please log in";
	assert_int_equal(execcred_parse(s, strlen(s), v1, &cred, &err),
	    CM_UNAUTHORIZED);
	assert_non_null(strstr(err.msg, "did not print an ExecCredential"));
	s = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
	    "\"ExecCredential\",\"status\":{\"token\":\"t\","
	    "\"expirationTimestamp\":\"tomorrow\"}}";
	assert_int_equal(execcred_parse(s, strlen(s), v1, &cred, &err),
	    CM_UNAUTHORIZED);
	assert_non_null(strstr(err.msg, "expirationTimestamp"));
}

static const char config_a[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "clusters:\n"
    "- name: c1\n"
    "  cluster:\n"
    "    server: https://a.example:6443\n"
    "users:\n"
    "- name: u1\n"
    "  user:\n"
    "    token: token-a\n"
    "contexts:\n"
    "- name: x\n"
    "  context:\n"
    "    cluster: c1\n"
    "    user: u1\n"
    "current-context: x\n";

static const char config_b[] =
    "clusters:\n"
    "- name: c1\n"
    "  cluster:\n"
    "    server: https://b.example:6443\n"
    "- name: c2\n"
    "  cluster:\n"
    "    server: https://c2.example\n"
    "contexts:\n"
    "- name: x\n"
    "  context:\n"
    "    cluster: c2\n"
    "- name: y\n"
    "  context:\n"
    "    cluster: c2\n"
    "    user: u1\n"
    "    namespace: team-y\n"
    "current-context: y\n";

/* KUBECONFIG files merge as kubectl merges them: the first file wins for
 * each name and for current-context, a context may use a user from
 * another file, and missing files are skipped. */
static void
test_merge(void **state)
{
	struct tdir *d = *state;
	char a[PATH_LEN], b[PATH_LEN], list[4 * PATH_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;

	put(d, "a.yaml", config_a, false, a, sizeof a);
	put(d, "b.yaml", config_b, false, b, sizeof b);
	snprintf(list, sizeof list, "%s:%s/missing.yaml::%s:%s", a, d->path, b,
	    a);
	kc = load_ok(list);
	assert_int_equal(kc->nfiles, 2);
	assert_int_equal(kc->ncontexts, 2);
	assert_int_equal(kc->nclusters, 2);
	assert_int_equal(kc->nproblems, 0);
	assert_string_equal(kc->current, "x");
	c = ctx_ok(kc, "x");
	assert_string_equal(c->cluster->server, "https://a.example:6443");
	assert_string_equal(c->user->token, "token-a");
	assert_string_equal(c->file, a);
	c = ctx_ok(kc, "y");
	assert_string_equal(c->cluster->server, "https://c2.example");
	assert_string_equal(c->user->token, "token-a");
	assert_string_equal(c->namespace, "team-y");
	assert_string_equal(c->file, b);
	kubeconfig_free(kc);

	/* The other order: b's entries and current-context win. */
	snprintf(list, sizeof list, "%s:%s", b, a);
	assert_int_equal(setenv("KUBECONFIG", list, 1), 0);
	kc = load_ok(NULL);
	assert_string_equal(kc->current, "y");
	c = kubeconfig_find(kc, "x");
	assert_non_null(c);
	assert_string_equal(c->cluster->server, "https://c2.example");
	assert_null(c->user);
	assert_string_equal(c->user_name, "");
	kubeconfig_free(kc);
	unsetenv("KUBECONFIG");
}

/* Relative certificate and token paths resolve against the file's
 * directory; -data beats the file; tokenFile loses its newline. */
static void
test_relative_paths_and_data(void **state)
{
	struct tdir *d = *state;
	char sub[PATH_LEN], cfg[PATH_LEN], cwd[PATH_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;
	struct cm_err err;
	static const char stored[] =
	    "clusters:\n- name: c\n  cluster:\n    server: https://x\n"
	    "    certificate-authority: ca.pem\n"
	    "contexts:\n- name: c\n  context: {cluster: c}\n";

	snprintf(sub, sizeof sub, "%s/sub", d->path);
	assert_int_equal(mkdir(sub, 0700), 0);
	put(d, "sub/ca.pem", "CA-FROM-FILE\n", false, NULL, 0);
	put(d, "sub/client.crt", "CRT-FROM-FILE", false, NULL, 0);
	put(d, "sub/client.key", "KEY-FROM-FILE", false, NULL, 0);
	put(d, "sub/token", "token-from-file\n", false, NULL, 0);
	put(d, "sub/config",
	    "clusters:\n"
	    "- name: files\n"
	    "  cluster:\n"
	    "    server: https://f.example\n"
	    "    certificate-authority: ca.pem\n"
	    "    tls-server-name: api.internal\n"
	    "- name: data\n"
	    "  cluster:\n"
	    "    server: https://d.example\n"
	    "    certificate-authority: nowhere.pem\n"
	    "    certificate-authority-data: REFUQS1DQQ==\n"
	    "users:\n"
	    "- name: files\n"
	    "  user:\n"
	    "    client-certificate: client.crt\n"
	    "    client-key: ./client.key\n"
	    "    tokenFile: token\n"
	    "contexts:\n"
	    "- name: files\n"
	    "  context: {cluster: files, user: files}\n"
	    "- name: data\n"
	    "  context: {cluster: data}\n", false, cfg, sizeof cfg);
	/* Load by a relative path from elsewhere. */
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(d->path), 0);
	kc = load_ok("sub/config");
	assert_int_equal(chdir(cwd), 0);
	c = ctx_ok(kc, "files");
	assert_string_equal((char *)c->cluster->ca, "CA-FROM-FILE\n");
	assert_int_equal(c->cluster->ca_len, 13);
	assert_string_equal(c->cluster->tls_server_name, "api.internal");
	assert_string_equal((char *)c->user->cert, "CRT-FROM-FILE");
	assert_string_equal((char *)c->user->key, "KEY-FROM-FILE");
	assert_string_equal(c->user->token, "token-from-file");
	assert_non_null(strstr(c->user->token_file, "/sub/token"));
	assert_true(c->user->token_file[0] == '/');
	c = ctx_ok(kc, "data");
	assert_string_equal((char *)c->cluster->ca, "DATA-CA");
	assert_null(c->user);
	kubeconfig_free(kc);

	/* In memory without a directory, a relative path is an error. */
	assert_int_equal(kubeconfig_load_string("stored", stored,
	    strlen(stored), NULL, &kc, &err), CM_OK);
	c = kubeconfig_find(kc, "c");
	assert_int_equal(c->err.status, CM_VALIDATION);
	assert_string_equal(c->err.msg, "stored:5:28: relative path "
	    "\"ca.pem\" cannot be resolved here: use an absolute path or the "
	    "-data field");
	kubeconfig_free(kc);
}

static const char config_broken[] =
    "clusters:\n"
    "- name: c1\n"
    "  cluster:\n"
    "    server: https://c1.example\n"
    "- name: c2\n"
    "  cluster:\n"
    "    server: https://c2.example\n"
    "    certificate-authority-data: \"not base64!\"\n"
    "- name: c3\n"
    "  cluster:\n"
    "    certificate-authority-data: Q0E=\n"
    "users:\n"
    "- name: u1\n"
    "  user:\n"
    "    token: t1\n"
    "- name: u2\n"
    "  user:\n"
    "    client-certificate-data: Q0U=\n"
    "contexts:\n"
    "- name: good\n"
    "  context: {cluster: c1, user: u1, namespace: ns1}\n"
    "- name: bad-ca\n"
    "  context: {cluster: c2, user: u1}\n"
    "- name: no-server\n"
    "  context: {cluster: c3}\n"
    "- name: half-cert\n"
    "  context: {cluster: c1, user: u2}\n"
    "- name: ghost-user\n"
    "  context: {cluster: c1, user: nobody}\n"
    "- name: ghost-cluster\n"
    "  context:\n"
    "    cluster: nowhere\n"
    "- context: {cluster: c1}\n";

/* A file with broken entries: each broken context says why with
 * file:line:column, and the good one stays usable. */
static void
test_bad_entries(void **state)
{
	struct tdir *d = *state;
	char path[PATH_LEN], want[MSG_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;

	put(d, "broken.yaml", config_broken, false, path, sizeof path);
	kc = load_ok(path);
	assert_int_equal(kc->ncontexts, 6);
	c = ctx_ok(kc, "good");
	assert_string_equal(c->namespace, "ns1");
	assert_string_equal(c->user->token, "t1");
	c = kubeconfig_find(kc, "bad-ca");
	snprintf(want, sizeof want, "%s:8:33: cluster \"c2\": "
	    "certificate-authority-data is not valid base64", path);
	assert_string_equal(c->err.msg, want);
	assert_null(c->cluster);
	c = kubeconfig_find(kc, "no-server");
	snprintf(want, sizeof want, "%s:11:5: cluster \"c3\" has no server",
	    path);
	assert_string_equal(c->err.msg, want);
	c = kubeconfig_find(kc, "half-cert");
	snprintf(want, sizeof want, "%s:18:5: user \"u2\": a client "
	    "certificate needs a client key and the other way round", path);
	assert_string_equal(c->err.msg, want);
	c = kubeconfig_find(kc, "ghost-user");
	snprintf(want, sizeof want, "%s:29:32: context \"ghost-user\": user "
	    "\"nobody\" is not defined", path);
	assert_string_equal(c->err.msg, want);
	c = kubeconfig_find(kc, "ghost-cluster");
	snprintf(want, sizeof want, "%s:32:14: context \"ghost-cluster\": "
	    "cluster \"nowhere\" is not defined", path);
	assert_string_equal(c->err.msg, want);
	snprintf(want, sizeof want, "%s:33:3: a context entry has no name",
	    path);
	assert_true(has_problem(kc, want));
	kubeconfig_free(kc);
}

/* A file with a syntax error, or cut short, keeps the contexts before
 * the bad line; the error names file:line:column. */
static void
test_partial_file(void **state)
{
	struct tdir *d = *state;
	char path[PATH_LEN], good[PATH_LEN], list[4 * PATH_LEN];
	char want[MSG_LEN];
	struct kubeconfig *kc;
	const struct kube_context *c;
	struct cm_err err;

	put(d, "partial.yaml",
	    "clusters:\n"
	    "- name: c1\n"
	    "  cluster:\n"
	    "    server: https://c1.example\n"
	    "users:\n"
	    "- name: u1\n"
	    "  user: {token: t1}\n"
	    "contexts:\n"
	    "- name: first\n"
	    "  context: {cluster: c1, user: u1}\n"
	    "- name: second\n"
	    "  context: {cluster: c1, user: u1\n"
	    "- name: third\n"
	    "  context: {cluster: c1}\n", false, path, sizeof path);
	kc = load_ok(path);
	c = ctx_ok(kc, "first");
	assert_string_equal(c->user->token, "t1");
	assert_null(kubeconfig_find(kc, "third"));
	assert_true(kc->nproblems >= 1);
	snprintf(want, sizeof want, "%s:13:7: did not find expected ',' or "
	    "'}'", path);
	assert_string_equal(kc->problems[0].msg, want);
	kubeconfig_free(kc);

	/* Cut in the middle of an entry: what came before still works. */
	put(d, "cut.yaml",
	    "clusters:\n"
	    "- name: c1\n"
	    "  cluster:\n"
	    "    server: https://c1.example\n"
	    "contexts:\n"
	    "- name: early\n"
	    "  context:\n"
	    "    cluster: c1\n"
	    "- name: late\n"
	    "  context:\n"
	    "    cluster: c1\n"
	    "    user: \"u", false, path, sizeof path);
	kc = load_ok(path);
	ctx_ok(kc, "early");
	assert_int_equal(kc->problems[0].status, CM_VALIDATION);
	snprintf(want, sizeof want, "%s:12:", path);
	assert_memory_equal(kc->problems[0].msg, want, strlen(want));
	kubeconfig_free(kc);

	/* A file broken from its first line, next to a good one: the good
	 * file's contexts are usable and the bad file is a problem. */
	put(d, "hopeless.yaml", "{{{:\n", false, path, sizeof path);
	put(d, "good.yaml", config_a, false, good, sizeof good);
	snprintf(list, sizeof list, "%s:%s", path, good);
	kc = load_ok(list);
	ctx_ok(kc, "x");
	assert_int_equal(kc->nproblems, 1);
	snprintf(want, sizeof want, "%s:1:", path);
	assert_memory_equal(kc->problems[0].msg, want, strlen(want));
	kubeconfig_free(kc);

	/* Alone, it fails the load with the same message. */
	assert_int_equal(kubeconfig_load(path, &kc, &err), CM_VALIDATION);
	assert_null(kc);
	assert_memory_equal(err.msg, want, strlen(want));

	/* Not a list where one belongs. */
	put(d, "shape.yaml", "contexts: {name: x}\nclusters: 3\n", false,
	    path, sizeof path);
	assert_int_equal(kubeconfig_load(path, &kc, &err), CM_VALIDATION);
	snprintf(want, sizeof want, "%s:2:11: clusters must be a list", path);
	assert_string_equal(err.msg, want);

	/* Nothing at all. */
	snprintf(list, sizeof list, "%s/none.yaml:%s/none2.yaml", d->path,
	    d->path);
	assert_int_equal(kubeconfig_load(list, &kc, &err), CM_NOT_FOUND);
	assert_non_null(strstr(err.msg, "no kubeconfig found at"));
}

/* Exec stanzas: versions and interactive modes are checked at load. */
static void
test_exec_config_errors(void **state)
{
	struct kubeconfig *kc;
	const struct kube_context *c;
	struct cm_err err;
	static const char text[] =
	    "clusters:\n- name: c\n  cluster: {server: https://x}\n"
	    "users:\n"
	    "- name: old\n"
	    "  user:\n"
	    "    exec: {command: p, apiVersion: "
	    "client.authentication.k8s.io/v1alpha1}\n"
	    "- name: v1-no-mode\n"
	    "  user:\n"
	    "    exec: {command: p, apiVersion: "
	    "client.authentication.k8s.io/v1}\n"
	    "- name: weird-mode\n"
	    "  user:\n"
	    "    exec: {command: p, apiVersion: "
	    "client.authentication.k8s.io/v1, interactiveMode: Sometimes}\n"
	    "- name: no-command\n"
	    "  user:\n"
	    "    exec: {apiVersion: client.authentication.k8s.io/v1beta1}\n"
	    "contexts:\n"
	    "- {name: old, context: {cluster: c, user: old}}\n"
	    "- {name: v1-no-mode, context: {cluster: c, user: v1-no-mode}}\n"
	    "- {name: weird-mode, context: {cluster: c, user: weird-mode}}\n"
	    "- {name: no-command, context: {cluster: c, user: no-command}}\n";

	assert_int_equal(kubeconfig_load_string("t.yaml", text,
	    strlen(text), NULL, &kc, &err), CM_OK);
	c = kubeconfig_find(kc, "old");
	assert_string_equal(c->err.msg, "t.yaml:7:36: user \"old\": exec "
	    "apiVersion must be client.authentication.k8s.io/v1 or v1beta1 "
	    "(v1alpha1 is no longer supported)");
	c = kubeconfig_find(kc, "v1-no-mode");
	assert_string_equal(c->err.msg, "t.yaml:10:11: user \"v1-no-mode\": "
	    "exec interactiveMode must be set for "
	    "client.authentication.k8s.io/v1");
	c = kubeconfig_find(kc, "weird-mode");
	assert_non_null(strstr(c->err.msg, "t.yaml:13:86: user "
	    "\"weird-mode\": exec interactiveMode must be Never"));
	c = kubeconfig_find(kc, "no-command");
	assert_string_equal(c->err.msg, "t.yaml:16:11: user \"no-command\": "
	    "exec has no command");
	kubeconfig_free(kc);
}

/* The plugin script: counts its runs, records what it was given and
 * prints a token numbered by the run, valid until 2030. */
static const char plugin_sh[] =
    "#!/bin/sh\n"
    "echo run >> \"$COUNT_FILE\"\n"
    "n=$(wc -l < \"$COUNT_FILE\" | tr -d ' ')\n"
    "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$INFO_FILE\"\n"
    "printf '%s\\n' \"$@\" > \"$ARGS_FILE\"\n"
    "cat <<EOF\n"
    "{\"apiVersion\": \"client.authentication.k8s.io/v1\",\n"
    " \"kind\": \"ExecCredential\",\n"
    " \"status\": {\"token\": \"tok-$n\",\n"
    "  \"expirationTimestamp\": \"2030-01-01T00:00:00Z\"}}\n"
    "EOF\n";

/* Read a small file into buf ("" when absent). */
static const char *
slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, len - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

/* Load a one-context kubeconfig whose user runs an exec stanza. */
static struct kubeconfig *
exec_config(const struct tdir *d, const char *exec_yaml)
{
	char path[PATH_LEN], *text;
	struct kubeconfig *kc;

	text = NULL;
	assert_true(asprintf(&text,
	    "clusters:\n"
	    "- name: c\n"
	    "  cluster:\n"
	    "    server: https://exec.example:6443\n"
	    "    certificate-authority-data: Q0EtREFUQQ==\n"
	    "users:\n"
	    "- name: u\n"
	    "  user:\n"
	    "    exec:\n"
	    "%s"
	    "      env:\n"
	    "      - {name: COUNT_FILE, value: %s/count}\n"
	    "      - {name: INFO_FILE, value: %s/info}\n"
	    "      - {name: ARGS_FILE, value: %s/args}\n"
	    "contexts:\n"
	    "- name: e\n"
	    "  context: {cluster: c, user: u}\n", exec_yaml, d->path, d->path,
	    d->path) > 0);
	put(d, "exec.yaml", text, false, path, sizeof path);
	free(text);
	kc = load_ok(path);
	ctx_ok(kc, "e");
	return kc;
}

/* An exec plugin runs with its args, env and KUBERNETES_EXEC_INFO; its
 * token is cached until expirationTimestamp, and run again after that
 * or when invalidated (a 401). */
static void
test_exec_plugin_cache(void **state)
{
	struct tdir *d = *state;
	struct kubeconfig *kc;
	const struct kube_context *c;
	const struct kube_cred *cred;
	struct execcred *ec;
	struct cm_err err;
	char path[PATH_LEN], buf[4096];
	int64_t before = 1893455000000LL, after = 1893456000001LL;

	put(d, "plugin.sh", plugin_sh, true, NULL, 0);
	kc = exec_config(d,
	    "      command: ./plugin.sh\n"
	    "      apiVersion: client.authentication.k8s.io/v1\n"
	    "      interactiveMode: Never\n"
	    "      provideClusterInfo: true\n"
	    "      args: [get-token, --cluster, \"two words\"]\n");
	c = kubeconfig_find(kc, "e");
	ec = execcred_new(c->user->exec, c->cluster, 5000);
	assert_int_equal(execcred_runs(ec), 0);
	assert_int_equal(execcred_get(ec, before, &cred, &err), CM_OK);
	assert_string_equal(cred->token, "tok-1");
	assert_int_equal(cred->expiry_ms, 1893456000000LL);
	assert_int_equal(execcred_get(ec, before + 1000, &cred, &err), CM_OK);
	assert_string_equal(cred->token, "tok-1");
	assert_int_equal(execcred_runs(ec), 1);
	/* Past the expiry: run again. */
	assert_int_equal(execcred_get(ec, after, &cred, &err), CM_OK);
	assert_string_equal(cred->token, "tok-2");
	assert_int_equal(execcred_runs(ec), 2);
	/* The server refused it: run again. */
	execcred_invalidate(ec);
	assert_int_equal(execcred_get(ec, before, &cred, &err), CM_OK);
	assert_string_equal(cred->token, "tok-3");
	assert_int_equal(execcred_runs(ec), 3);
	snprintf(path, sizeof path, "%s/args", d->path);
	assert_string_equal(slurp(path, buf, sizeof buf),
	    "get-token\n--cluster\ntwo words\n");
	snprintf(path, sizeof path, "%s/info", d->path);
	assert_string_equal(slurp(path, buf, sizeof buf),
	    "{\"kind\":\"ExecCredential\",\"apiVersion\":"
	    "\"client.authentication.k8s.io/v1\",\"spec\":{\"interactive\":"
	    "false,\"cluster\":{\"server\":\"https://exec.example:6443\","
	    "\"certificate-authority-data\":\"Q0EtREFUQQ==\"}}}");
	execcred_free(ec);
	kubeconfig_free(kc);
}

/* interactiveMode Always is refused with a clear message, and the
 * plugin is never started. */
static void
test_exec_interactive_always(void **state)
{
	struct tdir *d = *state;
	struct kubeconfig *kc;
	const struct kube_context *c;
	const struct kube_cred *cred;
	struct execcred *ec;
	struct cm_err err;
	char path[PATH_LEN];

	put(d, "plugin.sh", plugin_sh, true, NULL, 0);
	kc = exec_config(d,
	    "      command: ./plugin.sh\n"
	    "      apiVersion: client.authentication.k8s.io/v1beta1\n"
	    "      interactiveMode: Always\n");
	c = kubeconfig_find(kc, "e");
	assert_int_equal(c->user->exec->interactive, KUBE_INTERACTIVE_ALWAYS);
	ec = execcred_new(c->user->exec, c->cluster, 5000);
	assert_int_equal(execcred_get(ec, time_now_ms(), &cred, &err),
	    CM_UNAUTHORIZED);
	assert_null(cred);
	assert_non_null(strstr(err.msg, "needs an interactive terminal"));
	assert_non_null(strstr(err.msg, "plugin.sh"));
	assert_int_equal(execcred_runs(ec), 0);
	snprintf(path, sizeof path, "%s/count", d->path);
	assert_int_equal(access(path, F_OK), -1);
	execcred_free(ec);
	kubeconfig_free(kc);
}

/* Plugins that fail, are missing, hang or print nonsense give errors
 * that say so, and nothing is cached. */
static void
test_exec_failures(void **state)
{
	struct tdir *d = *state;
	struct kube_exec e;
	const struct kube_cred *cred;
	struct execcred *ec;
	struct cm_err err;
	char cmd[PATH_LEN];
	int64_t t0;

	memset(&e, 0, sizeof e);
	e.api_version = "client.authentication.k8s.io/v1";
	e.interactive = KUBE_INTERACTIVE_NEVER;
	e.command = cmd;

	put(d, "fail.sh", "#!/bin/sh\necho 'boom: no login' >&2\nexit 3\n",
	    true, cmd, sizeof cmd);
	ec = execcred_new(&e, NULL, 5000);
	assert_int_equal(execcred_get(ec, 0, &cred, &err), CM_UNAUTHORIZED);
	assert_non_null(strstr(err.msg, "failed with exit code 3: boom: no "
	    "login"));
	assert_int_equal(execcred_get(ec, 0, &cred, &err), CM_UNAUTHORIZED);
	assert_int_equal(execcred_runs(ec), 2);
	execcred_free(ec);

	e.command = "cm-no-such-plugin";
	e.install_hint = "install cm-no-such-plugin from your cloud's docs";
	ec = execcred_new(&e, NULL, 5000);
	assert_int_equal(execcred_get(ec, 0, &cred, &err), CM_UNAUTHORIZED);
	assert_string_equal(err.msg, "exec plugin \"cm-no-such-plugin\" not "
	    "found: install cm-no-such-plugin from your cloud's docs");
	execcred_free(ec);
	e.install_hint = NULL;

	put(d, "hang.sh", "#!/bin/sh\nsleep 30\n", true, cmd, sizeof cmd);
	e.command = cmd;
	ec = execcred_new(&e, NULL, 300);
	t0 = time_mono_ms();
	assert_int_equal(execcred_get(ec, 0, &cred, &err), CM_UNAUTHORIZED);
	assert_true(time_mono_ms() - t0 < 5000);
	assert_non_null(strstr(err.msg, "timed out after 300 ms"));
	execcred_free(ec);

	put(d, "junk.sh", "#!/bin/sh\necho 'Please open a browser'\n", true,
	    cmd, sizeof cmd);
	ec = execcred_new(&e, NULL, 5000);
	assert_int_equal(execcred_get(ec, 0, &cred, &err), CM_UNAUTHORIZED);
	assert_non_null(strstr(err.msg, "did not print an ExecCredential"));
	assert_non_null(strstr(err.msg, "junk.sh"));
	execcred_free(ec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_fixture_cert_data),
		cmocka_unit_test(test_fixture_token),
		cmocka_unit_test(test_fixture_exec),
		cmocka_unit_test(test_fixture_exec_credential),
		cmocka_unit_test(test_exec_credential_parse),
		cmocka_unit_test_setup_teardown(test_merge, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_relative_paths_and_data,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_entries, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_partial_file, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_exec_config_errors),
		cmocka_unit_test_setup_teardown(test_exec_plugin_cache,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_exec_interactive_always,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_exec_failures, setup_dir,
		    teardown_dir),
	};

	return cmocka_run_group_tests_name("kubeconfig", tests, NULL, NULL);
}
