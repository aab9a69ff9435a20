/* audio.c: chime plus spoken announcement, synthesised off the screen's
 * loop and played in order.
 *
 * Three parties share a mutex: the caller queues texts (qh_audio_say), the
 * module's thread turns each into one clip (chime, then the sentence
 * `repeat` times with pauses) and appends it to the play queue, and the
 * SDL audio callback (or a test through qh_audio_pull) takes samples from
 * the head of that queue.  A clip is one buffer played start to end, so two
 * calls can never overlap, and one thread synthesises in arrival order, so
 * they cannot swap.
 *
 * espeak-ng keeps global state and is not thread-safe: every synthesis
 * goes through one process-wide mutex, and it is initialised once (with
 * espeakINITIALIZE_DONT_EXIT, so missing voice data is an error, not an
 * exit()).
 *
 * The device is opened only while there is something to play and closed
 * after IDLE_CLOSE_MS: an open SDL device wakes its thread for every
 * buffer even when silent, and a hall display is idle most of the day. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include "qh/audio.h"
#include "qh/clock.h"
#include "qh/conf.h"
#include "qh/err.h"
#include "qh/text.h"

enum {
    MAX_PENDING = 32,          /* texts waiting for synthesis */
    HISTORY = 16,
    IDLE_CLOSE_MS = 3000,
    GAP_MS = 900,              /* between two sayings of the sentence */
    TAIL_MS = 400,             /* silence after a clip */
    OVERLAP_MS = 350,          /* speech starts inside the chime's decay */
};

struct clip {
    struct clip *next;
    int16_t *pcm;
    size_t n, pos;
    int hist;                  /* index into history */
};

struct qh_audio {
    struct qh_audio_opts o;
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* work for the thread, or progress */
    pthread_t thread;
    int started, stop;
    char *pending[MAX_PENDING];
    int npending, busy;        /* busy: the thread is synthesising one */
    struct clip *head, *tail;  /* play queue */
    uint64_t pos;              /* samples output so far */
    struct qh_audio_played hist[HISTORY];
    uint64_t nhist;            /* clips ever queued */
    int16_t *chime;
    size_t nchime;
    SDL_AudioDeviceID dev;
    int sdl_audio;             /* SDL_INIT_AUDIO taken */
    uint64_t idle_since_ms;
    char problem[256];
    char chime_src[1200];      /* qh_audio_chime */
    unsigned gen;
};

static pthread_mutex_t espeak_mu = PTHREAD_MUTEX_INITIALIZER;
static int espeak_ready;       /* 1 ok, -1 failed, 0 not tried */

void qh_audio_opts_default(struct qh_audio_opts *o)
{
    memset(o, 0, sizeof *o);
    o->volume = 80;
    o->repeat = 2;
    o->rate_wpm = 140;         /* a little under espeak's 175: older ears */
}

/* ---- espeak-ng ---- */

struct pcm_buf {
    int16_t *v;
    size_t n, cap;
    int oom;
};

static int synth_cb(short *wav, int numsamples, espeak_EVENT *events)
{
    struct pcm_buf *b = events ? events->user_data : NULL;

    if (!b || !wav || numsamples <= 0)
        return 0;
    if (b->n + (size_t)numsamples > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + (size_t)numsamples)
            cap *= 2;
        int16_t *v = realloc(b->v, cap * sizeof *v);
        if (!v) {
            b->oom = 1;
            return 1;          /* stop synthesis */
        }
        b->v = v;
        b->cap = cap;
    }
    memcpy(b->v + b->n, wav, (size_t)numsamples * sizeof *wav);
    b->n += (size_t)numsamples;
    return 0;
}

static int espeak_init_locked(char *err, size_t errlen)
{
    if (espeak_ready == 0) {
        int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL,
                                     espeakINITIALIZE_DONT_EXIT);
        espeak_ready = -1;
        if (rate == QH_AUDIO_RATE) {
            espeak_SetSynthCallback(synth_cb);
            if (espeak_SetVoiceByName(QH_AUDIO_VOICE) == EE_OK)
                espeak_ready = 1;
        }
    }
    if (espeak_ready < 0)
        return qh_err(err, errlen, QH_E_IO,
                      "espeak-ng: cannot load voice %s (install espeak-ng-data)",
                      QH_AUDIO_VOICE);
    return 0;
}

int qh_audio_synth(const char *text, int rate_wpm, int16_t **pcm, size_t *n,
                   char *err, size_t errlen)
{
    struct pcm_buf b = {0};
    int rc;

    *pcm = NULL;
    *n = 0;
    pthread_mutex_lock(&espeak_mu);
    rc = espeak_init_locked(err, errlen);
    if (rc == 0) {
        if (rate_wpm < espeakRATE_MINIMUM || rate_wpm > espeakRATE_MAXIMUM)
            rate_wpm = espeakRATE_NORMAL;
        espeak_SetParameter(espeakRATE, rate_wpm, 0);
        if (espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                         espeakCHARS_UTF8, NULL, &b) != EE_OK)
            rc = qh_err(err, errlen, QH_E_IO, "espeak-ng: synthesis failed");
        else
            espeak_Synchronize();
    }
    pthread_mutex_unlock(&espeak_mu);
    if (rc == 0 && b.oom)
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if (rc == 0 && b.n == 0)
        rc = qh_err(err, errlen, QH_E_IO, "espeak-ng: no sound for \"%s\"", text);
    if (rc < 0) {
        free(b.v);
        return rc;
    }
    *pcm = b.v;
    *n = b.n;
    return 0;
}

/* ---- chime ---- */

/* Used when assets/chime.wav cannot be read: the same ding-dong (E5 then
 * C5, decaying), made here, so a broken install still gets attention. */
static int builtin_chime(int16_t **pcm, size_t *n)
{
    size_t len = QH_AUDIO_RATE * 16 / 10;
    int16_t *v = calloc(len, sizeof *v);
    static const double start[2] = {0.0, 0.45}, freq[2] = {659.25, 523.25};

    if (!v)
        return QH_E_NOMEM;
    for (size_t i = 0; i < len; i++) {
        double s = 0;
        for (int k = 0; k < 2; k++) {
            double t = (double)i / QH_AUDIO_RATE - start[k];
            if (t < 0)
                continue;
            double env = (t < 0.008 ? t / 0.008 : 1.0) * SDL_exp(-t * 3.2);
            s += env * (SDL_sin(2 * M_PI * freq[k] * t) +
                        0.28 * SDL_sin(4 * M_PI * freq[k] * t) * SDL_exp(-t * 4));
        }
        v[i] = (int16_t)(s * 0.35 * 32767);
    }
    *pcm = v;
    *n = len;
    return 0;
}

/* Read a WAV and convert it to our format.  0 or < 0. */
static int load_chime(const char *path, int16_t **pcm, size_t *n)
{
    SDL_AudioSpec spec;
    Uint8 *buf = NULL;
    Uint32 len = 0;
    SDL_AudioCVT cvt;
    int rc = QH_E_IO;

    if (!SDL_LoadWAV(path, &spec, &buf, &len))
        return QH_E_IO;
    if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq,
                          AUDIO_S16SYS, 1, QH_AUDIO_RATE) >= 0) {
        cvt.len = (int)len;
        cvt.buf = malloc((size_t)len * (size_t)(cvt.len_mult > 0 ? cvt.len_mult : 1));
        if (cvt.buf) {
            memcpy(cvt.buf, buf, len);
            if (SDL_ConvertAudio(&cvt) == 0 && cvt.len_cvt >= 2) {
                *pcm = (int16_t *)(void *)cvt.buf;
                *n = (size_t)cvt.len_cvt / 2;
                rc = 0;
            } else {
                free(cvt.buf);
            }
        }
    }
    SDL_FreeWAV(buf);
    return rc;
}

/* ---- the play queue ---- */

size_t qh_audio_pull(struct qh_audio *a, int16_t *out, size_t n)
{
    size_t done = 0, from_clips = 0;

    pthread_mutex_lock(&a->mu);
    while (done < n && a->head) {
        struct clip *c = a->head;
        size_t k = c->n - c->pos;
        if (k > n - done)
            k = n - done;
        if (c->pos == 0)
            a->hist[c->hist].start = a->pos + done;
        memcpy(out + done, c->pcm + c->pos, k * sizeof *out);
        c->pos += k;
        done += k;
        if (c->pos == c->n) {
            a->hist[c->hist].end = a->pos + done;
            a->head = c->next;
            if (!a->head)
                a->tail = NULL;
            free(c->pcm);
            free(c);
            pthread_cond_broadcast(&a->cv);
        }
    }
    from_clips = done;
    memset(out + done, 0, (n - done) * sizeof *out);
    a->pos += n;
    pthread_mutex_unlock(&a->mu);
    return from_clips;
}

static void SDLCALL device_cb(void *ud, Uint8 *stream, int len)
{
    qh_audio_pull(ud, (int16_t *)(void *)stream, (size_t)len / 2);
}

/* Called with a->mu held. */
static void set_problem(struct qh_audio *a, const char *msg)
{
    if (strcmp(a->problem, msg)) {
        snprintf(a->problem, sizeof a->problem, "%s", msg);
        a->gen++;
    }
}

/* Open the device if it is closed: 0 or -1 (problem recorded).  Called by
 * the thread without a->mu held (the callback takes it). */
static int device_open(struct qh_audio *a)
{
    SDL_AudioSpec want, have;
    char msg[256];

    if (a->dev)
        return 0;
    if (!a->sdl_audio)
        return -1;              /* said once, at open */
    SDL_zero(want);
    want.freq = QH_AUDIO_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 2048;
    want.callback = device_cb;
    want.userdata = a;
    a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    pthread_mutex_lock(&a->mu);
    if (!a->dev) {
        snprintf(msg, sizeof msg, "no audio device: %s", SDL_GetError());
        set_problem(a, msg);
    } else {
        set_problem(a, "");
    }
    pthread_mutex_unlock(&a->mu);
    if (!a->dev)
        return -1;
    SDL_PauseAudioDevice(a->dev, 0);
    return 0;
}

static void device_close(struct qh_audio *a)
{
    if (a->dev) {
        SDL_CloseAudioDevice(a->dev);
        a->dev = 0;
    }
}

/* Mix src into dst at offset, saturating. */
static void mix(int16_t *dst, size_t dlen, size_t off, const int16_t *src,
                size_t n)
{
    for (size_t i = 0; i < n && off + i < dlen; i++) {
        int v = dst[off + i] + src[i];
        dst[off + i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

/* Chime, then the sentence `repeat` times: one buffer. */
static int build_clip(struct qh_audio *a, const char *text, int16_t **out,
                      size_t *outn, char *err, size_t errlen)
{
    int16_t *speech = NULL, *v;
    size_t ns = 0, gap = (size_t)QH_AUDIO_RATE * GAP_MS / 1000;
    size_t overlap = (size_t)QH_AUDIO_RATE * OVERLAP_MS / 1000;
    size_t tail = (size_t)QH_AUDIO_RATE * TAIL_MS / 1000;
    size_t first, len;
    int rc = qh_audio_synth(text, a->o.rate_wpm, &speech, &ns, err, errlen);

    if (rc < 0)
        return rc;
    first = a->nchime > overlap ? a->nchime - overlap : a->nchime;
    len = first + (size_t)a->o.repeat * ns + (size_t)(a->o.repeat - 1) * gap + tail;
    v = calloc(len, sizeof *v);
    if (!v) {
        free(speech);
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    }
    mix(v, len, 0, a->chime, a->nchime);
    for (int r = 0; r < a->o.repeat; r++)
        mix(v, len, first + (size_t)r * (ns + gap), speech, ns);
    free(speech);
    if (a->o.volume < 100) {
        int g = a->o.volume * 256 / 100;
        for (size_t i = 0; i < len; i++)
            v[i] = (int16_t)(v[i] * g / 256);
    }
    *out = v;
    *outn = len;
    return 0;
}

static void *thread_main(void *ud)
{
    struct qh_audio *a = ud;
    char err[QH_ERRLEN];

    pthread_mutex_lock(&a->mu);
    for (;;) {
        if (a->stop)
            break;
        if (a->npending == 0) {
            /* Close an idle device after a while; otherwise sleep until
             * there is work (or the idle time is up). */
            if (a->dev && !a->head) {
                uint64_t now = (uint64_t)qh_clock_mono_ms();
                if (!a->idle_since_ms)
                    a->idle_since_ms = now;
                if (now - a->idle_since_ms >= IDLE_CLOSE_MS) {
                    pthread_mutex_unlock(&a->mu);
                    device_close(a);
                    pthread_mutex_lock(&a->mu);
                    a->idle_since_ms = 0;
                    pthread_cond_broadcast(&a->cv);
                    continue;
                }
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_sec += 1;
                pthread_cond_timedwait(&a->cv, &a->mu, &ts);
            } else {
                if (a->head)
                    a->idle_since_ms = 0;
                pthread_cond_wait(&a->cv, &a->mu);
            }
            continue;
        }
        char *text = a->pending[0];
        memmove(a->pending, a->pending + 1, (size_t)(--a->npending) * sizeof *a->pending);
        a->busy = 1;
        pthread_mutex_unlock(&a->mu);

        int16_t *pcm = NULL;
        size_t n = 0;
        int rc = build_clip(a, text, &pcm, &n, err, sizeof err);
        int have_dev = rc == 0 && !a->o.no_device && device_open(a) == 0;

        pthread_mutex_lock(&a->mu);
        if (rc < 0)
            set_problem(a, err);
        if (rc == 0 && (have_dev || a->o.no_device)) {
            struct clip *c = calloc(1, sizeof *c);
            if (c) {
                struct qh_audio_played *h = &a->hist[a->nhist % HISTORY];
                memset(h, 0, sizeof *h);
                qh_text_copy(h->text, sizeof h->text, text);
                h->samples = n;
                c->pcm = pcm;
                c->n = n;
                c->hist = (int)(a->nhist++ % HISTORY);
                pcm = NULL;
                if (a->tail)
                    a->tail->next = c;
                else
                    a->head = c;
                a->tail = c;
                a->idle_since_ms = 0;
            }
        }
        free(pcm);
        free(text);
        a->busy = 0;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    device_close(a);
    return NULL;
}

int qh_audio_open(struct qh_audio **out, const struct qh_audio_opts *o,
                  char *err, size_t errlen)
{
    struct qh_audio *a = calloc(1, sizeof *a);
    char path[1024];

    *out = NULL;
    if (!a)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if (o)
        a->o = *o;
    else
        qh_audio_opts_default(&a->o);
    if (a->o.volume < 0)
        a->o.volume = 0;
    if (a->o.volume > 100)
        a->o.volume = 100;
    if (a->o.repeat < 1)
        a->o.repeat = 1;
    if (a->o.repeat > 5)
        a->o.repeat = 5;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    /* The installed chime, or the sources' from the build tree
     * (qh_asset_find); never one in the current directory. */
    char why[1100] = "";
    if (!a->o.chime) {
        if (qh_asset_find("chime.wav", path, sizeof path, why, sizeof why) < 0)
            path[0] = 0;
    } else {
        snprintf(path, sizeof path, "%s", a->o.chime);
    }
    if (a->o.chime && !a->o.chime[0]) {
        snprintf(a->chime_src, sizeof a->chime_src, "none");
    } else if (path[0] && load_chime(path, &a->chime, &a->nchime) == 0) {
        snprintf(a->chime_src, sizeof a->chime_src, "%s", path);
    } else {
        if (!why[0])
            snprintf(why, sizeof why, "%s: not a WAV file SDL can read", path);
        snprintf(a->chime_src, sizeof a->chime_src, "built-in (%s)", why);
        if (builtin_chime(&a->chime, &a->nchime) < 0) {
            qh_audio_close(a);
            return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        }
    }
    if (!a->o.no_device) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0) {
            a->sdl_audio = 1;
            /* Find out now whether there is a device at all, so the
             * program can say so at start, not at the first call. */
            if (device_open(a) == 0)
                a->idle_since_ms = (uint64_t)qh_clock_mono_ms();
        } else {
            snprintf(a->problem, sizeof a->problem, "no audio: %s", SDL_GetError());
            a->gen++;
        }
    }
    if (pthread_create(&a->thread, NULL, thread_main, a) != 0) {
        qh_audio_close(a);
        return qh_err(err, errlen, QH_E_IO, "cannot start the audio thread");
    }
    a->started = 1;
    *out = a;
    return 0;
}

void qh_audio_close(struct qh_audio *a)
{
    if (!a)
        return;
    if (a->started) {
        pthread_mutex_lock(&a->mu);
        a->stop = 1;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
    }
    device_close(a);
    if (a->sdl_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    for (int i = 0; i < a->npending; i++)
        free(a->pending[i]);
    while (a->head) {
        struct clip *c = a->head;
        a->head = c->next;
        free(c->pcm);
        free(c);
    }
    free(a->chime);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

int qh_audio_say(struct qh_audio *a, const char *text)
{
    char *t = strdup(text);
    int rc = 0;

    if (!t)
        return QH_E_NOMEM;
    pthread_mutex_lock(&a->mu);
    if (a->npending == MAX_PENDING) {
        rc = QH_E_BUSY;
        free(t);
    } else {
        a->pending[a->npending++] = t;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

const char *qh_audio_chime(const struct qh_audio *a)
{
    return a->chime_src;
}

unsigned qh_audio_status(struct qh_audio *a, char *buf, size_t buflen)
{
    unsigned g;

    pthread_mutex_lock(&a->mu);
    g = a->gen;
    if (buf && buflen)
        snprintf(buf, buflen, "%s", a->problem);
    pthread_mutex_unlock(&a->mu);
    return g;
}

int qh_audio_wait(struct qh_audio *a, int timeout_ms)
{
    struct timespec ts;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&a->mu);
    /* Without a device nobody drains the play queue but a test: then
     * "done" means synthesised. */
    while (a->npending || a->busy || (a->head && a->dev)) {
        if (pthread_cond_timedwait(&a->cv, &a->mu, &ts) != 0) {
            rc = QH_E_BUSY;
            break;
        }
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int qh_audio_history(struct qh_audio *a, struct qh_audio_played *out, int max)
{
    int n = 0;

    pthread_mutex_lock(&a->mu);
    uint64_t first = a->nhist > HISTORY ? a->nhist - HISTORY : 0;
    if (a->nhist - first > (uint64_t)max)
        first = a->nhist - (uint64_t)max;
    for (uint64_t i = first; i < a->nhist; i++)
        out[n++] = a->hist[i % HISTORY];
    pthread_mutex_unlock(&a->mu);
    return n;
}
