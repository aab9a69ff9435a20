/* cli_main.c: the `qhall` program's main(): guards stdio and runs the
 * dispatcher of cli.c (cli_main), which the argv fuzzer also calls. */
#include <stddef.h>

#include "qh/err.h"
#include "qh/text.h"

#include "cli.h"

int main(int argc, char **argv)
{
    /* Stored text (names, reasons, an old row) is printed escaped. */
    if (qh_text_guard_stdio() < 0) {
        cli_say("%s", qh_strerror(QH_E_NOMEM));
        return 3;
    }
    return cli_main(argc, argv, NULL);
}
