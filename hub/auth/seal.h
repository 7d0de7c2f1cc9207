/*
 * seal.h - authenticated encryption of secrets at rest (cluster
 * credentials in the store) with AES-256-GCM under the hub's key.
 *
 * A sealed value is text: "v1." + base64url(nonce[12] || ciphertext ||
 * tag[16]).  The aad string binds a value to where it belongs (say
 * "cluster:<id>:kubeconfig"), so a sealed value copied to another row does
 * not open.  Key rotation and key storage are not here (see keyfile.h).
 */
#ifndef CM_HUB_AUTH_SEAL_H
#define CM_HUB_AUTH_SEAL_H

#include <stddef.h>

#include "backend/status.h"

#define SEAL_KEY_LEN 32
#define SEAL_NONCE_LEN 12
#define SEAL_TAG_LEN 16
#define SEAL_PREFIX "v1."

/*
 * Encrypt len bytes of pt under key with a fresh random nonce, binding
 * aad (NULL means ""), and return the sealed text; caller frees.
 * Aborts only on library failure.
 */
char *seal_encrypt(const unsigned char key[SEAL_KEY_LEN],
    const unsigned char *pt, size_t len, const char *aad);

/*
 * Open a sealed value made with the same key and aad.  On success *pt
 * (caller frees; one NUL byte is added after the *len bytes) holds the
 * plaintext.  Bad format: CM_VALIDATION; wrong key, wrong aad or any
 * tampering: CM_UNAUTHORIZED.  On failure *pt = NULL and no plaintext is
 * kept anywhere.
 */
enum cm_status seal_decrypt(const unsigned char key[SEAL_KEY_LEN],
    const char *sealed, const char *aad, unsigned char **pt, size_t *len,
    struct cm_err *err);

#endif
