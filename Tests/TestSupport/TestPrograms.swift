import Foundation

/// Small programs the watch tests build with `cc` (or run with `python3`) in a temporary folder they remove.
public enum TestPrograms {
    /// Compiles `source` with `cc -O2 -pthread` (and `-static` when asked) into `directory/name`; returns its path.
    public static func compile(
        _ source: String, name: String, in directory: String, isStatic: Bool = false
    ) throws -> String {
        let sourcePath = "\(directory)/\(name).c"
        let binary = "\(directory)/\(name)"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let arguments = ["cc", "-O2", "-pthread"] + (isStatic ? ["-static"] : []) + ["-o", binary, sourcePath]
        let outcome = try Command.run("/usr/bin/env", arguments, directory: directory)
        guard outcome.status == 0 else {
            throw CompileError(name: name, status: outcome.status, stderr: outcome.stderr)
        }
        return binary
    }

    /// `cc` failed.
    public struct CompileError: Error, CustomStringConvertible {
        public var name: String
        public var status: Int32
        public var stderr: String
        public var description: String { "cc \(name).c exited \(status): \(stderr)" }
    }

    /// Eight threads, one file after the other, a fresh buffer per file (256 KB-1 MB, every 41st 13-16 MB: the long
    /// tail), freed at once. Prints `done/files`; after the work, waits `settle_ms` with nothing allocated.
    /// Usage: longtail FILES SETTLE_MS.
    public static let longTail = #"""
        #include <pthread.h>
        #include <stdatomic.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        enum { THREADS = 8 };
        static int files;
        static atomic_int done;

        static void *worker(void *arg) {
            long id = (long)arg;
            for (int i = (int)id; i < files; i += THREADS) {
                size_t size = (i % 41 == 7) ? ((size_t)(16 - (i / 41) % 4) << 20)
                                            : (256u << 10) + (size_t)((i * 7919) % 768) * 1024;
                char *buffer = malloc(size);
                memset(buffer, 1, size);
                __asm__ volatile("" : : "r"(buffer) : "memory");
                usleep(8000);
                free(buffer);
                atomic_fetch_add(&done, 1);
            }
            return NULL;
        }

        int main(int argc, char **argv) {
            files = argc > 1 ? atoi(argv[1]) : 1600;
            int settle_ms = argc > 2 ? atoi(argv[2]) : 1500;
            pthread_t threads[THREADS];
            for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
            while (atomic_load(&done) < files) {
                printf("%d/%d\n", atomic_load(&done), files);
                fflush(stdout);
                usleep(20000);
            }
            for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
            printf("%d/%d\n", files, files);
            fflush(stdout);
            usleep(settle_ms * 1000);
            return 0;
        }
        """#

    /// All files read first, in ascending size (8-120 KB, below glibc's mmap threshold), each with a 512-byte
    /// record kept to the end; then eight threads process and free the buffers. The records pin the freed buffers
    /// as holes in the heap. Prints `done/files`; after the work, waits `settle_ms`. Usage: ascending FILES SETTLE_MS.
    public static let ascending = #"""
        #include <pthread.h>
        #include <stdatomic.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        enum { THREADS = 8, RECORD = 512 };
        static int files;
        static char **buffers;
        static size_t *sizes;
        static atomic_int next_file, done;

        static void *worker(void *arg) {
            (void)arg;
            for (;;) {
                int i = atomic_fetch_add(&next_file, 1);
                if (i >= files) break;
                memset(buffers[i], 3, sizes[i]);
                usleep(8000);
                free(buffers[i]);
                atomic_fetch_add(&done, 1);
            }
            return NULL;
        }

        int main(int argc, char **argv) {
            files = argc > 1 ? atoi(argv[1]) : 2000;
            int settle_ms = argc > 2 ? atoi(argv[2]) : 1500;
            buffers = calloc((size_t)files, sizeof(char *));
            sizes = calloc((size_t)files, sizeof(size_t));
            char **records = calloc((size_t)files, sizeof(char *));
            for (int i = 0; i < files; i++) {
                sizes[i] = 8192 + (size_t)i * (112u << 10) / (size_t)files;
                buffers[i] = malloc(sizes[i]);
                memset(buffers[i], 1, sizes[i]);
                records[i] = malloc(RECORD);
                memset(records[i], 2, RECORD);
            }
            pthread_t threads[THREADS];
            for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
            while (atomic_load(&done) < files) {
                printf("%d/%d\n", atomic_load(&done), files);
                fflush(stdout);
                usleep(20000);
            }
            for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
            printf("%d/%d\n", files, files);
            fflush(stdout);
            usleep(settle_ms * 1000);
            __asm__ volatile("" : : "r"(records) : "memory");
            return 0;
        }
        """#

    /// Forks `workers` children (no exec); each keeps `mb` MB allocated and touched for a second, then exits; the
    /// parent waits for them. Usage: forker WORKERS MB.
    public static let forker = #"""
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/wait.h>
        #include <unistd.h>

        int main(int argc, char **argv) {
            int workers = argc > 1 ? atoi(argv[1]) : 2;
            int mb = argc > 2 ? atoi(argv[2]) : 20;
            for (int w = 0; w < workers; w++) {
                if (fork() == 0) {
                    char *blocks[4096];
                    for (int i = 0; i < mb * 4; i++) {
                        blocks[i] = malloc(256 * 1024);
                        memset(blocks[i], 1, 256 * 1024);
                        usleep(2000);
                    }
                    usleep(1200000);
                    __asm__ volatile("" : : "r"(blocks) : "memory");
                    _exit(0);
                }
            }
            while (wait(NULL) > 0) {}
            return 0;
        }
        """#

    /// Allocates and touches `mb` MB in 1 MB blocks over about a second, keeps them, then exits. Built `-static`
    /// it cannot take a preloaded library. Usage: holder MB.
    public static let holder = #"""
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        int main(int argc, char **argv) {
            int mb = argc > 1 ? atoi(argv[1]) : 30;
            char **blocks = calloc((size_t)mb, sizeof(char *));
            for (int i = 0; i < mb; i++) {
                blocks[i] = malloc(1 << 20);
                memset(blocks[i], 1, 1 << 20);
                usleep(1000000 / mb);
            }
            usleep(300000);
            __asm__ volatile("" : : "r"(blocks) : "memory");
            return 0;
        }
        """#

    /// A Python script that keeps a 200 KB buffer every 20 ms for 2.5 s (about 10 MB/s, through malloc: objects
    /// larger than 512 bytes bypass Python's own small-object allocator).
    public static let pythonKeeper = #"""
        import time
        kept = []
        start = time.monotonic()
        for i in range(125):
            kept.append(bytes([i % 251]) * 200_000)
            delay = start + (i + 1) * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        print(len(kept), flush=True)
        """#

    /// One file after the other: `decode_file` allocates 512 KB and frees it, `remember_file` allocates 64 KB that is
    /// kept to the end (the leak). Prints `done/files`. Usage: sites FILES.
    public static let sites = #"""
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        static char *kept[100000];

        __attribute__((noinline)) char *remember_file(int i) {
            char *summary = malloc(64 * 1024);
            memset(summary, i, 64 * 1024);
            return summary;
        }

        __attribute__((noinline)) void decode_file(int i) {
            char *buffer = malloc(512 * 1024);
            memset(buffer, i, 512 * 1024);
            __asm__ volatile("" : : "r"(buffer) : "memory");
            free(buffer);
        }

        int main(int argc, char **argv) {
            int files = argc > 1 ? atoi(argv[1]) : 400;
            if (files > 100000) files = 100000;
            for (int i = 0; i < files; i++) {
                decode_file(i);
                kept[i] = remember_file(i);
                printf("%d/%d\n", i + 1, files);
                fflush(stdout);
                usleep(5000);
            }
            usleep(300000);
            return 0;
        }
        """#

    /// Closes the probe's descriptor (named in LEAKHARNESS_PROBE), puts a file of its own at that number, waits
    /// `ms` milliseconds and exits 0 when the file is still empty, 1 when something wrote into it.
    /// Usage: reuser PATH MS.
    public static let reuser = #"""
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/stat.h>
        #include <unistd.h>

        int main(int argc, char **argv) {
            const char *spec = getenv("LEAKHARNESS_PROBE");
            if (spec == NULL || argc < 3) return 2;
            int fd = atoi(spec);
            close(fd);
            int file = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
            if (file < 0 || dup2(file, fd) != fd) return 2;
            if (file != fd) close(file);
            usleep(atoi(argv[2]) * 1000);
            struct stat st;
            if (fstat(fd, &st) != 0) return 2;
            printf("%lld bytes\n", (long long)st.st_size);
            return st.st_size == 0 ? 0 : 1;
        }
        """#
}
