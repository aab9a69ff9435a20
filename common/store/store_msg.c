/* store_msg.c: the messages both backends give in the same words, in a
 * file of their own that calls nothing else of the store, so that either
 * backend may use it without a circle through store_api.c. */
#include "qh/err.h"
#include "store_backend.h"

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
