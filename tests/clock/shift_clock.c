/* LD_PRELOAD shim: shift the wall clock (CLOCK_REALTIME, time(), gettimeofday()) by
 * CLOCK_SHIFT_SECONDS, and leave the monotonic clocks alone, so timed waits still work
 * (Debian's faketime fakes those too and hangs Python's Event.wait). Used by .ci/run to
 * run the clock-reading tests (marker `wallclock`) in another year: a test that reads the
 * real date fails there. The variable is not an OKRTUI_ one: tests/conftest.py drops those,
 * and the CLI a test starts in a child process must see the same shifted clock.
 *
 * With CLOCK_AUDIT_LOG=FILE it also appends "process<TAB>test<TAB>caller<TAB>mine" to FILE
 * when a process reads the wall clock during a test ($PYTEST_CURRENT_TEST): which function
 * asked, and the innermost frame of okrtui's or the tests' code on the stack. .ci/run checks
 * with it that every test whose own code reads the clock is marked (tests/clock/wallclock.py). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long shift(void) {
    static long cached = -1;
    if (cached == -1) {
        const char *s = getenv("CLOCK_SHIFT_SECONDS");
        cached = s ? atol(s) : 0;
    }
    return cached;
}

/* The Python API, looked up at run time: the shim is also loaded into processes without Python. */
typedef void *(*ptr_fn)(void *);
static int (*py_initialized)(void);
static int (*py_gil_held)(void);
static void *(*py_frame)(void);
static ptr_fn py_back, py_code;
static int (*py_line)(void *);
static void *(*py_getattr)(void *, const char *);
static const char *(*py_utf8)(void *);
static void (*py_decref)(void *);
static void (*py_err_clear)(void);

static int python_api(void) {
    static int found = -1;
    if (found == -1) {
        py_initialized = dlsym(RTLD_DEFAULT, "Py_IsInitialized");
        py_gil_held = dlsym(RTLD_DEFAULT, "PyGILState_Check");
        py_frame = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
        py_back = dlsym(RTLD_DEFAULT, "PyFrame_GetBack");
        py_code = dlsym(RTLD_DEFAULT, "PyFrame_GetCode");
        py_line = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
        py_getattr = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
        py_utf8 = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
        py_decref = dlsym(RTLD_DEFAULT, "Py_DecRef");
        py_err_clear = dlsym(RTLD_DEFAULT, "PyErr_Clear");
        found = py_initialized && py_gil_held && py_frame && py_back && py_code && py_line
                && py_getattr && py_utf8 && py_decref && py_err_clear;
    }
    return found;
}

static int is_project(const char *path) {
    return path && !strstr(path, "site-packages") && !strstr(path, "/lib/python")
           && (strstr(path, "/okrtui/") || strstr(path, "/tests/"));
}

/* Where on this thread's Python stack the clock is read: "CALLER<TAB>MINE", CALLER the function
 * that asked (okrtui's own code, a test, or a library) and MINE the innermost frame of the
 * project's code (okrtui/ or tests/), "-" when there is none (a library's own reading, such as
 * hypothesis timing a run); "?<TAB>?" outside Python (PostgreSQL, Chromium). */
static void python_frames(char *out, size_t size) {
    snprintf(out, size, "?\t?");
    if (!python_api() || !py_initialized() || !py_gil_held()) return;
    char caller[900] = "-";
    void *frame = py_frame();
    int owned = 0;
    for (int depth = 0; frame && depth < 200; depth++) {
        void *code = py_code(frame);
        void *name = code ? py_getattr(code, "co_filename") : NULL;
        const char *path = name ? py_utf8(name) : NULL;
        if (!path) py_err_clear();
        if (depth == 0) snprintf(caller, sizeof caller, "%s:%d", path ? path : "-", py_line(frame));
        int mine = is_project(path);
        if (mine) snprintf(out, size, "%s\t%s:%d", caller, path, py_line(frame));
        else if (depth == 0) snprintf(out, size, "%s\t-", caller);
        if (name) py_decref(name);
        if (code) py_decref(code);
        void *back = mine ? NULL : py_back(frame);
        if (owned) py_decref(frame);
        frame = back;
        owned = 1;
    }
    if (owned && frame) py_decref(frame);
}

static void audit(void) {
    static __thread int busy = 0;
    static __thread char last[3000];
    const char *log = getenv("CLOCK_AUDIT_LOG");
    if (!log || busy) return;
    const char *test = getenv("PYTEST_CURRENT_TEST");
    if (!test) return;
    busy = 1;
    int saved = errno;
    char where[1800];
    python_frames(where, sizeof where);
    char line[3000];
    int n = snprintf(line, sizeof line, "%s\t%s\t%s\n", program_invocation_short_name, test, where);
    if (n > 0 && n < (int)sizeof line && strcmp(line, last) != 0) {
        memcpy(last, line, (size_t)n + 1);
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            (void)!write(fd, line, (size_t)n);
            close(fd);
        }
    }
    errno = saved;
    busy = 0;
}

static int is_wall(clockid_t id) {
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *) = NULL;
    if (!real) real = dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real(id, ts);
    if (rc == 0 && is_wall(id)) {
        ts->tv_sec += shift();
        audit();
    }
    return rc;
}

int gettimeofday(struct timeval *tv, void *tz) {
    static int (*real)(struct timeval *, void *) = NULL;
    if (!real) real = dlsym(RTLD_NEXT, "gettimeofday");
    int rc = real(tv, tz);
    if (rc == 0) {
        tv->tv_sec += shift();
        audit();
    }
    return rc;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
