/* args.c: the one rule the programs' option parsers share (qh/args.h). */
#include <string.h>

#include "qh/args.h"

static int listed(const char *const *list, const char *a, size_t n)
{
    for (int i = 0; list && list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], a, n))
            return i;
    return -1;
}

const char *qh_args_repeated(int argc, char *const *argv, const char *const *takes,
                             const char *const *many)
{
    /* Which of `takes` were seen: a program has a handful of options. */
    unsigned long long seen = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        int k = listed(takes, a, n);
        if (k < 0)
            continue;
        if (!eq)
            i++;                /* its value, whatever it looks like */
        if (k >= 64 || listed(many, a, n) >= 0)
            continue;
        if (seen & (1ull << k))
            return takes[k];
        seen |= 1ull << k;
    }
    return NULL;
}
