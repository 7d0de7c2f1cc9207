/*
 * init.h - creating a hub's data directory: keys, store, first tenant and
 * its platform admin, and optionally demo data to explore.
 *
 * Init refuses to touch a directory that already holds keys, so running
 * it twice never replaces a signing key or an admin.
 */
#ifndef CM_HUB_CORE_INIT_H
#define CM_HUB_CORE_INIT_H

#include <stdbool.h>

#include "backend/status.h"

struct store;

#define INIT_JWT_KEY "jwt.key"
#define INIT_SEAL_KEY "seal.key"
#define INIT_STORE_FILE "hub.db"

struct init_opts {
	const char *data_dir;
	const char *tenant;
	const char *admin_email;
	const char *admin_password;	/* never NULL here */
	bool demo;
};

/* Create the data dir (0700), keys (0600), store, tenant and admin. */
enum cm_status init_run(const struct init_opts *o, struct cm_err *err);

/*
 * Seed demo clusters, alerts and history into tenant_id (acknowledged and
 * resolved by admin_id), plus a second tenant "globex" whose tenant-admin
 * admin@globex.test shares the password hash.
 */
enum cm_status init_demo(struct store *store, const char *tenant_id,
    const char *admin_id, const char *password_hash, struct cm_err *err);

/* True when dir already holds a hub's keys. */
bool init_exists(const char *data_dir);

#endif
