/* backend.c: the table of backends the conformance suite can run on;
 * a new backend adds its line here and its backend_<name>.c. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

const struct qh_test_backend *qh_test_backend_pick(void)
{
    static const struct qh_test_backend *const all[] = {&qh_test_backend_sqlite,
                                                        &qh_test_backend_pg};
    const char *want = getenv("QHALL_TEST_STORE");
    if (!want || !*want)
        want = "sqlite";
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->name, want))
            return all[i];
    return NULL;
}
