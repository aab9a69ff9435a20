/* announce.c: the announcement's text (qh/announce.h), apart from the
 * audio module that speaks it. */
#include <stdio.h>

#include "qh/announce.h"
#include "qh/text.h"

void qh_announce_text(const char *number, int window, char *out, size_t outlen)
{
    char clean[32], spelled[128];
    size_t k = 0;

    /* espeak reads only what we give it: keep the letters and digits of
     * the number, so stray punctuation cannot change the sentence. */
    for (const char *p = number ? number : ""; *p && k < sizeof clean - 1; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= 'a' && *p <= 'z'))
            clean[k++] = *p;
    clean[k] = '\0';
    qh_text_spell_number(clean, spelled, sizeof spelled);
    snprintf(out, outlen, "请%s号到%d号窗口办理", spelled, window);
}
