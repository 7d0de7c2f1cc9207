/*
 * uuid.c - UUIDv7 (RFC 9562 section 5.7).  See uuid.h.
 *
 * Layout: 48 bits of Unix time in milliseconds, the version nibble 7,
 * 12 random bits, the variant bits 10, 62 random bits.  The random bits
 * come from getrandom().  Ids made by one process are strictly
 * increasing (RFC 9562 section 6.2, method 2): within one millisecond the
 * 74 random bits of the previous id are incremented, so lists that page
 * by id keep creation order even for rows made in the same millisecond.
 * That needs one mutex-guarded word of state.  A failing CSPRNG is a
 * broken invariant and aborts.  uuid_is_valid() accepts lowercase hex
 * only, the form the hub writes, so an id has one spelling in URLs and in
 * the store.
 */
#include "config.h"

#include "uuid.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

/* Fill buf with n bytes from the kernel CSPRNG or abort. */
static void
uuid_random(unsigned char *buf, size_t n)
{
	ssize_t got;
	size_t done = 0;

	while (done < n) {
		got = getrandom(buf + done, n - done, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fatal("getrandom: %s", strerror(errno));
		}
		done += (size_t)got;
	}
}

static pthread_mutex_t uuid_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t uuid_last_ms;
static uint16_t uuid_last_a;	/* 12 bits */
static uint64_t uuid_last_b;	/* 62 bits */

void
uuid_v7(char out[UUID_STR_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16], r[10];
	uint64_t ms = (uint64_t)time_now_ms(), rb;
	uint16_t ra;
	int i;
	char *o = out;

	uuid_random(r, sizeof r);
	pthread_mutex_lock(&uuid_lock);
	if (ms > uuid_last_ms) {
		ra = (uint16_t)(((r[0] & 0x0f) << 8) | r[1]);
		rb = 0;
		for (i = 2; i < 10; i++)
			rb = rb << 8 | r[i];
		rb &= UINT64_C(0x3fffffffffffffff);
	} else {
		/* Same (or earlier: clock stepped back) ms: count up. */
		ms = uuid_last_ms;
		ra = uuid_last_a;
		rb = (uuid_last_b + 1) & UINT64_C(0x3fffffffffffffff);
		if (rb == 0 && ++ra > 0x0fff) {
			ra = 0;
			ms++;
		}
	}
	uuid_last_ms = ms;
	uuid_last_a = ra;
	uuid_last_b = rb;
	pthread_mutex_unlock(&uuid_lock);

	b[0] = (unsigned char)(ms >> 40);
	b[1] = (unsigned char)(ms >> 32);
	b[2] = (unsigned char)(ms >> 24);
	b[3] = (unsigned char)(ms >> 16);
	b[4] = (unsigned char)(ms >> 8);
	b[5] = (unsigned char)ms;
	b[6] = (unsigned char)(0x70 | (ra >> 8));
	b[7] = (unsigned char)ra;
	b[8] = (unsigned char)(0x80 | (rb >> 56));
	for (i = 9; i < 16; i++)
		b[i] = (unsigned char)(rb >> (8 * (15 - i)));
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 0x0f];
	}
	*o = '\0';
}

bool
uuid_is_valid(const char *s)
{
	int i;

	if (s == NULL)
		return false;
	for (i = 0; i < UUID_STR_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return s[UUID_STR_LEN] == '\0';
}
