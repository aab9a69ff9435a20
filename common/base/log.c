/* log.c: the process's log on stderr (qh/log.h).
 *
 * Process-wide state, as stderr is: the name, the level, whether stderr
 * is the journal, and the one line held back while it repeats. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qh/clock.h"
#include "qh/err.h"
#include "qh/log.h"

enum {
    REPEAT_MS = 60000,          /* a repeat is counted this long, then told */
    TEXT_MAX = 4096,
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const char *proc_name = "qhall";
static enum qh_log_level level = QH_LOG_INFO;
static int journal = -1;        /* -1: not looked at yet */

/* The line held back: what it was and how often it came again. */
static struct {
    enum qh_log_level lv;
    char name[64];
    char text[TEXT_MAX];
    long repeats;
    int64_t since;
} last;

static const char *const names[] = {
    [QH_LOG_ERROR] = "error", [QH_LOG_WARN] = "warn",
    [QH_LOG_INFO] = "info", [QH_LOG_DEBUG] = "debug",
};
/* sd-daemon(3): LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
static const char markers[] = {
    [QH_LOG_ERROR] = '3', [QH_LOG_WARN] = '4', [QH_LOG_INFO] = '6', [QH_LOG_DEBUG] = '7',
};

int qh_log_parse_level(const char *s, enum qh_log_level *out)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (s && !strcmp(s, names[i])) {
            *out = (enum qh_log_level)i;
            return 0;
        }
    return QH_E_PARSE;
}

/* JOURNAL_STREAM is "dev:ino" of the stream systemd connected; a child
 * that inherited the variable but writes elsewhere must not get markers. */
static int stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
        return 0;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int qh_log_setup(const char *name, int verbose, char *err, size_t errlen)
{
    const char *env = getenv("QHALL_LOG");
    enum qh_log_level lv = QH_LOG_INFO;
    int rc = 0;
    if (env && *env && qh_log_parse_level(env, &lv) < 0)
        rc = qh_err(err, errlen, QH_E_USAGE,
                    "QHALL_LOG: expected error, warn, info or debug, got \"%s\"", env);
    pthread_mutex_lock(&mu);
    proc_name = name;
    level = verbose ? QH_LOG_DEBUG : lv;
    journal = stderr_is_journal();
    pthread_mutex_unlock(&mu);
    return rc;
}

int qh_log_enabled(enum qh_log_level lv)
{
    return lv <= level;
}

static void put(enum qh_log_level lv, const char *name, const char *text, long repeats)
{
    if (journal < 0)
        journal = stderr_is_journal();
    char marker[4] = "";
    if (journal)
        snprintf(marker, sizeof marker, "<%c>", markers[lv]);
    if (repeats > 1)
        fprintf(stderr, "%s%s: %s (repeated %ld times)\n", marker, name, text, repeats);
    else
        fprintf(stderr, "%s%s: %s\n", marker, name, text);
}

static void flush_locked(void)
{
    if (last.repeats > 0)
        put(last.lv, last.name, last.text, last.repeats);
    last.repeats = 0;
}

void qh_log_v(enum qh_log_level lv, const char *name, const char *fmt, va_list ap)
{
    char text[TEXT_MAX];
    if (!qh_log_enabled(lv))
        return;
    vsnprintf(text, sizeof text, fmt, ap);
    int64_t now = qh_clock_mono_ms();
    pthread_mutex_lock(&mu);
    if (!name)
        name = proc_name;
    if (lv == last.lv && !strcmp(name, last.name) && !strcmp(text, last.text)) {
        last.repeats++;
        if (now - last.since >= REPEAT_MS) {
            flush_locked();
            last.since = now;
        }
        pthread_mutex_unlock(&mu);
        return;
    }
    flush_locked();
    put(lv, name, text, 0);
    last.lv = lv;
    snprintf(last.name, sizeof last.name, "%s", name);
    snprintf(last.text, sizeof last.text, "%s", text);
    last.since = now;
    pthread_mutex_unlock(&mu);
}

void qh_log(enum qh_log_level lv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qh_log_v(lv, NULL, fmt, ap);
    va_end(ap);
}

void qh_log_flush(void)
{
    pthread_mutex_lock(&mu);
    flush_locked();
    pthread_mutex_unlock(&mu);
}
