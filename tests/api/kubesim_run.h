/*
 * kubesim_run.h - tests against a real cm-kubesim: start one on a
 * loopback port with a kubeconfig of its own, ask it things over HTTP,
 * run a program and capture what it prints, stop it cleanly.
 *
 * The simulator is $CM_KUBESIM (else ./cm-kubesim); kubesim_start()
 * returns false when it is not there, so a test can skip with a
 * message.  Its stdout goes to a file in the test's directory and the
 * first line, "listening on URL", is waited for with a deadline.
 */
#ifndef CM_TESTS_API_KUBESIM_RUN_H
#define CM_TESTS_API_KUBESIM_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

struct kubesim {
	pid_t pid;
	char url[128];		/* http://127.0.0.1:PORT */
	char kubeconfig[512];	/* DIR/NAME.kubeconfig */
	char name[64];		/* its cluster and context name */
};

/* The path of the simulator, or NULL when it is not built. */
const char *kubesim_path(void);

/*
 * Start a simulated cluster called name in dir with extra arguments
 * (NULL-terminated, may be NULL), e.g. "--nodes", "3", "--pods", "30".
 * False (with a message on stderr) when it cannot be started.
 */
bool kubesim_start(struct kubesim *k, const char *dir, const char *name,
    const char *const *args);

/* Stop it (SIGTERM) and wait; returns its exit status (0: clean), or
 * -1 when it was not running. */
int kubesim_stop(struct kubesim *k);

/* GET path; returns the HTTP status (0: no answer) and the parsed body
 * in *out (may be NULL; caller cJSON_Delete()s it). */
long kubesim_get(const struct kubesim *k, const char *path, cJSON **out);

/*
 * Run argv (argv[0] a path) with env (NULL-terminated "NAME=value"
 * additions, may be NULL), stdout and stderr captured in *out and *err
 * (caller frees; may be NULL).  Returns the exit status, 128+signal, or
 * -1 when it could not run.
 */
int kubesim_run(char *const argv[], char *const env[], char **out,
    char **err);

/* A fresh temporary directory for a test (caller removes it with
 * kubesim_rmdir); fails the test when it cannot be made. */
void kubesim_tmpdir(char *buf, size_t len);

/* Remove dir and everything in it. */
void kubesim_rmdir(const char *dir);

#endif
