/* LD_PRELOAD shim: shift the wall clock (CLOCK_REALTIME, time(), gettimeofday()) by
 * OKRTUI_SHIFT_SECONDS, and leave the monotonic clocks alone, so timed waits still work
 * (Debian's faketime fakes those too and hangs Python's Event.wait). Used by .ci/run to
 * run the suite in another year: a test that reads the real date fails there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift(void) {
    static long cached = -1;
    if (cached == -1) {
        const char *s = getenv("OKRTUI_SHIFT_SECONDS");
        cached = s ? atol(s) : 0;
    }
    return cached;
}

static int is_wall(clockid_t id) {
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *) = NULL;
    if (!real) real = dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real(id, ts);
    if (rc == 0 && is_wall(id)) ts->tv_sec += shift();
    return rc;
}

int gettimeofday(struct timeval *tv, void *tz) {
    static int (*real)(struct timeval *, void *) = NULL;
    if (!real) real = dlsym(RTLD_NEXT, "gettimeofday");
    int rc = real(tv, tz);
    if (rc == 0 && tv) tv->tv_sec += shift();
    return rc;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
