#ifndef LEAKHARNESS_CPROBE_H
#define LEAKHARNESS_CPROBE_H

#include <stdint.h>

/// One record the probe writes: fixed size, far below PIPE_BUF, so the write of a record to a pipe shared by many
/// processes is atomic and records never interleave.
typedef struct {
    uint32_t magic;      /* LH_PROBE_MAGIC */
    uint32_t allocator;  /* LH_PROBE_ALLOCATOR_* */
    int32_t pid;
    uint32_t arenas;     /* glibc arenas seen by malloc_info, 0 when unknown */
    int64_t time_ns;     /* CLOCK_MONOTONIC */
    int64_t live;        /* bytes the program holds (glibc: in use + mmapped; jemalloc: stats.allocated) */
    int64_t held;        /* bytes the allocator holds (glibc: arenas + mmapped; jemalloc: stats.resident) */
    int64_t self_allocated; /* bytes the probe thread allocated (jemalloc thread.allocated), -1 when unknown */
    uint32_t trims;      /* malloc_trim calls made so far */
    uint32_t dumps;      /* heap profiles dumped so far */
} lh_probe_record;

#define LH_PROBE_MAGIC 0x3150484cu /* "LHP1" little endian */
#define LH_PROBE_ALLOCATOR_UNKNOWN 0u
#define LH_PROBE_ALLOCATOR_GLIBC 1u
#define LH_PROBE_ALLOCATOR_JEMALLOC 2u

/// The environment variables the probe reads.
#define LH_PROBE_ENV "LEAKHARNESS_PROBE"             /* "FD:DEV:INO:WATCHPID:WRITEFD", the pipe to write to */
#define LH_PROBE_ENV_INTERVAL "LEAKHARNESS_PROBE_INTERVAL_MS"
#define LH_PROBE_ENV_TRIM "LEAKHARNESS_PROBE_TRIM_MS"   /* malloc_trim(0) every this many ms (glibc) */
#define LH_PROBE_ENV_DUMP_DIR "LEAKHARNESS_PROBE_DUMP_DIR" /* jemalloc prof.dump into DIR/pid-PID/pass-N.heap */
#define LH_PROBE_ENV_DUMP_MS "LEAKHARNESS_PROBE_DUMP_MS"   /* dump every this many ms, 0: on request only */
#define LH_PROBE_ENV_DUMP_REQUEST "LEAKHARNESS_PROBE_DUMP_REQUEST" /* file whose first 8 bytes count the dumps asked */

/// Runs one sampling step now and returns its record without writing it (for measurement).
lh_probe_record lh_probe_sample_once(void);

/// Takes `samples` sampling steps in a row on the calling thread; returns the mean wall nanoseconds per step.
double lh_probe_cost_ns(long samples);

#endif
