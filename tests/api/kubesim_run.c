/*
 * kubesim_run.c - a real cm-kubesim for tests.  See kubesim_run.h.
 */
#include "config.h"

#include "tests/api/kubesim_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend/xalloc.h"

#define KUBESIM_START_MS 15000

const char *
kubesim_path(void)
{
	const char *p = getenv("CM_KUBESIM");

	if (p == NULL || *p == '\0')
		p = "./cm-kubesim";
	return access(p, X_OK) == 0 ? p : NULL;
}

static long
kubesim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The first line of file once it is complete, within the deadline. */
static bool
kubesim_first_line(const char *file, pid_t pid, char *line, size_t len)
{
	long deadline = kubesim_now_ms() + KUBESIM_START_MS;
	struct timespec ts = { 0, 20 * 1000000L };
	FILE *fp;
	int st;

	while (kubesim_now_ms() < deadline) {
		fp = fopen(file, "r");
		if (fp != NULL) {
			if (fgets(line, (int)len, fp) != NULL &&
			    strchr(line, '\n') != NULL) {
				fclose(fp);
				return true;
			}
			fclose(fp);
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			return false;
		nanosleep(&ts, NULL);
	}
	return false;
}

bool
kubesim_start(struct kubesim *k, const char *dir, const char *name,
    const char *const *args)
{
	const char *bin = kubesim_path();
	char out[600], line[256];
	const char *argv[64];
	int n = 0, fd;
	size_t i;

	memset(k, 0, sizeof *k);
	if (bin == NULL) {
		fprintf(stderr, "cm-kubesim not found ($CM_KUBESIM)\n");
		return false;
	}
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->kubeconfig, sizeof k->kubeconfig, "%s/%s.kubeconfig", dir,
	    name);
	snprintf(out, sizeof out, "%s/%s.out", dir, name);
	argv[n++] = bin;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--cluster";
	argv[n++] = name;
	argv[n++] = "--kubeconfig-out";
	argv[n++] = k->kubeconfig;
	for (i = 0; args != NULL && args[i] != NULL && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	unlink(out);
	k->pid = fork();
	if (k->pid < 0)
		return false;
	if (k->pid == 0) {
		/* never outlive a test that failed before stopping us */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 1);
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0 && getenv("CM_TEST_VERBOSE") == NULL)
			dup2(fd, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (!kubesim_first_line(out, k->pid, line, sizeof line) ||
	    sscanf(line, "listening on %127s", k->url) != 1) {
		fprintf(stderr, "cm-kubesim did not start\n");
		kubesim_stop(k);
		return false;
	}
	return true;
}

int
kubesim_stop(struct kubesim *k)
{
	int st = 0;

	if (k->pid <= 0)
		return -1;
	kill(k->pid, SIGTERM);
	if (waitpid(k->pid, &st, 0) != k->pid)
		st = -1;
	k->pid = 0;
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct kubesim_buf {
	char *data;
	size_t len;
};

static size_t
kubesim_write(char *p, size_t size, size_t n, void *arg)
{
	struct kubesim_buf *b = arg;

	b->data = xrealloc(b->data, b->len + size * n + 1);
	memcpy(b->data + b->len, p, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

long
kubesim_get(const struct kubesim *k, const char *path, cJSON **out)
{
	struct kubesim_buf b = { NULL, 0 };
	char url[1024];
	long status = 0;
	CURL *c = curl_easy_init();

	if (out != NULL)
		*out = NULL;
	if (c == NULL)
		return 0;
	snprintf(url, sizeof url, "%s%s", k->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, kubesim_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (out != NULL && b.data != NULL)
		*out = cJSON_Parse(b.data);
	free(b.data);
	return status;
}

/* Read fd to the end into a new string. */
static char *
kubesim_slurp(int fd)
{
	struct kubesim_buf b = { xstrdup(""), 0 };
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno ==
	    EINTR))
		if (n > 0)
			kubesim_write(buf, 1, (size_t)n, &b);
	return b.data;
}

int
kubesim_run(char *const argv[], char *const env[], char **out, char **err)
{
	char tmpl_o[] = "/tmp/cm-run-outXXXXXX", tmpl_e[] =
	    "/tmp/cm-run-errXXXXXX";
	int fo = mkstemp(tmpl_o), fe = mkstemp(tmpl_e), st = 0;
	size_t i;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	unlink(tmpl_o);
	unlink(tmpl_e);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	if (out != NULL)
		*out = kubesim_slurp(fo);
	if (err != NULL)
		*err = kubesim_slurp(fe);
	close(fo);
	close(fe);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
kubesim_tmpdir(char *buf, size_t len)
{
	char tmpl[] = "/tmp/cm-kube-testXXXXXX";

	if (mkdtemp(tmpl) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		abort();
	}
	snprintf(buf, len, "%s", tmpl);
}

void
kubesim_rmdir(const char *dir)
{
	char *argv[] = { "/bin/rm", "-rf", (char *)dir, NULL };

	if (dir[0] != '\0' && strncmp(dir, "/tmp/", 5) == 0)
		kubesim_run(argv, NULL, NULL, NULL);
}
