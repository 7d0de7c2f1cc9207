/*
 * b64.h - base64url without padding (RFC 4648 section 5), as JWS uses,
 * plus standard base64 for sealed secrets.
 */
#ifndef CM_BACKEND_B64_H
#define CM_BACKEND_B64_H

#include <stdbool.h>
#include <stddef.h>

/* Encoded length of n bytes in base64url without padding (no NUL). */
size_t b64url_encoded_len(size_t n);

/* Encode n bytes into out (b64url_encoded_len(n)+1 bytes, NUL added). */
void b64url_encode(const unsigned char *in, size_t n, char *out);

/*
 * Decode a base64url string of len chars (no padding, no whitespace) into
 * out (at least len*3/4+1 bytes); *outlen gets the byte count.  Returns
 * false on any invalid character, padding, or impossible length.
 */
bool b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t *outlen);

#endif
