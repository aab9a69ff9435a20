/* path.h: the directory a file is in, as the checks of a database's and
 * a backup's directory need it. */
#ifndef QH_PATH_H
#define QH_PATH_H

#include <stddef.h>

/* The directory of path into out: "a/b" → "a", "/b" → "/", "b" → ".".
 * 0, or -1 when it does not fit in n bytes (out then holds a prefix). */
int qh_path_dir(const char *path, char *out, size_t n);

#endif
