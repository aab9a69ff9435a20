/* rate_device.c: a citizen's rating on a device, for the CLI tests.
 *
 *     qh_rate_device DB NUMBER SCORE pad:N|web [REASON]
 *
 * The pad and the phone page rate through the library, never through
 * `qhall rate` (an admin's entry of paper, hotline and sms ratings): so a
 * script that needs a pad or qr rating runs this, which does what
 * qhall-counter --pad and the phone page do: the store's actor is the
 * device, and qh_rating_add with channel pad (device pad:N) or qr
 * (device web).  The clock is $QHALL_NOW as for qhall.  Exit 0, 1 with
 * the library's reason on stderr, 2 for bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/hall.h"
#include "qh/rating.h"

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 || (strncmp(argv[4], "pad:", 4) && strcmp(argv[4], "web"))) {
        fprintf(stderr, "usage: qh_rate_device DB NUMBER SCORE pad:N|web [REASON]\n");
        return 2;
    }
    char err[512] = "";
    struct qh_store *s = NULL;
    if (qh_hall_open(&s, argv[1], 0, err, sizeof err)) {
        fprintf(stderr, "qh_rate_device: %s\n", err);
        return 1;
    }
    int pad = argv[4][0] == 'p';
    struct qh_rate_req r = {
        .number = argv[2], .score = atoi(argv[3]), .reason = argc > 5 ? argv[5] : NULL,
        .channel = pad ? QH_RATE_PAD : QH_RATE_QR, .device = argv[4],
    };
    qh_hall_set_actor(s, argv[4]);
    int rc = qh_rating_add(s, &r, NULL, err, sizeof err);
    if (rc)
        fprintf(stderr, "qh_rate_device: %s\n", err);
    qh_hall_close(s);
    return rc ? 1 : 0;
}
