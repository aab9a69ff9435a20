/* version.h: the release and the commit a program was built from, which
 * every program's --version prints as "<program> <release> (<commit>)":
 * `qhall-display 0.1.0 (ed3788c-dirty)`.
 *
 * QH_VERSION is the project's version (project() in CMakeLists.txt, a
 * compile definition of the whole build); the commit is
 * `git describe --always --dirty` taken when the build runs (a new HEAD
 * or a changed working tree is noticed by the next build), "unknown" for
 * a tree that is not a git checkout. */
#ifndef QH_VERSION_H
#define QH_VERSION_H

#include <stdio.h>

#ifndef QH_VERSION
#error "QH_VERSION comes from the build (CMakeLists.txt)"
#endif

/* The commit, from a generated header that only version.c includes, so
 * that a new commit recompiles one file. */
const char *qh_version_commit(void);
#define QH_COMMIT qh_version_commit()

/* "<program> <release> (<commit>)\n" to f, for the program's --version
 * (which passes stdout); what fprintf returns. */
int qh_version_print(FILE *f, const char *program);

#endif
