#ifndef LEAKHARNESS_CTHREAD_H
#define LEAKHARNESS_CTHREAD_H

/// Names the calling thread as the kernel shows it (`top -H`, /proc/PID/task/TID/comm); at most 15 bytes are kept.
void lh_name_current_thread(const char *name);

/// `prctl(PR_SET_PDEATHSIG, signal)`: the kernel sends `signal` to this process when the thread that created it
/// ends. 0 on success, -1 with errno.
int lh_set_parent_death_signal(int signal_number);

/// The signal set with `lh_set_parent_death_signal` (0: none), or -1 with errno.
int lh_parent_death_signal(void);

/// Catches `signal_number` with a handler that writes its number as one byte into a pipe, and returns the pipe's
/// read end (close-on-exec), so that a thread can act on the signal outside the handler. Once per process;
/// -1 with errno on failure.
int lh_signal_pipe(int signal_number);

/// Restores the default action of `signal_number` and sends it to this process: the process ends as if the
/// signal had never been caught. Returns only when the signal does not end the process.
int lh_die_of_signal(int signal_number);

#endif
