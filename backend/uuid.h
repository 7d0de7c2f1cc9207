/*
 * uuid.h - UUIDv7 identifiers made by the hub (RFC 9562).
 *
 * v7 puts the millisecond time first, so ids sort by creation time and
 * b-tree indexes stay ordered.  Random bits come from the OS CSPRNG.
 */
#ifndef CM_BACKEND_UUID_H
#define CM_BACKEND_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 36

/* Write a new lowercase UUIDv7 and a NUL into out. */
void uuid_v7(char out[UUID_STR_LEN + 1]);

/* True when s is a canonical 8-4-4-4-12 hex UUID (any version). */
bool uuid_is_valid(const char *s);

#endif
