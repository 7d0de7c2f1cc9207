/*
 * fuzz_promparse.c - the fuzz target of the Prometheus text parser
 * (hub/metrics/promparse.h).
 *
 * LLVMFuzzerTestOneInput parses one input to its end or first error and
 * checks what every sample must hold: a valid metric name, labels with
 * NUL-terminated names and values inside the parser's buffer, at most
 * PROM_LABELS_MAX of them, and an error that names a line and column.
 * Built with clang -fsanitize=fuzzer it is a libFuzzer target (see
 * README.md); `make check` links it with fuzz_main.c instead, which
 * replays the seed corpus and deterministic mutations of it.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/metrics/promparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort (the fuzzer's crash) when cond does not hold. */
static void
fuzz_check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_promparse: broken invariant: %s\n",
		    what);
		abort();
	}
}

static int
fuzz_inside(const struct prom_parser *pp, const char *s)
{
	return s >= pp->text && s < pp->text + sizeof pp->text &&
	    memchr(s, '\0', (size_t)(pp->text + sizeof pp->text - s)) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prom_parser pp;
	static struct prom_sample s;
	struct cm_err err;
	size_t i, samples = 0;
	unsigned line, col;
	int rc;

	promparse_init(&pp, (const char *)data, size);
	while ((rc = promparse_next(&pp, &s, &err)) == 1) {
		samples++;
		fuzz_check(samples <= size, "more samples than bytes");
		fuzz_check(s.name[0] != '\0' &&
		    strlen(s.name) < PROM_NAME_MAX, "sample name");
		fuzz_check(s.nlabels <= PROM_LABELS_MAX, "label count");
		for (i = 0; i < s.nlabels; i++) {
			fuzz_check(fuzz_inside(&pp, s.labels[i].name),
			    "label name outside the buffer");
			fuzz_check(fuzz_inside(&pp, s.labels[i].value),
			    "label value outside the buffer");
		}
		fuzz_check(s.family != NULL && s.family[0] != '\0',
		    "family");
	}
	if (rc < 0) {
		fuzz_check(sscanf(err.msg, "%u:%u: ", &line, &col) == 2 &&
		    line >= 1 && col >= 1, "error without LINE:COL");
		fuzz_check(promparse_next(&pp, &s, &err) == -1,
		    "parser not failed after an error");
	}
	return 0;
}
