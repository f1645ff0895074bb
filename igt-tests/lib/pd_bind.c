// SPDX-License-Identifier: GPL-2.0
/*
 * pd_bind - unbind/bind primedisp through sysfs.  See pd_bind.h.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pd_bind.h"
#include "pdtest.h"

static void sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	pd_assert_f(fd >= 0, "open %s", path);
	pd_assert_f(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		    "writing '%s' to %s", val, path);
	close(fd);
}

bool pd_device_bound(void)
{
	return access(PD_DRV_SYSFS "/" PD_DEV_NAME, F_OK) == 0;
}

void pd_unbind(void)
{
	pd_require(access(PD_DRV_SYSFS "/unbind", W_OK) == 0,
		   "no %s/unbind (driver not loaded, or no sysfs)", PD_DRV_SYSFS);
	sysfs_write(PD_DRV_SYSFS "/unbind", PD_DEV_NAME);
	pd_assert(!pd_device_bound());
}

int pd_rebind(void)
{
	double end;
	int fd;

	if (!pd_device_bound())
		sysfs_write(PD_DRV_SYSFS "/bind", PD_DEV_NAME);
	for (end = pd_now() + 5; pd_now() < end; pd_msleep(50)) {
		fd = pd_try_open_card(NULL);
		if (fd >= 0)
			return fd;
	}
	pd_fail("primedisp did not come back within 5 s of bind");
}

void pd_ensure_bound(void)
{
	if (!pd_device_bound() && access(PD_DRV_SYSFS "/bind", W_OK) == 0) {
		int fd = open(PD_DRV_SYSFS "/bind", O_WRONLY);

		if (fd >= 0) {
			if (write(fd, PD_DEV_NAME, strlen(PD_DEV_NAME)) < 0)
				pd_info("rebinding failed: %s", strerror(errno));
			close(fd);
		}
	}
}
