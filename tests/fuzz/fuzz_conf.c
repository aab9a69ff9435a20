/* fuzz_conf.c: the hall INI parser on arbitrary bytes, and the writer's
 * output of anything it accepts must parse back to the same hall. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/conf.h"
#include "qh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static struct qh_hall_conf c, back;
    char err[2048] = "";
    if (qh_conf_parse_string(&c, "fuzz.ini", text, err, sizeof err) < 0) {
        if (!err[0])
            abort();
        free(text);
        return 0;
    }
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (f && qh_conf_write(&c, f) == 0) {
        fclose(f);
        if (qh_conf_parse_string(&back, "written.ini", out, err, sizeof err) < 0)
            abort();
        if (memcmp(&c, &back, sizeof c) != 0)
            abort();
    } else if (f) {
        fclose(f);
    }
    free(out);
    free(text);
    return 0;
}
