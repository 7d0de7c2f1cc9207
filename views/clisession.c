/*
 * clisession.c - config, context, tokens and password for cm's
 * subcommands.  See clisession.h.
 *
 * The password never leaves the caller's buffer (which it wipes); with
 * the terminal's echo off, a signal restores the echo before the
 * default action, so an interrupted `cm login` does not leave a mute
 * shell behind.
 */
#include "config.h"

#include "views/clisession.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "views/cli.h"

void
clisession_say(const char *fmt, ...)
{
	va_list ap;

	fputs("cm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct termios clisession_tty_saved;
static volatile sig_atomic_t clisession_tty_echo_off;

/* Give the terminal its echo back before dying of a signal. */
static void
clisession_tty_signal(int sig)
{
	struct sigaction dfl;

	if (clisession_tty_echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &clisession_tty_saved);
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

/* Read one line from fp into buf without its line end; false when there
 * is none or it does not fit. */
static bool
clisession_read_line(FILE *fp, char *buf, size_t len, struct cm_err *err)
{
	size_t n;

	if (fgets(buf, (int)len, fp) == NULL) {
		cm_err_set(err, CM_IO, NULL, "no password given");
		return false;
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == len - 1 && !feof(fp)) {
		cm_err_set(err, CM_VALIDATION, NULL, "password too long");
		return false;
	}
	buf[n] = '\0';
	return true;
}

/* The password from the terminal, not echoed. */
static bool
clisession_read_tty(char *buf, size_t len, struct cm_err *err)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[4];
	struct termios t;
	bool ok;
	size_t i;

	if (tcgetattr(STDIN_FILENO, &clisession_tty_saved) != 0)
		return clisession_read_line(stdin, buf, len, err);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = clisession_tty_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	t = clisession_tty_saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	fputs("Password: ", stderr);
	fflush(stderr);
	clisession_tty_echo_off = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	ok = clisession_read_line(stdin, buf, len, err);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &clisession_tty_saved);
	clisession_tty_echo_off = 0;
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	return ok;
}

bool
clisession_read_password(const char *file, char *buf, size_t len,
    struct cm_err *err)
{
	FILE *fp;
	bool ok;

	if (file != NULL) {
		fp = fopen(file, "r");
		if (fp == NULL) {
			cm_err_set(err, CM_IO, NULL, "%s: %s", file,
			    strerror(errno));
			return false;
		}
		/* Unbuffered: no copy of the password left in stdio's heap. */
		setvbuf(fp, NULL, _IONBF, 0);
		ok = clisession_read_line(fp, buf, len, err);
		fclose(fp);
	} else {
		setvbuf(stdin, NULL, _IONBF, 0);
		if (isatty(STDIN_FILENO))
			ok = clisession_read_tty(buf, len, err);
		else
			ok = clisession_read_line(stdin, buf, len, err);
	}
	if (ok && buf[0] == '\0') {
		cm_err_set(err, CM_VALIDATION, NULL, "empty password");
		ok = false;
	}
	return ok;
}

/* settings_done() leaves the defaults allocated again (theme, keymap):
 * free those too, which stays right should it one day leave them NULL. */
void
clisession_settings_free(struct settings *s)
{
	settings_done(s);
	free(s->theme);
	free(s->keymap);
	memset(s, 0, sizeof *s);
}

/* A bad file is an error here: cm must never save over it. */
bool
clisession_settings_load(struct settings *s)
{
	struct cm_err err;

	cm_err_clear(&err);
	settings_init(s);
	if (settings_load(s, NULL, &err) != CM_OK) {
		clisession_say("%s", err.msg);
		return false;
	}
	return true;
}

/* The hint to log in again, naming the context when it is not implied. */
static const char *
clisession_login_hint(const struct clisession *s, char *buf, size_t len)
{
	if (s->named)
		snprintf(buf, len, "run cm login --context %s", s->ctx->name);
	else
		snprintf(buf, len, "run cm login");
	return buf;
}

/* Tokens changed (refresh or session over): keep the state dir in step. */
static void
clisession_tokens_changed(void *arg, const char *access, const char *refresh)
{
	struct clisession *s = arg;
	struct cm_err err;

	cm_err_clear(&err);
	if (access == NULL && refresh == NULL) {
		s->expired = true;
		state_delete_tokens(s->state, s->ctx->name, &err);
		return;
	}
	if (state_save_tokens(s->state, s->ctx->name, access, refresh,
	    s->tokens.user, &err) != CM_OK)
		clisession_say("warning: could not save the new tokens: %s",
		    err.msg);
}

void
clisession_close(struct clisession *s)
{
	hubclient_free(s->hc);
	state_tokens_done(&s->tokens);
	state_close(s->state);
	clisession_settings_free(&s->settings);
	memset(s, 0, sizeof *s);
}

bool
clisession_open(struct clisession *s, const char *name, bool need_tokens)
{
	struct hubclient_opts ho;
	struct cm_err err;
	char hint[128];
	enum cm_status st;

	memset(s, 0, sizeof *s);
	cm_err_clear(&err);
	if (!clisession_settings_load(&s->settings))
		return false;
	s->named = name != NULL;
	if (name != NULL) {
		s->ctx = settings_find_context(&s->settings, name);
		if (s->ctx == NULL) {
			clisession_say("no context named %s in %s", name,
			    s->settings.path != NULL ? s->settings.path :
			    "config.yaml");
			return false;
		}
	} else {
		s->ctx = settings_current(&s->settings);
		if (s->ctx == NULL) {
			clisession_say("no current context: run cm login "
			    "--hub URL --email EMAIL");
			return false;
		}
	}
	if (s->ctx->hub == NULL) {
		clisession_say("context %s has no hub (kube: contexts "
		    "are not supported yet)", s->ctx->name);
		return false;
	}
	s->state = state_open(NULL, &err);
	if (s->state == NULL) {
		clisession_say("%s", err.msg);
		return false;
	}
	st = state_load_tokens(s->state, s->ctx->name, &s->tokens, &err);
	if (st == CM_NOT_FOUND || (st == CM_OK &&
	    s->tokens.access_token == NULL &&
	    s->tokens.refresh_token == NULL)) {
		if (need_tokens) {
			clisession_say("not logged in to context %s: %s",
			    s->ctx->name, clisession_login_hint(s, hint,
			    sizeof hint));
			return false;
		}
	} else if (st != CM_OK) {
		clisession_say("tokens of context %s: %s: %s",
		    s->ctx->name, err.msg,
		    clisession_login_hint(s, hint, sizeof hint));
		return false;
	}
	memset(&ho, 0, sizeof ho);
	ho.base_url = s->ctx->hub;
	ho.ca_file = s->ctx->ca_file;
	ho.max_retries = -1;
	s->hc = hubclient_new(&ho, &err);
	if (s->hc == NULL) {
		clisession_say("context %s: %s", s->ctx->name, err.msg);
		return false;
	}
	hubclient_set_tokens(s->hc, s->tokens.access_token,
	    s->tokens.refresh_token);
	hubclient_on_tokens(s->hc, clisession_tokens_changed, s);
	return true;
}

int
clisession_fail(const struct clisession *s, const struct cm_err *err)
{
	char hint[128];

	clisession_login_hint(s, hint, sizeof hint);
	if (s->expired)
		clisession_say("session of context %s expired: %s",
		    s->ctx->name, hint);
	else if (err->status == CM_UNAUTHORIZED)
		clisession_say("%s: %s", err->msg, hint);
	else if (err->status == CM_UNAVAILABLE)
		clisession_say("cannot reach the hub of context %s: %s",
		    s->ctx->name, err->msg);
	else
		clisession_say("%s", err->msg);
	return CLI_EXIT_ERROR;
}

