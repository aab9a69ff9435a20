/* feed.c: the change feed of the service API (qh/feed.h) over the
 * store's (qh/watch.h).  The feed is the store's watch under the name
 * programs know, so it costs no allocation or copy of its own. */
#include "qh/feed.h"
#include "qh/watch.h"

/* A feed is a watch: the pointer converts back and forth unchanged. */
static struct qh_watch *W(const struct qh_feed *f)
{
    return (struct qh_watch *)(void *)f;
}

int qh_feed_open(struct qh_feed **out, struct qh_store *s, int64_t after,
                 char *err, size_t errlen)
{
    struct qh_watch *w = NULL;
    int rc = qh_watch_open(&w, s, after, err, errlen);
    *out = (struct qh_feed *)(void *)w;
    return rc;
}

void qh_feed_close(struct qh_feed *f)
{
    qh_watch_close(W(f));
}

int qh_feed_fd(const struct qh_feed *f)
{
    return qh_watch_fd(W(f));
}

int qh_feed_timeout_ms(const struct qh_feed *f)
{
    return qh_watch_timeout_ms(W(f));
}

int qh_feed_read(struct qh_feed *f, struct qh_event_row *evs, int max,
                 char *err, size_t errlen)
{
    return qh_watch_read(W(f), evs, max, err, errlen);
}

int qh_feed_wait(struct qh_feed *f, int timeout_ms, struct qh_event_row *evs,
                 int max, char *err, size_t errlen)
{
    return qh_watch_wait(W(f), timeout_ms, evs, max, err, errlen);
}

int64_t qh_feed_last(const struct qh_feed *f)
{
    return qh_watch_last(W(f));
}
