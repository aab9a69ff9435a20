/* cli_text.c: free text on its way into and out of `qhall`.
 *
 * In: an option that takes free text (--note, --reason, --name ...) is
 * checked against its kind's limit before anything is opened or written,
 * and refused as bad usage naming the option.
 *
 * Out: the database may hold text from before it was checked -- an old
 * row with an escape sequence in a name, a byte that is not UTF-8 -- and a
 * hall's configuration and printers' messages are text too.  Rather than
 * trusting every printf of every listing to remember, stdout and stderr
 * are replaced (glibc lets a program assign them) by streams that pass
 * everything through qh_text_escape: a control character reaches the
 * terminal as the text "\u001b", a bad byte as U+FFFD.  JSON passes
 * unchanged, as its writer has escaped all of these already, and the
 * escape is also what a control character would be inside a JSON string. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "qh/buf.h"
#include "qh/text.h"

#include "cli.h"

int cli_text_opt(struct ctx *c, const char *name, enum qh_text_kind kind,
                 const char **out)
{
    char err[QH_ERRLEN];
    *out = cli_opt(c, name);
    if (qh_text_check(kind, *out, c->lang, err, sizeof err) < 0) {
        cli_say("--%s: %s", name, err);
        return 2;
    }
    return 0;
}

struct guard {
    int fd;
    struct qh_text_esc esc;
};

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t guard_write(void *cookie, const char *buf, size_t n)
{
    struct guard *g = cookie;
    struct qh_buf b;
    int rc;
    qh_buf_init(&b);
    qh_text_escape(&g->esc, buf, n, &b);
    if (b.oom) {
        errno = ENOMEM;
        rc = -1;
    } else {
        rc = write_all(g->fd, qh_buf_str(&b), b.len);
    }
    qh_buf_fini(&b);
    /* stdio counts what it handed over, not what reached the fd. */
    return rc < 0 ? -1 : (ssize_t)n;
}

static int guard_close(void *cookie)
{
    struct guard *g = cookie;
    struct qh_buf b;
    int rc;
    qh_buf_init(&b);
    qh_text_escape_end(&g->esc, &b);
    rc = b.oom ? -1 : write_all(g->fd, qh_buf_str(&b), b.len);
    qh_buf_fini(&b);
    return rc;
}

int cli_guard_output(void)
{
    static struct guard out = {.fd = 1}, errs = {.fd = 2};
    static const cookie_io_functions_t io = {.write = guard_write, .close = guard_close};
    FILE *o = fopencookie(&out, "w", io);
    FILE *e = fopencookie(&errs, "w", io);
    if (!o || !e) {
        if (o)
            fclose(o);
        if (e)
            fclose(e);
        return -1;
    }
    /* Buffered as before: stdout by line on a terminal, stderr not at all
     * (a "PIN: " prompt shows before the read). */
    setvbuf(o, NULL, isatty(1) ? _IOLBF : _IOFBF, BUFSIZ);
    setvbuf(e, NULL, _IONBF, 0);
    fflush(stdout);
    fflush(stderr);
    stdout = o;
    stderr = e;
    return 0;
}
