#include "csystemclock.h"

#include <sys/timex.h>

int dwell_clock_synchronised(void) {
    struct timex query = {0};  // modes 0: read only, allowed without privileges
    int state = adjtimex(&query);
    if (state == -1) return -1;
    return state != TIME_ERROR && !(query.status & STA_UNSYNC);
}
