/* cli_serve.c: `qhall serve`, the phone page a slip's QR code opens
 * (qh/web.h).  The command checks what it is given, refuses to run as
 * root, and serves until SIGINT or SIGTERM, telling systemd it is ready
 * and alive (qh/notify.h) from the server's loop. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "qh/clock.h"
#include "qh/log.h"
#include "qh/notify.h"
#include "qh/ticket.h"
#include "qh/web.h"

#include "cli.h"
#include "cli_serve.h"

static volatile sig_atomic_t stop_serving;

static void on_stop(int sig)
{
    (void)sig;
    stop_serving = 1;
}

static void alive(void *ud)
{
    (void)ud;
    qh_notify_ready();
    qh_notify_alive(qh_clock_mono_ms());
}

static int cmd_serve(struct ctx *c)
{
    char err[QH_ERRLEN];
    const char *base = cli_opt(c, "base-url");
    /* A page anyone on the network can reach runs with no more rights
     * than the hall's own account: the database's owner, never root. */
    if (geteuid() == 0 && !cli_opt(c, "allow-root"))
        return cli_usage_error(c, "%s",
                               TR(c, "serve 不以 root 运行：请用大厅的账户运行（systemd 的 User=）",
                                  "serve does not run as root: run it as the hall's account"
                                  " (systemd's User=)"));
    if (base) {
        int rc = qh_hall_set_base_url(c->s, base, err, sizeof err);
        if (rc < 0)
            return cli_fail(rc, err);
    }
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct qh_web_opts o = {
        .s = c->s,
        .listen = cli_opt(c, "listen"),
        .tls_cert = cli_opt(c, "tls-cert"),
        .tls_key = cli_opt(c, "tls-key"),
        .lang = c->lang,
        .stop = &stop_serving,
        .alive = alive,
    };
    qh_log_setup("qhall serve", cli_opt(c, "verbose") != NULL, NULL, 0);  /* checked in main */
    int rc = qh_web_serve(&o, err, sizeof err);
    qh_notify_stopping();
    return rc < 0 ? cli_fail(rc, err) : 0;
}

const struct cmd qh_cli_serve_cmds[] = {
    { "serve", cmd_serve, "listen= base-url= tls-cert= tls-key= allow-root", 0, 0, 0,
      "serve [--listen ADDR:PORT] [--base-url URL] [--tls-cert F --tls-key F]",
      "手机页面：号票二维码打开的排队进度、扫码评价和大厅概况（--base-url 同时存为号票二维码的地址）",
      "the phone page a slip's QR opens: queue progress, rating, the hall at a glance"
      " (--base-url also becomes the address slips carry)" },
    { NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
