/* args.h: what the programs' own option parsers share.
 *
 * The CLI has its table of options (common/cli); the kiosk, counter and
 * display parse argv by hand, and this is the one rule they must all
 * keep the same way: an option that takes one value is given once. */
#ifndef QH_ARGS_H
#define QH_ARGS_H

/* The first option of `takes` given twice in argv[1..argc-1], or NULL.
 * `takes` (NULL-terminated) lists the options that take a value, as
 * "--x VALUE" or "--x=VALUE"; `many` (NULL-terminated, may be NULL) those
 * of them that are meant to be repeated (--press ...).  The result is the
 * entry of `takes`. */
const char *qh_args_repeated(int argc, char *const *argv, const char *const *takes,
                             const char *const *many);

#endif
