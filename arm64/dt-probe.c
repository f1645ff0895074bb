// SPDX-License-Identifier: GPL-2.0
/*
 * dt-probe - primedisp probed from the device tree, in an arm64 guest.
 *
 * Runs as part of the initramfs scripts/arm64-check.sh boots under
 * qemu-system-aarch64 -M virt with dts/primedisp-overlay.dtso applied to
 * the machine's DT.  Static, raw DRM ioctls with the kernel's uapi headers
 * (no libdrm), so the initramfs needs nothing but this file and busybox.
 *
 * The settings the host put in the overlay come as an environment variable
 * (unknown "name=value" kernel parameters reach init's environment):
 *	pd_dt=PW,PH,MW,MH,N	primedisp,preferred-width, -height, max-width,
 *				-height and num-outputs of the overlay; "-" for
 *				one it leaves out
 * init.sh loads primedisp with module parameters that differ from them:
 * a property present in the DT must win, an absent one leaves the module
 * parameter in force (pd_config_read() in the driver, dts/README.md).
 *
 * Subtests, in order (a later one needs the earlier ones' results):
 *	dt-probe	the DRM device's parent is the platform device of our DT
 *			node (of_node, compatible, modalias, driver); the module
 *			made no platform device of its own
 *	dt-settings	the node's properties are the overlay's, and the
 *			device follows them over the module parameters:
 *			num-outputs CRTCs and connectors, the first connector's
 *			preferred mode first and equal to preferred-width/
 *			-height, no mode beyond max-width/-height
 *	prime		a dumb buffer is filled, exported (PRIME_HANDLE_TO_FD),
 *			its dma-buf reads back the same pixels, and importing it
 *			(PRIME_FD_TO_HANDLE) gives the same handle
 *	scanout		the imported handle in an XRGB8888 framebuffer (ADDFB2)
 *			is shown in the preferred mode (SETCRTC, read back with
 *			GETCRTC)
 *	crc		the CRC of the frame on screen (debugfs crtc-N/crc) is
 *			the frame checksum (pd_fsum.h) computed here from the
 *			pixels (X byte zeroed), and changes to the new value
 *			when the pixels change
 *	no-leak		after everything is released, primedisp_objects in
 *			debugfs is back at its value before the test
 *
 * Each result is one line "pd-dt-probe: PASS NAME" or
 * "pd-dt-probe: FAIL NAME: REASON", written to /dev/kmsg (so it cannot be
 * torn apart by kernel messages on the serial console), or to stdout if
 * /dev/kmsg cannot be written.
 * Exit status: 0 if every subtest passed, 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>
#include <linux/dma-buf.h>

#include "../igt-tests/lib/pd_fsum.h"

#define TAG		"pd-dt-probe"
#define COMPATIBLE	"primedisp,virtual-display"
#define DRIVER		"primedisp"
#define DT_BASE		"/sys/firmware/devicetree/base"

static int kmsg = -1;
static int failures;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n, len;

	/* "<6>": KERN_INFO.  Truncated lines keep their newline. */
	n = snprintf(line, sizeof(line), "<6>%s: ", TAG);
	va_start(ap, fmt);
	len = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	n += (size_t)len < sizeof(line) - n - 1 ? len : (int)(sizeof(line) - n - 2);
	line[n++] = '\n';
	/* One write(2) per line: the kernel logs it as one record. */
	if (kmsg < 0 || write(kmsg, line, n) != n) {
		fwrite(line + 3, 1, n - 3, stdout);
		fflush(stdout);
	}
}

/* A subtest's outcome: reason[0] == 0 means it passed. */
struct result {
	char reason[384];
};

static bool failf(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool failf(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return false;
}

static bool report(const char *name, bool ok, const struct result *r)
{
	if (ok) {
		say("PASS %s", name);
	} else {
		say("FAIL %s: %s", name, r->reason[0] ? r->reason : "failed");
		failures++;
	}
	return ok;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* Read a whole (small) file; returns its length or -1. */
static ssize_t read_file(const char *path, void *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* A one-cell DT property of @node (a directory), big-endian; false if absent. */
static bool dt_u32(const char *node, const char *prop, uint32_t *val)
{
	char path[PATH_MAX];
	uint8_t b[8];

	snprintf(path, sizeof(path), "%s/%s", node, prop);
	if (read_file(path, b, sizeof(b)) != 4)
		return false;
	*val = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	return true;
}

/* A module parameter of primedisp (an unsigned int); false if unreadable. */
static bool module_param(const char *name, uint32_t *val)
{
	char path[128], buf[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", DRIVER, name);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return sscanf(buf, "%u", val) == 1;
}

/* ---- the device ------------------------------------------------------- */

struct dev {
	int fd, minor;
	char sysdev[PATH_MAX];		/* resolved sysfs dir of the parent device */
	char debugfs[64];
	uint32_t conn, crtc;
	int crtc_index;
	uint32_t count_crtcs, count_connectors;
	struct drm_mode_modeinfo *modes;
	uint32_t count_modes;
};

static char *driver_name(int fd, char *buf, size_t len)
{
	struct drm_version v = { .name = buf, .name_len = len - 1 };

	memset(buf, 0, len);
	return xioctl(fd, DRM_IOCTL_VERSION, &v) ? NULL : buf;
}

/* The primary node of the primedisp device, as IGT finds it: by name. */
static bool open_card(struct dev *d, struct result *r)
{
	char path[64], name[64], link[PATH_MAX], found[256] = "";
	struct stat st;

	for (int i = 0; i < 16; i++) {
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (driver_name(fd, name, sizeof(name)) && !strcmp(name, DRIVER)) {
			d->fd = fd;
			if (fstat(fd, &st))
				return failf(r, "fstat %s: %s", path, strerror(errno));
			d->minor = minor(st.st_rdev);
			snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
				 major(st.st_rdev), minor(st.st_rdev));
			if (!realpath(link, d->sysdev))
				return failf(r, "%s: %s", link, strerror(errno));
			snprintf(d->debugfs, sizeof(d->debugfs),
				 "/sys/kernel/debug/dri/%d", d->minor);
			say("%s is %s, parent device %s", path, DRIVER, d->sysdev);
			return true;
		}
		snprintf(found + strlen(found), sizeof(found) - strlen(found),
			 " card%d=%s", i, name);
		close(fd);
	}
	return failf(r, "no DRM card of driver %s (found:%s)", DRIVER,
		     found[0] ? found : " none");
}

/* ---- dt-probe ---------------------------------------------------------- */

static bool test_dt_probe(struct dev *d, char *node, size_t node_len,
			  struct result *r)
{
	char path[PATH_MAX + 64], buf[512], *base;
	ssize_t n;
	int devices = 0;
	DIR *dir;
	struct dirent *de;

	if (!open_card(d, r))
		return false;

	/* The device is a platform device whose of_node is a node of ours. */
	if (strncmp(d->sysdev, "/sys/devices/platform/", 22))
		return failf(r, "parent %s is not a platform device", d->sysdev);
	snprintf(path, sizeof(path), "%s/of_node", d->sysdev);
	if (!realpath(path, node))
		return failf(r, "%s: %s (the device has no DT node)", path, strerror(errno));
	(void)node_len;
	if (strncmp(node, DT_BASE "/", strlen(DT_BASE) + 1))
		return failf(r, "of_node %s is not in %s", node, DT_BASE);
	snprintf(path, sizeof(path), "%s/compatible", node);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return failf(r, "cannot read %s", path);
	buf[n] = 0;
	/* compatible is a string list; ours must be the first entry. */
	if (strcmp(buf, COMPATIBLE))
		return failf(r, "%s is \"%s\", not \"%s\"", path, buf, COMPATIBLE);
	say("of_node %s, compatible \"%s\"", node, buf);

	/* The device's name is the node's name, and udev sees the DT match. */
	base = strrchr(d->sysdev, '/') + 1;
	if (strcmp(base, strrchr(node, '/') + 1))
		return failf(r, "device %s is not named after its node %s", base, node);
	snprintf(path, sizeof(path), "%s/modalias", d->sysdev);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return failf(r, "cannot read %s", path);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (strncmp(buf, "of:N", 4) || !strstr(buf, "C" COMPATIBLE))
		return failf(r, "modalias \"%s\" is not an OF modalias of %s", buf, COMPATIBLE);
	say("modalias %s", buf);

	snprintf(path, sizeof(path), "%s/driver", d->sysdev);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return failf(r, "%s: %s", path, strerror(errno));
	buf[n] = 0;
	if (strcmp(strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf, DRIVER))
		return failf(r, "bound to driver %s, not %s", buf, DRIVER);

	/*
	 * No device made by the module itself: it would be "primedisp" (no
	 * id) on the platform bus, bound to the same driver.
	 */
	if (!access("/sys/bus/platform/devices/" DRIVER, F_OK))
		return failf(r, "the module registered its own platform device " DRIVER);
	dir = opendir("/sys/bus/platform/drivers/" DRIVER);
	if (!dir)
		return failf(r, "no /sys/bus/platform/drivers/" DRIVER);
	while ((de = readdir(dir))) {
		char real[PATH_MAX];

		snprintf(path, sizeof(path), "/sys/bus/platform/drivers/%s/%s",
			 DRIVER, de->d_name);
		if (de->d_type != DT_LNK || !realpath(path, real) ||
		    strncmp(real, "/sys/devices/", 13))
			continue;	/* bind, unbind, module, uevent */
		devices++;
		if (strcmp(real, d->sysdev)) {
			closedir(dir);
			return failf(r, "the driver is also bound to %s", real);
		}
	}
	closedir(dir);
	if (devices != 1)
		return failf(r, "the driver has %d devices, expected 1", devices);
	return true;
}

/* ---- dt-settings --------------------------------------------------------- */

static bool find_output(struct dev *d, struct result *r)
{
	struct drm_mode_card_res res = { 0 };
	struct drm_mode_get_connector c = { 0 };
	struct drm_mode_get_encoder e = { 0 };
	uint32_t conns[8], crtcs[8], encs[8];

	if (xioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return failf(r, "GETRESOURCES: %s", strerror(errno));
	if (!res.count_connectors || res.count_connectors > 8 ||
	    !res.count_crtcs || res.count_crtcs > 8)
		return failf(r, "%u connectors, %u CRTCs", res.count_connectors,
			     res.count_crtcs);
	res.connector_id_ptr = (uintptr_t)conns;
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.count_fbs = res.count_encoders = 0;
	if (xioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return failf(r, "GETRESOURCES: %s", strerror(errno));
	/* Writeback connectors are hidden: no DRM_CLIENT_CAP_WRITEBACK_CONNECTORS. */
	d->count_crtcs = res.count_crtcs;
	d->count_connectors = res.count_connectors;

	/* count_modes == 0 makes the kernel probe the connector. */
	c.connector_id = conns[0];
	if (xioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &c))
		return failf(r, "GETCONNECTOR: %s", strerror(errno));
	if (c.connection != 1)
		return failf(r, "connector %u is not connected (%u)", conns[0], c.connection);
	if (!c.count_modes || c.count_encoders < 1 || c.count_encoders > 8)
		return failf(r, "connector %u: %u modes, %u encoders", conns[0],
			     c.count_modes, c.count_encoders);
	d->modes = calloc(c.count_modes, sizeof(*d->modes));
	if (!d->modes)
		return failf(r, "out of memory");
	d->count_modes = c.count_modes;
	c.modes_ptr = (uintptr_t)d->modes;
	c.encoders_ptr = (uintptr_t)encs;
	c.count_props = 0;
	if (xioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &c))
		return failf(r, "GETCONNECTOR: %s", strerror(errno));
	if (c.count_modes != d->count_modes)
		return failf(r, "mode count changed from %u to %u", d->count_modes,
			     c.count_modes);
	d->conn = conns[0];

	e.encoder_id = encs[0];
	if (xioctl(d->fd, DRM_IOCTL_MODE_GETENCODER, &e))
		return failf(r, "GETENCODER: %s", strerror(errno));
	for (uint32_t i = 0; i < res.count_crtcs; i++) {
		if (e.possible_crtcs & (1u << i)) {
			d->crtc = crtcs[i];
			d->crtc_index = i;
			return true;
		}
	}
	return failf(r, "encoder %u can drive no CRTC", e.encoder_id);
}

/* The settings, in the order of pd_dt=. */
static const struct {
	const char *prop, *param;
} settings[5] = {
	{ "primedisp,preferred-width", "pref_width" },
	{ "primedisp,preferred-height", "pref_height" },
	{ "primedisp,max-width", "max_width" },
	{ "primedisp,max-height", "max_height" },
	{ "primedisp,num-outputs", "num_outputs" },
};

static bool test_dt_settings(struct dev *d, const char *node, struct result *r)
{
	const char *env = getenv("pd_dt");
	uint32_t val[5], bigw = 0, bigh = 0, pw, ph, mw, mh, outputs;
	const struct drm_mode_modeinfo *m;
	char want[5][16];

	if (!env || sscanf(env, "%15[-0-9],%15[-0-9],%15[-0-9],%15[-0-9],%15[-0-9]",
			   want[0], want[1], want[2], want[3], want[4]) != 5)
		return failf(r, "no pd_dt=PW,PH,MW,MH,N on the kernel command line");
	for (int i = 0; i < 5; i++) {
		uint32_t dt = 0, param = 0;
		bool in_dt = dt_u32(node, settings[i].prop, &dt);

		if (!module_param(settings[i].param, &param))
			return failf(r, "cannot read module parameter %s", settings[i].param);
		/* The DT the kernel runs with says what the host's overlay says. */
		if (!in_dt && strcmp(want[i], "-"))
			return failf(r, "%s is not in the booted DT, the overlay sets %s",
				     settings[i].prop, want[i]);
		if (in_dt && (!strcmp(want[i], "-") || strtoul(want[i], NULL, 10) != dt))
			return failf(r, "%s is %u in the booted DT, the overlay says %s",
				     settings[i].prop, dt, want[i]);
		if (in_dt && dt == param)
			return failf(r, "module parameter %s=%u equals %s: the test proves nothing",
				     settings[i].param, param, settings[i].prop);
		val[i] = in_dt ? dt : param;
		say("%s: %s %u (module parameter %s=%u)", settings[i].prop,
		    in_dt ? "DT" : "absent, so", val[i], settings[i].param, param);
	}
	pw = val[0];
	ph = val[1];
	mw = val[2];
	mh = val[3];
	outputs = val[4];

	if (!find_output(d, r))
		return false;
	say("%u CRTCs, %u connectors", d->count_crtcs, d->count_connectors);
	if (d->count_crtcs != outputs || d->count_connectors != outputs)
		return failf(r, "%u CRTCs and %u connectors, expected %u outputs",
			     d->count_crtcs, d->count_connectors, outputs);

	/* The preferred mode is sorted first (drm_mode_sort). */
	m = &d->modes[0];
	say("%u modes; first %s %ux%u@%u%s", d->count_modes, m->name, m->hdisplay,
	    m->vdisplay, m->vrefresh, m->type & DRM_MODE_TYPE_PREFERRED ? " (preferred)" : "");
	if (!(m->type & DRM_MODE_TYPE_PREFERRED))
		return failf(r, "the first mode %s is not marked preferred", m->name);
	if (m->hdisplay != pw || m->vdisplay != ph)
		return failf(r, "preferred mode %ux%u, expected %ux%u",
			     m->hdisplay, m->vdisplay, pw, ph);
	for (uint32_t i = 0; i < d->count_modes; i++) {
		m = &d->modes[i];
		if (i && (m->type & DRM_MODE_TYPE_PREFERRED) &&
		    (m->hdisplay != pw || m->vdisplay != ph))
			return failf(r, "mode %u (%ux%u) is also marked preferred", i,
				     m->hdisplay, m->vdisplay);
		if (m->hdisplay > mw || m->vdisplay > mh)
			return failf(r, "mode %s (%ux%u) exceeds the maximum %ux%u",
				     m->name, m->hdisplay, m->vdisplay, mw, mh);
		if (m->hdisplay > bigw)
			bigw = m->hdisplay;
		if (m->vdisplay > bigh)
			bigh = m->vdisplay;
	}
	say("largest mode sizes: width %u, height %u (max %ux%u)", bigw, bigh, mw, mh);
	return true;
}

/* ---- prime ------------------------------------------------------------------ */

struct buf {
	uint32_t handle, imported, pitch, w, h, fb;
	uint64_t size;
	uint8_t *map;
	int dmabuf;
};

static uint32_t pattern(uint32_t x, uint32_t y, uint32_t gen)
{
	uint32_t r = (x * 7 + y * 3 + gen * 40) & 0xff;
	uint32_t g = (x ^ y) & 0xff;
	uint32_t b = (x + 2 * y + gen * 90) & 0xff;

	/* The X byte is junk the display must ignore. */
	return 0xa5u << 24 | r << 16 | g << 8 | b;
}

/* Paint @gen's pattern into the rectangle, little-endian XRGB8888. */
static void paint(struct buf *b, uint32_t x0, uint32_t y0, uint32_t w,
		  uint32_t h, uint32_t gen)
{
	for (uint32_t y = y0; y < y0 + h; y++) {
		uint8_t *p = b->map + (size_t)y * b->pitch + (size_t)x0 * 4;

		for (uint32_t x = x0; x < x0 + w; x++, p += 4) {
			uint32_t v = pattern(x, y, gen);

			p[0] = v;
			p[1] = v >> 8;
			p[2] = v >> 16;
			p[3] = v >> 24;
		}
	}
}

static bool test_prime(struct dev *d, struct buf *b, struct result *r)
{
	struct drm_mode_create_dumb create = { 0 };
	struct drm_mode_map_dumb map = { 0 };
	struct drm_prime_handle exp = { 0 }, imp = { 0 };
	struct dma_buf_sync sync = { 0 };
	uint8_t *view;
	off_t end;

	b->w = d->modes[0].hdisplay;
	b->h = d->modes[0].vdisplay;
	create.width = b->w;
	create.height = b->h;
	create.bpp = 32;
	if (xioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return failf(r, "CREATE_DUMB %ux%u: %s", b->w, b->h, strerror(errno));
	b->handle = create.handle;
	b->pitch = create.pitch;
	b->size = create.size;
	if (b->pitch < b->w * 4 || b->size < (uint64_t)b->pitch * b->h)
		return failf(r, "dumb buffer pitch %u size %llu for %ux%u", b->pitch,
			     (unsigned long long)b->size, b->w, b->h);
	map.handle = b->handle;
	if (xioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		return failf(r, "MAP_DUMB: %s", strerror(errno));
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		      map.offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return failf(r, "mmap of the dumb buffer: %s", strerror(errno));
	}
	paint(b, 0, 0, b->w, b->h, 0);

	exp.handle = b->handle;
	exp.flags = DRM_CLOEXEC | DRM_RDWR;
	if (xioctl(d->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp))
		return failf(r, "PRIME_HANDLE_TO_FD: %s", strerror(errno));
	b->dmabuf = exp.fd;
	end = lseek(b->dmabuf, 0, SEEK_END);
	if (end < 0 || (uint64_t)end != b->size)
		return failf(r, "the dma-buf is %lld bytes, the buffer %llu",
			     (long long)end, (unsigned long long)b->size);

	/* The exporter's view of the same pages, through the dma-buf. */
	view = mmap(NULL, b->size, PROT_READ, MAP_SHARED, b->dmabuf, 0);
	if (view == MAP_FAILED)
		return failf(r, "mmap of the dma-buf: %s", strerror(errno));
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
	if (xioctl(b->dmabuf, DMA_BUF_IOCTL_SYNC, &sync)) {
		munmap(view, b->size);
		return failf(r, "DMA_BUF_IOCTL_SYNC start: %s", strerror(errno));
	}
	for (uint32_t y = 0; y < b->h; y++) {
		size_t off = (size_t)y * b->pitch;

		if (memcmp(view + off, b->map + off, (size_t)b->w * 4)) {
			munmap(view, b->size);
			return failf(r, "line %u read through the dma-buf differs", y);
		}
	}
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	xioctl(b->dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
	munmap(view, b->size);

	/* Importing our own dma-buf finds the object: the same handle. */
	imp.fd = b->dmabuf;
	if (xioctl(d->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp))
		return failf(r, "PRIME_FD_TO_HANDLE: %s", strerror(errno));
	b->imported = imp.handle;
	if (imp.handle != b->handle)
		return failf(r, "import gave handle %u, the exported one is %u",
			     imp.handle, b->handle);
	say("dumb %ux%u pitch %u exported as dma-buf fd %d, imported as handle %u",
	    b->w, b->h, b->pitch, b->dmabuf, imp.handle);
	return true;
}

/* ---- scanout ------------------------------------------------------------------ */

static bool test_scanout(struct dev *d, struct buf *b, struct result *r)
{
	struct drm_mode_fb_cmd2 fb = { 0 };
	struct drm_mode_crtc set = { 0 }, get = { 0 };
	uint32_t conn = d->conn;

	fb.width = b->w;
	fb.height = b->h;
	fb.pixel_format = DRM_FORMAT_XRGB8888;
	fb.handles[0] = b->imported;
	fb.pitches[0] = b->pitch;
	if (xioctl(d->fd, DRM_IOCTL_MODE_ADDFB2, &fb))
		return failf(r, "ADDFB2 XRGB8888 %ux%u: %s", b->w, b->h, strerror(errno));
	b->fb = fb.fb_id;

	set.crtc_id = d->crtc;
	set.fb_id = b->fb;
	set.set_connectors_ptr = (uintptr_t)&conn;
	set.count_connectors = 1;
	set.mode = d->modes[0];
	set.mode_valid = 1;
	if (xioctl(d->fd, DRM_IOCTL_MODE_SETCRTC, &set))
		return failf(r, "SETCRTC %s: %s", d->modes[0].name, strerror(errno));

	get.crtc_id = d->crtc;
	if (xioctl(d->fd, DRM_IOCTL_MODE_GETCRTC, &get))
		return failf(r, "GETCRTC: %s", strerror(errno));
	if (get.fb_id != b->fb || !get.mode_valid ||
	    get.mode.hdisplay != b->w || get.mode.vdisplay != b->h)
		return failf(r, "GETCRTC: fb %u mode %ux%u (valid %u), expected fb %u %ux%u",
			     get.fb_id, get.mode.hdisplay, get.mode.vdisplay,
			     get.mode_valid, b->fb, b->w, b->h);
	say("CRTC %u (index %d) shows fb %u in %s", d->crtc, d->crtc_index, b->fb,
	    d->modes[0].name);
	return true;
}

/* ---- crc ---------------------------------------------------------------------- */

/* primedisp's CRC of the buffer filling the CRTC: lines of XRGB8888, X = 0. */
static uint32_t expected_crc(const struct buf *b)
{
	return pd_fsum_xrgb(b->map, b->w, b->h, b->pitch);
}

/* The CRC of a frame that starts after this call, as pd_crc.c reads it. */
static bool read_crc(struct dev *d, uint32_t *crc, uint32_t *frame, struct result *r)
{
	union drm_wait_vblank vbl = { 0 };
	char path[128], line[64];
	uint32_t target, f = 0;
	int ctl, data;

	snprintf(path, sizeof(path), "%s/crtc-%d/crc/control", d->debugfs, d->crtc_index);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	if (ctl < 0)
		return failf(r, "%s: %s", path, strerror(errno));
	if (write(ctl, "auto", 4) != 4) {
		close(ctl);
		return failf(r, "selecting CRC source auto: %s", strerror(errno));
	}
	vbl.request.type = _DRM_VBLANK_RELATIVE |
			   ((d->crtc_index << _DRM_VBLANK_HIGH_CRTC_SHIFT) &
			    _DRM_VBLANK_HIGH_CRTC_MASK);
	if (xioctl(d->fd, DRM_IOCTL_WAIT_VBLANK, &vbl)) {
		close(ctl);
		return failf(r, "WAIT_VBLANK: %s", strerror(errno));
	}
	target = vbl.reply.sequence + 1;
	snprintf(path, sizeof(path), "%s/crtc-%d/crc/data", d->debugfs, d->crtc_index);
	data = open(path, O_RDONLY | O_CLOEXEC);
	if (data < 0) {
		close(ctl);
		return failf(r, "%s: %s", path, strerror(errno));
	}
	do {
		struct pollfd pfd = { .fd = data, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 20000) != 1) {
			failf(r, "no CRC within 20 s (waiting for frame %u)", target);
			break;
		}
		n = read(data, line, sizeof(line) - 1);	/* one entry per read */
		if (n <= 0) {
			failf(r, "reading %s: %s", path, n ? strerror(errno) : "EOF");
			break;
		}
		line[n] = 0;
		if (sscanf(line, "0x%x 0x%x", &f, crc) != 2) {
			failf(r, "malformed CRC entry \"%.*s\"", (int)strcspn(line, "\n"), line);
			break;
		}
	} while ((int32_t)(f - target) < 0);
	close(data);
	close(ctl);
	*frame = f;
	return !r->reason[0];
}

static bool test_crc(struct dev *d, struct buf *b, struct result *r)
{
	uint32_t want, got, frame, want2;

	want = expected_crc(b);
	if (!read_crc(d, &got, &frame, r))
		return false;
	say("frame %u: CRC 0x%08x, computed 0x%08x", frame, got, want);
	if (got != want)
		return failf(r, "CRC of frame %u is 0x%08x, the pixels give 0x%08x",
			     frame, got, want);

	/* New pixels in the middle of the same buffer: a new CRC, also right. */
	paint(b, b->w / 4, b->h / 4, b->w / 2, b->h / 2, 1);
	want2 = expected_crc(b);
	if (want2 == want)
		return failf(r, "the test's second picture has the same CRC");
	if (!read_crc(d, &got, &frame, r))
		return false;
	say("frame %u after repainting: CRC 0x%08x, computed 0x%08x", frame, got, want2);
	if (got != want2)
		return failf(r, "after repainting, CRC of frame %u is 0x%08x, the pixels give 0x%08x%s",
			     frame, got, want2, got == want ? " (the old picture's)" : "");
	return true;
}

/* ---- no-leak -------------------------------------------------------------------- */

static long objects(const char *debugfs)
{
	char path[128], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/primedisp_objects", debugfs);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 0);
}

static bool release(struct dev *d, struct buf *b, struct result *r)
{
	struct drm_gem_close gc = { .handle = b->handle };

	if (b->fb && xioctl(d->fd, DRM_IOCTL_MODE_RMFB, &b->fb))
		return failf(r, "RMFB: %s", strerror(errno));
	if (b->map)
		munmap(b->map, b->size);
	if (b->dmabuf >= 0)
		close(b->dmabuf);
	/* One handle: the import returned the exported one. */
	if (b->handle && xioctl(d->fd, DRM_IOCTL_GEM_CLOSE, &gc))
		return failf(r, "GEM_CLOSE: %s", strerror(errno));
	close(d->fd);
	d->fd = -1;
	return true;
}

int main(void)
{
	struct dev d = { .fd = -1 };
	struct buf b = { .dmabuf = -1 };
	char node[PATH_MAX] = "";
	struct result r;
	long before = -1, after;
	bool ok;

	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	say("start");

	memset(&r, 0, sizeof(r));
	ok = report("dt-probe", test_dt_probe(&d, node, sizeof(node), &r), &r);
	if (ok)
		before = objects(d.debugfs);

	memset(&r, 0, sizeof(r));
	ok = ok ? test_dt_settings(&d, node, &r) : failf(&r, "no DT-probed device");
	ok = report("dt-settings", ok, &r);

	memset(&r, 0, sizeof(r));
	ok = ok ? test_prime(&d, &b, &r) : failf(&r, "no output");
	ok = report("prime", ok, &r);

	memset(&r, 0, sizeof(r));
	ok = ok ? test_scanout(&d, &b, &r) : failf(&r, "no exported buffer");
	ok = report("scanout", ok, &r);

	memset(&r, 0, sizeof(r));
	ok = ok ? test_crc(&d, &b, &r) : failf(&r, "nothing on screen");
	report("crc", ok, &r);

	memset(&r, 0, sizeof(r));
	if (d.fd < 0) {
		ok = failf(&r, "no device");
	} else if (before < 0) {
		ok = failf(&r, "cannot read %s/primedisp_objects", d.debugfs);
	} else if (!release(&d, &b, &r)) {
		ok = false;
	} else {
		after = objects(d.debugfs);
		say("primedisp_objects: %ld before, %ld after", before, after);
		ok = after == before ||
		     failf(&r, "primedisp_objects %ld after the test, %ld before", after, before);
	}
	report("no-leak", ok, &r);

	say("done: %d failed", failures);
	return failures ? 1 : 0;
}
