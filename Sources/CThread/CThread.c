#define _GNU_SOURCE
#include "CThread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

void lh_name_current_thread(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof(short_name) - 1);
    short_name[15] = '\0';
    pthread_setname_np(pthread_self(), short_name);
}

int lh_set_parent_death_signal(int signal_number) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal_number, 0UL, 0UL, 0UL);
}

int lh_parent_death_signal(void) {
    int signal_number = 0;
    if (prctl(PR_GET_PDEATHSIG, (unsigned long)&signal_number, 0UL, 0UL, 0UL) != 0) return -1;
    return signal_number;
}

static volatile int signal_pipe_write_end = -1;

static void write_signal_number(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    if (signal_pipe_write_end >= 0) (void)write(signal_pipe_write_end, &byte, 1);
    errno = saved;
}

int lh_signal_pipe(int signal_number) {
    int ends[2];
    if (signal_pipe_write_end < 0) {
        if (pipe2(ends, O_CLOEXEC) != 0) return -1;
        signal_pipe_write_end = ends[1];
    } else {
        errno = EBUSY;
        return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = write_signal_number;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signal_number, &action, NULL) != 0) return -1;
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signal_number);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    return ends[0];
}

int lh_die_of_signal(int signal_number) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, NULL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, signal_number);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    return kill(getpid(), signal_number);
}
