/* auth.c: staff PINs, hashed with libsodium's argon2id.
 *
 * A window PIN is short (4-12 digits), so the only thing between a stolen
 * database and every PIN is the cost of the hash: argon2id with the
 * "interactive" limits (about 64 MiB and a tenth of a second) makes each
 * guess expensive while a clerk logging in does not notice.  The stored
 * string carries its own algorithm, salt and limits ("$argon2id$v=19$..."),
 * so raising the limits later does not break old hashes. */
#include <string.h>

#include <sodium.h>

#include "qh/auth.h"
#include "qh/err.h"

_Static_assert(QH_AUTH_HASHLEN >= crypto_pwhash_STRBYTES,
               "QH_AUTH_HASHLEN must hold a libsodium pwhash string");

#define PIN_MIN QH_AUTH_PIN_MIN
#define PIN_MAX QH_AUTH_PIN_MAX

/* sodium_init() is safe to call again, but it takes a lock and probes the
 * CPU each time; the flag keeps that to once per process. */
static int sodium_ready(void)
{
    static int ready;

    if (!ready) {
        if (sodium_init() < 0)
            return QH_E_IO;
        ready = 1;
    }
    return 0;
}

int qh_auth_pin_valid(const char *pin, char *err, size_t errlen)
{
    size_t n;

    if (!pin)
        return qh_err(err, errlen, QH_E_PARSE, "no PIN given");
    n = strnlen(pin, PIN_MAX + 1);
    if (n < PIN_MIN || n > PIN_MAX)
        return qh_err(err, errlen, QH_E_PARSE,
                      "PIN must be %d-%d digits", PIN_MIN, PIN_MAX);
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return qh_err(err, errlen, QH_E_PARSE,
                          "PIN must be %d-%d digits (0-9 only)", PIN_MIN, PIN_MAX);
    return 0;
}

/* An admin PIN opens the kiosk's admin screen, where anyone passing by
 * can type: 6 digits make a million PINs where 4 made ten thousand. */
int qh_auth_pin_valid_for(const char *pin, const char *role, enum qh_lang lang,
                          char *err, size_t errlen)
{
    int admin = role && !strcmp(role, "admin");
    int min = admin ? QH_AUTH_ADMIN_PIN_MIN : PIN_MIN;
    size_t n = pin ? strnlen(pin, PIN_MAX + 1) : 0;
    int digits = pin != NULL;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            digits = 0;
    if (digits && n >= (size_t)min && n <= PIN_MAX)
        return 0;
    if (admin)
        return qh_err(err, errlen, QH_E_PARSE,
                      QH_TR(lang, "管理员 PIN 应为 %d-%d 位数字",
                            "an admin PIN must be %d-%d digits"), min, PIN_MAX);
    return qh_err(err, errlen, QH_E_PARSE,
                  QH_TR(lang, "PIN 应为 %d-%d 位数字", "a PIN must be %d-%d digits"),
                  min, PIN_MAX);
}

int qh_auth_pin_short(const char *pin)
{
    return !pin || strnlen(pin, QH_AUTH_ADMIN_PIN_MIN) < QH_AUTH_ADMIN_PIN_MIN;
}

int qh_auth_hash(const char *pin, char out[QH_AUTH_HASHLEN],
                 char *err, size_t errlen)
{
    int rc;

    rc = qh_auth_pin_valid(pin, err, errlen);
    if (rc < 0)
        return rc;
    if (sodium_ready() < 0)
        return qh_err(err, errlen, QH_E_IO, "libsodium failed to initialise");
    /* Named explicitly rather than crypto_pwhash_str(), whose default
     * algorithm is libsodium's to change between releases. */
    if (crypto_pwhash_str_alg(out, pin, strlen(pin),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        /* The only documented failure is the memory limit not being met. */
        return qh_err(err, errlen, QH_E_NOMEM,
                      "hashing the PIN needs %zu MiB of memory",
                      (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
    return 0;
}

int qh_auth_verify(const char *hash, const char *pin)
{
    /* A malformed PIN cannot match any hash; saying QH_E_AUTH rather than
     * QH_E_PARSE gives a guesser no hint about the PIN rules. */
    if (!hash || !pin || qh_auth_pin_valid(pin, NULL, 0) < 0)
        return QH_E_AUTH;
    if (strnlen(hash, QH_AUTH_HASHLEN) >= QH_AUTH_HASHLEN)
        return QH_E_AUTH;   /* not a string libsodium wrote */
    if (sodium_ready() < 0)
        return QH_E_IO;
    if (crypto_pwhash_str_verify(hash, pin, strlen(pin)) != 0)
        return QH_E_AUTH;
    return 0;
}

int qh_auth_token(char out[QH_AUTH_TOKEN_LEN], char *err, size_t errlen)
{
    unsigned char bits[16];
    _Static_assert(sodium_base64_ENCODED_LEN(sizeof bits,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING)
                       == QH_AUTH_TOKEN_CHARS + 1,
                   "a token is 22 characters");
    if (sodium_ready() < 0)
        return qh_err(err, errlen, QH_E_IO, "libsodium failed to initialise");
    randombytes_buf(bits, sizeof bits);
    sodium_bin2base64(out, QH_AUTH_TOKEN_LEN, bits, sizeof bits,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

int qh_auth_token_valid(const char *s)
{
    size_t n = s ? strnlen(s, QH_AUTH_TOKEN_CHARS + 1) : 0;
    if (n != QH_AUTH_TOKEN_CHARS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}
