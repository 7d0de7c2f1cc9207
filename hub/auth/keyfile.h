/*
 * keyfile.h - the hub's 32-byte master key in a file of its own.
 *
 * The file holds the key as base64url text and a newline, owner-only
 * (0600).  The key signs access tokens and seals cluster credentials, so
 * it is never overwritten here and never read from a file that group or
 * others could read.  Rotation is not handled here.
 */
#ifndef CM_HUB_AUTH_KEYFILE_H
#define CM_HUB_AUTH_KEYFILE_H

#include "backend/status.h"

#define KEYFILE_KEY_LEN 32

/*
 * Make a new random key, write it to path with mode 0600 so that path
 * appears complete or not at all, and copy it to key.  An existing path is
 * CM_CONFLICT; other failures CM_IO, with the path in err.
 */
enum cm_status keyfile_create(const char *path,
    unsigned char key[KEYFILE_KEY_LEN], struct cm_err *err);

/*
 * Read the key at path.  Missing file: CM_NOT_FOUND; group or other
 * permission bits set: CM_FORBIDDEN naming the path and mode; not a
 * regular file or not exactly one key: CM_VALIDATION; else CM_IO.
 */
enum cm_status keyfile_load(const char *path,
    unsigned char key[KEYFILE_KEY_LEN], struct cm_err *err);

#endif
