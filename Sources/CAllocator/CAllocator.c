#define _GNU_SOURCE
#include "CAllocator.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static mallctl_fn lookup_mallctl(void) {
    static _Atomic(mallctl_fn) cached = NULL;
    static atomic_int looked = 0;
    if (atomic_load_explicit(&looked, memory_order_acquire)) {
        return atomic_load_explicit(&cached, memory_order_relaxed);
    }
    mallctl_fn fn = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
    atomic_store_explicit(&cached, fn, memory_order_relaxed);
    atomic_store_explicit(&looked, 1, memory_order_release);
    return fn;
}

lh_mallinfo lh_glibc_mallinfo(void) {
    struct mallinfo2 mi = mallinfo2();
    lh_mallinfo out = { mi.arena, mi.hblkhd, mi.uordblks, mi.fordblks, mi.keepcost };
    return out;
}

int lh_glibc_trim(size_t pad) { return malloc_trim(pad); }

char *lh_glibc_malloc_info(size_t *length) {
    char *text = NULL;
    FILE *stream = open_memstream(&text, length);
    if (stream == NULL) return NULL;
    int failed = malloc_info(0, stream);
    fclose(stream);
    if (failed != 0) { free(text); return NULL; }
    return text;
}

int lh_jemalloc_loaded(void) { return lookup_mallctl() != NULL; }

static int read_u64(mallctl_fn fn, const char *name, uint64_t *out) {
    size_t value = 0, len = sizeof(value);
    int rc = fn(name, &value, &len, NULL, 0);
    if (rc == 0) *out = (uint64_t)value;
    return rc;
}

int lh_jemalloc_stats(uint64_t *allocated, uint64_t *active, uint64_t *resident, uint64_t *mapped) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return ENOENT;
    uint64_t epoch = 1;
    size_t len = sizeof(epoch);
    int rc = fn("epoch", &epoch, &len, &epoch, len);
    if (rc != 0) return rc;
    if ((rc = read_u64(fn, "stats.allocated", allocated)) != 0) return rc;
    if ((rc = read_u64(fn, "stats.active", active)) != 0) return rc;
    if ((rc = read_u64(fn, "stats.resident", resident)) != 0) return rc;
    return read_u64(fn, "stats.mapped", mapped);
}

int lh_jemalloc_prof_dump(const char *path) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return ENOENT;
    return fn("prof.dump", NULL, NULL, (void *)&path, sizeof(path));
}

int lh_jemalloc_purge_all(void) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return ENOENT;
    /* 4096 is MALLCTL_ARENAS_ALL: every arena's unused dirty and muzzy pages go back to the kernel now. */
    return fn("arena.4096.purge", NULL, NULL, NULL, 0);
}

int lh_jemalloc_read_bool(const char *name, int *value) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return ENOENT;
    bool b = false;
    size_t len = sizeof(b);
    int rc = fn(name, &b, &len, NULL, 0);
    if (rc == 0) *value = b ? 1 : 0;
    return rc;
}

int lh_jemalloc_read_size(const char *name, size_t *value) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return ENOENT;
    size_t len = sizeof(*value);
    return fn(name, value, &len, NULL, 0);
}

const char *lh_jemalloc_version(void) {
    mallctl_fn fn = lookup_mallctl();
    if (fn == NULL) return NULL;
    const char *version = NULL;
    size_t len = sizeof(version);
    if (fn("version", &version, &len, NULL, 0) != 0) return NULL;
    return version;
}

#include <gnu/libc-version.h>
const char *lh_glibc_version(void) { return gnu_get_libc_version(); }

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

long lh_count_fds_listed(int dirfd);

long lh_count_fds(int dirfd) {
    /* Linux 6.2 and later report the number of open descriptors as the size of /proc/PID/fd: one fstat
       instead of listing the directory (which builds a dentry per descriptor). Older kernels report 0. */
    struct stat st;
    if (fstat(dirfd, &st) == 0 && st.st_size > 0) return (long)st.st_size - 1; /* the directory descriptor itself */
    return lh_count_fds_listed(dirfd);
}

long lh_count_fds_listed(int dirfd) {
    char buffer[4096] __attribute__((aligned(8)));
    if (lseek(dirfd, 0, SEEK_SET) != 0) return -1;
    long count = 0;
    for (;;) {
        ssize_t n = getdents64(dirfd, buffer, sizeof(buffer));
        if (n < 0) return -1;
        if (n == 0) break;
        for (ssize_t offset = 0; offset < n;) {
            struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
            if (entry->d_name[0] != '.') count++;
            offset += entry->d_reclen;
        }
    }
    return count - 1; /* the directory descriptor itself */
}

