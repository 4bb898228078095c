#ifndef CSYSTEMCLOCK_H
#define CSYSTEMCLOCK_H

/// Whether the kernel considers the system (wall) clock synchronised to a time source
/// (NTP, chrony, systemd-timesyncd): 1 yes, 0 no, -1 when it cannot be asked.
int dwell_clock_synchronised(void);

#endif
