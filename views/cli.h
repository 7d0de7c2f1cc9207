/*
 * cli.h - cm's scriptable subcommands: login, logout, get, alerts
 * ack|resolve, version, help.
 *
 * `cm SUBCOMMAND ...` runs one request against the hub of a context in
 * config.yaml (settings.h) with the tokens of the state dir (state.h),
 * prints the answer on stdout and exits: 0 ok, 1 error (one line
 * "cm: ..." on stderr), 2 bad usage (the usage line on stderr).  Lists
 * print as an aligned table, as JSON exactly as the API returns them
 * ({"items":[...],"next_cursor":null}, every page merged) or as the same
 * document in YAML.
 *
 * It does not draw anything, use ncurses or run threads: the full-screen
 * console (main.c) calls cli_run() when cli_is_command() says argv[1]
 * is a subcommand.  The table, YAML and JSON writers are in cliout.h.
 */
#ifndef CM_VIEWS_CLI_H
#define CM_VIEWS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes of cli_run(). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_USAGE 2

/*
 * True when name (argv[1]) is one of the subcommands, or "help",
 * "--help", "-h", "--version", which cli_run() also answers.
 */
bool cli_is_command(const char *name);

/*
 * Run the subcommand argv[1] (argv[0] is "cm") and return the exit code:
 * CLI_EXIT_OK, CLI_EXIT_ERROR with a message on stderr, CLI_EXIT_USAGE
 * with the usage line on stderr (also for an unknown subcommand).
 */
int cli_run(int argc, char **argv);

/* Print the full usage (every subcommand and the console's flags). */
void cli_usage(FILE *out);

/*
 * The default context name for a hub URL: its host, with ":PORT" as
 * "-PORT" when a port is given ("http://127.0.0.1:8080/" ->
 * "127.0.0.1-8080", "https://hub.example.com" -> "hub.example.com"),
 * other characters outside [A-Za-z0-9._-] as '-', at most 64.  Writes
 * "hub" when nothing usable is left.  Returns buf.
 */
const char *cli_context_name(const char *url, char *buf, size_t len);

#endif
