/* version.c: the release and commit of the build (qh/version.h). */
#include "qh/version.h"

#include "qh_commit.h"

const char *qh_version_commit(void)
{
    return QH_COMMIT_ID;
}

int qh_version_print(FILE *f, const char *program)
{
    return fprintf(f, "%s %s (%s)\n", program, QH_VERSION, QH_COMMIT_ID);
}
