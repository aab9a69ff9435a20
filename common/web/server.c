/* server.c: `qhall serve` on libmicrohttpd.
 *
 * Two threads and two store handles, never shared: libmicrohttpd's one
 * polling thread (epoll) answers every request and writes every SSE
 * message through opts->s; the caller's thread follows the change feed
 * on a handle of its own and, when something happened, bumps a
 * generation and resumes every SSE connection waiting for one.  A waiting
 * connection is suspended, so 2,000 idle phones cost no CPU; each wakes,
 * reads its own ticket once and writes only if its page changed.
 *
 * The feed's loop is also the service's watchdog (opts->alive): each
 * turn it tells the caller it is alive unless libmicrohttpd's thread has
 * been inside one request (or one SSE write) for STUCK_MS, which is what
 * a frozen server thread looks like (a read blocked on a lock never given
 * back, a deadlock).  A counter of requests served could not tell a stuck
 * thread from a quiet hall at night, and a request to ourselves would
 * need a TLS client and a slot under the per-address limit; the stamp of
 * the request in progress costs two atomic stores a request.
 *
 * Limits against abuse come from libmicrohttpd: connections in all and
 * per address, an idle time-out, and the memory of a connection (which
 * caps the request line and headers); the body of the one POST is capped
 * here.  Nothing a client sends is believed before route.c checked it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "qh/clock.h"
#include "qh/err.h"
#include "qh/feed.h"
#include "qh/hall.h"
#include "qh/log.h"
#include "qh/rating.h"
#include "qh/ticket.h"
#include "qh/web.h"

#define T(zh, en) QH_TR(lang, zh, en)

enum {
    HEARTBEAT_MS = 15000,     /* an SSE comment: proxies keep the stream, dead
                               * phones are found */
    CONN_MEMORY = 16384,      /* request line + headers + our buffers */
    FEED_BATCH = 64,
    STUCK_MS = 10000,         /* one request this long: the thread is stuck */
};

struct sse;

struct srv {
    struct MHD_Daemon *d;
    struct qh_store *s;
    enum qh_lang lang;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];   /* form tokens */
    char csp[256];
    pthread_mutex_t mu;       /* guards the fields below */
    int64_t gen;              /* bumped on each batch of new events */
    int64_t beat;             /* bumped each HEARTBEAT_MS */
    int reload;               /* the hall's settings changed */
    int stopping;
    struct sse *waiting;      /* suspended SSE connections */
    int nsse;
    _Atomic int64_t busy_since;   /* qh_clock_mono_ms of the request in
                                   * progress in libmicrohttpd's thread, 0 none */
};

struct sse {
    struct srv *srv;
    struct MHD_Connection *conn;
    int hall;                 /* /hall/events, else a ticket's */
    char token[QH_AUTH_TOKEN_LEN];
    enum qh_lang lang;
    int first;
    int64_t gen, beat;        /* what this connection last saw */
    unsigned char sent[crypto_generichash_BYTES];  /* hash of the last page sent */
    struct qh_buf out;
    size_t off;
    struct sse *next;
};

/* A POST's body as it arrives. */
struct upload {
    char body[QH_WEB_BODY_MAX + 1];
    size_t len;
    int too_big;
};

/* ---- responses ---- */

static void secure(struct srv *v, struct MHD_Response *r, const char *type)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", v->csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    /* A page names a ticket by its secret: no cache keeps it. */
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_buf(struct srv *v, struct MHD_Connection *c, unsigned status,
                                const char *type, struct qh_buf *b, const char *location)
{
    if (b->oom)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->p ? b->p : (char *)"",
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    secure(v, r, type);
    if (location)
        MHD_add_response_header(r, "Location", location);
    if (status == 405)
        MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct srv *v, struct MHD_Connection *c, unsigned status,
                                 const char *text)
{
    struct qh_buf b;
    qh_buf_init(&b);
    qh_buf_puts(&b, text);
    enum MHD_Result ret = send_buf(v, c, status, "text/plain; charset=utf-8", &b, NULL);
    qh_buf_fini(&b);
    return ret;
}

static enum MHD_Result send_notice(struct srv *v, struct MHD_Connection *c, unsigned status,
                                   enum qh_lang lang, const char *title, const char *text)
{
    struct qh_buf b;
    qh_buf_init(&b);
    if (status == 404)
        qh_web_page_notfound(&b, lang);
    else
        qh_web_page_notice(&b, lang, title, text, NULL);
    enum MHD_Result ret = send_buf(v, c, status, "text/html; charset=utf-8", &b, NULL);
    qh_buf_fini(&b);
    return ret;
}

static enum MHD_Result send_busy(struct srv *v, struct MHD_Connection *c, enum qh_lang lang)
{
    return send_notice(v, c, 503, lang, T("暂时无法显示", "Not available just now"),
                       T("系统正忙，请稍后刷新本页。", "Please reload this page in a moment."));
}

/* ---- form tokens: the page's own, so a form posted from elsewhere is
 * refused; keyed per run, and a page from before a restart is told to
 * send again ---- */

static void form_token(const struct srv *v, const char *ticket_token, char out[64])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char msg[64];
    int n = snprintf(msg, sizeof msg, "rate:%s", ticket_token);
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, v->key);
    sodium_bin2base64(out, 64, mac, 18, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int form_ok(const struct srv *v, const char *ticket_token, const char *given)
{
    char want[64];
    form_token(v, ticket_token, want);
    size_t n = strlen(want);
    return strlen(given) == n && sodium_memcmp(want, given, n) == 0;
}

/* ---- pages ---- */

static enum qh_lang lang_of(struct MHD_Connection *c)
{
    const char *l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    return l && !strcmp(l, "en") ? QH_LANG_EN : QH_LANG_ZH;
}

static void reload_if_needed(struct srv *v)
{
    pthread_mutex_lock(&v->mu);
    int reload = v->reload;
    v->reload = 0;
    pthread_mutex_unlock(&v->mu);
    if (reload) {
        char err[256];
        qh_hall_reload(v->s, err, sizeof err);
    }
}

static enum MHD_Result page_ticket(struct srv *v, struct MHD_Connection *c, const char *token,
                                   enum qh_lang lang, unsigned status, const char *message,
                                   const struct qh_web_form *chosen)
{
    struct qh_web_ticket *t = malloc(sizeof *t);
    if (!t)
        return MHD_NO;
    int rc = qh_web_ticket_read(v->s, token, lang, t);
    enum MHD_Result ret;
    if (rc == QH_E_NOTFOUND) {
        ret = send_notice(v, c, 404, lang, NULL, NULL);
    } else if (rc < 0) {
        ret = send_busy(v, c, lang);
    } else {
        struct qh_buf b;
        qh_buf_init(&b);
        form_token(v, token, t->form);
        qh_web_page_ticket(&b, t, lang, message, chosen);
        ret = send_buf(v, c, status, "text/html; charset=utf-8", &b, NULL);
        qh_buf_fini(&b);
    }
    free(t);
    return ret;
}

static enum MHD_Result page_hall(struct srv *v, struct MHD_Connection *c, enum qh_lang lang)
{
    struct qh_web_hall *h = malloc(sizeof *h);
    if (!h)
        return MHD_NO;
    enum MHD_Result ret;
    if (qh_web_hall_read(v->s, lang, h) < 0) {
        ret = send_busy(v, c, lang);
    } else {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_web_page_hall(&b, h, lang);
        ret = send_buf(v, c, 200, "text/html; charset=utf-8", &b, NULL);
        qh_buf_fini(&b);
    }
    free(h);
    return ret;
}

/* The ticked reasons (the hall's own words, as the pad records them) and
 * the text, in one reason. */
static void join_reason(const struct qh_hall_conf *h, const struct qh_web_form *f,
                        char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < h->rating.nreasons && i < 32; i++)
        if (f->reasons >> i & 1)
            n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s",
                                  n ? "、" : "", h->rating.reasons[i]);
    if (f->text[0] && n < outlen)
        snprintf(out + n, outlen - n, "%s%s", n ? "；" : "", f->text);
}

static enum MHD_Result rate(struct srv *v, struct MHD_Connection *c, const char *token,
                            enum qh_lang lang, const struct upload *up)
{
    struct qh_web_form f;
    const char *why;
    char reason[QH_TEXT_REASON_LEN * 2], err[512], self[96];
    const struct qh_hall_conf *h = qh_hall_config(v->s);
    if (up->too_big)
        return send_notice(v, c, 413, lang, T("内容太长", "Too long"),
                           T("提交的内容太长。", "What was sent is too long."));
    if (qh_web_form_parse(up->body, up->len, h->rating.nreasons, &f, &why) < 0)
        return page_ticket(v, c, token, lang, 400,
                           T("提交的内容有误，请重新选择后提交。",
                             "Something in the form was wrong: please choose again."),
                           NULL);
    if (!form_ok(v, token, f.form))
        return page_ticket(v, c, token, lang, 400,
                           T("页面已过期，请确认后再提交一次。",
                             "The page was out of date: please check and send again."),
                           &f);
    if (!f.score)
        return page_ticket(v, c, token, lang, 400,
                           T("请选择满意程度。", "Please choose how satisfied you are."), &f);
    if (f.score <= 2 && !f.reasons)
        return page_ticket(v, c, token, lang, 400,
                           T("选择“不满意”或“非常不满意”时，请至少勾选一个原因。",
                             "Please tick at least one reason."),
                           &f);
    join_reason(h, &f, reason, sizeof reason);
    if (qh_text_check(QH_TEXT_REASON, reason, lang, err, sizeof err) < 0)
        return page_ticket(v, c, token, lang, 400, err, &f);

    struct qh_ticket_row t;
    int rc = qh_ticket_by_token(v->s, token, &t);
    if (rc == QH_E_NOTFOUND)
        return send_notice(v, c, 404, lang, NULL, NULL);
    if (rc < 0)
        return send_busy(v, c, lang);
    if (t.rated)
        return page_ticket(v, c, token, lang, 409,
                           T("本次服务已经评价过了，谢谢！", "This service has been rated already."),
                           NULL);
    struct qh_rate_req req = {
        .number = t.number, .day = t.day, .score = f.score,
        .reason = reason[0] ? reason : NULL, .channel = QH_RATE_QR, .device = "web",
    };
    rc = qh_rating_add(v->s, &req, NULL, err, sizeof err);
    if (rc == QH_E_STATE) {
        /* Rated meanwhile (a second tap, the pad), or not finished any
         * more: the page says which. */
        struct qh_ticket_row now;
        int rated = qh_ticket_by_token(v->s, token, &now) == 0 && now.rated;
        return page_ticket(v, c, token, lang, 409,
                           rated ? T("本次服务已经评价过了，谢谢！",
                                     "This service has been rated already.")
                                 : T("现在还不能评价。", "This service cannot be rated now."),
                           NULL);
    }
    if (rc < 0)
        return rc == QH_E_PARSE ? page_ticket(v, c, token, lang, 400, err, &f)
                                : send_busy(v, c, lang);
    snprintf(self, sizeof self, "/t/%s%s", token, lang == QH_LANG_EN ? "?lang=en" : "");
    struct qh_buf b;
    qh_buf_init(&b);
    enum MHD_Result ret = send_buf(v, c, 303, "text/plain; charset=utf-8", &b, self);
    qh_buf_fini(&b);
    return ret;
}

/* ---- Server-Sent Events ---- */

static void sse_message(struct sse *e, int64_t id, const char *html)
{
    qh_buf_printf(&e->out, "id: %lld\nevent: state\n", (long long)id);
    /* One data: line per line of the page (the client joins them). */
    const char *p = html;
    do {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        qh_buf_puts(&e->out, "data: ");
        qh_buf_add(&e->out, p, n);
        qh_buf_puts(&e->out, "\n");
        p = nl ? nl + 1 : p + n;
    } while (*p);
    qh_buf_puts(&e->out, "\n");
}

/* The page as it stands now, into e->out if it differs from what the
 * client has.  0, or < 0: the stream ends (the ticket is gone). */
static int sse_render(struct sse *e)
{
    struct srv *v = e->srv;
    struct qh_buf html;
    int64_t id;
    int rc = 0;
    qh_buf_init(&html);
    if (e->hall) {
        struct qh_web_hall *h = malloc(sizeof *h);
        if (!h) {
            qh_buf_fini(&html);
            return QH_E_NOMEM;
        }
        if (qh_web_hall_read(v->s, e->lang, h) < 0) {
            free(h);
            qh_buf_fini(&html);
            return 0;         /* a database hiccup: the next change tries again */
        }
        qh_web_live_hall(&html, h, e->lang);
        id = h->event;
        free(h);
    } else {
        struct qh_web_ticket *t = malloc(sizeof *t);
        if (!t) {
            qh_buf_fini(&html);
            return QH_E_NOMEM;
        }
        rc = qh_web_ticket_read(v->s, e->token, e->lang, t);
        if (rc < 0) {
            free(t);
            qh_buf_fini(&html);
            return rc == QH_E_NOTFOUND ? rc : 0;
        }
        form_token(v, e->token, t->form);
        qh_web_live_ticket(&html, t, e->lang, NULL, NULL);
        id = t->event;
        free(t);
    }
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)qh_buf_str(&html), html.len, NULL, 0);
    if (e->first || memcmp(h, e->sent, sizeof h)) {
        memcpy(e->sent, h, sizeof h);
        sse_message(e, id, qh_buf_str(&html));
    }
    qh_buf_fini(&html);
    return 0;
}

static ssize_t sse_fill(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct sse *e = cls;
    struct srv *v = e->srv;
    (void)pos;
    for (;;) {
        if (e->off < e->out.len) {
            size_t n = e->out.len - e->off;
            if (n > max)
                n = max;
            memcpy(buf, e->out.p + e->off, n);
            e->off += n;
            return (ssize_t)n;
        }
        qh_buf_reset(&e->out);
        e->off = 0;
        pthread_mutex_lock(&v->mu);
        if (v->stopping) {
            pthread_mutex_unlock(&v->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        int64_t gen = v->gen, beat = v->beat;
        if (!e->first && gen == e->gen && beat == e->beat) {
            /* Nothing new: wait, off the poll set, for the feed's thread
             * to resume us (under the lock, so it cannot come first). */
            e->next = v->waiting;
            v->waiting = e;
            MHD_suspend_connection(e->conn);
            pthread_mutex_unlock(&v->mu);
            return 0;
        }
        pthread_mutex_unlock(&v->mu);
        if (e->first)
            qh_buf_puts(&e->out, "retry: 3000\n\n");
        if (e->first || gen != e->gen) {
            reload_if_needed(v);
            if (sse_render(e) < 0)
                return MHD_CONTENT_READER_END_OF_STREAM;
        } else {
            qh_buf_puts(&e->out, ":\n\n");
        }
        if (e->out.oom)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        e->first = 0;
        e->gen = gen;
        e->beat = beat;
    }
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct srv *v = ((struct sse *)cls)->srv;
    atomic_store(&v->busy_since, qh_clock_mono_ms());
    ssize_t n = sse_fill(cls, pos, buf, max);
    atomic_store(&v->busy_since, 0);
    return n;
}

static void sse_free(void *cls)
{
    struct sse *e = cls;
    pthread_mutex_lock(&e->srv->mu);
    e->srv->nsse--;
    pthread_mutex_unlock(&e->srv->mu);
    qh_buf_fini(&e->out);
    free(e);
}

static enum MHD_Result sse_start(struct srv *v, struct MHD_Connection *c, int hall,
                                 const char *token, enum qh_lang lang)
{
    if (!hall) {
        /* An unknown token gets the plain 404, as its page would. */
        struct qh_ticket_row t;
        int rc = qh_ticket_by_token(v->s, token, &t);
        if (rc == QH_E_NOTFOUND)
            return send_text(v, c, 404, "not found\n");
        if (rc < 0)
            return send_text(v, c, 503, "busy\n");
    }
    struct sse *e = calloc(1, sizeof *e);
    if (!e)
        return MHD_NO;
    e->srv = v;
    e->conn = c;
    e->hall = hall;
    e->lang = lang;
    e->first = 1;
    snprintf(e->token, sizeof e->token, "%s", token ? token : "");
    qh_buf_init(&e->out);
    /* Last-Event-ID needs nothing more: every message is the whole page
     * (state and progress), so the first one after a reconnect brings the
     * client up to date. */
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read,
                                                               e, sse_free);
    if (!r) {
        free(e);
        return MHD_NO;
    }
    pthread_mutex_lock(&v->mu);
    v->nsse++;
    pthread_mutex_unlock(&v->mu);
    secure(v, r, "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- dispatch ---- */

static enum MHD_Result dispatch(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version,
                                const char *upload_data, size_t *upload_data_size,
                                void **con_cls)
{
    struct srv *v = cls;
    struct qh_web_route rt;
    enum qh_lang lang = lang_of(c);
    (void)version;
    int status = qh_web_route(method, url, &rt);
    /* A page shows the hall as it is now (names, windows): the feed says
     * when the settings changed. */
    reload_if_needed(v);

    if (status == 200 && rt.kind == QH_WEB_RATE) {
        struct upload *up = *con_cls;
        if (!up) {
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            if (cl && strtoull(cl, NULL, 10) > QH_WEB_BODY_MAX)
                return send_notice(v, c, 413, lang, T("内容太长", "Too long"),
                                   T("提交的内容太长。", "What was sent is too long."));
            if (!(up = calloc(1, sizeof *up)))
                return MHD_NO;
            *con_cls = up;
            return MHD_YES;
        }
        if (*upload_data_size) {
            size_t n = *upload_data_size;
            if (up->len + n > QH_WEB_BODY_MAX)
                up->too_big = 1;
            else
                memcpy(up->body + up->len, upload_data, n);
            if (!up->too_big)
                up->len += n;
            *upload_data_size = 0;
            return MHD_YES;
        }
        up->body[up->len] = '\0';
        return rate(v, c, rt.token, lang, up);
    }
    switch (status) {
    case 200:
        break;
    case 405:
        return send_text(v, c, 405, "method not allowed\n");
    case 414:
        return send_text(v, c, 414, "request target too long\n");
    default:
        return send_notice(v, c, 404, lang, NULL, NULL);
    }
    switch (rt.kind) {
    case QH_WEB_TICKET:
        return page_ticket(v, c, rt.token, lang, 200, NULL, NULL);
    case QH_WEB_TICKET_EVENTS:
        return sse_start(v, c, 0, rt.token, lang);
    case QH_WEB_HALL:
        return page_hall(v, c, lang);
    case QH_WEB_HALL_EVENTS:
        return sse_start(v, c, 1, NULL, lang);
    case QH_WEB_HEALTH: {
        int64_t last;
        char err[256];
        return qh_hall_last_event(v->s, &last, err, sizeof err) < 0
                   ? send_text(v, c, 503, "database unavailable\n")
                   : send_text(v, c, 200, "ok\n");
    }
    case QH_WEB_SCRIPT: {
        struct qh_buf b;
        qh_buf_init(&b);
        qh_buf_puts(&b, qh_web_script());
        enum MHD_Result ret = send_buf(v, c, 200, "text/javascript; charset=utf-8", &b, NULL);
        qh_buf_fini(&b);
        return ret;
    }
    default:
        return send_notice(v, c, 404, lang, NULL, NULL);
    }
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct srv *v = cls;
    atomic_store(&v->busy_since, qh_clock_mono_ms());
    enum MHD_Result r = dispatch(cls, c, url, method, version, upload_data, upload_data_size,
                                 con_cls);
    atomic_store(&v->busy_since, 0);
    return r;
}

/* Whether libmicrohttpd's thread still answers; a stuck one is logged
 * once. */
static int server_alive(struct srv *v, int *said)
{
    int64_t since = atomic_load(&v->busy_since);
    int stuck = since && qh_clock_mono_ms() - since >= STUCK_MS;
    if (stuck && !*said)
        qh_log_error("one request has run for more than %d s: the server thread is stuck",
                     STUCK_MS / 1000);
    *said = stuck;
    return !stuck;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    free(*con_cls);     /* a POST's upload */
    *con_cls = NULL;
}

/* ---- start, follow, stop ---- */

/* The listening socket, made here rather than by libmicrohttpd so that a
 * taken port is told apart from a bad certificate, by its own reason. */
static int listen_on(const char *s, enum qh_lang lang, char *err, size_t errlen)
{
    struct qh_listen l;
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = qh_conf_listen_parse(s, &l, err, errlen), one = 1;
    if (rc < 0)
        return rc;
    memset(&ss, 0, sizeof ss);
    if (l.family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)l.port);
        memcpy(&a->sin6_addr, l.addr, sizeof a->sin6_addr);
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)l.port);
        memcpy(&a->sin_addr, l.addr, sizeof a->sin_addr);
        len = sizeof *a;
    }
    int fd = socket(l.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (l.family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 1024) < 0) {
        rc = qh_err(err, errlen, QH_E_IO, QH_TR(lang, "无法在 %s 上提供服务：%s", "cannot serve on %s: %s"),
                    s, strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    return fd;
}

static int read_file(const char *path, char **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct qh_buf b;
    char chunk[4096];
    size_t n;
    if (!f)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", path, strerror(errno));
    qh_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        qh_buf_add(&b, chunk, n);
    int big = b.len >= (1u << 20), bad = ferror(f) || b.oom || !b.len || big;
    fclose(f);
    if (bad) {
        qh_buf_fini(&b);
        return qh_err(err, errlen, QH_E_IO, "%s: %s", path,
                      big ? "too large for a certificate or key" : "cannot be read");
    }
    *out = b.p;
    return 0;
}

/* Every connection is a descriptor: 2,000 phones need more than the
 * usual 1,024. */
static void raise_fd_limit(int want)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < (rlim_t)want) {
        r.rlim_cur = r.rlim_max < (rlim_t)want ? r.rlim_max : (rlim_t)want;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

static void resume_all(struct srv *v)
{
    for (struct sse *e = v->waiting, *next; e; e = next) {
        next = e->next;
        e->next = NULL;
        MHD_resume_connection(e->conn);
    }
    v->waiting = NULL;
}

/* An event that changes the hall's settings (queues, windows, names). */
static int hall_event(const char *type)
{
    return !strcmp(type, "hall_init") || !strcmp(type, "web_base_url") ||
           !strcmp(type, "catalog_imported");
}

int qh_web_serve(const struct qh_web_opts *o, char *err, size_t errlen)
{
    struct srv *v = calloc(1, sizeof *v);
    struct qh_store *fs = NULL;
    struct qh_feed *feed = NULL;
    struct qh_event_row *evs = NULL;
    char *cert = NULL, *key = NULL;
    int rc, lfd = -1;
    if (!v)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    pthread_mutex_init(&v->mu, NULL);
    v->s = o->s;
    v->lang = o->lang;
    const struct qh_hall_conf *h = qh_hall_config(o->s);
    const struct qh_web_conf *w = &h->web;
    const char *listen = o->listen && *o->listen ? o->listen : w->listen;
    if (sodium_init() < 0) {
        rc = qh_err(err, errlen, QH_E_IO, "libsodium failed to initialise");
        goto out;
    }
    randombytes_buf(v->key, sizeof v->key);
    snprintf(v->csp, sizeof v->csp,
             "default-src 'none'; style-src '%s'; script-src 'self'; connect-src 'self';"
             " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
             qh_web_css_hash());
    if (!o->tls_cert != !o->tls_key) {
        rc = qh_err(err, errlen, QH_E_USAGE, "--tls-cert and --tls-key go together");
        goto out;
    }
    if (o->tls_cert && ((rc = read_file(o->tls_cert, &cert, err, errlen)) < 0 ||
                        (rc = read_file(o->tls_key, &key, err, errlen)) < 0))
        goto out;
    if ((lfd = listen_on(listen, o->lang, err, errlen)) < 0) {
        rc = lfd;
        goto out;
    }

    /* The feed's own handle, opened before the first page so that no
     * event between the two is missed. */
    int64_t last = 0;
    if ((rc = qh_hall_open(&fs, qh_hall_db_path(o->s), QH_OPEN_EXISTING | QH_OPEN_READONLY |
                                                           (o->lang == QH_LANG_EN ? QH_OPEN_EN : 0),
                           err, errlen)) < 0 ||
        (rc = qh_hall_last_event(fs, &last, err, errlen)) < 0 ||
        (rc = qh_feed_open(&feed, fs, last, err, errlen)) < 0)
        goto out;
    if (!(evs = malloc(FEED_BATCH * sizeof *evs))) {
        rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        goto out;
    }
    qh_hall_set_actor(o->s, "web");

    raise_fd_limit(w->max_connections + 64);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ITC |
                     (cert ? MHD_USE_TLS : 0);
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_LISTEN_SOCKET, lfd, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, w->max_connections, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, w->per_ip_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, w->timeout_seconds, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    v->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, v, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!v->d) {
        lfd = -1;   /* libmicrohttpd closes it when it fails */
        rc = cert ? qh_err(err, errlen, QH_E_IO,
                           QH_TR(o->lang, "证书或私钥无效（%s，%s）",
                                 "the certificate or its key is not valid (%s, %s)"),
                           o->tls_cert, o->tls_key)
                  : qh_err(err, errlen, QH_E_IO,
                           QH_TR(o->lang, "无法在 %s 上提供服务", "cannot serve on %s"), listen);
        goto out;
    }
    qh_log_info(QH_TR(o->lang, "正在 %s 上提供服务%s", "serving on %s%s"), listen,
                cert ? " (https)" : "");

    int64_t quiet_ms = 0;
    int said_stuck = 0;
    while (!*o->stop) {
        char ferr[256];
        if (o->alive && server_alive(v, &said_stuck))
            o->alive(o->ud);
        int n = qh_feed_wait(feed, 1000, evs, FEED_BATCH, ferr, sizeof ferr);
        if (n < 0) {
            qh_log_warn("%s", ferr);
            sleep(1);
            continue;
        }
        pthread_mutex_lock(&v->mu);
        if (n > 0) {
            v->gen++;
            for (int i = 0; i < n; i++)
                if (hall_event(evs[i].type))
                    v->reload = 1;
            quiet_ms = 0;
            resume_all(v);
        } else if ((quiet_ms += 1000) >= HEARTBEAT_MS) {
            v->beat++;
            quiet_ms = 0;
            resume_all(v);
        }
        pthread_mutex_unlock(&v->mu);
    }
    rc = 0;
out:
    if (v->d) {
        pthread_mutex_lock(&v->mu);
        v->stopping = 1;
        resume_all(v);
        pthread_mutex_unlock(&v->mu);
        lfd = MHD_quiesce_daemon(v->d);   /* the socket is ours again */
        usleep(200 * 1000);   /* the resumed streams end */
        MHD_stop_daemon(v->d);
    }
    if (lfd >= 0)
        close(lfd);
    qh_feed_close(feed);
    qh_hall_close(fs);
    free(evs);
    free(cert);
    if (key)   /* the private key leaves no copy in freed memory */
        sodium_memzero(key, strlen(key));
    free(key);
    pthread_mutex_destroy(&v->mu);
    free(v);
    return rc;
}
