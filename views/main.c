/*
 * main.c - `cm`: the console, or one of its scriptable subcommands.
 *
 * `cm get clusters -o json` and friends run without a terminal and exit
 * (views/cli.c); anything else starts the full-screen console with the
 * flags below (views/app.c).  `cm --kubeconfig FILE` talks to the
 * clusters of a kubeconfig directly; `cm --kubeconfig FILE get pods` and
 * the like hand --kubeconfig and --context to the subcommand.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/app.h"
#include "views/cli.h"

/* A subcommand after the global options: they go after its name. */
static int
main_subcommand(int argc, char **argv, int at, const struct app_opts *o)
{
	char **av = calloc((size_t)argc + 6, sizeof *av);
	int n = 0, i, rc;

	if (av == NULL)
		return 1;
	av[n++] = argv[0];
	av[n++] = argv[at];
	if (o->kubeconfig != NULL) {
		av[n++] = (char *)"--kubeconfig";
		av[n++] = (char *)o->kubeconfig;
	}
	if (o->context != NULL) {
		av[n++] = (char *)"--context";
		av[n++] = (char *)o->context;
	}
	for (i = at + 1; i < argc; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	rc = cli_run(n, av);
	free(av);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "context", required_argument, NULL, 'c' },
		{ "theme", required_argument, NULL, 't' },
		{ "keymap", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'f' },
		{ "kubeconfig", required_argument, NULL, 'K' },
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
	/* "+": stop at the first word, the subcommand's options are its. */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.context = optarg; break;
		case 't': o.theme = optarg; break;
		case 'k': o.keymap = optarg; break;
		case 'f': o.config = optarg; break;
		case 'K': o.kubeconfig = optarg; break;
		case 'r': o.readonly = true; break;
		case 'm': o.no_color = true; break;
		case 'a': o.ascii = true; break;
		case 'h': cli_usage(stdout); return 0;
		case 'V': printf("cm %s\n", PACKAGE_VERSION); return 0;
		default: cli_usage(stderr); return 2;
		}
	}
	if (optind < argc && cli_is_command(argv[optind]))
		return main_subcommand(argc, argv, optind, &o);
	if (optind != argc) {
		fprintf(stderr, "cm: unknown command \"%s\"\n", argv[optind]);
		cli_usage(stderr);
		return 2;
	}
	return app_main(&o);
}
