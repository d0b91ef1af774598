#ifndef LEAKHARNESS_CTHREAD_H
#define LEAKHARNESS_CTHREAD_H

/// Names the calling thread as the kernel shows it (`top -H`, /proc/PID/task/TID/comm); at most 15 bytes are kept.
void lh_name_current_thread(const char *name);

#endif
