/* /proc-format memory reports: buddyinfo, zoneinfo and vmstat in
 * mm/vmstat.c, meminfo and all of them at once in mm/procfs.c. */
#ifndef GUEST_PROCFS_H
#define GUEST_PROCFS_H

void show_buddyinfo(void);
void show_zoneinfo(void);
void show_meminfo(void);
void show_vmstat(void);
void show_all_mem_reports(void);

#endif
