/*
 * password.c - argon2id password hashing on libsodium.  See password.h.
 *
 * A counting gate (mutex and condition variable) caps how many argon2
 * computations run at once, so a burst of logins queues instead of
 * exhausting memory.  Unknown users and unusable stored hashes are
 * verified against a dummy hash made at start-up with the same limits, so
 * every verify costs the same.  This file does not rate-limit, count
 * failures or lock accounts: the login path does.
 */
#include "config.h"

#include "password.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "backend/xalloc.h"

#define PASSWORD_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PASSWORD_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PASSWORD_DEFAULT_CAP 2

static pthread_once_t password_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t password_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t password_cond = PTHREAD_COND_INITIALIZER;
static unsigned password_cap = PASSWORD_DEFAULT_CAP;
static unsigned password_running;
static char password_dummy[crypto_pwhash_STRBYTES];

static void
password_setup(void)
{
	unsigned char secret[32];
	char hex[sizeof secret * 2 + 1];

	if (sodium_init() < 0)
		fatal("libsodium failed to initialise");
	/* A hash nobody knows the password of, with the real limits. */
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
	if (crypto_pwhash_str(password_dummy, hex, strlen(hex),
	    PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
		fatal("not enough memory for an argon2id hash");
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(hex, sizeof hex);
}

void
password_init(unsigned max_concurrent)
{
	pthread_once(&password_once, password_setup);
	pthread_mutex_lock(&password_lock);
	password_cap = max_concurrent > 0 ? max_concurrent : 1;
	pthread_cond_broadcast(&password_cond);
	pthread_mutex_unlock(&password_lock);
}

/* Wait for a free slot in the gate. */
static void
password_enter(void)
{
	pthread_once(&password_once, password_setup);
	pthread_mutex_lock(&password_lock);
	while (password_running >= password_cap)
		pthread_cond_wait(&password_cond, &password_lock);
	password_running++;
	pthread_mutex_unlock(&password_lock);
}

static void
password_leave(void)
{
	pthread_mutex_lock(&password_lock);
	password_running--;
	pthread_cond_signal(&password_cond);
	pthread_mutex_unlock(&password_lock);
}

enum cm_status
password_hash(const char *pw, char **out, struct cm_err *err)
{
	char buf[crypto_pwhash_STRBYTES];
	int rc;

	*out = NULL;
	if (pw == NULL)
		return cm_err_set(err, CM_VALIDATION, "password",
		    "password is required");
	password_enter();
	rc = crypto_pwhash_str(buf, pw, strlen(pw), PASSWORD_OPSLIMIT,
	    PASSWORD_MEMLIMIT);
	password_leave();
	if (rc != 0)
		return cm_err_set(err, CM_NOMEM, NULL,
		    "not enough memory to hash a password");
	*out = xstrdup(buf);
	return CM_OK;
}

/* True when hash looks like an encoded argon2 string libsodium reads. */
static bool
password_usable(const char *hash)
{
	if (hash == NULL)
		return false;
	if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
		return false;
	return strncmp(hash, "$argon2id$", 10) == 0 ||
	    strncmp(hash, "$argon2i$", 9) == 0;
}

bool
password_verify(const char *hash, const char *pw)
{
	bool ok = false;

	if (pw == NULL)
		pw = "";
	password_enter();
	if (password_usable(hash))
		ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	else if (crypto_pwhash_str_verify(password_dummy, pw,
	    strlen(pw)) == 0)
		ok = false;	/* only the time spent matters */
	password_leave();
	return ok;
}

void
password_verify_dummy(const char *pw)
{
	password_verify(NULL, pw);
}

bool
password_needs_rehash(const char *hash)
{
	pthread_once(&password_once, password_setup);
	if (!password_usable(hash))
		return true;
	return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT,
	    PASSWORD_MEMLIMIT) != 0;
}

enum cm_status
password_check_policy(const char *pw, struct cm_err *err)
{
	size_t len;

	if (pw == NULL)
		return cm_err_set(err, CM_VALIDATION, "password",
		    "password is required");
	len = strnlen(pw, PASSWORD_MAX_LEN + 1);
	if (len < PASSWORD_MIN_LEN)
		return cm_err_set(err, CM_VALIDATION, "password",
		    "password must be at least %d characters",
		    PASSWORD_MIN_LEN);
	if (len > PASSWORD_MAX_LEN)
		return cm_err_set(err, CM_VALIDATION, "password",
		    "password must be at most %d bytes", PASSWORD_MAX_LEN);
	return CM_OK;
}
