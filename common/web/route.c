/* route.c: what a request asks for.  Everything a client sends that the
 * pages act on passes through here first, so these functions take any
 * bytes (tests/fuzz/fuzz_web.c) and answer with a status, never more. */
#include <stdlib.h>
#include <string.h>

#include "qh/err.h"
#include "qh/web.h"

static int is_get(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

int qh_web_route(const char *method, const char *path, struct qh_web_route *out)
{
    static const struct {
        const char *path;
        enum qh_web_kind kind;
    } fixed[] = {
        {"/", QH_WEB_HALL},
        {"/hall", QH_WEB_HALL},
        {"/hall/events", QH_WEB_HALL_EVENTS},
        {"/healthz", QH_WEB_HEALTH},
        {"/app.js", QH_WEB_SCRIPT},
    };
    memset(out, 0, sizeof *out);
    if (!method || !path)
        return 404;
    size_t n = strnlen(path, QH_WEB_URL_MAX + 1);
    if (n > QH_WEB_URL_MAX)
        return 414;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(path, fixed[i].path)) {
            out->kind = fixed[i].kind;
            return is_get(method) ? 200 : 405;
        }
    if (strncmp(path, "/t/", 3))
        return 404;
    const char *tok = path + 3, *end = strchr(tok, '/');
    size_t tn = end ? (size_t)(end - tok) : strlen(tok);
    if (tn != QH_AUTH_TOKEN_CHARS)
        return 404;
    memcpy(out->token, tok, tn);
    out->token[tn] = '\0';
    if (!qh_auth_token_valid(out->token)) {
        memset(out, 0, sizeof *out);
        return 404;
    }
    if (!end) {
        out->kind = QH_WEB_TICKET;
        return is_get(method) ? 200 : 405;
    }
    if (!strcmp(end, "/events")) {
        out->kind = QH_WEB_TICKET_EVENTS;
        return is_get(method) ? 200 : 405;
    }
    if (!strcmp(end, "/rate")) {
        out->kind = QH_WEB_RATE;
        return !strcmp(method, "POST") ? 200 : 405;
    }
    memset(out, 0, sizeof *out);
    return 404;
}

/* Decode n bytes of a urlencoded value into out[outlen]: its length, or
 * -1 for a bad escape or a value too long. */
static long decode(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int h, l;
            if (i + 2 >= n)
                return -1;
            if ((h = qh_text_hex_digit(s[i + 1])) < 0 || (l = qh_text_hex_digit(s[i + 2])) < 0)
                return -1;
            c = h * 16 + l;
            i += 2;
        }
        if (o + 1 >= outlen)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return (long)o;
}

int qh_web_form_parse(const char *body, size_t len, int nreasons,
                      struct qh_web_form *out, const char **why)
{
    static const char *w;
    int seen_form = 0, seen_score = 0, seen_text = 0;
    memset(out, 0, sizeof *out);
    if (!why)
        why = &w;
    *why = NULL;
    if (len > QH_WEB_BODY_MAX) {
        *why = "the form is too large";
        return QH_E_PARSE;
    }
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != '&')
            j++;
        const char *kv = body + i;
        size_t kvn = j - i, kn = 0;
        i = j + 1;
        if (!kvn)
            continue;
        while (kn < kvn && kv[kn] != '=')
            kn++;
        const char *v = kn < kvn ? kv + kn + 1 : kv + kvn;
        size_t vn = kn < kvn ? kvn - kn - 1 : 0;
        char key[16], val[QH_TEXT_REASON_LEN];
        if (decode(kv, kn, key, sizeof key) < 0)
            continue;         /* a field of no interest to us */
        long got = decode(v, vn, val, sizeof val);
        if (!strcmp(key, "form")) {
            if (seen_form++ || got < 0 || (size_t)got >= sizeof out->form) {
                *why = "bad field form";
                return QH_E_PARSE;
            }
            memcpy(out->form, val, (size_t)got + 1);
        } else if (!strcmp(key, "score")) {
            if (seen_score++ || got != 1 || val[0] < '1' || val[0] > '5') {
                *why = "score must be one of 1-5";
                return QH_E_PARSE;
            }
            out->score = val[0] - '0';
        } else if (!strcmp(key, "reason")) {
            char *e;
            long r = got > 0 && got < 4 ? strtol(val, &e, 10) : -1;
            if (got <= 0 || got >= 4 || *e || r < 0 || r >= nreasons || r >= 32 ||
                strspn(val, "0123456789") != (size_t)got) {
                *why = "no such reason";
                return QH_E_PARSE;
            }
            out->reasons |= 1u << r;
        } else if (!strcmp(key, "text")) {
            if (seen_text++ || got < 0) {
                *why = "the text is too long";
                return QH_E_PARSE;
            }
            memcpy(out->text, val, (size_t)got + 1);
            if (memchr(val, '\0', (size_t)got)) {
                *why = "the text holds a NUL byte";
                return QH_E_PARSE;
            }
        }
    }
    return 0;
}

int qh_web_event_id(const char *s, int64_t *id)
{
    if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return 0;
    *id = strtoll(s, NULL, 10);
    return 1;
}
