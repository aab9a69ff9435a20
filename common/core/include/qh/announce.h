/* announce.h: what the hall's speakers say when a number is called.
 *
 * A pure string function, so that the display's model can queue the text
 * (and its tests check it) without linking speech or SDL; the audio
 * module only synthesises what it is given. */
#ifndef QH_ANNOUNCE_H
#define QH_ANNOUNCE_H

#include <stddef.h>

/* 「请A零零一号到3号窗口办理」: the number read digit by digit.  Only the
 * letters and digits of `number` survive (NULL reads as "").  Always
 * terminates out (outlen > 0). */
void qh_announce_text(const char *number, int window, char *out, size_t outlen);

#endif
