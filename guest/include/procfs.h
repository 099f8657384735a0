/* /proc-format memory reports: buddyinfo, zoneinfo and vmstat in
 * mm/vmstat.c, meminfo, a task's maps and all of them at once in
 * mm/procfs.c. */
#ifndef GUEST_PROCFS_H
#define GUEST_PROCFS_H

void show_buddyinfo(void);
void show_zoneinfo(void);
void show_meminfo(void);
void show_vmstat(void);
void show_all_mem_reports(void);

struct task_struct;
/* /proc/PID/maps of t, which has an mm. */
void show_pid_maps(const struct task_struct *t);

#endif
