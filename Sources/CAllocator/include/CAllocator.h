#ifndef LEAKHARNESS_CALLOCATOR_H
#define LEAKHARNESS_CALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

/// glibc heap figures from mallinfo2(); all zero under jemalloc.
typedef struct {
    size_t arena;     /* non-mmapped bytes obtained from the system (all arenas) */
    size_t hblkhd;    /* bytes in mmapped chunks */
    size_t uordblks;  /* bytes in use (non-mmapped) */
    size_t fordblks;  /* free bytes held (non-mmapped) */
    size_t keepcost;  /* releasable top of the main arena */
} lh_mallinfo;

/// mallinfo2(): locks every arena, call sparingly.
lh_mallinfo lh_glibc_mallinfo(void);
/// malloc_trim(pad): returns 1 when memory was given back.
int lh_glibc_trim(size_t pad);
/// malloc_info(0, ...) as a NUL-terminated XML text the caller frees, or NULL; locks every arena, call once.
char *lh_glibc_malloc_info(size_t *length);

/// 1 when a `mallctl` symbol (jemalloc) is present in the process.
int lh_jemalloc_loaded(void);
/// Refreshes jemalloc's statistics (an `epoch` write) and reads them. 0 on success, else an errno value.
int lh_jemalloc_stats(uint64_t *allocated, uint64_t *active, uint64_t *resident, uint64_t *mapped);
/// Writes a heap profile through `prof.dump` to `path`. 0 on success, else an errno value.
int lh_jemalloc_prof_dump(const char *path);
/// Returns every arena's unused dirty and muzzy pages to the kernel (`arena.<MALLCTL_ARENAS_ALL>.purge`), what
/// jemalloc's decay does over about ten seconds. 0 on success, else an errno value (ENOENT: jemalloc not loaded).
int lh_jemalloc_purge_all(void);
/// Reads a boolean mallctl (e.g. "opt.prof"). 0 on success.
int lh_jemalloc_read_bool(const char *name, int *value);
/// Reads a size_t mallctl (e.g. "opt.lg_prof_sample" as ssize_t-size value). 0 on success.
int lh_jemalloc_read_size(const char *name, size_t *value);



/// jemalloc's version string, or NULL when jemalloc is not loaded.
const char *lh_jemalloc_version(void);
/// glibc's version string (gnu_get_libc_version).
const char *lh_glibc_version(void);
/// Counts the entries of an open /proc/PID/fd directory descriptor without allocating: the directory's size where
/// the kernel reports it (Linux 6.2 and later), else `lh_count_fds_listed`.
/// Returns the count minus one (the directory descriptor itself), or -1 with errno set.
long lh_count_fds(int dirfd);
/// The same count by listing the directory (getdents64 into a stack buffer, "." and ".." skipped).
long lh_count_fds_listed(int dirfd);
#endif
