// SPDX-License-Identifier: GPL-2.0
/*
 * pd_bind - unbinding and binding primedisp's platform device through
 * sysfs, the way IGT's core_hotunplug removes a device under its clients.
 */
#ifndef PD_BIND_H
#define PD_BIND_H

#include <stdbool.h>

#define PD_DRV_SYSFS	"/sys/bus/platform/drivers/primedisp"
#define PD_DEV_NAME	"primedisp"

/* Is the device bound to the driver? */
bool pd_device_bound(void);
/* Unbind it (skips the subtest if the driver's sysfs files are missing). */
void pd_unbind(void);
/* Bind it again and wait for the card; returns an open card fd. */
int pd_rebind(void);
/* Bind it if a failed subtest left it unbound (never asserts). */
void pd_ensure_bound(void);

#endif
