/*
 * clisession.h - what cm's subcommands need before they can call the
 * hub: config.yaml, the context, its tokens in the state dir and a
 * hubclient holding them; and the password for a login.
 *
 * clisession_open() turns each way this can fail into one line on
 * stderr that says what to do ("cm: not logged in to context demo: run
 * cm login").  Tokens the hub rotates during a call (a refresh after a
 * 401) are saved as they change; a refresh the hub refuses removes them.
 *
 * It does not decide what to fetch or print (cli.c does), and never
 * writes config.yaml.  Single-threaded, for the subcommands only: the
 * console has its own feed.
 */
#ifndef CM_VIEWS_CLISESSION_H
#define CM_VIEWS_CLISESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/hubclient.h"
#include "backend/settings.h"
#include "backend/state.h"
#include "backend/status.h"

#define CLISESSION_PASSWORD_MAX 1024

/* The context, state and client of one subcommand run. */
struct clisession {
	struct settings settings;
	const struct settings_context *ctx;	/* in settings */
	bool named;			/* --context given */
	struct state *state;
	struct state_tokens tokens;
	struct hubclient *hc;
	bool expired;			/* the hub refused the refresh */
};

/* Print "cm: " and the message on stderr. */
void clisession_say(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * Load config.yaml (settings_default_path()) into s (initialised here;
 * release with clisession_settings_free() either way).  A missing file
 * gives the defaults; a bad one is printed ("file:line:column: ...") and
 * returns false.
 */
bool clisession_settings_load(struct settings *s);

/* Release s for good (settings_done() leaves defaults allocated). */
void clisession_settings_free(struct settings *s);

/*
 * Find the context name (NULL: the current one), open the state dir,
 * load the context's tokens and make s->hc hold them.  With need_tokens
 * false a context without tokens is fine (s->tokens empty).  Prints
 * why and returns false on failure; clisession_close() is needed
 * either way.
 */
bool clisession_open(struct clisession *s, const char *name,
    bool need_tokens);

/* Release everything s holds. */
void clisession_close(struct clisession *s);

/*
 * Print a failed hub call of s: an expired session or a refused token
 * with the login hint, an unreachable hub naming the context, else the
 * hub's message.  Returns exit code 1.
 */
int clisession_fail(const struct clisession *s, const struct cm_err *err);

/*
 * Read a password into buf: the first line of file when given, else a
 * line from the terminal with echo off when stdin is one (prompt on
 * stderr), else the first line of stdin.  Line ends are dropped; an
 * empty or missing line or one that does not fit is false with err set.
 */
bool clisession_read_password(const char *file, char *buf, size_t len,
    struct cm_err *err);

#endif
