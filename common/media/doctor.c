/* doctor.c: `qhall doctor`'s checks (qh/doctor.h).  Each check looks,
 * says what it found and, if something is wrong, what the hall's
 * administrator should run; none of them changes anything.  The levels
 * are those a hall acts on: 错误 stops a program from serving (no font
 * for the screens, a damaged database, a printer the hall names that is
 * not there), 警告 is worth fixing before it becomes one (a database
 * others can read, a disk filling up, a clock not synchronised). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <unistd.h>

#include <SDL.h>

#include "qh/audio.h"
#include "qh/clock.h"
#include "qh/doctor.h"
#include "qh/hall.h"
#include "qh/path.h"
#include "qh/print.h"
#include "qh/record.h"
#include "qh/ui.h"

#define MB (1024LL * 1024)
enum { DISK_WARN_MB = 1024, DISK_ERROR_MB = 100, CLOCK_WARN_MS = 5000, CLOCK_ERROR_MS = 60000 };

struct run {
    enum qh_lang lang;
    int (*fn)(const struct qh_doctor_finding *, void *);
    void *ud;
    int errors, stop;
};

const char *qh_doctor_level_name(enum qh_doctor_level l, enum qh_lang lang)
{
    switch (l) {
    case QH_DOCTOR_OK:
        return QH_TR(lang, "正常", "ok");
    case QH_DOCTOR_WARN:
        return QH_TR(lang, "警告", "warn");
    case QH_DOCTOR_ERROR:
        return QH_TR(lang, "错误", "error");
    }
    return "?";
}

/* One finding: what was found (fmt), and what to do (todo, may be NULL). */
static void say(struct run *r, enum qh_doctor_level level, const char *check,
                const char *what, const char *todo, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void say(struct run *r, enum qh_doctor_level level, const char *check,
                const char *what, const char *todo, const char *fmt, ...)
{
    struct qh_doctor_finding f = {.level = level, .check = check};
    va_list ap;
    if (r->stop)
        return;
    snprintf(f.what, sizeof f.what, "%s", what);
    snprintf(f.todo, sizeof f.todo, "%s", todo ? todo : "");
    va_start(ap, fmt);
    vsnprintf(f.finding, sizeof f.finding, fmt, ap);
    va_end(ap);
    r->errors += level == QH_DOCTOR_ERROR;
    r->stop = r->fn(&f, r->ud) != 0;
}

#define TR(zh, en) QH_TR(r->lang, zh, en)

static void check_font(struct run *r)
{
    char path[1024], err[QH_ERRLEN];
    int index = 0;
    if (qh_ui_font_chinese(0, path, sizeof path, &index, err, sizeof err) < 0)
        say(r, QH_DOCTOR_ERROR, "font", TR("中文字体", "Chinese font"),
            TR("安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
               "install fonts-noto-cjk (apt-get install fonts-noto-cjk)"),
            TR("fontconfig 找不到能显示中文的字体", "fontconfig offers no font that draws Chinese"));
    else
        say(r, QH_DOCTOR_OK, "font", TR("中文字体", "Chinese font"), NULL, "%s (%s %d)",
            path, TR("字形索引", "face"), index);
}

/* The device the screens would open, and the voice that reads calls. */
static void check_audio(struct run *r)
{
    struct qh_audio_opts o;
    struct qh_audio *a = NULL;
    char err[QH_ERRLEN], problem[256] = "";
    int16_t *pcm = NULL;
    size_t n = 0;
    qh_audio_opts_default(&o);
    o.chime = "";
    int voice = qh_audio_synth("号", o.rate_wpm, &pcm, &n, err, sizeof err) == 0;
    free(pcm);
    /* ALSA writes its own lines to stderr when there is no card: the
     * finding is said once, below, not in libasound's words. */
    fflush(stderr);
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    if (qh_audio_open(&a, &o, problem, sizeof problem) == 0)
        qh_audio_status(a, problem, sizeof problem);
    const char *driver = SDL_GetCurrentAudioDriver();
    char drv[64];
    snprintf(drv, sizeof drv, "%s", driver ? driver : "");
    qh_audio_close(a);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    const char *nodev = "no audio device: ";
    if (!strncmp(problem, nodev, strlen(nodev))) {
        char why[200];
        snprintf(why, sizeof why, "%.199s", problem + strlen(nodev));
        snprintf(problem, sizeof problem, TR("打不开音频设备：%s", "no audio device: %s"), why);
    }
    if (!voice)
        say(r, QH_DOCTOR_ERROR, "audio", TR("声音", "audio"),
            TR("安装 espeak-ng-data（apt-get install espeak-ng-data）",
               "install espeak-ng-data (apt-get install espeak-ng-data)"),
            TR("espeak-ng 没有普通话语音 %s：叫号不会播报", "espeak-ng has no Mandarin voice %s:"
               " calls will not be read out"), QH_AUDIO_VOICE);
    else if (problem[0])
        say(r, QH_DOCTOR_WARN, "audio", TR("声音", "audio"),
            TR("接好音箱，检查 PipeWire/PulseAudio 或 ALSA 设备（aplay -l），大屏所在电脑才需要",
               "connect the speakers and check PipeWire/PulseAudio or the ALSA device (aplay -l);"
               " only the display's PC needs one"),
            "%s%s%s", problem, drv[0] ? "; SDL: " : "", drv);
    else if (!strcmp(drv, "dummy") || !strcmp(drv, "disk"))
        say(r, QH_DOCTOR_WARN, "audio", TR("声音", "audio"),
            TR("去掉 SDL_AUDIODRIVER 设置，大屏才能出声", "unset SDL_AUDIODRIVER for the display to be heard"),
            TR("SDL 声音驱动为 %s，听不到声音；普通话语音 %s 可用",
               "the SDL audio driver is %s, which plays nothing; the Mandarin voice %s is there"),
            drv, QH_AUDIO_VOICE);
    else
        say(r, QH_DOCTOR_OK, "audio", TR("声音", "audio"), NULL,
            TR("SDL 声音驱动 %s，设备可用；普通话语音 %s 可用",
               "SDL audio driver %s, a device opens; Mandarin voice %s"),
            drv, QH_AUDIO_VOICE);
}

/* The hall's printer (its [printer] name, else the CUPS default): a name
 * the hall gave that is missing or stopped is an error; no printer at
 * all only a warning, since only the kiosk's PC prints. */
static void check_printer(struct run *r, const char *name)
{
    struct qh_printer_status st;
    char err[QH_ERRLEN], problem[256];
    const char *what = TR("打印机", "printer");
    if (qh_print_status(name, r->lang, &st, err, sizeof err) < 0) {
        if (*name)
            say(r, QH_DOCTOR_ERROR, "printer", what,
                TR("检查打印机电源和连线，lpstat -p 查看，或改正大厅配置 [printer] name",
                   "check the printer's power and cable, see lpstat -p, or correct [printer] name"
                   " in the hall's settings"),
                "%s: %s", name, err);
        else
            say(r, QH_DOCTOR_WARN, "printer", what,
                TR("取号机所在电脑须有打印机：lpadmin 添加后用 lpoptions -d 设为默认，"
                   "或在 [printer] name 指定",
                   "the kiosk's PC needs one: add it with lpadmin and make it the default"
                   " (lpoptions -d), or name it in [printer] name"),
                "%s", err);
        return;
    }
    if (qh_print_problem(&st, r->lang, problem, sizeof problem))
        say(r, *name ? QH_DOCTOR_ERROR : QH_DOCTOR_WARN, "printer", what,
            TR("排除故障后运行 cupsenable 和 cupsaccept", "clear the fault, then run cupsenable"
               " and cupsaccept"),
            "%s: %s", st.name, problem);
    else
        say(r, QH_DOCTOR_OK, "printer", what, NULL, "%s%s%s", st.name,
            TR("：就绪", ": ready"),
            st.paper_low ? TR("（纸将用完）", " (paper low)") : "");
}

/* Who may read and write the file and its directory.  The package's
 * directory is 0750 (a group of the hall may read it); others never. */
static int check_perms(struct run *r, const char *db)
{
    const char *what = TR("文件权限", "permissions");
    char dir[4096], todo[4200];
    struct stat f, d;
    qh_path_dir(db, dir, sizeof dir);
    if (stat(db, &f) < 0 || stat(dir, &d) < 0) {
        say(r, QH_DOCTOR_ERROR, "permissions", what, NULL, "%s: %s", db, strerror(errno));
        return -1;
    }
    unsigned fm = f.st_mode & 07777, dm = d.st_mode & 07777;
    int setgid = (d.st_mode & S_ISGID) != 0;
    if ((dm & S_IWOTH) && !(dm & S_ISVTX)) {
        snprintf(todo, sizeof todo, "chmod o-w %s", dir);
        say(r, QH_DOCTOR_ERROR, "permissions", what, todo,
            TR("目录 %s 为 %04o：任何用户都可替换数据库", "directory %s is %04o: any user can replace"
               " the database"), dir, dm);
    } else if (fm & S_IWOTH) {
        snprintf(todo, sizeof todo, "chmod 600 %s", db);
        say(r, QH_DOCTOR_ERROR, "permissions", what, todo,
            TR("%s 为 %04o：任何用户都可写入", "%s is %04o: any user can write it"), db, fm);
    } else if ((fm & S_IROTH) || (!setgid && (fm & 070))) {
        snprintf(todo, sizeof todo, "chmod %s %s", setgid ? "640" : "600", db);
        say(r, QH_DOCTOR_WARN, "permissions", what, todo,
            TR("%s 为 %04o：别人可读（内有姓名、PIN 散列、评价），应为 %s",
               "%s is %04o: others can read it (names, PIN hashes, ratings); it should be %s"),
            db, fm, setgid ? "0640" : "0600");
    } else if (dm & 007) {
        snprintf(todo, sizeof todo, "chmod o-rwx %s", dir);
        say(r, QH_DOCTOR_WARN, "permissions", what, todo,
            TR("目录 %s 为 %04o：别人可进入，应为 0700（或 0750）",
               "directory %s is %04o: others can enter it; it should be 0700 (or 0750)"), dir, dm);
    } else {
        say(r, QH_DOCTOR_OK, "permissions", what, NULL, TR("%s %04o，目录 %04o", "%s %04o, directory %04o"),
            db, fm, dm);
        return 0;
    }
    return -1;
}

static void check_disk(struct run *r, const char *db)
{
    const char *what = TR("磁盘空间", "disk space");
    char dir[4096];
    struct statvfs v;
    qh_path_dir(db, dir, sizeof dir);
    if (statvfs(dir, &v) < 0) {
        say(r, QH_DOCTOR_ERROR, "disk", what, NULL, "%s: %s", dir, strerror(errno));
        return;
    }
    long long free_mb = (long long)v.f_bavail * (long long)v.f_frsize / MB;
    const char *todo = TR("清理磁盘（旧日志 journalctl --vacuum-size=200M，旧备份），或换更大的磁盘",
                          "free some space (old logs: journalctl --vacuum-size=200M, old backups),"
                          " or use a larger disk");
    enum qh_doctor_level l = free_mb < DISK_ERROR_MB  ? QH_DOCTOR_ERROR
                             : free_mb < DISK_WARN_MB ? QH_DOCTOR_WARN
                                                      : QH_DOCTOR_OK;
    say(r, l, "disk", what, l == QH_DOCTOR_OK ? NULL : todo,
        TR("%s 所在文件系统剩余 %lld MB", "%s: %lld MB free on its file system"), dir, free_mb);
}

/* Against this PC's clock: a server's (every program stamps its events
 * with the server's time), else whether this one is synchronised. */
static void check_clock(struct run *r, const struct qh_db_probe *p)
{
    const char *what = TR("时钟", "clock");
    char now[32];
    qh_clock_iso("UTC", qh_clock_now(), now);
    if (qh_clock_fixed(NULL)) {
        say(r, QH_DOCTOR_WARN, "clock", what,
            TR("正式使用时不要设置 QHALL_NOW", "do not set QHALL_NOW in a working hall"),
            TR("时钟由 QHALL_NOW 固定为 %s", "the clock is fixed by QHALL_NOW at %s"), now);
        return;
    }
    if (p && p->server) {
        long long off = (long long)p->clock_offset_ms;
        long long mag = off < 0 ? -off : off;
        enum qh_doctor_level l = mag > CLOCK_ERROR_MS  ? QH_DOCTOR_ERROR
                                 : mag > CLOCK_WARN_MS ? QH_DOCTOR_WARN
                                                       : QH_DOCTOR_OK;
        say(r, l, "clock", what,
            l == QH_DOCTOR_OK ? NULL
                              : TR("在服务器和本机上启用时间同步（timedatectl set-ntp true）",
                                   "turn on time synchronisation on the server and this PC"
                                   " (timedatectl set-ntp true)"),
            TR("服务器时钟与本机相差 %+lld 毫秒", "the server's clock is %+lld ms off this PC's"),
            off);
        return;
    }
    struct timex tx = {0};
    int state = adjtimex(&tx);
    if (state == TIME_ERROR)
        say(r, QH_DOCTOR_WARN, "clock", what,
            TR("启用时间同步：timedatectl set-ntp true", "turn on time synchronisation:"
               " timedatectl set-ntp true"),
            TR("本机时钟 %s（UTC）未与时间服务器同步", "this PC's clock, %s UTC, is not synchronised"),
            now);
    else
        say(r, QH_DOCTOR_OK, "clock", what, NULL,
            TR("本机时钟 %s（UTC），已同步", "this PC's clock, %s UTC, is synchronised"), now);
}

int qh_doctor_run(const char *db, enum qh_lang lang,
                  int (*fn)(const struct qh_doctor_finding *, void *), void *ud)
{
    struct run run = {.lang = lang, .fn = fn, .ud = ud}, *r = &run;
    struct qh_db_probe p;
    char err[1024], shown[4096], printer[128] = "";
    int server = qh_hall_is_server(db), have = 0, private = 1;
    check_font(r);
    check_audio(r);
    qh_hall_db_display(db, shown, sizeof shown);
    const char *what = TR("数据库", "database");
    int rc = qh_hall_probe(db, lang, &p, err, sizeof err);
    if (rc < 0) {
        say(r, QH_DOCTOR_ERROR, "database", what,
            rc == QH_E_NOTFOUND ? TR("新装的大厅运行 qhall init；否则检查 QHALL_DB 或 --db",
                                     "a new hall runs qhall init; else check QHALL_DB or --db")
                                : NULL,
            "%s", err);
    } else {
        have = 1;
        say(r, QH_DOCTOR_OK, "database", what, NULL, "%s%s", shown,
            server ? TR("（PostgreSQL 服务器）", " (PostgreSQL server)")
                   : TR("（SQLite 文件）", " (SQLite file)"));
    }
    if (have && !server)
        private = check_perms(r, db) == 0;
    if (have) {
        const char *iw = TR("完整性", "integrity");
        if (server)
            say(r, QH_DOCTOR_OK, "integrity", iw, NULL,
                TR("服务器自己管理其文件", "the server keeps its own files"));
        else if (p.integrity)
            say(r, QH_DOCTOR_OK, "integrity", iw, NULL, "quick_check: ok");
        else
            say(r, QH_DOCTOR_ERROR, "integrity", iw,
                TR("停止各程序，用备份恢复：qhall restore 备份文件",
                   "stop the programs and restore a backup: qhall restore BACKUP"),
                TR("数据库已损坏（%s）", "the database is damaged (%s)"), p.found);
        const char *sw = TR("结构版本", "schema");
        if (server || p.integrity) {
            if (p.version == 0)
                say(r, QH_DOCTOR_ERROR, "schema", sw, TR("运行 qhall init", "run qhall init"),
                    TR("数据库尚未初始化", "the database is not set up yet"));
            else if (p.version > p.latest)
                say(r, QH_DOCTOR_ERROR, "schema", sw,
                    TR("安装做出它的新版 qhall", "install the newer qhall that made it"),
                    TR("第 %d 版，比本程序（第 %d 版）新", "version %d, newer than this qhall's %d"),
                    p.version, p.latest);
            else if (p.version < p.latest)
                say(r, QH_DOCTOR_WARN, "schema", sw,
                    TR("先备份，再运行一次 qhall status 完成升级",
                       "back it up, then run qhall status once to upgrade it"),
                    TR("第 %d 版，本程序为第 %d 版", "version %d, this qhall makes %d"),
                    p.version, p.latest);
            else
                say(r, QH_DOCTOR_OK, "schema", sw, NULL, TR("第 %d 版（与本程序相同）",
                                                            "version %d (this qhall's)"), p.version);
        }
        /* The hall's printer name, read-only, once the file is sound;
         * not from a file others can read, which opening would make
         * private: looking changes nothing. */
        struct qh_store *s = NULL;
        if ((server || (p.integrity && private)) && p.version == p.latest &&
            qh_hall_open(&s, db, QH_OPEN_READONLY | (lang == QH_LANG_EN ? QH_OPEN_EN : 0),
                         err, sizeof err) == 0 && qh_hall_exists(s))
            snprintf(printer, sizeof printer, "%s", qh_hall_config(s)->printer.name);
        qh_hall_close(s);
    }
    check_printer(r, printer);
    if (!server && have)
        check_disk(r, db);
    check_clock(r, have ? &p : NULL);
    return run.errors;
}
