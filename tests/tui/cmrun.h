/*
 * cmrun.h - start the `cm` console on a pty for screen tests.
 *
 * Each screen test gives the console its own home: cmrun_write_config()
 * writes the one-context config pointing at a test hub, and cmrun_spawn()
 * runs cm under vt_spawn() with HOME, XDG_CONFIG_HOME and XDG_STATE_HOME
 * inside that home plus the test's own environment and arguments.
 *
 * Not here: starting the hub (tests/api/harness.h) or a simulator, the
 * masks a particular screen needs beyond the common ones, and configs
 * with several contexts (tests write those themselves).
 */
#ifndef CM_TESTS_TUI_CMRUN_H
#define CM_TESTS_TUI_CMRUN_H

#include "tests/tui/vt.h"

/* The cm under test: $CM, else ./cm (borrowed, static). */
const char *cmrun_path(void);

/*
 * Write home/config/clustermaster/config.yaml: context "demo" on hub url
 * as admin@demo.test, refresh 1s, no first-run tour offer.
 */
void cmrun_write_config(const char *home, const char *url);

/*
 * Run cm at rows x cols with its home in home; env and args are
 * NULL-terminated (either may be NULL; a NULL entry ends them early) and
 * come after the home variables and after the program.  Asserts it ran.
 */
struct vt *cmrun_spawn(int rows, int cols, const char *home,
    const char *const env[], const char *const args[]);

/*
 * Mask what changes from run to run against a demo hub, not from change
 * to change: dates, clock, ages, the hub's port, whether the event
 * stream is up yet.
 */
void cmrun_mask_common(struct vt *vt);

/* Press Q, assert cm exits 0 within wait_ms, and free vt. */
void cmrun_quit(struct vt *vt, int wait_ms);

#endif
