/* fuzz_web.c: what `qhall serve` takes from a client, on arbitrary bytes:
 * the request line's method and path (qh_web_route), the rating form's
 * body (qh_web_form_parse) and Last-Event-ID (qh_web_event_id).  None may
 * crash or read out of bounds; each answers with a status a client could
 * be given, and a parsed form holds only values in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qh/err.h"
#include "qh/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* The first line is "METHOD PATH", as a request line would be. */
    char *sp = strchr(text, ' ');
    const char *method = "GET", *path = text;
    if (sp) {
        *sp = '\0';
        method = text;
        path = sp + 1;
    }
    struct qh_web_route r;
    int st = qh_web_route(method, path, &r);
    if (st != 200 && st != 404 && st != 405 && st != 414)
        abort();
    if (st == 404 && r.kind != QH_WEB_NONE)
        abort();
    if (r.kind >= QH_WEB_TICKET && r.kind <= QH_WEB_RATE && !qh_auth_token_valid(r.token))
        abort();
    if (sp)
        *sp = ' ';

    struct qh_web_form f;
    const char *why = NULL;
    int nreasons = size ? data[0] % 13 : 7;
    if (qh_web_form_parse((const char *)data, size, nreasons, &f, &why) < 0) {
        if (!why)
            abort();
    } else {
        if (f.score < 0 || f.score > 5 || (nreasons < 32 && (f.reasons >> nreasons)) ||
            strlen(f.text) >= sizeof f.text || strlen(f.form) >= sizeof f.form)
            abort();
    }
    int64_t id;
    if (qh_web_event_id(text, &id) && id < 0)
        abort();
    free(text);
    return 0;
}
