/*
 * fuzz_main.c - a standalone driver for a libFuzzer target, so that
 * `make check` exercises it without clang.
 *
 * It runs LLVMFuzzerTestOneInput on every file of the seed corpus
 * (argv[1], else $top_srcdir/tests/fuzz/corpus/NAME with NAME from the
 * program's name, fuzz_NAME), then on FUZZ_MUTATIONS (default 10000)
 * inputs made from them by a fixed-seed generator: bit flips, byte
 * overwrites with interesting characters, deletions, duplicated
 * ranges and splices of two seeds.  The same build always tries the
 * same inputs, so a failure reproduces; a crash or sanitizer report
 * fails the test.  Exit 77 (skipped) when there is no corpus.
 */
#include "config.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEEDS_MAX 256
#define INPUT_MAX 65536

struct seed {
	uint8_t *data;
	size_t len;
};

static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static int
load(const char *path, struct seed *s)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (n = ftell(fp)) < 0 || n > INPUT_MAX || fseek(fp, 0, SEEK_SET)) {
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	s->data = malloc((size_t)n + 1);
	s->len = (size_t)n;
	if (s->data == NULL || fread(s->data, 1, s->len, fp) != s->len) {
		fclose(fp);
		free(s->data);
		return -1;
	}
	fclose(fp);
	return 0;
}

/* Make a mutant of seeds into buf (INPUT_MAX bytes); returns its size. */
static size_t
mutate(const struct seed *seeds, size_t nseeds, uint8_t *buf)
{
	static const char interesting[] = "{}=\",\\\n #\t+-.eE0123456789"
	    "NaInf_:le quantile TYPE HELP histogram summary";
	const struct seed *a = &seeds[next() % nseeds];
	const struct seed *b = &seeds[next() % nseeds];
	size_t len = a->len, i, n, at, from, k;

	memcpy(buf, a->data, len);
	n = 1 + next() % 8;
	for (k = 0; k < n; k++) {
		at = len > 0 ? next() % len : 0;
		switch (next() % 6) {
		case 0:
			if (len > 0)
				buf[at] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1:
			if (len > 0)
				buf[at] = (uint8_t)interesting[next() %
				    (sizeof interesting - 1)];
			break;
		case 2:
			if (len > 0) {
				i = 1 + next() % 16;
				if (at + i > len)
					i = len - at;
				memmove(buf + at, buf + at + i, len - at - i);
				len -= i;
			}
			break;
		case 3:
			i = 1 + next() % 32;
			if (len > 0 && len + i < INPUT_MAX) {
				from = next() % len;
				if (from + i > len)
					i = len - from;
				memmove(buf + at + i, buf + at, len - at);
				memmove(buf + at, buf + (from >= at ? from + i :
				    from), i);
				len += i;
			}
			break;
		case 4:
			if (b->len > 0 && at + b->len / 2 < INPUT_MAX) {
				from = next() % b->len;
				i = b->len - from;
				if (at + i > INPUT_MAX)
					i = INPUT_MAX - at;
				memcpy(buf + at, b->data + from, i);
				len = at + i;
			}
			break;
		default:
			if (len + 1 < INPUT_MAX) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = (uint8_t)(next() % 256);
				len++;
			}
			break;
		}
	}
	return len;
}

int
main(int argc, char **argv)
{
	struct seed seeds[SEEDS_MAX];
	const char *top = getenv("top_srcdir"), *env, *base;
	char dir[1024], path[2048];
	size_t nseeds = 0, i, len;
	long mutations = 10000, m;
	struct dirent *de;
	uint8_t *buf;
	DIR *d;

	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	if (strncmp(base, "fuzz_", 5) == 0)
		base += 5;
	if (argc > 1)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s",
		    top != NULL ? top : ".", base);
	if ((env = getenv("FUZZ_MUTATIONS")) != NULL)
		mutations = atol(env);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "fuzz: no corpus at %s: skipped\n", dir);
		return 77;
	}
	while ((de = readdir(d)) != NULL && nseeds < SEEDS_MAX) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (load(path, &seeds[nseeds]) == 0)
			nseeds++;
	}
	closedir(d);
	if (nseeds == 0) {
		fprintf(stderr, "fuzz: empty corpus at %s: skipped\n", dir);
		return 77;
	}
	for (i = 0; i < nseeds; i++)
		LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].len);
	buf = malloc(INPUT_MAX);
	if (buf == NULL)
		return 1;
	for (m = 0; m < mutations; m++) {
		len = mutate(seeds, nseeds, buf);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("fuzz: %zu seeds and %ld mutations from %s: no failure\n",
	    nseeds, mutations, dir);
	free(buf);
	for (i = 0; i < nseeds; i++)
		free(seeds[i].data);
	return 0;
}
