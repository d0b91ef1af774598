/* The probe leakharness preloads into a watched command: one thread per process reads the allocator's own figures
   and writes fixed-size records to a pipe that watch reads. The thread allocates nothing and takes no lock of its
   own; the allocator's locks it takes (mallinfo2, mallctl) are released before fork by the allocators' own fork
   handlers. Without its environment variable, or with a descriptor that is not watch's pipe, it does nothing. */
#define _GNU_SOURCE
#include "CProbe.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static struct {
    int active;
    int fd;
    dev_t dev;
    ino_t ino;
    long interval_ms;
    long trim_ms;
    long dump_ms;
    mallctl_fn mallctl;
    char dump_dir[1024];
    char request_path[1024];
    char watch_fd_path[64];
    FILE *info;
    uint32_t trims;
    uint32_t dumps;
    int dump_dir_made;
    int request_fd;
} probe = { .fd = -1, .request_fd = -1 };

static char info_buffer[65536];
static char info_stream_buffer[4096];
static atomic_int thread_running;

static long env_long(const char *name, long fallback) {
    const char *text = getenv(name);
    if (text == NULL || *text == 0) return fallback;
    char *end = NULL;
    long value = strtol(text, &end, 10);
    return (end != NULL && *end == 0 && value >= 0) ? value : fallback;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Appends text or a decimal number to a fixed buffer: no printf, so nothing is allocated. */
static size_t put_text(char *buffer, size_t at, size_t size, const char *text) {
    while (*text && at + 1 < size) buffer[at++] = *text++;
    buffer[at] = 0;
    return at;
}

static size_t put_number(char *buffer, size_t at, size_t size, long value) {
    char digits[24];
    int n = 0;
    if (value < 0) value = 0;
    do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value > 0);
    while (n > 0 && at + 1 < size) buffer[at++] = digits[--n];
    buffer[at] = 0;
    return at;
}

/* Whether fd is watch's pipe: a FIFO with the device and inode watch named. */
static int is_watch_pipe(int fd) {
    struct stat st;
    return fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && st.st_dev == probe.dev && st.st_ino == probe.ino;
}

static uint32_t glibc_arenas(void) {
    if (probe.info == NULL) return 0;
    rewind(probe.info);
    if (malloc_info(0, probe.info) != 0) return 0;
    fflush(probe.info);
    long length = ftell(probe.info);
    if (length <= 0) return 0;
    if ((size_t)length >= sizeof(info_buffer)) length = sizeof(info_buffer) - 1;
    uint32_t count = 0;
    const char *needle = "<heap nr=";
    size_t needle_length = strlen(needle);
    for (long i = 0; i + (long)needle_length <= length; i++) {
        if (memcmp(info_buffer + i, needle, needle_length) == 0) count++;
    }
    return count;
}

lh_probe_record lh_probe_sample_once(void) {
    lh_probe_record r;
    memset(&r, 0, sizeof(r));
    r.magic = LH_PROBE_MAGIC;
    r.pid = (int32_t)getpid();
    r.time_ns = now_ns();
    r.self_allocated = -1;
    mallctl_fn fn = probe.mallctl;
    if (fn != NULL) {
        uint64_t epoch = 1;
        size_t len = sizeof(epoch);
        size_t allocated = 0, resident = 0, size = sizeof(size_t);
        if (fn("epoch", &epoch, &len, &epoch, len) == 0 && fn("stats.allocated", &allocated, &size, NULL, 0) == 0) {
            size = sizeof(size_t);
            if (fn("stats.resident", &resident, &size, NULL, 0) == 0) {
                r.allocator = LH_PROBE_ALLOCATOR_JEMALLOC;
                r.live = (int64_t)allocated;
                r.held = (int64_t)resident;
            }
        }
        uint64_t mine = 0;
        size = sizeof(mine);
        if (fn("thread.allocated", &mine, &size, NULL, 0) == 0) r.self_allocated = (int64_t)mine;
    } else {
        struct mallinfo2 mi = mallinfo2();
        r.allocator = LH_PROBE_ALLOCATOR_GLIBC;
        r.live = (int64_t)(mi.uordblks + mi.hblkhd);
        r.held = (int64_t)(mi.arena + mi.hblkhd);
    }
    r.trims = probe.trims;
    r.dumps = probe.dumps;
    return r;
}

double lh_probe_cost_ns(long samples) {
    if (samples < 1) return 0;
    if (probe.mallctl == NULL && !probe.active) probe.mallctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
    int64_t start = now_ns();
    volatile int64_t sink = 0;
    for (long i = 0; i < samples; i++) sink += lh_probe_sample_once().live;
    (void)sink;
    return (double)(now_ns() - start) / (double)samples;
}

/* jemalloc's prof.dump into DIR/pid-PID/pass-N.heap (N from 1). */
static void dump_profile(void) {
    if (probe.mallctl == NULL || probe.dump_dir[0] == 0) return;
    char path[1200];
    size_t at = put_text(path, 0, sizeof(path), probe.dump_dir);
    at = put_text(path, at, sizeof(path), "/pid-");
    at = put_number(path, at, sizeof(path), (long)getpid());
    if (!probe.dump_dir_made) {
        mkdir(path, 0755);
        probe.dump_dir_made = 1;
    }
    at = put_text(path, at, sizeof(path), "/pass-");
    at = put_number(path, at, sizeof(path), (long)probe.dumps + 1);
    put_text(path, at, sizeof(path), ".heap");
    const char *p = path;
    if (probe.mallctl("prof.dump", NULL, NULL, (void *)&p, sizeof(p)) == 0) probe.dumps++;
}

static int64_t requested_dumps(int fd) {
    int64_t value = 0;
    if (fd < 0 || pread(fd, &value, sizeof(value), 0) != (ssize_t)sizeof(value)) return 0;
    return value;
}

static void *probe_main(void *unused) {
    (void)unused;
    pthread_setname_np(pthread_self(), "lh-probe");
    probe.request_fd = probe.request_path[0] ? open(probe.request_path, O_RDONLY | O_CLOEXEC) : -1;
    int64_t start = now_ns();
    int64_t interval = (int64_t)probe.interval_ms * 1000000;
    int64_t next_trim = start + (int64_t)probe.trim_ms * 1000000;
    int64_t next_dump = start + (int64_t)probe.dump_ms * 1000000;
    int64_t next_arenas = start;
    uint32_t arenas = 0;
    struct timespec due = { .tv_sec = start / 1000000000, .tv_nsec = start % 1000000000 };
    for (;;) {
        int64_t now = now_ns();
        if (probe.trim_ms > 0 && probe.mallctl == NULL && now >= next_trim) {
            malloc_trim(0);
            probe.trims++;
            next_trim = now + (int64_t)probe.trim_ms * 1000000;
        }
        if (probe.dump_dir[0]) {
            if (probe.dump_ms > 0 && now >= next_dump) {
                dump_profile();
                next_dump = now + (int64_t)probe.dump_ms * 1000000;
            }
            int64_t asked = requested_dumps(probe.request_fd);
            while ((int64_t)probe.dumps < asked) {
                uint32_t before = probe.dumps;
                dump_profile();
                if (probe.dumps == before) break;
            }
        }
        if (probe.mallctl == NULL && now >= next_arenas) {
            arenas = glibc_arenas();
            next_arenas = now + 1000000000;
        }
        if (!is_watch_pipe(probe.fd)) {
            /* The program closed the descriptor (and may have reused its number): never write to what it is now. */
            int opened = probe.watch_fd_path[0] ? open(probe.watch_fd_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
            if (!is_watch_pipe(opened)) {
                if (opened >= 0) close(opened);
                break;
            }
            probe.fd = opened;
        }
        lh_probe_record r = lh_probe_sample_once();
        r.arenas = arenas;
        ssize_t written = write(probe.fd, &r, sizeof(r));
        if (written < 0 && errno == EPIPE) break; /* watch is gone */
        int64_t next = (int64_t)due.tv_sec * 1000000000 + due.tv_nsec + interval;
        if (next < now_ns()) next = now_ns() + interval;
        due.tv_sec = next / 1000000000;
        due.tv_nsec = next % 1000000000;
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {}
    }
    if (probe.request_fd >= 0) close(probe.request_fd);
    probe.request_fd = -1;
    atomic_store(&thread_running, 0);
    return NULL;
}

static void start_thread(void) {
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0) return;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 128 * 1024);
    /* Every signal blocked in the probe thread: the program's signals go to the program's threads. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    if (pthread_create(&thread, &attributes, probe_main, NULL) == 0) atomic_store(&thread_running, 1);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
}

/* In a forked child only the forking thread exists: start the probe again there. */
static void after_fork_in_child(void) {
    if (!probe.active) return;
    /* The parent's probe thread had this open; the child's opens its own. */
    if (probe.request_fd >= 0) close(probe.request_fd);
    probe.request_fd = -1;
    probe.dumps = 0;
    probe.trims = 0;
    probe.dump_dir_made = 0;
    start_thread();
}

__attribute__((constructor)) static void probe_start(void) {
    const char *spec = getenv(LH_PROBE_ENV);
    if (spec == NULL) return;
    long fd = -1, watch_pid = -1, watch_fd = -1;
    unsigned long long dev = 0, ino = 0;
    if (sscanf(spec, "%ld:%llu:%llu:%ld:%ld", &fd, &dev, &ino, &watch_pid, &watch_fd) != 5) return;
    probe.dev = (dev_t)dev;
    probe.ino = (ino_t)ino;
    size_t at = put_text(probe.watch_fd_path, 0, sizeof(probe.watch_fd_path), "/proc/");
    at = put_number(probe.watch_fd_path, at, sizeof(probe.watch_fd_path), watch_pid);
    at = put_text(probe.watch_fd_path, at, sizeof(probe.watch_fd_path), "/fd/");
    put_number(probe.watch_fd_path, at, sizeof(probe.watch_fd_path), watch_fd);
    if (is_watch_pipe((int)fd)) {
        probe.fd = (int)fd;
    } else {
        /* The descriptor was closed or reused (a parent that closes descriptors before exec): open watch's own end. */
        int opened = open(probe.watch_fd_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (!is_watch_pipe(opened)) {
            if (opened >= 0) close(opened);
            return;
        }
        probe.fd = opened;
    }
    int flags = fcntl(probe.fd, F_GETFL);
    if (flags >= 0) fcntl(probe.fd, F_SETFL, flags | O_NONBLOCK);
    probe.interval_ms = env_long(LH_PROBE_ENV_INTERVAL, 100);
    if (probe.interval_ms < 1) probe.interval_ms = 1;
    probe.trim_ms = env_long(LH_PROBE_ENV_TRIM, 0);
    probe.dump_ms = env_long(LH_PROBE_ENV_DUMP_MS, 0);
    const char *dir = getenv(LH_PROBE_ENV_DUMP_DIR);
    if (dir != NULL && strlen(dir) < sizeof(probe.dump_dir)) strcpy(probe.dump_dir, dir);
    const char *request = getenv(LH_PROBE_ENV_DUMP_REQUEST);
    if (request != NULL && strlen(request) < sizeof(probe.request_path)) strcpy(probe.request_path, request);
    probe.mallctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
    if (probe.mallctl == NULL) {
        /* A stream over a static buffer for malloc_info, with its own static buffer: made once, here. */
        probe.info = fmemopen(info_buffer, sizeof(info_buffer), "w");
        if (probe.info != NULL) {
            setvbuf(probe.info, info_stream_buffer, _IOFBF, sizeof(info_stream_buffer));
            /* Only the probe thread uses this stream: no lock of its own, so a fork while the probe writes to it
               cannot leave the child with the stream locked by a thread that no longer exists. */
            __fsetlocking(probe.info, FSETLOCKING_BYCALLER);
        }
    }
    probe.active = 1;
    pthread_atfork(NULL, NULL, after_fork_in_child);
    start_thread();
}
