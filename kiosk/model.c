/* model.c: what the kiosk does when touched, with no SDL in sight.
 *
 * The order of things matters more here than anywhere: the number is
 * issued (committed, with its event) first, then printed, so a printer
 * that jams can cost a slip but never a number; the screen then says
 * plainly what happened and shows the number large.  A tap is ignored for
 * a moment after the screen changes, and "take" acts only on the confirm
 * screen, so a trembling double tap cannot issue two tickets.  No timer
 * rushes anyone: after a generous idle time a countdown is shown, and any
 * touch cancels it.  Without its database the kiosk gives no number at
 * all (暂停取号) rather than one it cannot record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/clock.h"
#include "qh/policy.h"
#include "qh/text.h"

#include "model.h"

#define GUARD_MS 400            /* after a screen change, taps are ignored */
#define REPEAT_MS 300           /* the same button again this soon: a bounce */
#define POLL_MS 200
#define PRINT_TIMEOUT_MS 30000
#define HEARTBEAT_MS 10000      /* `qhall status` calls 30 s of silence 无响应 */
#define CORNER_TAPS 5
#define CORNER_MS 3000

#define T(zh, en) QH_TR(m->lang, zh, en)

static const char *const green_codes[5] = {
    "elderly", "pregnant", "disabled", "military", "other",
};

static const char *const screen_names[QH_KS_COUNT] = {
    "home", "green", "items", "search", "confirm", "ticket", "refused",
    "appointment", "pin", "admin", "offline",
};

static const char *const btn_names[] = {
    [QH_BTN_NONE] = "none", [QH_BTN_QUEUE] = "queue", [QH_BTN_GREEN] = "green",
    [QH_BTN_GREEN_REASON] = "reason", [QH_BTN_GREEN_CANCEL] = "green-cancel",
    [QH_BTN_APPT] = "appointment", [QH_BTN_SEARCH] = "search", [QH_BTN_ITEM] = "item",
    [QH_BTN_QUEUE_ONLY] = "queue-only", [QH_BTN_PREV] = "prev", [QH_BTN_NEXT] = "next",
    [QH_BTN_BACK] = "back", [QH_BTN_HOME] = "home", [QH_BTN_TAKE] = "take",
    [QH_BTN_KEY] = "key", [QH_BTN_KEY_DEL] = "del", [QH_BTN_KEY_CLEAR] = "clear",
    [QH_BTN_KEY_MODE] = "mode", [QH_BTN_KEY_PREV] = "keys-prev",
    [QH_BTN_KEY_NEXT] = "keys-next", [QH_BTN_OK] = "ok", [QH_BTN_DONE] = "done",
    [QH_BTN_LANG] = "lang", [QH_BTN_CORNER] = "corner", [QH_BTN_REPRINT] = "reprint",
    [QH_BTN_PRINTER] = "printer", [QH_BTN_EXIT] = "exit",
};
#define NBTN ((int)(sizeof btn_names / sizeof btn_names[0]))

const char *qh_kiosk_screen_name(enum qh_kiosk_screen s)
{
    return (unsigned)s < QH_KS_COUNT ? screen_names[s] : "?";
}

int qh_kiosk_screen_parse(const char *name)
{
    for (int i = 0; i < QH_KS_COUNT; i++)
        if (!strcmp(name, screen_names[i]))
            return i;
    return -1;
}

const char *qh_kiosk_btn_name(enum qh_kiosk_btn b)
{
    return (int)b >= 0 && (int)b < NBTN && btn_names[b] ? btn_names[b] : "?";
}

int qh_kiosk_btn_parse(const char *name)
{
    for (int i = 0; i < NBTN; i++)
        if (btn_names[i] && !strcmp(name, btn_names[i]))
            return i;
    return -1;
}

/* ---- the catalogue ---- */

/* What people call things at the counter: the kiosk must find 社会保障卡
 * 申领 when someone types "sbk". */
static const char *const abbrev[][2] = {
    {"社会保障卡", "社保卡"}, {"社会保障", "社保"}, {"社会保险", "社保"},
    {"医疗保障", "医保"},     {"医疗保险", "医保"}, {"住房公积金", "公积金"},
    {"居民身份证", "身份证"},
};

static void spoken_name(const char *name, char *out, size_t outlen)
{
    char buf[256];
    snprintf(out, outlen, "%s", name);
    for (size_t i = 0; i < sizeof abbrev / sizeof abbrev[0]; i++) {
        char *p;
        while ((p = strstr(out, abbrev[i][0]))) {
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - out), out, abbrev[i][1],
                     p + strlen(abbrev[i][0]));
            /* Shorter than before, so it fits where the name did. */
            memcpy(out, buf, strlen(buf) + 1);
        }
    }
}

struct load { struct qh_kiosk_model *m; int cap; };

static int load_one(const struct qh_service *sv, void *ud)
{
    struct load *l = ud;
    struct qh_kiosk_model *m = l->m;
    if (m->nitems == l->cap) {
        int cap = l->cap ? 2 * l->cap : 512;
        struct qh_service *n = realloc(m->items, (size_t)cap * sizeof *n);
        if (!n)
            return 1;
        m->items = n;
        l->cap = cap;
    }
    m->items[m->nitems++] = *sv;
    return 0;
}

static int load_catalogue(struct qh_kiosk_model *m, char *err, size_t errlen)
{
    struct load l = {m, 0};
    int rc = qh_catalog_each(m->s, NULL, load_one, &l);
    if (rc < 0)
        return qh_err(err, errlen, rc, "catalogue: %s", qh_strerror(rc));
    if (rc != m->nitems)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    int n = m->nitems ? m->nitems : 1;
    m->aname = calloc((size_t)n, sizeof *m->aname);
    m->alias = calloc((size_t)n, sizeof *m->alias);
    m->list = calloc((size_t)n, sizeof *m->list);
    if (!m->aname || !m->alias || !m->list)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    /* Initials of the catalogue names were computed at import; only the
     * few spoken forms need ICU here. */
    for (int i = 0; i < m->nitems; i++) {
        spoken_name(m->items[i].name, m->aname[i], sizeof m->aname[i]);
        if (!strcmp(m->aname[i], m->items[i].name)) {
            m->aname[i][0] = '\0';
            continue;
        }
        if (qh_text_initials(m->aname[i], m->alias[i], sizeof m->alias[i], NULL, 0) < 0)
            m->alias[i][0] = '\0';
    }
    return 0;
}

/* ---- small helpers ---- */

static void changed(struct qh_kiosk_model *m)
{
    m->gen++;
}

const struct qh_hall_conf *qh_kiosk_model_hall(const struct qh_kiosk_model *m)
{
    return m->s ? qh_hall_config(m->s) : &m->hall;
}

/* The hall's clock (qh_hall_now): opening hours and the tickets' stamps
 * are on it, and a server's is not this PC's.  While the store is away,
 * this PC's clock moved by the offset seen last. */
static int64_t hall_now(struct qh_kiosk_model *m)
{
    int64_t pc = qh_clock_now();
    if (!m->s)
        return pc + m->clock_offset;
    int64_t now = qh_hall_now(m->s);
    m->clock_offset = now - pc;
    return now;
}

/* What the screen shows once the store is gone: the hall as last seen. */
static void keep_hall(struct qh_kiosk_model *m)
{
    if (!m->s)
        return;
    m->hall = *qh_hall_config(m->s);
    m->have_hall = 1;
}

static void go(struct qh_kiosk_model *m, enum qh_kiosk_screen s);

/* Out of reach: let go of the store and say 暂停取号, except over a number
 * just issued, which the citizen must still see (home() comes here after
 * it).  Print jobs go on: CUPS needs no database. */
static void offline(struct qh_kiosk_model *m, const char *why)
{
    m->s = NULL;
    snprintf(m->problem, sizeof m->problem, "%s",
             why && *why ? why : T("与数据库的连接中断", "the connection to the database is lost"));
    for (char *p = m->problem; *p; p++)     /* a server's message may span lines */
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (m->screen != QH_KS_TICKET && m->screen != QH_KS_OFFLINE)
        go(m, QH_KS_OFFLINE);
    changed(m);
}

/* rc from a call on the store: 1 (and offline, db_failed set for the
 * program) when it says the store is out of reach, else 0. */
static int lost(struct qh_kiosk_model *m, int rc, const char *err)
{
    if (rc != QH_E_IO && rc != QH_E_DB)
        return 0;
    keep_hall(m);
    m->db_failed = 1;
    offline(m, err && *err ? err : qh_strerror(rc));
    return 1;
}

static const struct qh_queue_conf *queue_at(struct qh_kiosk_model *m, int i)
{
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    return i >= 0 && i < h->nqueues ? &h->queues[i] : NULL;
}

static size_t last_cp(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
        n--;
    return n ? n - 1 : 0;
}

static void keys_refresh(struct qh_kiosk_model *m);

static void go(struct qh_kiosk_model *m, enum qh_kiosk_screen s)
{
    m->screen = s;
    m->screen_ms = m->now_ms;
    m->countdown = 0;
    m->key_page = 0;
    keys_refresh(m);
    changed(m);
}

/* Back to the start, as the next citizen should find it. */
static void home(struct qh_kiosk_model *m)
{
    m->green[0] = '\0';
    m->query[0] = '\0';
    m->entry[0] = '\0';
    m->admin_msg[0] = '\0';
    m->nlist = 0;
    m->page = 0;
    m->lang = m->o.lang;
    if (!m->s) {
        go(m, QH_KS_OFFLINE);
        return;
    }
    qh_hall_set_lang(m->s, m->lang);
    go(m, QH_KS_HOME);
}

void qh_kiosk_model_hours(const struct qh_kiosk_model *m, char *out, size_t outlen)
{
    static const char *const zh[7] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};
    static const char *const en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    char hours[128], days[128] = "";
    size_t n = 0;
    qh_conf_format_hours(h, hours, sizeof hours);
    if (h->days == 0x3E) {
        snprintf(days, sizeof days, "%s", T("周一至周五", "Mon-Fri"));
    } else {
        for (int i = 1; i <= 7; i++)
            if (h->days & (1u << (i % 7)))
                n += (size_t)snprintf(days + n, sizeof days - n, "%s%s",
                                      n ? T("、", ",") : "",
                                      (m->lang == QH_LANG_EN ? en : zh)[i % 7]);
    }
    /* 08:30-12:00，14:00-17:30 reads better with a full-width comma. */
    char pretty[160];
    size_t k = 0;
    for (const char *p = hours; *p && k + 4 < sizeof pretty; p++) {
        if (*p == ',' && m->lang != QH_LANG_EN) {
            memcpy(pretty + k, "，", 3);
            k += 3;
        } else {
            pretty[k++] = *p == ',' ? ' ' : *p;
        }
    }
    pretty[k] = '\0';
    snprintf(out, outlen, "%s %s", days, pretty);
}

/* Why a number of `queue` (for catalogue item `item`, -1 none) cannot be
 * taken now: 1 with title and msg, 0 if it can, -1 when the store could
 * not be asked (now offline). */
static int refusal(struct qh_kiosk_model *m, const char *queue, int item, char *title,
                   size_t titlelen, char *msg, size_t msglen)
{
    const struct qh_hall_conf *h = qh_hall_config(m->s);
    struct qh_tm tm;
    char hours[192], err[QH_ERRLEN] = "";
    qh_clock_local(h->timezone, hall_now(m), &tm);
    if (!qh_conf_is_open(h, tm.wday, tm.hour * 60 + tm.min)) {
        qh_kiosk_model_hours(m, hours, sizeof hours);
        snprintf(title, titlelen, "%s", T("现在不是办理时间", "The hall is closed now"));
        snprintf(msg, msglen, T("办理时间：%s。请在办理时间内取号，谢谢！",
                                "Opening hours: %s. Please come back then."), hours);
        return 1;
    }
    const struct qh_queue_conf *q = qh_conf_queue(h, queue);
    if (!q)
        return 0;
    const char *qname = m->lang == QH_LANG_EN && q->name_en[0] ? q->name_en : q->name;
    /* The quota rule is core's (qh_ticket_quota), the words the kiosk's:
     * an item of its own quota ([quota] in the hall) is refused in the
     * same words, and the other items of the queue can still be taken. */
    const struct qh_service *sv = item >= 0 && item < m->nitems ? &m->items[item] : NULL;
    struct qh_quota_full full = {0, 0};
    int rc = qh_ticket_quota(m->s, q->code, sv ? sv->code : NULL, &full, err, sizeof err);
    if (lost(m, rc, err))
        return -1;
    if (rc == QH_E_QUOTA) {
        snprintf(title, titlelen, "%s", T("今日号已取完", "No numbers left today"));
        snprintf(msg, msglen, T("%s今天的 %d 个号已全部取完。请明天再来，或到服务台咨询。",
                                "All %2$d numbers for %1$s are taken today. Please come "
                                "back tomorrow or ask at the help desk."),
                 full.item ? sv->name : qname, full.limit);
        return 1;
    }
    /* A queue is paused when every window that calls it is paused: a
     * number taken now would wait for nobody. */
    int serving = 0, paused = 0;
    char reason[QH_TEXT_PAUSE_LEN] = "";
    for (int i = 0; i < h->nwindows; i++)
        for (int j = 0; j < h->windows[i].nqueues; j++) {
            if (strcmp(h->windows[i].queues[j], q->code))
                continue;
            struct qh_window_row w;
            serving++;
            rc = qh_window_get(m->s, h->windows[i].number, &w);
            if (lost(m, rc, qh_strerror(rc)))
                return -1;
            if (rc == 0 && w.paused) {
                paused++;
                snprintf(reason, sizeof reason, "%s", w.pause_reason);
            }
        }
    if (serving && paused == serving) {
        snprintf(title, titlelen, "%s", T("该业务暂停取号", "This service is paused"));
        snprintf(msg, msglen, T("办理%s的窗口暂停服务%s%s%s。请稍后再来，或到服务台咨询。",
                                "The windows for %s are paused%s%s%s. Please come back "
                                "later or ask at the help desk."),
                 qname, reason[0] ? T("（", " (") : "", reason, reason[0] ? T("）", ")") : "");
        return 1;
    }
    return 0;
}

/* ---- lists and search ---- */

static void list_queue(struct qh_kiosk_model *m, const char *queue)
{
    m->nlist = 0;
    for (int i = 0; i < m->nitems; i++)
        if (!strcmp(m->items[i].queue, queue))
            m->list[m->nlist++] = i;
    m->page = 0;
}

static int ascii_query(const char *q)
{
    for (; *q; q++)
        if ((unsigned char)*q >= 0x80)
            return 0;
    return 1;
}

struct hit { int rank, idx; };

static int hit_cmp(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    return x->rank != y->rank ? x->rank - y->rank : x->idx - y->idx;
}

/* Pinyin initials match at the start of a name first, then anywhere;
 * characters match the name or its spoken form. */
static int rank_of(const struct qh_kiosk_model *m, int i, const char *q, int ascii)
{
    size_t n = strlen(q);
    if (ascii) {
        const char *a = m->items[i].initials, *b = m->alias[i];
        if (!strncmp(a, q, n) || (*b && !strncmp(b, q, n)))
            return 0;
        if (strstr(a, q) || (*b && strstr(b, q)))
            return 1;
        return -1;
    }
    const char *p = strstr(m->items[i].name, q);
    const char *p2 = m->aname[i][0] ? strstr(m->aname[i], q) : NULL;
    if (p == m->items[i].name || (p2 && p2 == m->aname[i]))
        return 0;
    return p || p2 ? 1 : -1;
}

static void search(struct qh_kiosk_model *m)
{
    m->nlist = 0;
    m->page = 0;
    if (!m->query[0])
        return;
    struct hit *h = malloc((size_t)(m->nitems ? m->nitems : 1) * sizeof *h);
    if (!h)
        return;
    int ascii = ascii_query(m->query), n = 0;
    for (int i = 0; i < m->nitems; i++) {
        int r = rank_of(m, i, m->query, ascii);
        if (r >= 0)
            h[n++] = (struct hit){r, i};
    }
    qsort(h, (size_t)n, sizeof *h, hit_cmp);
    for (int i = 0; i < n; i++)
        m->list[m->nlist++] = h[i].idx;
    free(h);
}

struct cand { char c[8]; int count; };

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    return x->count != y->count ? y->count - x->count : strcmp(x->c, y->c);
}

static void count_char(struct cand **cs, int *n, int *cap, const char *c, size_t len)
{
    for (int i = 0; i < *n; i++)
        if (strlen((*cs)[i].c) == len && !memcmp((*cs)[i].c, c, len)) {
            (*cs)[i].count++;
            return;
        }
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 256;
        struct cand *p = realloc(*cs, (size_t)nc * sizeof *p);
        if (!p)
            return;
        *cs = p;
        *cap = nc;
    }
    memcpy((*cs)[*n].c, c, len);
    (*cs)[*n].c[len] = '\0';
    (*cs)[(*n)++].count = 1;
}

/* Characters worth offering next: those that follow what was typed in
 * the names that contain it; with nothing typed, the commonest ones.
 * Typing 社 then offers 会 and 保, and the names narrow as they go. */
static void candidates(struct qh_kiosk_model *m)
{
    struct cand *cs = NULL;
    int n = 0, cap = 0;
    const char *q = ascii_query(m->query) ? "" : m->query;
    size_t qn = strlen(q);
    for (int i = 0; i < m->nitems; i++) {
        const char *names[2] = {m->items[i].name, m->aname[i]};
        for (int k = 0; k < 2; k++) {
            const char *s = names[k];
            if (!*s)
                continue;
            if (qn) {
                for (const char *p = strstr(s, q); p; p = strstr(p + 1, q)) {
                    const unsigned char *nx = (const unsigned char *)p + qn;
                    if (*nx >= 0xE0 && *nx < 0xF0)
                        count_char(&cs, &n, &cap, (const char *)nx, 3);
                }
            } else {
                for (const unsigned char *p = (const unsigned char *)s; *p;) {
                    if (*p >= 0xE4 && *p < 0xEA)          /* CJK ideographs */
                        count_char(&cs, &n, &cap, (const char *)p, 3);
                    p += *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
                }
            }
        }
    }
    if (n)
        qsort(cs, (size_t)n, sizeof *cs, cand_cmp);
    free(m->cands);
    m->cands = n ? malloc((size_t)n * sizeof *m->cands) : NULL;
    m->ncands = m->cands ? n : 0;
    for (int i = 0; i < m->ncands; i++)
        memcpy(m->cands[i], cs[i].c, sizeof m->cands[i]);
    free(cs);
}

static void keys_refresh(struct qh_kiosk_model *m)
{
    int per = m->keys_per_page > 0 ? m->keys_per_page : 24;
    if (per > QH_KIOSK_MAXKEYS)
        per = QH_KIOSK_MAXKEYS;
    m->nkeys = 0;
    m->nkey_pages = 1;
    if (m->screen == QH_KS_APPT || m->screen == QH_KS_PIN) {
        for (int i = 0; i < 10; i++)
            snprintf(m->keys[m->nkeys++], sizeof m->keys[0], "%d", (i + 1) % 10);
    } else if (m->screen == QH_KS_SEARCH && !m->chars_mode) {
        for (int i = 0; i < 26; i++)
            snprintf(m->keys[m->nkeys++], sizeof m->keys[0], "%c", 'a' + i);
    } else if (m->screen == QH_KS_SEARCH) {
        candidates(m);
        m->nkey_pages = m->ncands ? (m->ncands + per - 1) / per : 1;
        if (m->key_page >= m->nkey_pages)
            m->key_page = m->nkey_pages - 1;
        for (int i = m->key_page * per; i < m->ncands && m->nkeys < per; i++)
            memcpy(m->keys[m->nkeys++], m->cands[i], sizeof m->keys[0]);
    }
}

int qh_kiosk_model_page_items(const struct qh_kiosk_model *m, const int **items)
{
    int per = m->per_page > 0 ? m->per_page : 6;
    int start = m->page * per;
    *items = m->list + start;
    if (start >= m->nlist)
        return 0;
    return m->nlist - start < per ? m->nlist - start : per;
}

int qh_kiosk_model_pages(const struct qh_kiosk_model *m)
{
    int per = m->per_page > 0 ? m->per_page : 6;
    return m->nlist ? (m->nlist + per - 1) / per : 1;
}

/* ---- confirm, issue, print ---- */

static void confirm(struct qh_kiosk_model *m, int item, const char *queue)
{
    struct qh_ticket_row t;
    const struct qh_hall_conf *h = qh_hall_config(m->s);
    char title[128];
    m->item = item;
    snprintf(m->cqueue, sizeof m->cqueue, "%s", item >= 0 ? m->items[item].queue : queue);
    /* Where a new ticket would stand: after everyone waiting, or ahead
     * by the green bonus. */
    memset(&t, 0, sizeof t);
    qh_hall_today(m->s, t.day);
    snprintf(t.queue, sizeof t.queue, "%s", m->cqueue);
    t.prio = 1;
    t.id = INT64_MAX;
    t.virtual_at = qh_policy_virtual_at(hall_now(m), m->green[0] != 0,
                                        h->green_bonus_minutes, 0);
    int rc = qh_ticket_info(m->s, &t, &m->est);
    if (lost(m, rc, qh_strerror(rc)))
        return;
    m->refusal[0] = '\0';
    if (refusal(m, m->cqueue, m->item, title, sizeof title, m->refusal, sizeof m->refusal) < 0)
        return;
    go(m, QH_KS_CONFIRM);
}

static void refuse(struct qh_kiosk_model *m, const char *title, const char *msg)
{
    snprintf(m->title, sizeof m->title, "%s", title);
    snprintf(m->message, sizeof m->message, "%s", msg);
    go(m, QH_KS_REFUSED);
}

/* Another program held the hall's database past the kiosk's short wait
 * (QH_BUSY_KIOSK_MS): nothing was issued, and the next tap may well work,
 * so the citizen is told that in plain words, not the store's. */
static void busy(struct qh_kiosk_model *m)
{
    refuse(m, T("系统繁忙，暂时无法取号", "The system is busy"),
           T("取号系统正忙，请稍等几秒后再取一次。",
             "Please wait a few seconds and try again."));
}

static struct qh_kiosk_recent *recent_of(struct qh_kiosk_model *m, const char *number)
{
    for (int i = 0; i < m->nrecent; i++)
        if (!strcmp(m->recent[i].number, number))
            return &m->recent[i];
    return NULL;
}

static void recent_add(struct qh_kiosk_model *m, const char *number)
{
    if (m->nrecent == QH_KIOSK_RECENT)
        m->nrecent--;
    memmove(&m->recent[1], &m->recent[0], (size_t)m->nrecent * sizeof m->recent[0]);
    memset(&m->recent[0], 0, sizeof m->recent[0]);
    snprintf(m->recent[0].number, sizeof m->recent[0].number, "%s", number);
    m->nrecent++;
}

/* The outcome of a slip: the event log, the admin's list and, for the
 * ticket on screen, the screen. */
static void print_outcome(struct qh_kiosk_model *m, const char *number, const char *printer,
                          int reprint, int ok, const char *problem)
{
    char err[QH_ERRLEN];
    const char *type = ok ? (reprint ? "reprinted" : "printed") : "print_failed";
    /* Without the store the outcome is shown but not recorded: the number
     * was, and that is what the hall counts on. */
    if (m->s)
        lost(m, qh_ticket_print_event(m->s, number, type, printer, ok ? NULL : problem, err,
                                      sizeof err), err);
    struct qh_kiosk_recent *r = recent_of(m, number);
    if (r) {
        r->print = ok ? QH_KP_DONE : QH_KP_FAILED;
        snprintf(r->problem, sizeof r->problem, "%s", ok ? "" : problem);
    }
    if (!reprint && !strcmp(m->ticket.number, number)) {
        m->print = ok ? QH_KP_DONE : QH_KP_FAILED;
        snprintf(m->print_problem, sizeof m->print_problem, "%s", ok ? "" : problem);
    }
    if (reprint)
        snprintf(m->admin_msg, sizeof m->admin_msg,
                 ok ? T("%s 已补打", "%s reprinted") : T("%s 补打失败：%s", "%s: reprint failed: %s"),
                 number, problem ? problem : "");
    changed(m);
}

static void print_start(struct qh_kiosk_model *m, const char *number, int reprint)
{
    char err[QH_ERRLEN] = "", printer[128] = "";
    int job = 0, rc;
    struct qh_kiosk_recent *r = recent_of(m, number);
    if (r)
        r->print = QH_KP_PENDING;
    if (!reprint && !strcmp(m->ticket.number, number))
        m->print = QH_KP_PENDING;
    if (!m->o.printer.submit)
        rc = qh_err(err, sizeof err, QH_E_IO, "%s", T("本机没有连接打印机", "no printer connected"));
    else
        rc = m->o.printer.submit(m->o.printer.ud, number, &job, printer, sizeof printer,
                                 err, sizeof err);
    if (rc < 0 || m->njobs == QH_KIOSK_JOBS) {
        if (rc >= 0 && m->o.printer.cancel)
            m->o.printer.cancel(m->o.printer.ud, printer, job);
        print_outcome(m, number, printer, reprint, 0,
                      rc < 0 ? err : T("打印任务太多", "too many print jobs"));
        return;
    }
    struct qh_kiosk_job *j = &m->jobs[m->njobs++];
    memset(j, 0, sizeof *j);
    snprintf(j->number, sizeof j->number, "%s", number);
    snprintf(j->printer, sizeof j->printer, "%s", printer);
    j->job = job;
    j->reprint = reprint;
    j->since_ms = m->now_ms;
    changed(m);
}

static void poll_jobs(struct qh_kiosk_model *m)
{
    for (int i = 0; i < m->njobs;) {
        struct qh_kiosk_job *j = &m->jobs[i];
        char err[QH_ERRLEN] = "";
        int rc = m->o.printer.poll ? m->o.printer.poll(m->o.printer.ud, j->printer, j->job,
                                                       err, sizeof err)
                                   : QH_PRINT_DONE;
        if (rc == QH_PRINT_PENDING && m->now_ms - j->since_ms > PRINT_TIMEOUT_MS)
            rc = qh_err(err, sizeof err, QH_E_IO, "%s",
                        T("打印机长时间没有响应", "the printer did not respond"));
        if (rc == QH_PRINT_PENDING) {
            i++;
            continue;
        }
        /* A job that will not print is cancelled, so it cannot come out
         * later beside a reprint. */
        if (rc < 0 && m->o.printer.cancel)
            m->o.printer.cancel(m->o.printer.ud, j->printer, j->job);
        struct qh_kiosk_job done = *j;
        memmove(j, j + 1, (size_t)(m->njobs - i - 1) * sizeof *j);
        m->njobs--;
        print_outcome(m, done.number, done.printer, done.reprint, rc >= 0, err);
    }
}

/* 适老化: a citizen who cannot read the screen well hears the number.
 * Always in Mandarin: the synthesiser has only the Mandarin voice, and
 * the hall calls numbers in Mandarin too. */
static int speaking(const struct qh_kiosk_model *m)
{
    if (m->o.speak != QH_KIOSK_SPEAK_HALL)
        return m->o.speak == QH_KIOSK_SPEAK_ON;
    return qh_kiosk_model_hall(m)->kiosk.speak;
}

static void issued(struct qh_kiosk_model *m, const struct qh_ticket_row *t,
                   const struct qh_issue_info *info)
{
    m->say[0] = '\0';
    if (speaking(m)) {
        char spelled[64];
        qh_text_spell_number(t->number, spelled, sizeof spelled);
        snprintf(m->say, sizeof m->say, "您的号码是%s，请留意叫号", spelled);
    }
    m->ticket = *t;
    m->info = *info;
    m->print = QH_KP_NONE;
    m->print_problem[0] = '\0';
    recent_add(m, t->number);
    go(m, QH_KS_TICKET);
    print_start(m, t->number, 0);
}

static int take(struct qh_kiosk_model *m)
{
    char title[128], msg[512], err[QH_ERRLEN];
    struct qh_ticket_row t;
    struct qh_issue_info info;
    int r = refusal(m, m->cqueue, m->item, title, sizeof title, msg, sizeof msg);
    if (r < 0)
        return 1;
    if (r) {
        refuse(m, title, msg);
        return 1;
    }
    struct qh_issue_req req = {
        .service = m->item >= 0 ? m->items[m->item].code : NULL,
        .queue = m->item >= 0 ? NULL : m->cqueue,
        .green = m->green[0] ? m->green : NULL,
    };
    /* Issued once or not at all: a connection that breaks here is not
     * tried again, and the citizen sees 暂停取号 (lost). */
    int rc = qh_ticket_issue(m->s, &req, &t, &info, err, sizeof err);
    if (lost(m, rc, err))
        return 1;
    if (rc == QH_E_BUSY) {
        busy(m);
        return 1;
    }
    if (rc < 0) {
        refuse(m, rc == QH_E_QUOTA ? T("今日号已取完", "No numbers left today")
                                   : T("暂时无法取号", "Cannot issue a number now"),
               err);
        return 1;
    }
    issued(m, &t, &info);
    return 1;
}

static int checkin(struct qh_kiosk_model *m)
{
    char title[128], msg[512], err[QH_ERRLEN];
    struct qh_ticket_row t;
    struct qh_issue_info info;
    if (!m->entry[0])
        return 0;
    int r = refusal(m, "", -1, title, sizeof title, msg, sizeof msg);
    if (r < 0)
        return 1;
    if (r) {
        refuse(m, title, msg);
        return 1;
    }
    int rc = qh_appointment_checkin(m->s, m->entry, &t, &info, err, sizeof err);
    m->entry[0] = '\0';
    if (lost(m, rc, err))
        return 1;
    if (rc == QH_E_NOTFOUND) {
        snprintf(msg, sizeof msg, "%s%s", err,
                 T("。请核对后重新输入，或到服务台咨询。",
                   ". Please check the code, or ask at the help desk."));
        refuse(m, T("预约码不正确", "Unknown appointment code"), msg);
    } else if (rc == QH_E_BUSY) {
        busy(m);
    } else if (rc < 0) {
        refuse(m, T("暂时不能签到", "Cannot check in now"), err);
    } else {
        issued(m, &t, &info);
    }
    return 1;
}

/* ---- admin ---- */

static void printer_refresh(struct qh_kiosk_model *m)
{
    m->pst_ok = 0;
    m->pst_err[0] = '\0';
    if (!m->o.printer.status)
        snprintf(m->pst_err, sizeof m->pst_err, "%s", T("本机没有连接打印机", "no printer connected"));
    else
        m->pst_ok = m->o.printer.status(m->o.printer.ud, &m->pst, m->pst_err,
                                        sizeof m->pst_err) == 0;
    changed(m);
}

/* The library keeps the lock-out (shared with the counters, in the
 * database): this kiosk only shows its answer. */
static int pin_ok(struct qh_kiosk_model *m)
{
    char err[QH_ERRLEN];
    if (!m->entry[0]) {        /* a tap on OK alone is no try */
        snprintf(m->admin_msg, sizeof m->admin_msg, "%s", T("请输入 PIN", "enter the PIN"));
        changed(m);
        return 1;
    }
    int rc = qh_staff_verify(m->s, NULL, m->entry, 0, NULL, 0, err, sizeof err);
    explicit_bzero(m->entry, sizeof m->entry);
    if (lost(m, rc, err))
        return 1;
    if (rc < 0) {
        snprintf(m->admin_msg, sizeof m->admin_msg, "%s", err);
        changed(m);
        return 1;
    }
    m->admin_msg[0] = '\0';
    go(m, QH_KS_ADMIN);
    printer_refresh(m);
    return 1;
}

/* ---- input ---- */

/* A key adds its character unless buf already holds max characters. */
static int entry_key(struct qh_kiosk_model *m, char *buf, size_t len, int arg, size_t max)
{
    if (arg < 0 || arg >= m->nkeys || qh_text_append(buf, len, max, m->keys[arg]))
        return 0;
    changed(m);
    return 1;
}

static int entry_del(struct qh_kiosk_model *m, char *buf)
{
    if (!*buf)
        return 0;
    buf[last_cp(buf)] = '\0';
    changed(m);
    return 1;
}

static int press_search(struct qh_kiosk_model *m, enum qh_kiosk_btn b, int arg)
{
    switch (b) {
    case QH_BTN_KEY:
        if (!entry_key(m, m->query, sizeof m->query, arg, QH_KIOSK_QUERY_MAX))
            return 0;
        break;
    case QH_BTN_KEY_DEL:
        if (!entry_del(m, m->query))
            return 0;
        break;
    case QH_BTN_KEY_CLEAR:
        m->query[0] = '\0';
        break;
    case QH_BTN_KEY_MODE:
        /* Letters and characters do not mix in one query. */
        m->chars_mode = !m->chars_mode;
        m->query[0] = '\0';
        break;
    case QH_BTN_KEY_PREV:
    case QH_BTN_KEY_NEXT:
        m->key_page += b == QH_BTN_KEY_NEXT ? 1 : -1;
        if (m->key_page < 0 || m->key_page >= m->nkey_pages) {
            m->key_page = m->key_page < 0 ? 0 : m->nkey_pages - 1;
            return 0;
        }
        keys_refresh(m);
        changed(m);
        return 1;
    default:
        return 0;
    }
    search(m);
    m->key_page = 0;
    keys_refresh(m);
    changed(m);
    return 1;
}

void qh_kiosk_model_touch(struct qh_kiosk_model *m)
{
    m->last_input_ms = m->now_ms;
    if (m->countdown) {
        m->countdown = 0;
        changed(m);
    }
}

int qh_kiosk_model_press(struct qh_kiosk_model *m, enum qh_kiosk_btn b, int arg)
{
    qh_kiosk_model_touch(m);
    /* Without the store nothing is issued: 暂停取号 has no buttons, and a
     * number left on screen only lets the citizen finish. */
    if (!m->s && !(m->screen == QH_KS_TICKET && (b == QH_BTN_DONE || b == QH_BTN_BACK)))
        return 0;
    if (b == QH_BTN_CORNER) {
        if (m->screen != QH_KS_HOME)
            return 0;
        m->corner_taps = m->now_ms - m->corner_ms < CORNER_MS ? m->corner_taps + 1 : 1;
        m->corner_ms = m->now_ms;
        if (m->corner_taps < CORNER_TAPS)
            return 0;
        m->corner_taps = 0;
        m->entry[0] = '\0';
        m->admin_msg[0] = '\0';
        go(m, QH_KS_PIN);
        return 1;
    }
    /* The double-tap guard: a second tap that lands on the next screen,
     * or bounces on the same button, does nothing. */
    if (m->now_ms - m->screen_ms < GUARD_MS)
        return 0;
    if ((int)b == m->last_btn && arg == m->last_arg && b != QH_BTN_KEY &&
        m->now_ms - m->last_press_ms < REPEAT_MS)
        return 0;
    m->last_btn = (int)b;
    m->last_arg = arg;
    m->last_press_ms = m->now_ms;
    if (b == QH_BTN_HOME) {
        home(m);
        return 1;
    }
    if (b == QH_BTN_PREV || b == QH_BTN_NEXT) {
        if (m->screen != QH_KS_ITEMS && m->screen != QH_KS_SEARCH)
            return 0;
        int p = m->page + (b == QH_BTN_NEXT ? 1 : -1);
        if (p < 0 || p >= qh_kiosk_model_pages(m))
            return 0;
        m->page = p;
        changed(m);
        return 1;
    }
    switch (m->screen) {
    case QH_KS_HOME: {
        const struct qh_queue_conf *q;
        switch (b) {
        case QH_BTN_QUEUE:
            if (!(q = queue_at(m, arg)))
                return 0;
            m->queue = arg;
            list_queue(m, q->code);
            m->back = QH_KS_HOME;
            if (!m->nlist)
                confirm(m, -1, q->code);    /* 咨询: nothing to choose */
            else
                go(m, QH_KS_ITEMS);
            return 1;
        case QH_BTN_GREEN:
            go(m, QH_KS_GREEN);
            return 1;
        case QH_BTN_GREEN_CANCEL:
            if (!m->green[0])
                return 0;
            m->green[0] = '\0';
            changed(m);
            return 1;
        case QH_BTN_APPT:
            m->entry[0] = '\0';
            go(m, QH_KS_APPT);
            return 1;
        case QH_BTN_SEARCH:
            m->query[0] = '\0';
            m->chars_mode = 0;
            search(m);
            go(m, QH_KS_SEARCH);
            return 1;
        case QH_BTN_LANG:
            m->lang = m->lang == QH_LANG_EN ? QH_LANG_ZH : QH_LANG_EN;
            qh_hall_set_lang(m->s, m->lang);     /* m->s: checked at the top */
            changed(m);
            return 1;
        default:
            return 0;
        }
    }
    case QH_KS_GREEN:
        if (b == QH_BTN_GREEN_REASON && arg >= 0 && arg < 5) {
            snprintf(m->green, sizeof m->green, "%s", green_codes[arg]);
            go(m, QH_KS_HOME);
            return 1;
        }
        if (b == QH_BTN_BACK) {
            go(m, QH_KS_HOME);
            return 1;
        }
        return 0;
    case QH_KS_ITEMS:
    case QH_KS_SEARCH:
        if (b == QH_BTN_ITEM) {
            const int *items;
            int n = qh_kiosk_model_page_items(m, &items);
            if (arg < 0 || arg >= n)
                return 0;
            m->back = m->screen;
            confirm(m, items[arg], NULL);
            return 1;
        }
        if (b == QH_BTN_QUEUE_ONLY && m->screen == QH_KS_ITEMS) {
            const struct qh_queue_conf *q = queue_at(m, m->queue);
            if (!q)
                return 0;
            m->back = QH_KS_ITEMS;
            confirm(m, -1, q->code);
            return 1;
        }
        if (b == QH_BTN_BACK) {
            go(m, QH_KS_HOME);
            return 1;
        }
        return m->screen == QH_KS_SEARCH ? press_search(m, b, arg) : 0;
    case QH_KS_CONFIRM:
        if (b == QH_BTN_TAKE)
            return m->refusal[0] ? 0 : take(m);
        if (b == QH_BTN_BACK) {
            if (m->back == QH_KS_ITEMS || m->back == QH_KS_SEARCH) {
                enum qh_kiosk_screen to = m->back;
                int page = m->page;
                if (to == QH_KS_ITEMS) {
                    const struct qh_queue_conf *q = queue_at(m, m->queue);
                    if (q)
                        list_queue(m, q->code);
                } else {
                    search(m);
                }
                m->page = page;
                go(m, to);
            } else {
                go(m, QH_KS_HOME);
            }
            return 1;
        }
        return 0;
    case QH_KS_TICKET:
    case QH_KS_REFUSED:
        if (b == QH_BTN_DONE || b == QH_BTN_BACK) {
            home(m);
            return 1;
        }
        return 0;
    case QH_KS_APPT:
    case QH_KS_PIN: {
        size_t max = m->screen == QH_KS_APPT ? 15 : 12;
        switch (b) {
        case QH_BTN_KEY:
            return entry_key(m, m->entry, sizeof m->entry, arg, max);
        case QH_BTN_KEY_DEL:
            return entry_del(m, m->entry);
        case QH_BTN_KEY_CLEAR:
            m->entry[0] = '\0';
            changed(m);
            return 1;
        case QH_BTN_OK:
            return m->screen == QH_KS_APPT ? checkin(m) : pin_ok(m);
        case QH_BTN_BACK:
            home(m);
            return 1;
        default:
            return 0;
        }
    }
    case QH_KS_ADMIN:
        switch (b) {
        case QH_BTN_REPRINT:
            if (arg < 0 || arg >= m->nrecent)
                return 0;
            snprintf(m->admin_msg, sizeof m->admin_msg, T("正在补打 %s…", "reprinting %s..."),
                     m->recent[arg].number);
            print_start(m, m->recent[arg].number, 1);
            changed(m);
            return 1;
        case QH_BTN_PRINTER:
            printer_refresh(m);
            return 1;
        case QH_BTN_EXIT:
            m->quit = 1;
            changed(m);
            return 1;
        case QH_BTN_BACK:
            home(m);
            return 1;
        default:
            return 0;
        }
    case QH_KS_OFFLINE:
        return 0;               /* not reached: no store, no press */
    }
    return 0;
}

void qh_kiosk_model_type(struct qh_kiosk_model *m, const char *utf8)
{
    qh_kiosk_model_touch(m);
    if (!m->s)
        return;
    for (const char *p = utf8; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            /* A scanner reading an appointment code types digits: from
             * home, they start a check-in. */
            if (m->screen == QH_KS_HOME) {
                m->entry[0] = '\0';
                go(m, QH_KS_APPT);
            }
            if ((m->screen == QH_KS_APPT || m->screen == QH_KS_PIN) &&
                strlen(m->entry) < 15) {
                size_t n = strlen(m->entry);
                m->entry[n] = c;
                m->entry[n + 1] = '\0';
                changed(m);
            }
        } else if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
                   m->screen == QH_KS_SEARCH && !m->chars_mode) {
            char low[2] = {(char)(c | 0x20), '\0'};
            if (qh_text_append(m->query, sizeof m->query, QH_KIOSK_QUERY_MAX, low))
                continue;               /* full: the rest is dropped */
            search(m);
            changed(m);
        } else if ((c == '\r' || c == '\n') &&
                   (m->screen == QH_KS_APPT || m->screen == QH_KS_PIN)) {
            m->screen_ms -= GUARD_MS;       /* typed, not tapped */
            qh_kiosk_model_press(m, QH_BTN_OK, 0);
        }
    }
}

/* ---- time ---- */

static void heartbeat(struct qh_kiosk_model *m)
{
    struct qh_heartbeat hb;
    memset(&hb, 0, sizeof hb);
    snprintf(hb.name, sizeof hb.name, "kiosk:%d", m->o.number);
    snprintf(hb.kind, sizeof hb.kind, "kiosk");
    int failed = m->nrecent && m->recent[0].print == QH_KP_FAILED;
    snprintf(hb.info, sizeof hb.info, "screen=%s%s%.200s",
             qh_kiosk_screen_name(m->screen), failed ? " print_failed: " : "",
             failed ? m->recent[0].problem : "");
    char err[QH_ERRLEN];
    m->heartbeat_ms = m->now_ms;
    /* Stamped by the hall's clock.  The only call of an idle kiosk, so the
     * one to find that the store went away: a lost connection (QH_E_IO)
     * is an outage; any other failure only a missed beat. */
    int rc = qh_hall_heartbeat(m->s, &hb, err, sizeof err);
    if (rc == QH_E_IO)
        lost(m, rc, err);
}

void qh_kiosk_model_tick(struct qh_kiosk_model *m, int64_t now_ms)
{
    m->now_ms = now_ms;
    m->wall_ms = hall_now(m);
    keep_hall(m);
    if (m->njobs && now_ms - m->poll_ms >= POLL_MS) {
        m->poll_ms = now_ms;
        poll_jobs(m);
    }
    if (m->s && now_ms - m->heartbeat_ms >= HEARTBEAT_MS)
        heartbeat(m);
    /* Home as the next citizen expects it needs no countdown; anything
     * else left behind does (暂停取号 is left by itself). */
    if ((m->screen == QH_KS_HOME && !m->green[0] && m->lang == m->o.lang) ||
        m->screen == QH_KS_OFFLINE)
        return;
    const struct qh_hall_conf *h = qh_kiosk_model_hall(m);
    int64_t idle = now_ms - m->last_input_ms;
    int64_t limit = (int64_t)h->kiosk.idle_seconds * 1000;
    if (idle < limit)
        return;
    int64_t left = limit + (int64_t)h->kiosk.countdown_seconds * 1000 - idle;
    if (left <= 0) {
        home(m);
        return;
    }
    int secs = (int)((left + 999) / 1000);
    if (secs != m->countdown) {
        m->countdown = secs;
        changed(m);
    }
}

/* ---- life ---- */

void qh_kiosk_model_set_page(struct qh_kiosk_model *m, int rows, int keys)
{
    if (rows > 0 && rows != m->per_page) {
        int first = m->page * (m->per_page > 0 ? m->per_page : 6);
        m->per_page = rows;
        m->page = first / rows;
        changed(m);
    }
    if (keys > 0 && keys != m->keys_per_page) {
        m->keys_per_page = keys;
        keys_refresh(m);
        changed(m);
    }
}

int qh_kiosk_model_new(struct qh_kiosk_model **out, struct qh_store *s,
                       const struct qh_kiosk_opts *o, int64_t now_ms,
                       char *err, size_t errlen)
{
    struct qh_kiosk_model *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!m)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    m->s = s;
    m->o = *o;
    m->lang = o->lang;
    m->per_page = 6;
    m->keys_per_page = 24;
    m->now_ms = m->last_input_ms = now_ms;
    m->screen_ms = now_ms - GUARD_MS;
    m->last_btn = -1;
    m->item = -1;
    m->wall_ms = hall_now(m);
    if (!s) {
        offline(m, T("正在连接数据库", "connecting to the database"));
        *out = m;
        return 0;
    }
    keep_hall(m);
    int rc = load_catalogue(m, err, errlen);
    if (rc < 0) {
        qh_kiosk_model_free(m);
        return rc;
    }
    home(m);
    m->screen_ms = now_ms - GUARD_MS;   /* the first tap counts */
    heartbeat(m);
    *out = m;
    return 0;
}

int qh_kiosk_model_store(struct qh_kiosk_model *m, struct qh_store *s, const char *why)
{
    char err[QH_ERRLEN];
    if (!s) {
        /* The program closed the store already: nothing of it is read. */
        m->s = NULL;
        offline(m, why);
        return 0;
    }
    m->s = s;
    m->db_failed = 0;
    qh_hall_set_lang(s, m->lang);
    keep_hall(m);
    m->wall_ms = hall_now(m);
    /* The catalogue once (a kiosk that started without its database
     * loads it now); list is allocated with it. */
    if (!m->list) {
        int rc = load_catalogue(m, err, sizeof err);
        if (rc < 0) {
            free(m->items);
            m->items = NULL;
            m->nitems = 0;
            free(m->aname);
            free(m->alias);
            free(m->list);
            m->aname = NULL;
            m->alias = NULL;
            m->list = NULL;
            if (!lost(m, rc, err)) {
                m->db_failed = 1;
                offline(m, err);
            }
            return rc;
        }
    }
    m->problem[0] = '\0';
    if (m->screen == QH_KS_OFFLINE) {
        home(m);
        m->screen_ms = m->now_ms - GUARD_MS;
    }
    heartbeat(m);               /* `qhall status`: back at once */
    changed(m);
    return m->s ? 0 : QH_E_IO;
}

void qh_kiosk_model_free(struct qh_kiosk_model *m)
{
    if (!m)
        return;
    free(m->items);
    free(m->aname);
    free(m->alias);
    free(m->list);
    free(m->cands);
    free(m);
}

int qh_kiosk_model_take_say(struct qh_kiosk_model *m, char *out, size_t outlen)
{
    if (!m->say[0])
        return 0;
    snprintf(out, outlen, "%s", m->say);
    m->say[0] = '\0';
    return 1;
}

int qh_kiosk_model_goto(struct qh_kiosk_model *m, enum qh_kiosk_screen s)
{
    if (!m->s && s != QH_KS_OFFLINE)
        return QH_E_STATE;      /* every other screen needs the store */
    const struct qh_queue_conf *q = queue_at(m, 0);
    m->screen_ms = m->now_ms - GUARD_MS;
    switch (s) {
    case QH_KS_HOME:
        home(m);
        return 0;
    case QH_KS_ITEMS:
    case QH_KS_CONFIRM:
    case QH_KS_TICKET:
        if (!q)
            return QH_E_NOTFOUND;
        m->queue = 0;
        list_queue(m, q->code);
        m->back = QH_KS_ITEMS;
        if (s == QH_KS_ITEMS) {
            go(m, QH_KS_ITEMS);
            return 0;
        }
        confirm(m, m->nlist ? m->list[0] : -1, q->code);
        if (s == QH_KS_TICKET && !m->refusal[0])
            take(m);
        return m->screen == s ? 0 : QH_E_STATE;
    case QH_KS_REFUSED:
        snprintf(m->entry, sizeof m->entry, "00000000");
        checkin(m);
        return 0;
    case QH_KS_SEARCH:
        m->query[0] = '\0';
        m->chars_mode = 0;
        search(m);
        go(m, s);
        return 0;
    case QH_KS_GREEN:
    case QH_KS_APPT:
    case QH_KS_PIN:
        m->entry[0] = '\0';
        go(m, s);
        return 0;
    case QH_KS_ADMIN:
        go(m, s);
        printer_refresh(m);
        return 0;
    case QH_KS_OFFLINE:
        if (m->s) {
            keep_hall(m);
            offline(m, NULL);
        }
        go(m, QH_KS_OFFLINE);
        return 0;
    }
    return QH_E_NOTFOUND;
}
