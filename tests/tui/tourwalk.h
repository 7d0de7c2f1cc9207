/*
 * tourwalk.h - what the guided-tour screen tests share: a real demo
 * cmhubd with a console home (config, state) of its own, `cm` started
 * on a pty against it with the clock fixed and the live parts of the
 * screen masked, and the moves of a tour walk (start a tour from
 * :tours, wait for step n of m, compare a step with its golden).
 *
 * Not here: the walks themselves (test_screens_tours.c and
 * test_screens_tourdeploy.c).
 */
#ifndef CM_TESTS_TUI_TOURWALK_H
#define CM_TESTS_TUI_TOURWALK_H

#include "tests/api/harness.h"
#include "tests/tui/vt.h"

#define TOURWALK_WAIT_MS 15000

/* The hub of the tests (tourwalk_setup() to tourwalk_teardown()). */
extern struct api_server *tourwalk_srv;

/* Start a demo hub with extra arguments (NULL-terminated, may be NULL)
 * and a console home whose config has one context "demo" on it, as the
 * demo's admin, the first-run offer on. */
void tourwalk_setup(const char *const *hub_args);

/* Stop the hub. */
void tourwalk_teardown(void);

/* The console home (HOME of the cm started). */
const char *tourwalk_home(void);

/* Write $home/config/clustermaster/<rel>, or remove it (text NULL). */
void tourwalk_put_file(const char *rel, const char *text);

/* POST body to path as the admin; the response's "id" (caller frees),
 * or NULL with a message. */
char *tourwalk_post_id(const char *path, const char *body);

/* Start cm ($CM, else ./cm) at rows x cols with the home's config and
 * state; extra_env ("NAME=value") and the two args may be NULL. */
struct vt *tourwalk_start_cm(int rows, int cols, const char *extra_env,
    const char *arg1, const char *arg2);

/* Quit cm with Q and wait for a clean exit. */
void tourwalk_quit(struct vt *vt);

/* Log in with the admin's password at the first start. */
void tourwalk_login(struct vt *vt);

/* Wait for the callout of step n of m. */
void tourwalk_at_step(struct vt *vt, int n, int m);

/* Wait for step n of m, let the screen settle, compare with golden. */
void tourwalk_golden_step(struct vt *vt, int n, int m, const char *golden);

/* Open :tours and start (or resume) the tour whose title contains
 * title. */
void tourwalk_start_tour(struct vt *vt, const char *title);

#endif
