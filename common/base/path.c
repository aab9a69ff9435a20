/* path.c: the directory a file is in (qh/path.h). */
#include <stdio.h>
#include <string.h>

#include "qh/path.h"

int qh_path_dir(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    int len = !slash ? snprintf(out, n, ".")
                     : snprintf(out, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}
