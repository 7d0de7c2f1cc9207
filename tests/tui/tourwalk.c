/*
 * tourwalk.c - the shared part of the guided-tour screen tests: the
 * demo hub, the console home, cm on a pty and the moves of a walk.  See
 * tourwalk.h.
 *
 * The masks hide what moves on its own (clocks, ages, the loopback
 * port, the live header), so goldens compare what a tour shows.
 */
#include "config.h"

#include "tests/tui/tourwalk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

struct api_server *tourwalk_srv;
static char tourwalk_dir[300];
static char tourwalk_now[32];

static const char *
tourwalk_cm(void)
{
	const char *p = getenv("CM");

	return p != NULL ? p : "./cm";
}

const char *
tourwalk_home(void)
{
	return tourwalk_dir;
}

void
tourwalk_put_file(const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/config/clustermaster/%s",
	    tourwalk_dir, rel);
	if (text == NULL) {
		unlink(path);
		return;
	}
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0700);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

void
tourwalk_setup(const char *const *hub_args)
{
	char path[400], cfg[600];

	tourwalk_srv = api_server_start_args(hub_args);
	snprintf(tourwalk_dir, sizeof tourwalk_dir, "%s/console",
	    tourwalk_srv->dir);
	mkdir(tourwalk_dir, 0700);
	snprintf(path, sizeof path, "%s/config", tourwalk_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/clustermaster", tourwalk_dir);
	mkdir(path, 0700);
	/* The first-run offer stays on (the default): it is tested. */
	snprintf(cfg, sizeof cfg, "current-context: demo\nrefresh: 1s\n"
	    "contexts:\n  demo:\n    hub: %s\n    user: admin@demo.test\n",
	    tourwalk_srv->url);
	tourwalk_put_file("config.yaml", cfg);
	snprintf(tourwalk_now, sizeof tourwalk_now, "CM_FAKE_NOW=%lld",
	    (long long)time(NULL));
}

void
tourwalk_teardown(void)
{
	api_server_stop(tourwalk_srv);
	tourwalk_srv = NULL;
}

char *
tourwalk_post_id(const char *path, const char *body)
{
	char *token = api_admin_token(tourwalk_srv), *id = NULL;
	struct api_resp *r = api_call(tourwalk_srv, "POST", path, token,
	    body);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, "id");

	if (r->status == 201 && cJSON_IsString(v))
		id = strdup(v->valuestring);
	else
		print_message("POST %s: %ld %s\n", path, r->status, r->body);
	api_resp_free(r);
	free(token);
	return id;
}

struct vt *
tourwalk_start_cm(int rows, int cols, const char *extra_env,
    const char *arg1, const char *arg2)
{
	char e_home[400], e_cfg[400], e_state[400];
	char *envp[12];
	char *argv[5];
	int n = 0, a = 0;
	struct vt *vt;

	snprintf(e_home, sizeof e_home, "HOME=%s", tourwalk_dir);
	snprintf(e_cfg, sizeof e_cfg, "XDG_CONFIG_HOME=%s/config",
	    tourwalk_dir);
	snprintf(e_state, sizeof e_state, "XDG_STATE_HOME=%s/state",
	    tourwalk_dir);
	envp[n++] = e_home;
	envp[n++] = e_cfg;
	envp[n++] = e_state;
	envp[n++] = tourwalk_now;
	envp[n++] = "TZ=UTC";
	envp[n++] = "KUBECONFIG";
	if (extra_env != NULL)
		envp[n++] = (char *)extra_env;
	envp[n] = NULL;
	argv[a++] = (char *)tourwalk_cm();
	if (arg1 != NULL)
		argv[a++] = (char *)arg1;
	if (arg2 != NULL)
		argv[a++] = (char *)arg2;
	argv[a] = NULL;
	vt = vt_spawn(rows, cols, argv, envp);
	assert_non_null(vt);
	vt_mask(vt, "[0-9]{4}-[0-9]{2}-[0-9]{2}", "YYYY-MM-DD");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}:[0-9]{2}", "HH:MM:SS");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}", "HH:MM");
	vt_mask(vt, "\\<[0-9]{2}-[0-9]{2} ", "MM-DD ");
	vt_mask(vt, " *\\<[0-9]+[smhd]\\>", " <t>");
	vt_mask(vt, "127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
	/* The live header moves with the hub's event stream, the metrics
	 * and what earlier tests did to alerts; the monochrome test checks
	 * the anchor in it cell by cell instead. */
	vt_mask(vt, " +(live \xe2\x80\xa2 )?updated .*$", " (updated)");
	vt_mask(vt, "^  ClusterMaster .*$", "  (header)");
	return vt;
}

void
tourwalk_quit(struct vt *vt)
{
	vt_send_keys(vt, "Q");
	assert_int_equal(vt_wait_exit(vt, TOURWALK_WAIT_MS), 0);
	vt_free(vt);
}

void
tourwalk_login(struct vt *vt)
{
	vt_expect_text(vt, "Password", TOURWALK_WAIT_MS);
	vt_send_text(vt, tourwalk_srv->admin_password);
	vt_send_keys(vt, "Enter");
}

void
tourwalk_at_step(struct vt *vt, int n, int m)
{
	char want[32];

	snprintf(want, sizeof want, " %d/%d ", n, m);
	vt_expect_text(vt, want, TOURWALK_WAIT_MS);
}

void
tourwalk_golden_step(struct vt *vt, int n, int m, const char *golden)
{
	tourwalk_at_step(vt, n, m);
	assert_true(vt_wait_stable(vt, 300, TOURWALK_WAIT_MS));
	vt_assert_golden(vt, golden);
}

void
tourwalk_start_tour(struct vt *vt, const char *title)
{
	vt_send_keys(vt, ":");
	vt_send_text(vt, "tours");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "PROGRESS", TOURWALK_WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, title);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, title, TOURWALK_WAIT_MS);
	vt_send_keys(vt, "Enter");
}
