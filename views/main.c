/*
 * main.c - `cm`: the console, or one of its scriptable subcommands.
 *
 * `cm get clusters -o json` and friends run without a terminal and exit
 * (views/cli.c); anything else starts the full-screen console with the
 * flags below (views/app.c).
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "views/app.h"
#include "views/cli.h"

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "context", required_argument, NULL, 'c' },
		{ "theme", required_argument, NULL, 't' },
		{ "keymap", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'f' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "no-color", no_argument, NULL, 'm' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct app_opts o;
	int c;

	setlocale(LC_ALL, "");
	if (argc > 1 && argv[1][0] != '-' && cli_is_command(argv[1]))
		return cli_run(argc, argv);
	memset(&o, 0, sizeof o);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.context = optarg; break;
		case 't': o.theme = optarg; break;
		case 'k': o.keymap = optarg; break;
		case 'f': o.config = optarg; break;
		case 'r': o.readonly = true; break;
		case 'm': o.no_color = true; break;
		case 'a': o.ascii = true; break;
		case 'h': cli_usage(stdout); return 0;
		case 'V': printf("cm %s\n", PACKAGE_VERSION); return 0;
		default: cli_usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "cm: unknown command \"%s\"\n", argv[optind]);
		cli_usage(stderr);
		return 2;
	}
	return app_main(&o);
}
