/* store_msg.c: the messages both backends give in the same words, and
 * the defaults they share, in a file of their own that calls nothing else
 * of the store, so that either backend may use it without a circle
 * through store_api.c. */
#include <stdlib.h>

#include "qh/err.h"
#include "store_backend.h"

int qh_store_busy_env(void)
{
    const char *v = getenv("QHALL_BUSY_MS");
    return v && atoi(v) > 0 ? atoi(v) : 0;
}

int qh_store_busy_default(void)
{
    int ms = qh_store_busy_env();
    return ms ? ms : 10000;
}

int qh_store_err_full(enum qh_lang lang, const char *what, const char *name,
                      char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_DB,
                  QH_TR(lang,
                        "%s：磁盘已满，数据库 %s 写不进去：请腾出磁盘空间，之后自动恢复"
                        "（已保存的数据不受影响，本次操作没有做）",
                        "%s: disk full, the database %s cannot be written: free some disk"
                        " space and it recovers by itself (what was saved is safe; this"
                        " was not done)"),
                  what, name);
}

int qh_store_err_newer(enum qh_lang lang, const char *name, int version, int latest,
                       char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_DB,
                  QH_TR(lang,
                        "%s：数据库结构为第 %d 版，比本程序（第 %d 版）新：请用新版 qhall，"
                        "或恢复本版本做的备份；本程序未改动该数据库",
                        "%s: schema version %d is newer than this qhall (%d): use the newer"
                        " qhall, or restore a backup this version made; the database was"
                        " left untouched"),
                  name, version, latest);
}
