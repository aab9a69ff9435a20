/* assets.c: the default hall INI, the sample catalogue and the national
 * rating export map, compiled into
 * the conf floor so that `qhall` and `make demo` work on a machine where nothing
 * is installed.  QH_ASSET_DIR comes from the build; each blob gets a
 * trailing NUL so it can be used as a C string.
 *
 * And where the assets read at run time (the chime) are: the installed
 * ones, or the source tree's for a program run from its build tree
 * (qh_asset_find). */
#include "qh/conf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qh/err.h"
#include "qh/path.h"

#if !defined(QH_ASSET_DIR) || !defined(QH_DATA_DIR) || !defined(QH_BIN_TO_DATA) || \
    !defined(QH_BUILD_DIR)
#error "QH_ASSET_DIR, QH_DATA_DIR, QH_BIN_TO_DATA and QH_BUILD_DIR come from the build"
#endif

__asm__(".section .rodata\n"
        ".global qh_asset_hall_ini\n"
        ".type qh_asset_hall_ini, @object\n"
        "qh_asset_hall_ini:\n"
        ".incbin \"" QH_ASSET_DIR "/hall.ini\"\n"
        ".byte 0\n"
        ".size qh_asset_hall_ini, . - qh_asset_hall_ini\n"
        ".global qh_asset_services_csv\n"
        ".type qh_asset_services_csv, @object\n"
        "qh_asset_services_csv:\n"
        ".incbin \"" QH_ASSET_DIR "/services.csv\"\n"
        ".byte 0\n"
        ".size qh_asset_services_csv, . - qh_asset_services_csv\n"
        ".global qh_asset_gbt39046_map\n"
        ".type qh_asset_gbt39046_map, @object\n"
        "qh_asset_gbt39046_map:\n"
        ".incbin \"" QH_ASSET_DIR "/export/gbt39046.map\"\n"
        ".byte 0\n"
        ".size qh_asset_gbt39046_map, . - qh_asset_gbt39046_map\n"
        ".previous\n");

/* The directory of the running program, resolved (/proc/self/exe): "" if
 * it cannot be read. */
static void exe_dir(char *out, size_t len)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

    out[0] = 0;
    if (n <= 0 || path[0] != '/')
        return;
    path[n] = 0;
    if (qh_path_dir(path, out, len) < 0)
        out[0] = 0;
}

/* Whether dir is base or inside it. */
static int under(const char *dir, const char *base)
{
    size_t n = strlen(base);
    return n && !strncmp(dir, base, n) && (dir[n] == 0 || dir[n] == '/');
}

/* 1 when dir/name is a regular file, the path in out; else 0, out "". */
static int try_dir(const char *dir, const char *name, char *out, size_t len)
{
    struct stat st;
    int n = snprintf(out, len, "%s/%s", dir, name);
    if (n > 0 && (size_t)n < len && stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return 1;
    if (len)
        out[0] = 0;
    return 0;
}

int qh_asset_find(const char *name, char *out, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("QHALL_ASSETS");
    char bin[PATH_MAX], dir[PATH_MAX + 64] = "";

    if (len)
        out[0] = 0;
    if (env && env[0]) {
        /* Relative would mean the current directory: never that. */
        if (env[0] != '/')
            return qh_err(err, errlen, QH_E_PARSE,
                          "QHALL_ASSETS: expected an absolute directory, got \"%s\"", env);
        if (try_dir(env, name, out, len))
            return 0;
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s/%s: %s", env, name, strerror(ENOENT));
    }
    exe_dir(bin, sizeof bin);
    /* Run from the build tree it was built in: the sources' own assets,
     * whatever an earlier `make install` left under the prefix. */
    if (bin[0] && under(bin, QH_BUILD_DIR)) {
        if (try_dir(QH_ASSET_DIR, name, out, len))
            return 0;
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s/%s: %s", QH_ASSET_DIR, name,
                      strerror(ENOENT));
    }
    /* Installed: beside the program's own prefix first (a tree installed
     * with another --prefix or DESTDIR, or moved), then the configured one. */
    if (bin[0]) {
        /* "../share": up from bin/ by hand, for a path without "..". */
        const char *rel = QH_BIN_TO_DATA;
        char *slash;
        while (!strncmp(rel, "../", 3) && (slash = strrchr(bin, '/')) && slash != bin) {
            *slash = 0;
            rel += 3;
        }
        snprintf(dir, sizeof dir, "%s/%s/qhall", bin, rel);
        if (try_dir(dir, name, out, len))
            return 0;
    }
    if (try_dir(QH_DATA_DIR, name, out, len))
        return 0;
    if (dir[0] && strcmp(dir, QH_DATA_DIR))
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s not found in %s nor in %s", name, dir,
                      QH_DATA_DIR);
    return qh_err(err, errlen, QH_E_NOTFOUND, "%s not found in %s", name, QH_DATA_DIR);
}
