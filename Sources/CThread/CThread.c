#define _GNU_SOURCE
#include "CThread.h"

#include <pthread.h>
#include <string.h>

void lh_name_current_thread(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof(short_name) - 1);
    short_name[15] = '\0';
    pthread_setname_np(pthread_self(), short_name);
}
