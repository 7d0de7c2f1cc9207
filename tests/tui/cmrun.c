/*
 * cmrun.c - start the `cm` console on a pty for screen tests.  See
 * cmrun.h.
 */
#include "config.h"

#include "tests/tui/cmrun.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#define CMRUN_ENV_MAX 16
#define CMRUN_ARG_MAX 8

const char *
cmrun_path(void)
{
	const char *p = getenv("CM");

	return p != NULL ? p : "./cm";
}

void
cmrun_write_config(const char *home, const char *url)
{
	char path[1100];
	FILE *fp;

	snprintf(path, sizeof path, "%s/config", home);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/clustermaster", home);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/clustermaster/config.yaml",
	    home);
	fp = fopen(path, "w");
	assert_non_null(fp);
	/* No first-run tour offer: these screens are not about tours. */
	fprintf(fp, "current-context: demo\nrefresh: 1s\ntour-offer: false\n"
	    "contexts:\n"
	    "  demo:\n    hub: %s\n    user: admin@demo.test\n", url);
	fclose(fp);
}

struct vt *
cmrun_spawn(int rows, int cols, const char *home, const char *const env[],
    const char *const args[])
{
	char e_home[1100], e_cfg[1100], e_state[1100];
	char *envp[CMRUN_ENV_MAX];
	char *argv[CMRUN_ARG_MAX];
	int n = 0, a = 0, i;
	struct vt *vt;

	snprintf(e_home, sizeof e_home, "HOME=%s", home);
	snprintf(e_cfg, sizeof e_cfg, "XDG_CONFIG_HOME=%s/config", home);
	snprintf(e_state, sizeof e_state, "XDG_STATE_HOME=%s/state", home);
	envp[n++] = e_home;
	envp[n++] = e_cfg;
	envp[n++] = e_state;
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		assert_true(n < CMRUN_ENV_MAX - 1);
		envp[n++] = (char *)env[i];
	}
	envp[n] = NULL;
	argv[a++] = (char *)cmrun_path();
	for (i = 0; args != NULL && args[i] != NULL; i++) {
		assert_true(a < CMRUN_ARG_MAX - 1);
		argv[a++] = (char *)args[i];
	}
	argv[a] = NULL;
	vt = vt_spawn(rows, cols, argv, envp);
	assert_non_null(vt);
	return vt;
}

void
cmrun_mask_common(struct vt *vt)
{
	vt_mask(vt, "[0-9]{4}-[0-9]{2}-[0-9]{2}", "YYYY-MM-DD");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}:[0-9]{2}", "HH:MM:SS");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}", "HH:MM");
	vt_mask(vt, "\\<[0-9]{2}-[0-9]{2} ", "MM-DD ");
	vt_mask(vt, " *\\<[0-9]+[smhd]\\>", " <t>");
	vt_mask(vt, "127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
	/* Whether the event stream is up yet when the screen is taken. */
	vt_mask(vt, " *(live \xe2\x80\xa2 )?updated", " updated");
}

void
cmrun_quit(struct vt *vt, int wait_ms)
{
	vt_send_keys(vt, "Q");
	assert_int_equal(vt_wait_exit(vt, wait_ms), 0);
	vt_free(vt);
}
