/*
 * keyfile.c - create and load the hub's master key file.  See keyfile.h.
 *
 * Creation writes a temporary file (mkostemp: O_CREAT|O_EXCL, mode 0600)
 * in the same folder, syncs it and hard-links it to the final name:
 * link() fails when the name exists, so an existing key is never replaced
 * and a crash never leaves half a key under the real name.  Filesystems
 * without hard links fall back to an O_EXCL create of the final name.
 * Loading follows symlinks (secret mounts use them) but checks the mode
 * of the file itself.  Nothing here logs the key or keeps a copy.
 */
#include "config.h"

#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "backend/b64.h"
#include "backend/xalloc.h"

#define KEYFILE_B64_LEN 43		/* base64url of 32 bytes */
#define KEYFILE_TEXT_LEN (KEYFILE_B64_LEN + 1)

/* Write all of buf to fd; false with errno set on failure. */
static bool
keyfile_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Sync the folder holding path so a new name survives a crash. */
static void
keyfile_sync_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Create path with O_EXCL and write text; remove it again on failure. */
static enum cm_status
keyfile_write_excl(const char *path, const char *text, struct cm_err *err)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return cm_err_set(err, CM_CONFLICT, NULL,
			    "key file %.150s already exists; refusing to "
			    "overwrite it", path);
		return cm_err_set(err, CM_IO, NULL, "cannot create %.150s: %s",
		    path, strerror(errno));
	}
	if (fchmod(fd, 0600) != 0 ||
	    !keyfile_write_all(fd, text, KEYFILE_TEXT_LEN) ||
	    fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(path);
		return cm_err_set(err, CM_IO, NULL, "cannot write %.150s: %s",
		    path, strerror(saved));
	}
	if (close(fd) != 0) {
		saved = errno;
		unlink(path);
		return cm_err_set(err, CM_IO, NULL, "cannot write %.150s: %s",
		    path, strerror(saved));
	}
	return CM_OK;
}

enum cm_status
keyfile_create(const char *path, unsigned char key[KEYFILE_KEY_LEN],
    struct cm_err *err)
{
	unsigned char raw[KEYFILE_KEY_LEN];
	char text[KEYFILE_TEXT_LEN + 1];
	char *tmp = NULL;
	enum cm_status st;
	int fd = -1, saved;

	if (path == NULL || *path == '\0')
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "no key file path given");
	if (RAND_bytes(raw, sizeof raw) != 1)
		fatal("the random generator failed");
	b64url_encode(raw, sizeof raw, text);
	text[KEYFILE_B64_LEN] = '\n';
	text[KEYFILE_TEXT_LEN] = '\0';

	tmp = xasprintf("%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		st = cm_err_set(err, CM_IO, NULL,
		    "cannot create a file next to %.150s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 ||
	    !keyfile_write_all(fd, text, KEYFILE_TEXT_LEN) ||
	    fsync(fd) != 0) {
		st = cm_err_set(err, CM_IO, NULL, "cannot write %.150s: %s",
		    tmp, strerror(errno));
		goto out;
	}
	saved = close(fd);
	fd = -1;
	if (saved != 0) {
		st = cm_err_set(err, CM_IO, NULL, "cannot write %.150s: %s",
		    tmp, strerror(errno));
		goto out;
	}
	if (link(tmp, path) != 0) {
		saved = errno;
		if (saved == EEXIST) {
			st = cm_err_set(err, CM_CONFLICT, NULL,
			    "key file %.150s already exists; refusing to "
			    "overwrite it", path);
			goto out;
		}
		if (saved != EPERM && saved != ENOTSUP &&
		    saved != EOPNOTSUPP && saved != ENOSYS) {
			st = cm_err_set(err, CM_IO, NULL,
			    "cannot create %.150s: %s", path,
			    strerror(saved));
			goto out;
		}
		/* No hard links here: create the final name directly. */
		st = keyfile_write_excl(path, text, err);
		if (st != CM_OK)
			goto out;
	}
	keyfile_sync_dir(path);
	memcpy(key, raw, sizeof raw);
	st = CM_OK;

out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(text, sizeof text);
	return st;
}

enum cm_status
keyfile_load(const char *path, unsigned char key[KEYFILE_KEY_LEN],
    struct cm_err *err)
{
	unsigned char raw[KEYFILE_B64_LEN];
	char text[KEYFILE_TEXT_LEN + 2];
	struct stat sb;
	enum cm_status st;
	size_t got = 0, rawlen = 0;
	ssize_t n;
	int fd;

	if (path == NULL || *path == '\0')
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "no key file path given");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return cm_err_set(err, CM_NOT_FOUND, NULL,
			    "key file %.150s does not exist", path);
		return cm_err_set(err, CM_IO, NULL, "cannot open %.150s: %s",
		    path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		st = cm_err_set(err, CM_IO, NULL, "cannot stat %.150s: %s",
		    path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = cm_err_set(err, CM_VALIDATION, NULL,
		    "key file %.150s is not a regular file", path);
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		st = cm_err_set(err, CM_FORBIDDEN, NULL,
		    "key file %.150s has mode %04o; it must not be readable "
		    "or writable by group or others (chmod 600 %.60s)", path,
		    (unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	/* Read one byte more than a valid file holds, to see extra data. */
	while (got < sizeof text) {
		n = read(fd, text + got, sizeof text - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st = cm_err_set(err, CM_IO, NULL,
			    "cannot read %.150s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (!(got == KEYFILE_B64_LEN ||
	    (got == KEYFILE_TEXT_LEN && text[KEYFILE_B64_LEN] == '\n')) ||
	    !b64url_decode(text, KEYFILE_B64_LEN, raw, &rawlen) ||
	    rawlen != KEYFILE_KEY_LEN) {
		st = cm_err_set(err, CM_VALIDATION, NULL,
		    "key file %.150s does not hold one key (43 base64url "
		    "characters and a newline)", path);
		goto out;
	}
	memcpy(key, raw, KEYFILE_KEY_LEN);
	st = CM_OK;

out:
	close(fd);
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(text, sizeof text);
	return st;
}
