/* fuzz_csv.c: the catalogue and appointment parsers on arbitrary bytes.
 * They must never crash, leak or read out of bounds, and must either
 * return rows or a non-empty "file:line: reason" report. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qh/csv.h"
#include "qh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[1024];
    struct qh_service_row *rows = NULL;
    size_t n = 0;
    err[0] = '\0';
    if (qh_catalog_parse("fuzz.csv", text, size, &rows, &n, err, sizeof err) < 0) {
        if (!err[0] || rows)
            abort();
    }
    free(rows);
    struct qh_appointment_row *appts = NULL;
    err[0] = '\0';
    if (qh_appointments_parse("fuzz.csv", text, size, &appts, &n, err, sizeof err) < 0) {
        if (!err[0] || appts)
            abort();
    }
    free(appts);
    free(text);
    return 0;
}
