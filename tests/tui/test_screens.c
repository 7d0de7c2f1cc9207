/*
 * test_screens.c - the console on a real terminal: `cm` runs on a pty
 * rendered by libvterm at 80x24 and 120x40, against a real cmhubd on
 * loopback, driven by keys, and whole screens are compared with the
 * golden files in tests/screens/ (CM_UPDATE_GOLDEN=1 rewrites them).
 *
 * Volatile text is masked before comparing: ages and the clock (the
 * console's clock is frozen with CM_FAKE_NOW, but the demo data is
 * seeded at real time) and the hub's port.  Tests run in order on one
 * hub; the ones that change data (ack) come last.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/api/harness.h"
#include "tests/tui/cmrun.h"
#include "tests/tui/vt.h"

#define WAIT_MS 15000

static struct api_server *srv;
static char home[300];
static char fake_now[32];

static int
setup(void **state)
{
	srv = api_server_start();
	snprintf(home, sizeof home, "%s/console", srv->dir);
	mkdir(home, 0700);
	cmrun_write_config(home, srv->url);
	snprintf(fake_now, sizeof fake_now, "CM_FAKE_NOW=%lld",
	    (long long)time(NULL));
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	return 0;
}

/* Start cm at rows x cols with the test's config and state; extra env
 * and args may be NULL. */
static struct vt *
start_cm(int rows, int cols, const char *extra_env, const char *arg)
{
	const char *env[] = { fake_now, "TERM=xterm-256color", "LANG=C.UTF-8",
	    "TZ=UTC", extra_env, NULL };
	const char *args[] = { arg, NULL };
	struct vt *vt = cmrun_spawn(rows, cols, home, env, args);

	cmrun_mask_common(vt);
	return vt;
}

/* First start: no session, so the login form; logging in shows the
 * dashboard and saves the session for the next start. */
static void
test_first_start_login(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, NULL);

	vt_expect_text(vt, "Password", WAIT_MS);
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "login-80x24");
	vt_send_text(vt, "wrong-password");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "invalid email or password", WAIT_MS);
	/* The password field is masked: the typed text is nowhere. */
	assert_false(vt_screen_contains(vt, "wrong-password"));
	vt_send_keys(vt, "C-u");
	vt_send_text(vt, srv->admin_password);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_expect_text(vt, "logged in to", WAIT_MS);
	/* The toast goes after a few seconds, the dashboard stays. */
	assert_true(vt_wait_gone(vt, "logged in to", WAIT_MS));
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "dashboard-80x24");
	cmrun_quit(vt, WAIT_MS);
}

/* The dashboard uses a big terminal's room. */
static void
test_dashboard_120x40(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL, NULL);

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_expect_text(vt, "platform-admin", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "dashboard-120x40");
	cmrun_quit(vt, WAIT_MS);
}

/* `:` completes commands; `/` filters as you type; sort moves. */
static void
test_command_filter_sort(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, NULL);

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, ": c l Tab");
	vt_expect_text(vt, ":clusters", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "dashboard  \xe2\x80\xba  clusters", WAIT_MS);
	vt_send_keys(vt, "/ p r o d");
	vt_expect_text(vt, "/prod", WAIT_MS);
	assert_true(vt_wait_gone(vt, "dev-sandbox", WAIT_MS));
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "clusters-filter-80x24");
	/* Esc restores the previous (empty) filter. */
	vt_send_keys(vt, "Escape");
	vt_expect_text(vt, "dev-sandbox", WAIT_MS);
	/* Sort by NAME (column 2), then reverse it. */
	vt_send_keys(vt, "2");
	vt_expect_text(vt, "NAME\xe2\x96\xb2", WAIT_MS);
	vt_send_keys(vt, "<");
	vt_expect_text(vt, "NAME\xe2\x96\xbc", WAIT_MS);
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "clusters-sorted-desc-80x24");
	/* A regex filter, inverted. */
	vt_send_keys(vt, "/ ! /");
	vt_send_text(vt, "^(prod|dc)-/");
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "prod-eu-west", WAIT_MS));
	assert_true(vt_wait_gone(vt, "dc-frankfurt", WAIT_MS));
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	assert_true(vt_screen_contains(vt, "staging-eu"));
	assert_true(vt_screen_contains(vt, "identity-aks"));
	assert_false(vt_screen_contains(vt, "dc-amsterdam"));
	cmrun_quit(vt, WAIT_MS);
}

/* Enter drills into a cluster (info, alerts, history); Esc comes back. */
static void
test_drill_down_and_back(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL, NULL);

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, ": c l u s t e r s Enter");
	vt_expect_text(vt, "clusters", WAIT_MS);
	vt_send_keys(vt, "/");
	vt_send_text(vt, "dc-amsterdam");
	vt_send_keys(vt, "Enter");
	assert_true(vt_wait_gone(vt, "staging-eu", WAIT_MS));
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "etcd member etcd-2 has no leader", WAIT_MS);
	vt_expect_text(vt, "registered", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "cluster-detail-120x40");
	vt_send_keys(vt, "Escape");
	assert_true(vt_wait_gone(vt, "etcd member etcd-2", WAIT_MS));
	vt_expect_text(vt, "REGION", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* `?` shows every key of the live keymap; Esc closes it. */
static void
test_help(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, NULL);

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, "?");
	vt_expect_text(vt, "Move down one row", WAIT_MS);
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "help-80x24");
	vt_send_keys(vt, "Escape");
	assert_true(vt_wait_gone(vt, "Move down one row", WAIT_MS));
	cmrun_quit(vt, WAIT_MS);
}

/* Resizing redraws; too small says so; growing again recovers. */
static void
test_resize(void **state)
{
	struct vt *vt = start_cm(40, 120, NULL, NULL);

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_resize(vt, 20, 60);
	vt_expect_text(vt, "Terminal too small", WAIT_MS);
	assert_true(vt_screen_contains(vt, "need at least 80x24"));
	vt_resize(vt, 24, 80);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	assert_false(vt_screen_contains(vt, "Terminal too small"));
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "dashboard-80x24");
	cmrun_quit(vt, WAIT_MS);
}

/* NO_COLOR: no colour anywhere, the selection still visible (reverse). */
static void
test_monochrome(void **state)
{
	struct vt *vt = start_cm(24, 80, "NO_COLOR=1", NULL);
	struct vt_attrs at;
	int row, col, r, c;

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	for (r = 0; r < 24; r++) {
		for (c = 0; c < 80; c++) {
			assert_true(vt_cell_attrs(vt, r, c, &at));
			if (at.fg != VT_COLOR_DEFAULT ||
			    at.bg != VT_COLOR_DEFAULT)
				fail_msg("colour at %d,%d with NO_COLOR", r,
				    c);
		}
	}
	assert_true(vt_find_text(vt, "\xe2\x96\xb6", &row, &col));
	assert_true(vt_cell_attrs(vt, row, col + 3, &at));
	assert_true(at.reverse);
	cmrun_quit(vt, WAIT_MS);
}

/* --readonly hides ack/resolve from the hints and refuses them. */
static void
test_readonly(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, "--readonly");

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	assert_false(vt_screen_contains(vt, "alert-ack"));
	vt_send_keys(vt, "a");
	vt_expect_text(vt, "read-only", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* A context marked read-only in the config refuses changes on its own. */
static void
test_context_readonly(void **state)
{
	char path[400];
	FILE *fp;
	struct vt *vt;

	snprintf(path, sizeof path, "%s/config/clustermaster/config.yaml",
	    home);
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("    read-only: true\n", fp);
	fclose(fp);
	vt = start_cm(24, 80, NULL, NULL);
	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	assert_false(vt_screen_contains(vt, "alert-ack"));
	vt_send_keys(vt, "a");
	vt_expect_text(vt, "read-only", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
	cmrun_write_config(home, srv->url);
}

/* Write text to $home/config/clustermaster/<rel>, or remove it (NULL). */
static void
put_user_file(const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/config/clustermaster/%s", home, rel);
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

/* A bad theme and a bad keymap never stop the console: it names the
 * file, line and column and runs on the built-in defaults. */
static void
test_bad_theme_and_keymap(void **state)
{
	struct vt *vt;

	put_user_file("themes/default.yaml",
	    "name: default\nroles:\n  header: { fg: no-such-colour }\n");
	put_user_file("keymaps/default.yaml",
	    "bindings:\n  up: [k]\n  jump-around: [x]\n");
	vt = start_cm(24, 80, NULL, NULL);
	vt_expect_text(vt, "themes/default.yaml:3:", WAIT_MS);
	vt_expect_text(vt, "staging-eu", WAIT_MS);
	/* The built-in keymap still works: j moves down. */
	vt_send_keys(vt, ": c l u s t e r s Enter");
	vt_expect_text(vt, "REGION", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
	put_user_file("themes/default.yaml", NULL);
	vt = start_cm(24, 80, NULL, NULL);
	vt_expect_text(vt, "keymaps/default.yaml:3:", WAIT_MS);
	assert_true(vt_screen_contains(vt, "jump-around"));
	cmrun_quit(vt, WAIT_MS);
	put_user_file("keymaps/default.yaml", NULL);
}

/* Start a hub process on the same data dir and port (after a stop). */
static pid_t
restart_hub(const char *url)
{
	const char *port = strrchr(url, ':') + 1;
	char listen[64];
	pid_t pid;
	int fd;

	snprintf(listen, sizeof listen, "127.0.0.1:%s", port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(getenv("CMHUBD") ? getenv("CMHUBD") : "./cmhubd",
		    "cmhubd", "serve", "--data", srv->data_dir, "--listen",
		    listen, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The hub goes away: the data stays with a banner; it comes back. */
static void
test_hub_away_and_back(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, NULL);
	int st;
	pid_t hub;

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	kill(srv->pid, SIGTERM);
	waitpid(srv->pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	vt_expect_text(vt, "hub unreachable", WAIT_MS);
	/* The last good data is still on screen. */
	assert_true(vt_screen_contains(vt, "staging-eu"));
	assert_true(vt_wait_stable(vt, 200, WAIT_MS));
	vt_assert_golden(vt, "hub-unreachable-80x24");
	hub = restart_hub(srv->url);
	assert_true(vt_wait_gone(vt, "hub unreachable", 40000));
	assert_true(vt_screen_contains(vt, "staging-eu"));
	cmrun_quit(vt, WAIT_MS);
	/* Hand the restarted hub to the harness so teardown stops it. */
	srv->pid = hub;
}

/* `a` acknowledges the selected alert in the hub. */
static void
test_ack_alert(void **state)
{
	struct vt *vt = start_cm(24, 80, NULL, NULL);
	long long before = api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "cluster_alerts WHERE acknowledged_at IS NOT NULL");

	vt_expect_text(vt, "staging-eu", WAIT_MS);
	vt_send_keys(vt, ": a l e r t s Enter");
	vt_expect_text(vt, "MESSAGE", WAIT_MS);
	vt_send_keys(vt, "j");
	vt_send_keys(vt, "a");
	vt_expect_text(vt, "alert acknowledged", WAIT_MS);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "cluster_alerts WHERE acknowledged_at IS NOT NULL"), before + 1);
	cmrun_quit(vt, WAIT_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_start_login),
		cmocka_unit_test(test_dashboard_120x40),
		cmocka_unit_test(test_command_filter_sort),
		cmocka_unit_test(test_drill_down_and_back),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_monochrome),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_context_readonly),
		cmocka_unit_test(test_bad_theme_and_keymap),
		cmocka_unit_test(test_hub_away_and_back),
		cmocka_unit_test(test_ack_alert),
	};

	return cmocka_run_group_tests_name("screens", tests, setup,
	    teardown);
}
