/* auth.h: staff PINs, stored only as libsodium argon2id hashes. */
#ifndef QH_AUTH_H
#define QH_AUTH_H

#include <stddef.h>

#include "qh/err.h"

#define QH_AUTH_HASHLEN 128   /* >= crypto_pwhash_STRBYTES */
#define QH_AUTH_PIN_MIN 4
#define QH_AUTH_ADMIN_PIN_MIN 6
#define QH_AUTH_PIN_MAX 12

/* PIN rules: 4-12 ASCII digits. */
int qh_auth_pin_valid(const char *pin, char *err, size_t errlen);
/* The rules for a new PIN of role: an admin's has 6-12 digits, anyone
 * else's 4-12.  0, or QH_E_PARSE with the rule in lang. */
int qh_auth_pin_valid_for(const char *pin, const char *role, enum qh_lang lang,
                          char *err, size_t errlen);
/* 1 if pin is shorter than an admin PIN must be. */
int qh_auth_pin_short(const char *pin);
int qh_auth_hash(const char *pin, char out[QH_AUTH_HASHLEN],
                 char *err, size_t errlen);
/* 0 if pin matches, QH_E_AUTH if not. */
int qh_auth_verify(const char *hash, const char *pin);

/* A ticket's token: 128 random bits as 22 characters of URL-safe base64
 * (A-Z a-z 0-9 - _), what a slip's QR carries to the phone page. */
#define QH_AUTH_TOKEN_CHARS 22
#define QH_AUTH_TOKEN_LEN (QH_AUTH_TOKEN_CHARS + 2)
int qh_auth_token(char out[QH_AUTH_TOKEN_LEN], char *err, size_t errlen);
/* 1 if s has a token's shape (qh_auth_token could have written it). */
int qh_auth_token_valid(const char *s);

#endif
