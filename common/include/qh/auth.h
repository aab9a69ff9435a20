/* auth.h: staff PINs, stored only as libsodium argon2id hashes. */
#ifndef QH_AUTH_H
#define QH_AUTH_H

#include <stddef.h>

#define QH_AUTH_HASHLEN 128   /* >= crypto_pwhash_STRBYTES */

/* PIN rules: 4-12 ASCII digits. */
int qh_auth_pin_valid(const char *pin, char *err, size_t errlen);
int qh_auth_hash(const char *pin, char out[QH_AUTH_HASHLEN],
                 char *err, size_t errlen);
/* 0 if pin matches, QH_E_AUTH if not. */
int qh_auth_verify(const char *hash, const char *pin);

#endif
