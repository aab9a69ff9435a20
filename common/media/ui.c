/* ui.c: fonts, cached text and frame inspection for the three screens.
 *
 * Rendering a line of CJK text costs about 4x drawing it from a texture
 * (TECH-NOTES), and a hall screen redraws the same few dozen strings all
 * day, so every (text, size, weight, colour) becomes a texture once and is
 * reused.  The cache is bounded by its pixels, not only by its count: a
 * wall screen sees hundreds of new numbers a day in large type, and a
 * bound of 1500 textures alone let a display grow by 150 MB over a week
 * of the soak.  When the bound is reached, what the current frame did not
 * draw goes: a full screen of text is a few MB, well inside it.  Every
 * box drawn is also logged, so tests can check overlap, margins and sizes on the real frame
 * instead of trusting the layout arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include "qh/err.h"
#include "qh/ui.h"

#define NBUCKETS 1024
#define MAX_CACHED 1500        /* textures kept before old ones go */
#define MAX_BOXES 512

struct entry {
    struct entry *next;
    char *text;
    int px, weight;
    uint32_t rgba;
    SDL_Texture *tex;
    int w, h;
    uint64_t used;             /* frame it was last drawn in */
    uint64_t used_ms;          /* and when (the screen's clock) */
};

struct qh_ui {
    SDL_Renderer *r;
    char path[2][1024];
    int index[2];
    /* One face per weight, set to the size asked for: a face per size
     * cost a descriptor and a megabyte or so each, and a screen fitting
     * names of every length asked for dozens of sizes (a counter grew by
     * one a day in the soak). */
    TTF_Font *face[2];
    int face_px[2];
    struct entry *buckets[NBUCKETS];
    int cached;
    size_t cached_bytes;
    uint64_t frame;
    uint64_t frame_ms, swept_ms;
    struct qh_ui_box boxes[MAX_BOXES];
    int nboxes;
};

int qh_ui_font_find(const char *pattern, char *path, size_t pathlen,
                    int *index, char *err, size_t errlen)
{
    const char *env = getenv("QHALL_FONT");
    if (env && *env) {
        snprintf(path, pathlen, "%s", env);
        char *colon = strrchr(path, ':');
        *index = 0;
        if (colon && colon[1] >= '0' && colon[1] <= '9') {
            *index = atoi(colon + 1);
            *colon = '\0';
        }
        return 0;
    }
    int rc = QH_E_NOTFOUND;
    FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
    if (!pat)
        return qh_err(err, errlen, QH_E_NOTFOUND, "bad font pattern \"%s\"", pattern);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(NULL, pat, &res);
    FcChar8 *file = NULL;
    int idx = 0;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(match, FC_INDEX, 0, &idx);
        snprintf(path, pathlen, "%s", (const char *)file);
        *index = idx;
        rc = 0;
    }
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    if (rc < 0)
        return qh_err(err, errlen, rc, "no font for \"%s\"", pattern);
    return 0;
}

/* fontconfig always answers with some font; make sure it can draw
 * Chinese before we paint a hall full of empty boxes. */
static int draws_chinese(const char *path, int index)
{
    TTF_Font *f = TTF_OpenFontIndex(path, 16, index);
    if (!f)
        return 0;
    int ok = TTF_GlyphIsProvided32(f, 0x53F7) && TTF_GlyphIsProvided32(f, 0x7A97); /* 号 窗 */
    TTF_CloseFont(f);
    return ok;
}

int qh_ui_font_chinese(int bold, char *path, size_t pathlen, int *index,
                       char *err, size_t errlen)
{
    static const char *const patterns[2][3] = {
        {"Noto Sans CJK SC:lang=zh-cn", "WenQuanYi Zen Hei:lang=zh-cn",
         "sans-serif:lang=zh-cn"},
        {"Noto Sans CJK SC:lang=zh-cn:weight=bold", "WenQuanYi Zen Hei:lang=zh-cn",
         "sans-serif:lang=zh-cn:weight=bold"},
    };
    if (!TTF_WasInit() && TTF_Init() < 0)
        return qh_err(err, errlen, QH_E_IO, "SDL_ttf: %s", TTF_GetError());
    for (int i = 0; i < 3; i++)
        if (qh_ui_font_find(patterns[!!bold][i], path, pathlen, index, NULL, 0) == 0 &&
            draws_chinese(path, *index))
            return 0;
    return qh_err(err, errlen, QH_E_NOTFOUND, "no Chinese font found (install fonts-noto-cjk)");
}

int qh_ui_new(struct qh_ui **out, SDL_Renderer *r, char *err, size_t errlen)
{
    *out = NULL;
    struct qh_ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    ui->r = r;
    for (int w = 0; w < 2; w++) {
        int rc = qh_ui_font_chinese(w, ui->path[w], sizeof ui->path[w], &ui->index[w],
                                    err, errlen);
        if (rc < 0) {
            qh_ui_free(ui);
            return rc;
        }
    }
    *out = ui;
    return 0;
}

/* Drops what was last drawn before frame `older_than` or before the
 * time `older_than_ms`. */
static size_t entry_bytes(const struct entry *e)
{
    return (size_t)e->w * (size_t)e->h * 4;
}

static void drop_entries(struct qh_ui *ui, uint64_t older_than, uint64_t older_than_ms)
{
    for (int b = 0; b < NBUCKETS; b++) {
        struct entry **pp = &ui->buckets[b];
        while (*pp) {
            struct entry *e = *pp;
            if (e->used < older_than || e->used_ms < older_than_ms) {
                *pp = e->next;
                SDL_DestroyTexture(e->tex);
                free(e->text);
                ui->cached--;
                ui->cached_bytes -= entry_bytes(e);
                free(e);
            } else {
                pp = &e->next;
            }
        }
    }
}

void qh_ui_free(struct qh_ui *ui)
{
    if (!ui)
        return;
    drop_entries(ui, UINT64_MAX, 0);
    for (int w = 0; w < 2; w++)
        if (ui->face[w])
            TTF_CloseFont(ui->face[w]);
    free(ui);
}

SDL_Renderer *qh_ui_renderer(const struct qh_ui *ui)
{
    return ui->r;
}

static TTF_Font *font(struct qh_ui *ui, int px, int weight)
{
    weight = weight ? 1 : 0;
    if (px < 4)
        px = 4;
    TTF_Font **f = &ui->face[weight];
    if (!*f) {
        if (!(*f = TTF_OpenFontIndex(ui->path[weight], px, ui->index[weight])))
            return NULL;
    } else if (ui->face_px[weight] != px && TTF_SetFontSize(*f, px) < 0) {
        return NULL;
    }
    ui->face_px[weight] = px;
    return *f;
}

int qh_ui_measure(struct qh_ui *ui, const char *text, int px, int weight,
                  int *w, int *h)
{
    TTF_Font *f = font(ui, px, weight);
    *w = *h = 0;
    if (!f)
        return QH_E_IO;
    if (!text || !*text) {
        *h = TTF_FontHeight(f);
        return 0;
    }
    return TTF_SizeUTF8(f, text, w, h) == 0 ? 0 : QH_E_IO;
}

int qh_ui_fit(struct qh_ui *ui, const char *text, int px, int min_px,
              int weight, int maxw)
{
    int w, h;
    /* Binary search: text width grows with size. */
    int lo = min_px, hi = px;
    if (qh_ui_measure(ui, text, hi, weight, &w, &h) == 0 && w <= maxw)
        return hi;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (qh_ui_measure(ui, text, mid, weight, &w, &h) == 0 && w <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static uint32_t rgba(struct qh_ui_color c)
{
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

static unsigned hash(const char *s, int px, int weight, uint32_t color)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h = (h ^ (uint32_t)px) * 16777619u;
    h = (h ^ (uint32_t)weight) * 16777619u;
    h = (h ^ color) * 16777619u;
    return h % NBUCKETS;
}

static struct entry *texture(struct qh_ui *ui, const char *text, int px,
                             int weight, struct qh_ui_color fg)
{
    uint32_t c = rgba(fg);
    unsigned b = hash(text, px, weight, c);
    for (struct entry *e = ui->buckets[b]; e; e = e->next)
        if (e->px == px && e->weight == weight && e->rgba == c && !strcmp(e->text, text)) {
            e->used = ui->frame;
            e->used_ms = ui->frame_ms;
            return e;
        }
    TTF_Font *f = font(ui, px, weight);
    if (!f)
        return NULL;
    SDL_Color col = {fg.r, fg.g, fg.b, fg.a};
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, text, col);
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(ui->r, s);
    struct entry *e = t ? calloc(1, sizeof *e) : NULL;
    if (!e || !(e->text = strdup(text))) {
        free(e);
        if (t)
            SDL_DestroyTexture(t);
        SDL_FreeSurface(s);
        return NULL;
    }
    e->px = px;
    e->weight = weight;
    e->rgba = c;
    e->tex = t;
    e->w = s->w;
    e->h = s->h;
    e->used = ui->frame;
    e->used_ms = ui->frame_ms;
    SDL_FreeSurface(s);
    size_t bytes = entry_bytes(e);
    if (ui->cached >= MAX_CACHED || ui->cached_bytes + bytes > QH_UI_CACHE_BYTES)
        drop_entries(ui, ui->frame, 0);   /* keep only this frame's */
    e->next = ui->buckets[b];
    ui->buckets[b] = e;
    ui->cached++;
    ui->cached_bytes += bytes;
    return e;
}

static void log_box(struct qh_ui *ui, SDL_Rect r, const char *text, int px,
                    int weight, struct qh_ui_color fg)
{
    if (ui->nboxes == MAX_BOXES)
        return;
    struct qh_ui_box *b = &ui->boxes[ui->nboxes++];
    b->r = r;
    b->px = px;
    b->weight = weight;
    b->fg = fg;
    size_t n = strlen(text);
    if (n >= sizeof b->text) {
        n = sizeof b->text - 1;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(b->text, text, n);
    b->text[n] = '\0';
}

SDL_Rect qh_ui_text(struct qh_ui *ui, const char *text, int px, int weight,
                    struct qh_ui_color fg, int x, int y, enum qh_ui_align align)
{
    SDL_Rect r = {x, y, 0, 0};
    if (!text || !*text)
        return r;
    struct entry *e = texture(ui, text, px, weight ? 1 : 0, fg);
    if (!e)
        return r;
    r.w = e->w;
    r.h = e->h;
    if (align == QH_UI_CENTER)
        r.x = x - e->w / 2;
    else if (align == QH_UI_RIGHT)
        r.x = x - e->w;
    SDL_RenderCopy(ui->r, e->tex, NULL, &r);
    log_box(ui, r, text, px, weight, fg);
    return r;
}

void qh_ui_fill(struct qh_ui *ui, SDL_Rect r, struct qh_ui_color c)
{
    SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE
                                                 : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(ui->r, &r);
}

void qh_ui_frame_begin(struct qh_ui *ui, int64_t now_ms)
{
    /* A clock stepped back keeps what was drawn "later" until it passes
     * that time again: the bytes bound holds meanwhile. */
    uint64_t ms = now_ms > 0 ? (uint64_t)now_ms : 0;
    ui->frame++;
    ui->frame_ms = ms;
    ui->nboxes = 0;
    /* The bytes bound alone would keep a week's worth of small texts
     * (numbers shown once in a list) until it is reached: the cache would
     * grow for days.  What a screen still shows is redrawn within the age. */
    if (ms >= ui->swept_ms + QH_UI_CACHE_AGE_MS / 6 || ms < ui->swept_ms) {
        if (ms > QH_UI_CACHE_AGE_MS)
            drop_entries(ui, 0, ms - QH_UI_CACHE_AGE_MS);
        ui->swept_ms = ms;
    }
}

int qh_ui_boxes(const struct qh_ui *ui, const struct qh_ui_box **boxes)
{
    *boxes = ui->boxes;
    return ui->nboxes;
}

int qh_ui_cache_size(const struct qh_ui *ui, size_t *bytes)
{
    if (bytes)
        *bytes = ui->cached_bytes;
    return ui->cached;
}

static double lin(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : SDL_pow((c + 0.055) / 1.055, 2.4);
}

double qh_ui_contrast(struct qh_ui_color a, struct qh_ui_color b)
{
    double la = 0.2126 * lin(a.r) + 0.7152 * lin(a.g) + 0.0722 * lin(a.b);
    double lb = 0.2126 * lin(b.r) + 0.7152 * lin(b.g) + 0.0722 * lin(b.b);
    if (la < lb) {
        double t = la;
        la = lb;
        lb = t;
    }
    return (la + 0.05) / (lb + 0.05);
}

struct qh_ui_color qh_ui_background(SDL_Renderer *r, SDL_Rect rect)
{
    struct qh_ui_color best = {0, 0, 0, 255};
    if (rect.w <= 0 || rect.h <= 0)
        return best;
    uint32_t *px = malloc((size_t)rect.w * (size_t)rect.h * 4);
    if (!px)
        return best;
    if (SDL_RenderReadPixels(r, &rect, SDL_PIXELFORMAT_RGBA8888, px, rect.w * 4) == 0) {
        /* Sample on a grid and keep the commonest colour: text covers
         * less of its box than the background does. */
        enum { SLOTS = 64 };
        uint32_t val[SLOTS];
        int cnt[SLOTS], n = 0, step = rect.w * rect.h > 4096 ? 7 : 1;
        for (int i = 0; i < rect.w * rect.h; i += step) {
            int j;
            for (j = 0; j < n && val[j] != px[i]; j++)
                ;
            if (j == n) {
                if (n == SLOTS)
                    continue;
                val[n] = px[i];
                cnt[n++] = 0;
            }
            cnt[j]++;
        }
        int top = 0;
        for (int j = 1; j < n; j++)
            if (cnt[j] > cnt[top])
                top = j;
        if (n) {
            best.r = (uint8_t)(val[top] >> 24);
            best.g = (uint8_t)(val[top] >> 16);
            best.b = (uint8_t)(val[top] >> 8);
        }
    }
    free(px);
    return best;
}

int qh_ui_save_png(SDL_Renderer *r, const char *path, char *err, size_t errlen)
{
    int w, h, rc = 0;
    if (SDL_GetRendererOutputSize(r, &w, &h) < 0)
        return qh_err(err, errlen, QH_E_IO, "renderer: %s", SDL_GetError());
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
    if (!s)
        return qh_err(err, errlen, QH_E_NOMEM, "surface: %s", SDL_GetError());
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGBA32, s->pixels, s->pitch) < 0)
        rc = qh_err(err, errlen, QH_E_IO, "read pixels: %s", SDL_GetError());
    else if (IMG_SavePNG(s, path) < 0)
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, IMG_GetError());
    SDL_FreeSurface(s);
    return rc;
}

int qh_ui_offscreen(int w, int h, SDL_Surface **surface, SDL_Renderer **r,
                    char *err, size_t errlen)
{
    *surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA8888);
    if (!*surface)
        return qh_err(err, errlen, QH_E_NOMEM, "surface %dx%d: %s", w, h, SDL_GetError());
    *r = SDL_CreateSoftwareRenderer(*surface);
    if (!*r) {
        SDL_FreeSurface(*surface);
        *surface = NULL;
        return qh_err(err, errlen, QH_E_IO, "software renderer: %s", SDL_GetError());
    }
    return 0;
}
