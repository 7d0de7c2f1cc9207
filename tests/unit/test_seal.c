/*
 * test_seal.c - secrets at rest: AES-256-GCM sealing (round trip,
 * tampering, wrong context, wrong key) and the master key file (mode,
 * no overwrite, refusing loose permissions and bad content), which share
 * this binary.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hub/auth/keyfile.h"
#include "hub/auth/seal.h"

static const unsigned char key[SEAL_KEY_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};
static const unsigned char key2[SEAL_KEY_LEN] = { 1 };

#define AAD "cluster:01936b2e-5c3a-7f00-8abc-0123456789ab:kubeconfig"

/* Open s with k and aad; returns the status, frees any plaintext. */
static enum cm_status
open_status(const unsigned char *k, const char *s, const char *aad,
    struct cm_err *err)
{
	unsigned char *pt = (unsigned char *)"x";
	size_t len = 99;
	enum cm_status st;

	cm_err_clear(err);
	st = seal_decrypt(k, s, aad, &pt, &len, err);
	if (st != CM_OK) {
		assert_null(pt);
		assert_int_equal(len, 0);
		assert_true(err->msg[0] != '\0');
	}
	free(pt);
	return st;
}

/* Sealed text opens to the same bytes, including NULs and empty input. */
static void
test_round_trip(void **state)
{
	static const unsigned char bin[] = { 'a', 0, 'b', 0xff, 0 };
	struct cm_err err;
	unsigned char *pt;
	size_t len;
	char *s;

	s = seal_encrypt(key, (const unsigned char *)"kubeconfig: yes", 15,
	    AAD);
	assert_int_equal(strncmp(s, "v1.", 3), 0);
	/* 12 nonce + 15 data + 16 tag = 43 bytes = 58 characters. */
	assert_int_equal(strlen(s), 3 + 58);
	assert_int_equal(seal_decrypt(key, s, AAD, &pt, &len, &err), CM_OK);
	assert_int_equal(len, 15);
	assert_string_equal((char *)pt, "kubeconfig: yes");
	free(pt);
	free(s);

	s = seal_encrypt(key, bin, sizeof bin, AAD);
	assert_int_equal(seal_decrypt(key, s, AAD, &pt, &len, &err), CM_OK);
	assert_int_equal(len, sizeof bin);
	assert_memory_equal(pt, bin, sizeof bin);
	free(pt);
	free(s);

	s = seal_encrypt(key, NULL, 0, AAD);
	assert_int_equal(seal_decrypt(key, s, AAD, &pt, &len, &err), CM_OK);
	assert_int_equal(len, 0);
	assert_int_equal(pt[0], '\0');
	free(pt);
	free(s);
}

/* Each seal uses a fresh nonce: the same input never seals the same. */
static void
test_fresh_nonce(void **state)
{
	char *a = seal_encrypt(key, (const unsigned char *)"same", 4, AAD);
	char *b = seal_encrypt(key, (const unsigned char *)"same", 4, AAD);

	assert_string_not_equal(a, b);
	assert_memory_not_equal(a + 3, b + 3, 16);
	free(a);
	free(b);
}

/* Changing any part (nonce, ciphertext, tag) makes it refuse to open. */
static void
test_tamper(void **state)
{
	struct cm_err err;
	char *s = seal_encrypt(key, (const unsigned char *)"secret token", 12,
	    AAD);
	size_t len = strlen(s), i;
	char saved;

	/* Skip the last character, whose spare bits would only make it
	 * non-canonical (a format error, tested below). */
	for (i = 3; i < len - 1; i++) {
		saved = s[i];
		s[i] = saved == 'A' ? 'B' : 'A';
		assert_int_equal(open_status(key, s, AAD, &err),
		    CM_UNAUTHORIZED);
		s[i] = saved;
	}
	assert_int_equal(open_status(key, s, AAD, &err), CM_OK);
	/* Dropping the last character also fails. */
	s[len - 1] = '\0';
	assert_int_not_equal(open_status(key, s, AAD, &err), CM_OK);
	free(s);
}

/* A value sealed for one place does not open in another. */
static void
test_wrong_aad(void **state)
{
	struct cm_err err;
	char *s = seal_encrypt(key, (const unsigned char *)"pw", 2, AAD);
	char *n = seal_encrypt(key, (const unsigned char *)"pw", 2, NULL);

	assert_int_equal(open_status(key, s, AAD, &err), CM_OK);
	assert_int_equal(open_status(key, s,
	    "cluster:01936b2e-5c3a-7f00-8abc-0123456789ac:kubeconfig", &err),
	    CM_UNAUTHORIZED);
	assert_int_equal(open_status(key, s, "", &err), CM_UNAUTHORIZED);
	assert_int_equal(open_status(key, s, NULL, &err), CM_UNAUTHORIZED);
	/* NULL aad is the empty string. */
	assert_int_equal(open_status(key, n, "", &err), CM_OK);
	assert_int_equal(open_status(key, n, NULL, &err), CM_OK);
	free(s);
	free(n);
}

/* Another key does not open it. */
static void
test_wrong_key(void **state)
{
	struct cm_err err;
	char *s = seal_encrypt(key, (const unsigned char *)"pw", 2, AAD);

	assert_int_equal(open_status(key2, s, AAD, &err), CM_UNAUTHORIZED);
	free(s);
}

/* Text that is not a v1 sealed value is a format error. */
static void
test_bad_format(void **state)
{
	struct cm_err err;
	char *s = seal_encrypt(key, (const unsigned char *)"pw", 2, AAD);

	assert_int_equal(open_status(key, NULL, AAD, &err), CM_VALIDATION);
	assert_int_equal(open_status(key, "", AAD, &err), CM_VALIDATION);
	assert_int_equal(open_status(key, s + 3, AAD, &err), CM_VALIDATION);
	s[1] = '2';
	assert_int_equal(open_status(key, s, AAD, &err), CM_VALIDATION);
	s[1] = '1';
	assert_int_equal(open_status(key, "v1.", AAD, &err), CM_VALIDATION);
	/* 27 bytes: shorter than nonce and tag. */
	assert_int_equal(open_status(key,
	    "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AAD, &err),
	    CM_VALIDATION);
	assert_int_equal(open_status(key, "v1.not base64!", AAD, &err),
	    CM_VALIDATION);
	free(s);
}

/* Make a fresh private folder and return the key path in it. */
static char *
temp_key_path(char *dir, size_t size)
{
	char *path;

	snprintf(dir, size, "%s/cmkeyXXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	path = malloc(strlen(dir) + 16);
	assert_non_null(path);
	sprintf(path, "%s/hub.key", dir);
	return path;
}

static void
remove_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* A new key file is 0600 whatever the umask, holds 43 characters and a
 * newline, leaves no temporary file, and loads back to the same key. */
static void
test_keyfile_create_load(void **state)
{
	unsigned char k[KEYFILE_KEY_LEN], back[KEYFILE_KEY_LEN];
	char dir[256], text[64];
	struct cm_err err;
	struct stat sb;
	char *path = temp_key_path(dir, sizeof dir);
	mode_t old = umask(0);
	int fd;

	assert_int_equal(keyfile_create(path, k, &err), CM_OK);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 44);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, text, sizeof text), 44);
	close(fd);
	assert_int_equal(text[43], '\n');
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(keyfile_load(path, back, &err), CM_OK);
	assert_memory_equal(k, back, sizeof k);
	remove_dir(dir);
	free(path);
}

/* An existing key file is never overwritten. */
static void
test_keyfile_no_overwrite(void **state)
{
	unsigned char k[KEYFILE_KEY_LEN], k2[KEYFILE_KEY_LEN];
	unsigned char back[KEYFILE_KEY_LEN];
	char dir[256];
	struct cm_err err;
	char *path = temp_key_path(dir, sizeof dir);

	assert_int_equal(keyfile_create(path, k, &err), CM_OK);
	cm_err_clear(&err);
	assert_int_equal(keyfile_create(path, k2, &err), CM_CONFLICT);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(keyfile_load(path, back, &err), CM_OK);
	assert_memory_equal(k, back, sizeof k);
	assert_int_equal(count_entries(dir), 1);
	/* Not even through a dangling symlink. */
	unlink(path);
	assert_int_equal(symlink("elsewhere", path), 0);
	assert_int_equal(keyfile_create(path, k2, &err), CM_CONFLICT);
	remove_dir(dir);
	free(path);
}

/* A key file readable or writable by group or others is refused, and
 * the message names the path and the mode. */
static void
test_keyfile_loose_mode(void **state)
{
	unsigned char k[KEYFILE_KEY_LEN], back[KEYFILE_KEY_LEN];
	char dir[256];
	struct cm_err err;
	char *path = temp_key_path(dir, sizeof dir);

	assert_int_equal(keyfile_create(path, k, &err), CM_OK);
	assert_int_equal(chmod(path, 0644), 0);
	cm_err_clear(&err);
	assert_int_equal(keyfile_load(path, back, &err), CM_FORBIDDEN);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "0644"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(keyfile_load(path, back, &err), CM_FORBIDDEN);
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(keyfile_load(path, back, &err), CM_FORBIDDEN);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(keyfile_load(path, back, &err), CM_OK);
	assert_memory_equal(k, back, sizeof k);
	remove_dir(dir);
	free(path);
}

/* Wrong sizes, bad characters and a folder are format errors; a missing
 * file is not found. */
static void
test_keyfile_bad_content(void **state)
{
	static const char good[] =
	    "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";
	unsigned char back[KEYFILE_KEY_LEN];
	char dir[256], text[128];
	struct cm_err err;
	char *path = temp_key_path(dir, sizeof dir);

	assert_int_equal(keyfile_load(path, back, &err), CM_NOT_FOUND);
	write_file(path, "short\n", 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	snprintf(text, sizeof text, "%s\n\n", good);
	write_file(path, text, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	snprintf(text, sizeof text, "%sA\n", good);
	write_file(path, text, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	snprintf(text, sizeof text, "%s=\n", good);
	write_file(path, text, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	snprintf(text, sizeof text, "%s\n", good);
	text[5] = '+';
	write_file(path, text, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	write_file(path, "", 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_VALIDATION);
	/* The good text, with or without the newline, is the key 1..32. */
	snprintf(text, sizeof text, "%s\n", good);
	write_file(path, text, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_OK);
	assert_memory_equal(back, key, sizeof back);
	write_file(path, good, 0600);
	assert_int_equal(keyfile_load(path, back, &err), CM_OK);
	assert_memory_equal(back, key, sizeof back);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(keyfile_load(dir, back, &err), CM_VALIDATION);
	remove_dir(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fresh_nonce),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_wrong_aad),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_bad_format),
		cmocka_unit_test(test_keyfile_create_load),
		cmocka_unit_test(test_keyfile_no_overwrite),
		cmocka_unit_test(test_keyfile_loose_mode),
		cmocka_unit_test(test_keyfile_bad_content),
	};

	return cmocka_run_group_tests_name("seal", tests, NULL, NULL);
}
