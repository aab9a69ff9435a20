/* log.h: the one log of a qhall process, on stderr.
 *
 * Every program and the CLI log through here (qh_app_log too), so that
 * one setting picks how much a hall's journal gets: QHALL_LOG=error|warn|
 * info|debug (default info), and --verbose (debug).  A line is
 * "<name>: <text>"; when stderr is the journal's stream (JOURNAL_STREAM
 * names it), the line starts with the sd-daemon level marker (<3> <4>
 * <6> <7>) so that journald keeps the level (journalctl -p warning).
 *
 * One line per problem, not per frame: a line equal to the one logged
 * just before is held back and counted, and comes out once more as
 * "<text> (repeated N times)" when another line comes, a minute passed,
 * or qh_log_flush runs (at exit).  Safe from any thread. */
#ifndef QH_LOG_H
#define QH_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum qh_log_level { QH_LOG_ERROR, QH_LOG_WARN, QH_LOG_INFO, QH_LOG_DEBUG };

/* The process's name for its lines ("qhall-display"; borrowed, kept) and
 * its level: QHALL_LOG, or debug when verbose.  0, or QH_E_USAGE with
 * err naming the bad QHALL_LOG (the level then stays info). */
int qh_log_setup(const char *name, int verbose, char *err, size_t errlen);
/* Parse "error", "warn", "info", "debug": 0 and *out, or QH_E_PARSE. */
int qh_log_parse_level(const char *s, enum qh_log_level *out);
/* Whether a line of this level would be written. */
int qh_log_enabled(enum qh_log_level lv);

void qh_log(enum qh_log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As qh_log, under another name than the process's (NULL: the process's). */
void qh_log_v(enum qh_log_level lv, const char *name, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Write the count of a line held back, if any. */
void qh_log_flush(void);

#define qh_log_error(...) qh_log(QH_LOG_ERROR, __VA_ARGS__)
#define qh_log_warn(...) qh_log(QH_LOG_WARN, __VA_ARGS__)
#define qh_log_info(...) qh_log(QH_LOG_INFO, __VA_ARGS__)
#define qh_log_debug(...) qh_log(QH_LOG_DEBUG, __VA_ARGS__)

#endif
