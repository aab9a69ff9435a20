/* store_pg_rows.h: the PostgreSQL backend's rows_* ops (store_backend.h),
 * for copying a hall (store_pg_rows.c).  Private to common/store/. */
#ifndef QH_STORE_PG_ROWS_H
#define QH_STORE_PG_ROWS_H

#include <stddef.h>
#include <stdint.h>

struct qh_store_be;

/* What the copy keeps on the connection (store_pg.c holds it, frees it
 * with fini at close; set replaces and frees what was there). */
void *qh_pg_rows(struct qh_store_be *s);
void qh_pg_rows_set(struct qh_store_be *s, void *rows, void (*fini)(void *));

int qh_pg_rows_each(struct qh_store_be *s, const char *table, const char *cols,
                    int (*fn)(int n, const char *const *vals, void *),
                    void *ud, char *err, size_t errlen);
int qh_pg_rows_count(struct qh_store_be *s, const char *table, int64_t *out,
                     char *err, size_t errlen);
int qh_pg_rows_begin(struct qh_store_be *s, char *err, size_t errlen);
int qh_pg_rows_put(struct qh_store_be *s, const char *table, const char *cols,
                   int n, const char *const *vals, char *err, size_t errlen);
int qh_pg_rows_end(struct qh_store_be *s, char *err, size_t errlen);

#endif
