/* test_audio.c: the announcement's exact text, espeak-ng PCM for it, and
 * the play queue: two calls in a row come out in order, one after the
 * other, never mixed.  The queue is drained through qh_audio_pull (the
 * function the SDL callback calls) so the test hears exactly what the
 * hall would, without waiting in real time; one short run with SDL's
 * dummy audio driver checks the device path. */
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "testutil.h"
#include "qh/announce.h"
#include "qh/audio.h"

static long peak_of(const int16_t *v, size_t n)
{
    long p = 0;
    for (size_t i = 0; i < n; i++)
        if (labs((long)v[i]) > p)
            p = labs((long)v[i]);
    return p;
}

static void announcement_text(void **state)
{
    (void)state;
    char t[128];
    qh_announce_text("A001", 3, t, sizeof t);
    assert_string_equal(t, "请A零零一号到3号窗口办理");
    qh_announce_text("G012", 10, t, sizeof t);
    assert_string_equal(t, "请G零一二号到10号窗口办理");
}

static void synth_makes_speech(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = qh_audio_synth("请A零零一号到3号窗口办理", 140, &pcm, &n, err, sizeof err);
    if (rc < 0)
        fail_msg("%s", err);
    /* About 4 s of speech at 22050 Hz: between 1.5 s and 10 s. */
    assert_true(n > QH_AUDIO_RATE * 3 / 2);
    assert_true(n < QH_AUDIO_RATE * 10);
    assert_true(peak_of(pcm, n) > 3000);
    free(pcm);
}

/* Pull the whole output stream until both clips have ended. */
static void two_calls_in_order(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    struct qh_audio *a;
    struct qh_audio_opts o;
    qh_audio_opts_default(&o);
    o.no_device = 1;
    o.volume = 100;
    if (qh_audio_open(&a, &o, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(qh_audio_say(a, "请A零零一号到1号窗口办理"), 0);
    assert_int_equal(qh_audio_say(a, "请B零零二号到3号窗口办理"), 0);
    assert_int_equal(qh_audio_wait(a, 20000), 0);

    size_t cap = (size_t)QH_AUDIO_RATE * 60, got = 0;
    int16_t *out = calloc(cap, sizeof *out);
    assert_non_null(out);
    struct qh_audio_played h[4];
    int nh = 0;
    while (got < cap) {
        size_t k = qh_audio_pull(a, out + got, 4096);
        got += 4096;
        nh = qh_audio_history(a, h, 4);
        if (k == 0 && nh == 2 && h[1].end)
            break;
    }
    assert_int_equal(nh, 2);
    assert_string_equal(h[0].text, "请A零零一号到1号窗口办理");
    assert_string_equal(h[1].text, "请B零零二号到3号窗口办理");
    /* In order, back to back, never overlapping. */
    assert_int_equal(h[0].start, 0);
    assert_int_equal(h[0].end, h[0].samples);
    assert_int_equal(h[1].start, h[0].end);
    assert_int_equal(h[1].end - h[1].start, h[1].samples);
    /* Each clip: chime and the sentence twice, not silent. */
    for (int i = 0; i < 2; i++) {
        assert_true(h[i].samples > (size_t)QH_AUDIO_RATE * 5);
        assert_true(peak_of(out + h[i].start, h[i].samples) > 3000);
    }
    /* The chime opens the clip: sound in its first half second. */
    assert_true(peak_of(out, QH_AUDIO_RATE / 2) > 3000);
    /* After the last clip: silence. */
    assert_int_equal(peak_of(out + h[1].end, got - h[1].end), 0);
    free(out);
    qh_audio_close(a);
}

static void volume_and_missing_chime(void **state)
{
    (void)state;
    char err[QH_ERRLEN];
    struct qh_audio *a;
    struct qh_audio_opts o;
    qh_audio_opts_default(&o);
    o.no_device = 1;
    o.volume = 0;
    o.repeat = 1;
    o.chime = "/nonexistent/chime.wav";     /* the built-in chime instead */
    if (qh_audio_open(&a, &o, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(qh_audio_say(a, "请C零零一号到5号窗口办理"), 0);
    assert_int_equal(qh_audio_wait(a, 20000), 0);
    int16_t buf[4096];
    size_t total = 0, k;
    long peak = 0;
    while ((k = qh_audio_pull(a, buf, 4096)) > 0) {
        total += k;
        if (peak_of(buf, k) > peak)
            peak = peak_of(buf, k);
    }
    assert_true(total > (size_t)QH_AUDIO_RATE * 2);
    assert_int_equal(peak, 0);                  /* volume 0 is silent */
    char problem[256];
    qh_audio_status(a, problem, sizeof problem);
    assert_string_equal(problem, "");
    qh_audio_close(a);
}

/* The device path with SDL's dummy driver (real time: a short clip). */
static void dummy_device_plays(void **state)
{
    (void)state;
    char err[QH_ERRLEN], problem[256];
    struct qh_audio *a;
    struct qh_audio_opts o;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    qh_audio_opts_default(&o);
    o.repeat = 1;
    o.chime = "";
    if (qh_audio_open(&a, &o, err, sizeof err) < 0)
        fail_msg("%s", err);
    qh_audio_status(a, problem, sizeof problem);
    assert_string_equal(problem, "");
    assert_int_equal(qh_audio_say(a, "请A一号"), 0);
    assert_int_equal(qh_audio_wait(a, 20000), 0);
    struct qh_audio_played h[2];
    assert_int_equal(qh_audio_history(a, h, 2), 1);
    assert_true(h[0].end > h[0].start);
    qh_audio_close(a);
}

/* No device at all: the module says so once and the caller goes on. */
static void no_device(void **state)
{
    (void)state;
    char err[QH_ERRLEN], problem[256];
    struct qh_audio *a;
    struct qh_audio_opts o;
    setenv("SDL_AUDIODRIVER", "nosuchdriver", 1);
    qh_audio_opts_default(&o);
    assert_int_equal(qh_audio_open(&a, &o, err, sizeof err), 0);
    unsigned g = qh_audio_status(a, problem, sizeof problem);
    assert_true(g > 0);
    assert_non_null(strstr(problem, "no audio"));
    assert_int_equal(qh_audio_say(a, "请A零零一号到1号窗口办理"), 0);
    assert_int_equal(qh_audio_wait(a, 20000), 0);
    /* Same problem again: the generation did not move, nothing to log. */
    assert_int_equal(qh_audio_status(a, problem, sizeof problem), g);
    qh_audio_close(a);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
}

static int teardown(void **state)
{
    (void)state;
    SDL_Quit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(announcement_text),
        cmocka_unit_test(synth_makes_speech),
        cmocka_unit_test(two_calls_in_order),
        cmocka_unit_test(volume_and_missing_chime),
        cmocka_unit_test(dummy_device_plays),
        cmocka_unit_test(no_device),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
