/* sim_internal.h: the simulator's state, shared by sim.c (the day) and
 * oracle.c (the Monte Carlo wait oracle that reads it). */
#ifndef QH_SIM_INTERNAL_H
#define QH_SIM_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "qh/store.h"
#include "sim.h"

#define STEP_MS 10000
#define MIN_MS 60000LL
#define NWIN 5
#define MAXSVC 512

struct rng { uint64_t s; };

static inline uint64_t next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

static inline double unif(struct rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static inline int chance(struct rng *r, double p)
{
    return unif(r) < p;
}

static inline double lognorm(struct rng *r, double sigma)
{
    double u1 = unif(r), u2 = unif(r);
    if (u1 < 1e-12)
        u1 = 1e-12;
    return exp(sigma * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
}

enum cst { C_PENDING, C_WAITING, C_AT_WINDOW, C_AWAY, C_GONE };

struct cit {
    int svc;                  /* index into the catalogue, -1: queue C */
    int svc0;                 /* the item asked for (a transfer changes svc) */
    char number[QH_NUMBER_LEN];
    int64_t arrive, patience, first_call, back_at;
    int green;
    int noshow;               /* will not answer the first call */
    int slow;                 /* answers only after one recall */
    int hold, transfers;
    int failed_once;
    int moved;                /* transfers made: each cut the case */
    int held;                 /* held once: half the case is left */
    int64_t handle_ms;        /* still to do */
    enum cst st;
    int wait_min, wait_max;
};

enum wst { W_IDLE, W_CALLED, W_SERVING, W_PAUSED };

struct win {
    int number;
    enum wst st;
    int cit;
    int64_t until, pause_at, resume_at;
    int64_t login_at;         /* the morning's staff member sits down */
    int64_t since;            /* the current state began */
    int paused_once;
};

struct svc { char code[24]; char queue[QH_CODE_LEN]; double base_min; };

struct sim {
    struct qh_store *s;
    struct rng r;
    struct svc svc[MAXSVC];
    int nsvc, na, nb;
    int first_a, first_b;
    struct cit *c;
    int nc;
    struct win w[NWIN];
    int64_t day0;             /* local midnight */
    double sigma;             /* lognormal shape of handling times */
    int busy, oracle;         /* qh_sim_opts */
    double qsum[3];           /* handling observed today, per queue A B C */
    int qn[3];
    struct qh_sim_result *res;
    char err[QH_ERRLEN];
};

static inline int64_t at_min(struct sim *m, double minutes)
{
    return m->day0 + (int64_t)(minutes * MIN_MS);
}

/* Queue index 0-2 (A B C) of a queue code. */
static inline int sim_queue(const char *q)
{
    return q[0] == 'A' ? 0 : q[0] == 'B' ? 1 : 2;
}

/* The handling time a citizen's case is drawn from: its item's typical
 * time (the 办不成 case and queue C their own) times a lognormal. */
static inline double case_base_min(const struct sim *m, const struct cit *c)
{
    if (c->failed_once)
        return 6;
    /* a transferred case keeps (part of) the first item's length */
    return c->svc0 < 0 ? 4 : m->svc[c->svc0].base_min;
}

/* The wait oracle (oracle.c): runs the rest of the day m->oracle times
 * from now, with every uncertain thing drawn afresh from the simulator's
 * own distributions, and fills t->oracle (sorted minutes) and
 * t->oracle_mean.  mine is the citizen just issued t. */
void qh_sim_oracle(struct sim *m, int mine, int64_t now, struct qh_sim_ticket *t);

#endif
