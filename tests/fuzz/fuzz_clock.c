/* fuzz_clock.c: ISO 8601 parsing on arbitrary bytes; anything accepted
 * must print and parse back to the same instant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t ms, back;
    char err[QH_ERRLEN] = "";
    if (qh_clock_parse(text, "Asia/Shanghai", &ms, err, sizeof err) < 0) {
        if (!err[0])
            abort();
        return 0;
    }
    char iso[32];
    qh_clock_iso("Asia/Shanghai", ms, iso);
    if (qh_clock_parse(iso, NULL, &back, err, sizeof err) < 0 || back / 1000 != ms / 1000)
        abort();
    return 0;
}
