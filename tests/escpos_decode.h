/* escpos_decode.h: turn the ESC/POS bytes qhall sends back into a bitmap,
 * for the slip and printing tests (static functions: each test is one
 * program).  Understands what a raster slip may contain -- ESC @, GS v 0
 * bands, ESC d, GS V -- and refuses anything else, so a stray byte in
 * the stream fails the test instead of printing garbage on paper. */
#ifndef QH_ESCPOS_DECODE_H
#define QH_ESCPOS_DECODE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct escpos_page {
    int w, h;             /* dots */
    uint8_t *px;          /* w*h, 1 = black */
    int cut, inits;
};

/* 0, or -1 with *where at the offending byte. */
static int escpos_decode(const uint8_t *d, size_t n, struct escpos_page *p, size_t *where)
{
    size_t i = 0;
    memset(p, 0, sizeof *p);
    while (i < n) {
        *where = i;
        if (i + 1 < n && d[i] == 0x1b && d[i + 1] == 0x40) {            /* ESC @ */
            p->inits++;
            i += 2;
        } else if (i + 2 < n && d[i] == 0x1b && d[i + 1] == 0x64) {     /* ESC d n */
            i += 3;
        } else if (i + 3 < n && d[i] == 0x1d && d[i + 1] == 0x56) {     /* GS V m n */
            p->cut++;
            i += d[i + 2] >= 65 ? 4 : 3;
        } else if (i + 7 < n && d[i] == 0x1d && d[i + 1] == 0x76 && d[i + 2] == 0x30) {
            int bw = d[i + 4] | d[i + 5] << 8, rows = d[i + 6] | d[i + 7] << 8;
            i += 8;
            if (p->w && p->w != bw * 8)
                return -1;                  /* bands of different widths */
            if ((size_t)bw * (size_t)rows > n - i)
                return -1;
            p->w = bw * 8;
            uint8_t *np = realloc(p->px, (size_t)p->w * (size_t)(p->h + rows));
            if (!np)
                return -1;
            p->px = np;
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < p->w; x++)
                    p->px[(size_t)(p->h + y) * (size_t)p->w + (size_t)x] =
                        (d[i + (size_t)y * (size_t)bw + (size_t)(x / 8)] >> (7 - x % 8)) & 1;
            p->h += rows;
            i += (size_t)bw * (size_t)rows;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Black dots inside r. */
static int escpos_ink(const struct escpos_page *p, int x0, int y0, int w, int h)
{
    int n = 0;
    for (int y = y0; y < y0 + h && y < p->h; y++)
        for (int x = x0; x < x0 + w && x < p->w; x++)
            n += p->px[(size_t)y * (size_t)p->w + (size_t)x];
    return n;
}

#endif
