/* store_file.c: who may read and write the database file, beside store.c.
 *
 * The file holds staff PIN hashes, citizens' names from appointments,
 * ratings and notes, so it is private to its owner: a new database (and
 * a backup) is created 0600 whatever the caller's umask, or 0640 in a
 * setgid directory, whose group the kernel gives the file: that directory
 * is how a hall lets one group read it.  SQLite creates -wal, -shm and
 * -journal with the mode of the main file, so they follow.  A database
 * that any local user can write (or replace, through its directory) may
 * already carry someone else's data and is refused; one that every user
 * can read, as earlier versions made them, is made private when its
 * owner opens it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qh/path.h"
#include "qh/store.h"
#include "store_internal.h"

/* The files SQLite keeps beside the database. */
static const char *const companions[] = {"", "-wal", "-shm", "-journal"};

static int in_memory(const char *path)
{
    return !*path || !strcmp(path, ":memory:");
}

/* The directory of path must not let every user replace the file (the
 * sticky bit, as on /tmp, keeps them to their own files).  *setgid tells
 * whether the hall gave it a group. */
static int check_dir(const char *path, enum qh_lang lang, int *setgid,
                     char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;
    *setgid = 0;
    if (qh_path_dir(path, dir, sizeof dir) < 0)
        return qh_err(err, errlen, QH_E_USAGE, "database path too long");
    if (stat(dir, &st) < 0)
        return 0;           /* opening the file will say what is wrong */
    if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
        return qh_err(err, errlen, QH_E_IO, "%s: %s%s%s", dir,
                      QH_TR(lang, "目录任何用户都可写入，他人可替换数据库，拒绝使用（请运行 chmod o-w ",
                            "any local user can write this directory and replace the database;"
                            " refusing to use it (run chmod o-w "),
                      dir, QH_TR(lang, "）", ")"));
    *setgid = (st.st_mode & S_ISGID) != 0;
    return 0;
}

int qh_sqlite_check_perms(const char *path, enum qh_lang lang,
                         char *err, size_t errlen)
{
    char f[4200];
    struct stat st;
    int setgid, rc, said = 0;
    if (in_memory(path))
        return 0;
    if ((rc = check_dir(path, lang, &setgid, err, errlen)) < 0)
        return rc;
    if (err && errlen)
        err[0] = '\0';
    for (size_t i = 0; i < sizeof companions / sizeof *companions; i++) {
        int n = snprintf(f, sizeof f, "%s%s", path, companions[i]);
        if (n < 0 || (size_t)n >= sizeof f)
            return qh_err(err, errlen, QH_E_USAGE, "database path too long");
        if (stat(f, &st) < 0 || !S_ISREG(st.st_mode))
            continue;       /* absent; anything else SQLite reports */
        if (st.st_mode & S_IWOTH)
            return qh_err(err, errlen, QH_E_IO, "%s: %s%s%s", f,
                          QH_TR(lang, "任何用户都可写入此数据库文件，拒绝使用（请运行 chmod 600 ",
                                "any local user can write this database file;"
                                " refusing to use it (run chmod 600 "),
                          f, QH_TR(lang, "）", ")"));
        if (!(st.st_mode & S_IROTH))
            continue;
        /* Readable by all: as private as a new file here, keeping what the
         * owner (and, in a setgid directory, the group) could do.  Only the
         * owner changes it: root leaves another user's file as it is. */
        mode_t to = st.st_mode & (setgid ? 0770 : 0700);
        if (st.st_uid == geteuid() && chmod(f, to) == 0)
            qh_err_append(err, errlen, "%s: %s%04o%s%04o", f,
                          QH_TR(lang, "数据库文件原为任何用户可读（", "was readable by any local user ("),
                          (unsigned)(st.st_mode & 07777),
                          QH_TR(lang, "），已改为 ", "); made it "), (unsigned)to);
        else
            qh_err_append(err, errlen, "%s: %s%s%s", f,
                          QH_TR(lang, "任何用户都可读取此数据库文件（请其所有者运行 chmod 600 ",
                                "any local user can read this database file (its owner should run"
                                " chmod 600 "),
                          f, QH_TR(lang, "）", ")"));
        said = 1;
    }
    return said;
}

int qh_sqlite_create_private(const char *path, int exclusive, enum qh_lang lang,
                            char *err, size_t errlen)
{
    int setgid, rc;
    if (in_memory(path))
        return 0;
    if ((rc = check_dir(path, lang, &setgid, err, errlen)) < 0)
        return rc;
    mode_t mode = setgid ? 0640 : 0600;
    /* O_EXCL: never an existing file, nor one a symlink points at. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST && !exclusive)
        return 0;
    if (fd < 0 && errno == EEXIST)
        return qh_err(err, errlen, QH_E_EXISTS, "%s: %s", path,
                      QH_TR(lang, "文件已存在", "file exists"));
    if (fd < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", path, strerror(errno));
    /* The umask only takes bits away; the mode above is already private,
     * so give back what it took (a umask of 0277 would leave the owner
     * unable to write). */
    if (fchmod(fd, mode) < 0) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return rc;
    }
    close(fd);
    return 1;
}
