/* audio.h: what the hall hears: a chime, then a Mandarin announcement
 * synthesised offline with espeak-ng, said `repeat` times; calls play one
 * after another in the order they were asked for, never overlapping.
 *
 * qh_audio_say() only queues the text: a thread of the module synthesises
 * it (espeak-ng, voice cmn-latn-pinyin: plain cmn is broken in Debian 12),
 * mixes the chime in front, applies the volume and appends the clip to the
 * play queue, which the SDL audio callback drains.  So the screen's loop
 * never waits for speech.  The device is opened when there is something to
 * play and closed again after a few idle seconds, so a quiet hall costs no
 * CPU.  Without a device the screen goes on silently: qh_audio_status()
 * says why, and the program logs it once.
 *
 * The sentence itself ("请A零零一号到3号窗口办理") is made by core's
 * qh_announce_text (qh/announce.h), so that a model can queue it without
 * linking this library.
 *
 * PCM everywhere is 16-bit signed mono at QH_AUDIO_RATE.  Built as its own
 * library (qh_audio: espeak-ng + SDL). */
#ifndef QH_AUDIO_H
#define QH_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define QH_AUDIO_RATE 22050
#define QH_AUDIO_VOICE "cmn-latn-pinyin"

struct qh_audio;

struct qh_audio_opts {
    int volume;               /* 0-100 (linear gain) */
    int repeat;               /* times each announcement is said, 1-5 */
    int rate_wpm;             /* speaking speed, 80-450 words a minute */
    const char *chime;        /* WAV file; NULL: the installed chime.wav
                               * (qh_asset_find, qh/conf.h); "": none */
    int no_device;            /* never open a device: PCM is taken with
                               * qh_audio_pull() (tests, benchmarks) */
};

/* volume 80, repeat 2, a calm 140 wpm, the asset chime, a device. */
void qh_audio_opts_default(struct qh_audio_opts *o);

/* Start the synthesis thread and the audio subsystem.  Returns 0 even
 * when no device can be opened (the problem is in qh_audio_status());
 * QH_E_NOMEM or QH_E_IO (thread) otherwise.  A missing or unreadable
 * chime file is replaced by a built-in two-tone chime. */
int qh_audio_open(struct qh_audio **out, const struct qh_audio_opts *o,
                  char *err, size_t errlen);
/* Stops the thread; clips not yet played are dropped.  NULL is a no-op. */
void qh_audio_close(struct qh_audio *a);

/* Queue an announcement (copied).  QH_E_BUSY when 32 are already waiting
 * to be synthesised (it is dropped: a hall that far behind should not
 * read out stale calls), QH_E_NOMEM. */
int qh_audio_say(struct qh_audio *a, const char *text);

/* A generation number that moves whenever the problem changes, and the
 * problem ("" when the sound works) in buf.  The program logs a problem
 * once, when the generation moves. */
unsigned qh_audio_status(struct qh_audio *a, char *buf, size_t buflen);

/* Where the chime comes from, for a program's debug log: the WAV file's
 * path, "built-in (why)" when none could be read, or "none". */
const char *qh_audio_chime(const struct qh_audio *a);

/* Wait until every queued announcement has been synthesised and, with a
 * device, played (or dropped for lack of one).  0, or QH_E_BUSY on
 * timeout. */
int qh_audio_wait(struct qh_audio *a, int timeout_ms);

/* The mixer: the next n samples of the output stream, silence where
 * nothing is queued.  The SDL callback calls it; without a device (no_device)
 * a test calls it to hear exactly what the hall would.  Returns how many
 * of the n samples came from clips. */
size_t qh_audio_pull(struct qh_audio *a, int16_t *out, size_t n);

/* What was played: each clip's text and its first and one-past-last
 * sample in the output stream (end 0 while still playing).  The last up
 * to `max` clips, oldest first; returns the count. */
struct qh_audio_played {
    char text[192];
    uint64_t start, end;
    size_t samples;
};
int qh_audio_history(struct qh_audio *a, struct qh_audio_played *out, int max);

/* Synthesise text now, in the caller's thread (espeak-ng is serialised
 * inside): *pcm (caller frees) gets *n samples.  QH_E_IO when espeak-ng or
 * its voice data is missing. */
int qh_audio_synth(const char *text, int rate_wpm, int16_t **pcm, size_t *n,
                   char *err, size_t errlen);

#endif
