/* page.c: the phone pages, written as HTML5 by hand.
 *
 * For a citizen of 75 on an old phone or inside WeChat: big type, one
 * column, no framework, no external file but our own /app.js, nothing
 * needed to read a page but HTML (the script only keeps it live).  The
 * style is inline and named by its hash in the Content-Security-Policy;
 * there is no inline script.  Every text from the database goes through
 * qh_web_escape. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "qh/ticket.h"
#include "qh/web.h"

#define T(zh, en) QH_TR(lang, zh, en)

static const char css[] =
    "body{margin:0;font:20px/1.5 system-ui,-apple-system,\"Noto Sans CJK SC\",sans-serif;"
    "background:#f2f4f7;color:#111}"
    "header{background:#a31515;color:#fff;padding:10px 16px;font-size:20px}"
    "main{max-width:640px;margin:0 auto;padding:8px 14px 24px}"
    ".card{background:#fff;border-radius:10px;padding:12px 16px;margin:12px 0;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    ".num{font-size:76px;font-weight:700;text-align:center;line-height:1.1;margin:6px 0}"
    ".sub{text-align:center;color:#333}"
    ".state{font-size:26px;font-weight:700;text-align:center}"
    ".big{font-size:30px}"
    ".call{background:#fff4d6;border:4px solid #d35400;color:#7a2e00}"
    ".ok{color:#1b5e20}.warn{color:#a31515}"
    "ol,ul{padding-left:1.4em;margin:6px 0}li{margin:4px 0}"
    ".steps{color:#444;font-size:18px}"
    "h2{font-size:22px;margin:4px 0 8px}"
    "label{display:block;padding:8px 4px;font-size:22px}"
    "#rate>input[type=radio]{float:left;clear:left;margin:12px 10px 0 4px}"
    "#rate>label{margin-left:40px}"
    ".reasons{display:none;clear:left}#s1:checked~.reasons,#s2:checked~.reasons{display:block}"
    "input[type=radio],input[type=checkbox]{width:26px;height:26px;vertical-align:middle;"
    "margin-right:10px}"
    "textarea{width:100%;box-sizing:border-box;font-size:20px;min-height:4em}"
    "button{width:100%;font-size:24px;padding:14px;margin-top:10px;border:0;"
    "border-radius:8px;background:#a31515;color:#fff}"
    "table{width:100%;border-collapse:collapse}td{padding:8px 4px;border-bottom:1px solid #ddd}"
    "td.n{font-size:28px;font-weight:700;text-align:right;white-space:nowrap}"
    "footer{max-width:640px;margin:0 auto;padding:0 14px 30px;color:#555;font-size:18px}"
    "a{color:#0b4f9c}";

static char css_hash[64];

const char *qh_web_css(void)
{
    return css;
}

const char *qh_web_css_hash(void)
{
    if (!css_hash[0]) {
        unsigned char h[crypto_hash_sha256_BYTES];
        char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                           sodium_base64_VARIANT_ORIGINAL)];
        crypto_hash_sha256(h, (const unsigned char *)css, sizeof css - 1);
        sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
        snprintf(css_hash, sizeof css_hash, "sha256-%s", b64);
    }
    return css_hash;
}

/* ES5 only (old Android browsers, WeChat): SSE when there is EventSource,
 * otherwise a reload while the ticket is still moving. */
static const char script[] =
    "(function(){\n"
    "var b=document.body,url=b.getAttribute('data-live');\n"
    "if(!url)return;\n"
    "function moving(){var s=document.getElementById('state');"
    "return !s||s.getAttribute('data-final')!=='1';}\n"
    "function busy(){var f=document.getElementById('rate');"
    "if(!f)return false;var i=f.getElementsByTagName('input');"
    "for(var k=0;k<i.length;k++)if(i[k].checked)return true;"
    "var t=f.getElementsByTagName('textarea');return t.length>0&&t[0].value!=='';}\n"
    "if(!window.EventSource){setTimeout(function(){if(moving())location.reload();},20000);"
    "return;}\n"
    "var es=new EventSource(url);\n"
    "es.addEventListener('state',function(e){var box=document.getElementById('live');"
    "if(box&&!busy())box.innerHTML=e.data;});\n"
    "})();\n";

const char *qh_web_script(void)
{
    return script;
}

void qh_web_escape(struct qh_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        qh_buf_add(b, run, (size_t)(s - run));
        qh_buf_puts(b, rep);
        run = s + 1;
    }
    qh_buf_add(b, run, (size_t)(s - run));
}

static void esc(struct qh_buf *b, const char *s)
{
    qh_web_escape(b, s);
}

/* The <li> of each of n texts. */
static void items(struct qh_buf *b, const char (*texts)[160], int n)
{
    for (int i = 0; i < n; i++) {
        qh_buf_puts(b, "<li>");
        esc(b, texts[i]);
        qh_buf_puts(b, "</li>");
    }
}

/* "?lang=en" for links that keep the reader's language. */
static const char *qs(enum qh_lang lang)
{
    return lang == QH_LANG_EN ? "?lang=en" : "";
}

static void head(struct qh_buf *b, enum qh_lang lang, const char *title, const char *live,
                 int refresh)
{
    qh_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                     "<meta name=\"referrer\" content=\"no-referrer\"><title>",
                  lang == QH_LANG_EN ? "en" : "zh-CN");
    esc(b, title);
    qh_buf_printf(b, "</title><style>%s</style>", css);
    if (refresh)
        qh_buf_puts(b, "<noscript><meta http-equiv=\"refresh\" content=\"20\"></noscript>");
    if (live)
        qh_buf_puts(b, "<script src=\"/app.js\" defer></script>");
    qh_buf_puts(b, "</head><body");
    if (live) {
        qh_buf_puts(b, " data-live=\"");
        esc(b, live);
        qh_buf_puts(b, "\"");
    }
    qh_buf_puts(b, ">");
}

static void header(struct qh_buf *b, const char *hall)
{
    qh_buf_puts(b, "<header>");
    esc(b, hall);
    qh_buf_puts(b, "</header>");
}

static void footer(struct qh_buf *b, enum qh_lang lang, const char *self, const char *notice)
{
    qh_buf_puts(b, "<footer>");
    if (notice && *notice) {
        qh_buf_puts(b, "<p>");
        esc(b, notice);
        qh_buf_puts(b, "</p>");
    }
    qh_buf_puts(b, "<p><a href=\"");
    esc(b, self);
    qh_buf_puts(b, lang == QH_LANG_EN ? "\">中文</a>" : "?lang=en\">English</a>");
    qh_buf_puts(b, "</p></footer></body></html>\n");
}

static const char *step_word(const char *type, enum qh_lang lang)
{
    static const char *const words[][3] = {
        {"issued", "取号", "ticket taken"},
        {"called", "叫号", "called"},
        {"recalled", "再次叫号", "called again"},
        {"no_show", "过号", "missed the call"},
        {"called_back", "重新叫号", "called back"},
        {"started", "开始办理", "service started"},
        {"held", "挂起", "on hold"},
        {"released", "重新排队", "back in the queue"},
        {"transferred", "转到", "sent on to"},
        {"finished", "办结", "finished"},
        {"cancelled", "已取消", "cancelled"},
        {"expired", "已过期", "expired"},
        {"rated", "已评价", "rated"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(type, words[i][0]))
            return words[i][lang == QH_LANG_EN ? 2 : 1];
    return type;
}

static void steps(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang)
{
    if (v->nsteps < 2)
        return;
    qh_buf_printf(b, "<div class=\"card steps\"><h2>%s</h2><ol>", T("进度", "Progress"));
    for (int i = 0; i < v->nsteps; i++) {
        const struct qh_web_step *s = &v->steps[i];
        qh_buf_printf(b, "<li>%s %s", s->hhmm, step_word(s->type, lang));
        if (s->window)
            qh_buf_printf(b, T(" %d号窗口", " window %d"), s->window);
        if (s->extra[0]) {
            qh_buf_puts(b, " ");
            esc(b, s->extra);
        }
        qh_buf_puts(b, "</li>");
    }
    qh_buf_puts(b, "</ol></div>");
}

static void rate_form(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang,
                      const char *message, const struct qh_web_form *chosen)
{
    static const char *const faces[][2] = {
        {"非常满意", "very satisfied"}, {"满意", "satisfied"}, {"基本满意", "fair"},
        {"不满意", "dissatisfied"}, {"非常不满意", "very dissatisfied"},
    };
    qh_buf_printf(b, "<form id=\"rate\" class=\"card\" method=\"post\" action=\"/t/%s/rate%s\">"
                     "<h2>%s</h2>",
                  v->token, qs(lang), T("请为本次服务评价", "Please rate this service"));
    if (message) {
        qh_buf_puts(b, "<p class=\"warn\" id=\"message\">");
        esc(b, message);
        qh_buf_puts(b, "</p>");
    }
    qh_buf_printf(b, "<input type=\"hidden\" name=\"form\" value=\"%s\">", v->form);
    /* Radios before the reasons, as their siblings: the style shows the
     * reasons only once 不满意 or 非常不满意 is chosen, with no script. */
    for (int score = 5; score >= 1; score--) {
        qh_buf_printf(b, "<input type=\"radio\" name=\"score\" value=\"%d\" id=\"s%d\"%s>"
                         "<label for=\"s%d\">%s</label>",
                      score, score, chosen && chosen->score == score ? " checked" : "", score,
                      faces[5 - score][lang == QH_LANG_EN]);
    }
    if (v->nreasons > 0) {
        qh_buf_printf(b, "<div class=\"reasons\"><p>%s</p>",
                      T("请勾选不满意的原因（至少一项）：",
                        "Please tick why (at least one):"));
        for (int i = 0; i < v->nreasons && i < 32; i++) {
            const char *r = lang == QH_LANG_EN && v->reasons_en && v->reasons_en[i][0]
                                ? v->reasons_en[i] : v->reasons[i];
            qh_buf_printf(b, "<label><input type=\"checkbox\" name=\"reason\" value=\"%d\"%s>",
                          i, chosen && (chosen->reasons >> i & 1) ? " checked" : "");
            esc(b, r);
            qh_buf_puts(b, "</label>");
        }
        qh_buf_puts(b, "</div>");
    }
    qh_buf_printf(b, "<p>%s</p><textarea name=\"text\" maxlength=\"%d\">",
                  T("想说的话（可不填）：", "Anything to add (optional):"), QH_TEXT_REASON_MAX);
    if (chosen)
        esc(b, chosen->text);
    qh_buf_printf(b, "</textarea><button type=\"submit\">%s</button></form>",
                  T("提交评价", "Send"));
}

void qh_web_live_ticket(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang,
                        const char *message, const struct qh_web_form *chosen)
{
    const struct qh_ticket_row *t = &v->t;
    int final = t->state == QH_TICKET_FINISHED || t->state == QH_TICKET_CANCELLED ||
                t->state == QH_TICKET_EXPIRED;
    qh_buf_printf(b, "<div class=\"card\"><div class=\"num\" id=\"number\">%s</div>"
                     "<div class=\"sub\">", t->number);
    esc(b, v->queue);
    if (v->service[0]) {
        qh_buf_puts(b, " · ");
        esc(b, v->service);
    }
    qh_buf_printf(b, "</div></div><div id=\"state\" data-state=\"%s\" data-final=\"%d\" "
                     "class=\"card",
                  qh_ticket_state_name(t->state), final);
    switch (t->state) {
    case QH_TICKET_WAITING:
        qh_buf_printf(b, "\"><div class=\"state\">%s</div>", T("等候中", "Waiting"));
        qh_buf_printf(b, T("<p class=\"big\">前面还有 <b id=\"ahead\">%d</b> 人</p>",
                           "<p class=\"big\"><b id=\"ahead\">%d</b> ahead of you</p>"),
                      v->ahead);
        if (v->wait_max > 0)
            qh_buf_printf(b, T("<p id=\"wait\">%s（仅供参考）</p>",
                               "<p id=\"wait\">%s (an estimate)</p>"), v->wait_text);
        qh_buf_printf(b, "<p>%s</p>",
                      T("叫到您的号码时，本页会显示去几号窗口。可以先去办别的事，请留意本页。",
                        "When your number is called this page shows which window to go to."
                        " Keep it open."));
        break;
    case QH_TICKET_CALLED:
        qh_buf_printf(b, " call\"><div class=\"state big\">");
        qh_buf_printf(b, T("请到 %d 号窗口办理", "Please go to window %d"), t->window);
        qh_buf_puts(b, "</div><p>");
        esc(b, v->window_name);
        if (v->called_hhmm[0])
            qh_buf_printf(b, T("　%s 叫号", " · called at %s"), v->called_hhmm);
        qh_buf_puts(b, "</p>");
        break;
    case QH_TICKET_SERVING:
        qh_buf_printf(b, "\"><div class=\"state\">%s</div><p>", T("办理中", "Being served"));
        qh_buf_printf(b, T("%d 号窗口", "Window %d"), t->window);
        qh_buf_puts(b, "</p>");
        break;
    case QH_TICKET_HELD:
        qh_buf_printf(b, "\"><div class=\"state\">%s</div><p>%s</p>", T("挂起", "On hold"),
                      T("窗口为您保留了业务。准备好后请回到窗口，回来后会优先为您叫号。",
                        "The window keeps your case. When you are ready, come back: you are"
                        " called first."));
        break;
    case QH_TICKET_NO_SHOW:
        qh_buf_printf(b, "\"><div class=\"state warn\">%s</div><p>", T("过号", "Missed the call"));
        if (v->help_window)
            qh_buf_printf(b, T("叫号时您不在。请到 %d 号窗口说明情况，工作人员会为您重新叫号，不用重新取号。",
                               "You were called but not there. Please tell window %d: they"
                               " call you again, no new ticket needed."),
                          v->help_window);
        else
            qh_buf_puts(b, T("叫号时您不在。请到服务台说明情况，工作人员会为您重新叫号，不用重新取号。",
                             "You were called but not there. Please tell the front desk: they"
                             " call you again, no new ticket needed."));
        qh_buf_puts(b, "</p>");
        break;
    case QH_TICKET_FINISHED:
        qh_buf_printf(b, "\"><div class=\"state ok\">%s</div>", T("已办结", "Finished"));
        if (t->outcome[0] && strcmp(t->outcome, "done"))
            qh_buf_printf(b, "<p>%s</p>", qh_outcome_label(t->outcome, lang));
        if (!strcmp(t->outcome, "supplement") && v->nmissing > 0) {
            qh_buf_printf(b, "<p>%s</p><ol id=\"missing\">",
                          T("请补齐以下材料后再来办理：", "Please bring these and come back:"));
            items(b, v->missing, v->nmissing);
            qh_buf_puts(b, "</ol>");
        }
        if (!strcmp(t->outcome, "failed") && v->help_window)
            qh_buf_printf(b, T("<p>没办成？请到 %d 号窗口（办不成事反映）。</p>",
                               "<p>Not done? Window %d takes it up.</p>"),
                          v->help_window);
        break;
    case QH_TICKET_CANCELLED:
    case QH_TICKET_EXPIRED:
    default:
        qh_buf_printf(b, "\"><div class=\"state\">%s</div>",
                      qh_ticket_state_label(t->state, lang));
        break;
    }
    qh_buf_puts(b, "</div>");
    int form = t->state == QH_TICKET_FINISHED && !v->rated_score && v->can_rate;
    if (message && !form) {
        qh_buf_puts(b, "<div class=\"card warn\" id=\"message\">");
        esc(b, message);
        qh_buf_puts(b, "</div>");
    }
    if (t->state == QH_TICKET_FINISHED) {
        if (v->rated_score)
            qh_buf_printf(b, "<div class=\"card ok\" id=\"rated\">%s</div>",
                          T("您已评价，谢谢！", "You have rated this service. Thank you!"));
        else if (v->can_rate)
            rate_form(b, v, lang, message, chosen);
    }
    steps(b, v, lang);
}

void qh_web_page_ticket(struct qh_buf *b, const struct qh_web_ticket *v, enum qh_lang lang,
                        const char *message, const struct qh_web_form *chosen)
{
    const struct qh_ticket_row *t = &v->t;
    int moving = t->state != QH_TICKET_FINISHED && t->state != QH_TICKET_CANCELLED &&
                 t->state != QH_TICKET_EXPIRED;
    char title[128], live[96], self[64];
    snprintf(title, sizeof title, T("%s号 · 排队进度", "%s · queue"), t->number);
    snprintf(live, sizeof live, "/t/%s/events%s", v->token, qs(lang));
    snprintf(self, sizeof self, "/t/%s", v->token);
    head(b, lang, title, live, moving);
    header(b, v->hall);
    qh_buf_puts(b, "<main><div id=\"live\">");
    qh_web_live_ticket(b, v, lang, message, chosen);
    qh_buf_puts(b, "</div>");
    if (v->nmaterials > 0 && moving) {
        qh_buf_printf(b, "<div class=\"card\" id=\"materials\"><h2>%s</h2><ol>",
                      T("请准备好以下材料（一次性告知）", "Please have these ready"));
        items(b, v->materials, v->nmaterials);
        qh_buf_puts(b, "</ol></div>");
    }
    qh_buf_printf(b, "<p><a href=\"/hall%s\">%s</a></p></main>", qs(lang),
                  T("看看大厅各窗口", "The hall at a glance"));
    footer(b, lang, self, v->notice);
}

void qh_web_live_hall(struct qh_buf *b, const struct qh_web_hall *v, enum qh_lang lang)
{
    qh_buf_printf(b, "<div class=\"card\"><h2>%s</h2><table id=\"windows\">",
                  T("窗口", "Windows"));
    for (int i = 0; i < v->nwindows; i++) {
        const struct qh_web_window *w = &v->windows[i];
        qh_buf_printf(b, "<tr><td>");
        qh_buf_printf(b, T("%d号 ", "%d "), w->number);
        esc(b, w->name);
        qh_buf_puts(b, "<br><small>");
        if (w->paused) {
            qh_buf_puts(b, T("暂停服务", "paused"));
            if (w->pause_reason[0]) {
                qh_buf_puts(b, "：");
                esc(b, w->pause_reason);
            }
        } else if (!w->open) {
            qh_buf_puts(b, T("未开放", "closed"));
        } else if (w->number_now[0]) {
            qh_buf_puts(b, w->state_now == QH_TICKET_CALLED ? T("正在叫号", "calling")
                                                             : T("正在办理", "serving"));
        } else {
            qh_buf_puts(b, T("等候叫号", "free"));
        }
        qh_buf_printf(b, "</small></td><td class=\"n\">%s</td></tr>",
                      w->number_now[0] ? w->number_now : "—");
    }
    qh_buf_printf(b, "</table></div><div class=\"card\"><h2>%s</h2><table id=\"queues\">",
                  T("等候人数", "Waiting"));
    for (int i = 0; i < v->nqueues; i++) {
        qh_buf_puts(b, "<tr><td>");
        esc(b, v->queues[i].name);
        qh_buf_printf(b, "</td><td class=\"n\">%d</td></tr>", v->queues[i].waiting);
    }
    qh_buf_puts(b, "</table></div>");
}

void qh_web_page_hall(struct qh_buf *b, const struct qh_web_hall *v, enum qh_lang lang)
{
    char live[32];
    snprintf(live, sizeof live, "/hall/events%s", qs(lang));
    head(b, lang, v->hall, live, 1);
    header(b, v->hall);
    qh_buf_puts(b, "<main><div id=\"live\">");
    qh_web_live_hall(b, v, lang);
    qh_buf_puts(b, "</div></main>");
    footer(b, lang, "/hall", v->notice);
}

void qh_web_page_notice(struct qh_buf *b, enum qh_lang lang, const char *title,
                        const char *text, const char *back)
{
    head(b, lang, title, NULL, 0);
    qh_buf_puts(b, "<main><div class=\"card\"><h2>");
    esc(b, title);
    qh_buf_puts(b, "</h2><p>");
    esc(b, text);
    qh_buf_puts(b, "</p>");
    if (back) {
        qh_buf_puts(b, "<p><a href=\"");
        esc(b, back);
        qh_buf_printf(b, "\">%s</a></p>", T("返回", "Back"));
    }
    qh_buf_puts(b, "</div></main></body></html>\n");
}

void qh_web_page_notfound(struct qh_buf *b, enum qh_lang lang)
{
    qh_web_page_notice(b, lang, T("未找到该号票", "Ticket not found"),
                       T("请核对号票上的二维码。号票只在取号当天有效，评价可在办结后几天内进行。",
                         "Please scan the QR code on your slip again. A slip is valid on its day,"
                         " and for rating a few days after."),
                       NULL);
}
