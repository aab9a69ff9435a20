/* doctor.h: what `qhall doctor` finds on a hall's PC, check by check:
 * the Chinese font, the sound, the printer, the database (where it is,
 * who may read it, whether it is sound, its schema, the disk it is on)
 * and the clock (on a server, the server's against this PC's).
 *
 * Each finding has a level, what was looked at, what was found and, when
 * something is wrong, what to do, in the caller's language.  Nothing is
 * changed by looking: the database is probed and opened read-only.
 * Built as its own library (qh_doctor: fonts, audio, printing, core). */
#ifndef QH_DOCTOR_H
#define QH_DOCTOR_H

#include "qh/err.h"

enum qh_doctor_level { QH_DOCTOR_OK = 0, QH_DOCTOR_WARN = 1, QH_DOCTOR_ERROR = 2 };

struct qh_doctor_finding {
    enum qh_doctor_level level;
    const char *check;        /* in this order: font audio database
                                 permissions integrity schema printer
                                 disk clock (a file's: permissions, disk) */
    char what[64];            /* the check's name, in the language asked */
    char finding[768];
    char todo[512];           /* "" when nothing is to be done */
};

/* Run every check on db (a file's path or a server's URI), fn getting
 * each finding in the order above (non-zero from fn stops).  Returns the
 * number of QH_DOCTOR_ERROR findings. */
int qh_doctor_run(const char *db, enum qh_lang lang,
                  int (*fn)(const struct qh_doctor_finding *, void *), void *ud);

/* "正常" "警告" "错误" (ok, warn, error in English). */
const char *qh_doctor_level_name(enum qh_doctor_level l, enum qh_lang lang);

#endif
