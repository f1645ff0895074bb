// SPDX-License-Identifier: GPL-2.0
/*
 * pdtest - a small test library for primedisp in IGT's conventions.
 *
 * A test binary declares a table of subtests and hands it to PD_MAIN():
 *
 *	static void test_basic(void) { int fd = pd_open_card(NULL); ... }
 *
 *	static const struct pd_subtest subtests[] = {
 *		{ "basic", test_basic, "the device answers DRM_IOCTL_VERSION" },
 *		{ }
 *	};
 *	PD_MAIN(subtests, "What this binary tests.");
 *
 * Command line (IGT-compatible subset):
 *	--list-subtests		print the subtest names, one per line (no device needed)
 *	--run-subtest PATTERNS	run the subtests matching a comma-separated list of
 *				fnmatch(3) patterns; a leading '!' excludes ('*,!unload')
 *	--help
 *	(no arguments)		run every subtest
 *
 * Each subtest runs in a forked child (its own process group) with an alarm of
 * PDTEST_TIMEOUT seconds (default 60), so a crash or hang fails only that
 * subtest.  Output per subtest:
 *	Starting subtest: NAME
 *	...
 *	Subtest NAME: SUCCESS|SKIP|FAIL (1.234s)
 * A skip prints	"Test requirement not met in FUNC() at FILE:LINE: REASON"
 * a failure prints	"Test assertion failure in FUNC() at FILE:LINE: WHAT"
 *			followed by detail lines indented by two spaces.
 * Markers "primedisp-test: begin BIN@NAME" / "primedisp-test: end BIN@NAME RESULT"
 * go to /dev/kmsg around each subtest (errors ignored).
 *
 * Exit codes: 0 some passed and none failed, 77 all skipped, 98 a failure,
 * 79 unknown subtest / bad usage, 112 abort (pd_abort()).
 *
 * The pd_assert*() / pd_skip() / pd_require() helpers may be used anywhere in a
 * subtest (they end the child process); __pd_*() functions never assert and
 * report errors like ioctl(2): -1 with errno set.
 */
#ifndef PDTEST_H
#define PDTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <drm.h>	/* struct drm_mode_create_dumb, DRM_IOCTL_* */

#define PD_EXIT_SUCCESS	0
#define PD_EXIT_SKIP	77
#define PD_EXIT_INVALID	79
#define PD_EXIT_FAILURE	98
#define PD_EXIT_ABORT	112

#define PD_DEFAULT_DRIVER	"primedisp"
#define PD_DEFAULT_TIMEOUT	180

/* Give all three fields (or use designated initializers): -Wextra. */
struct pd_subtest {
	const char *name;
	void (*func)(void);
	const char *description;	/* optional, shown by --help */
};

int pd_main(int argc, char **argv, const struct pd_subtest *subtests,
	    const char *description);

#define PD_MAIN(table, desc)					\
	int main(int argc, char **argv)				\
	{							\
		return pd_main(argc, argv, (table), (desc));	\
	}

/* ---- results ------------------------------------------------------------ */

#define PD_PRINTF(a, b) __attribute__((format(printf, a, b)))

void __pd_fail(const char *file, int line, const char *func, int err,
	       const char *what, const char *detail_fmt, ...)
	PD_PRINTF(6, 7) __attribute__((noreturn));
void __pd_skip(const char *file, int line, const char *func,
	       const char *fmt, ...) PD_PRINTF(4, 5) __attribute__((noreturn));
void __pd_abort(const char *file, int line, const char *func,
		const char *fmt, ...) PD_PRINTF(4, 5) __attribute__((noreturn));
void pd_info(const char *fmt, ...) PD_PRINTF(1, 2);

/* Fail unless @cond; errno right after evaluating @cond is printed if non-zero. */
#define pd_assert(cond) do {						\
	bool __pd_ok = (cond);						\
	int __pd_e = errno;						\
	if (!__pd_ok)							\
		__pd_fail(__FILE__, __LINE__, __func__, __pd_e, #cond, NULL); \
} while (0)

/* Same with an explanation (printf format) as the detail line. */
#define pd_assert_f(cond, ...) do {					\
	bool __pd_ok = (cond);						\
	int __pd_e = errno;						\
	if (!__pd_ok)							\
		__pd_fail(__FILE__, __LINE__, __func__, __pd_e, #cond, __VA_ARGS__); \
} while (0)

/* Unconditional failure. */
#define pd_fail(...) \
	__pd_fail(__FILE__, __LINE__, __func__, errno, "failed", __VA_ARGS__)

/* Integer equality, printing both values (decimal and hex). */
#define pd_assert_eq(a, b) do {						\
	long long __pd_a = (long long)(a), __pd_b = (long long)(b);	\
	int __pd_e = errno;						\
	if (__pd_a != __pd_b)						\
		__pd_fail(__FILE__, __LINE__, __func__, __pd_e, #a " == " #b, \
			  "%s = %lld (0x%llx), %s = %lld (0x%llx)",	\
			  #a, __pd_a, (unsigned long long)__pd_a,	\
			  #b, __pd_b, (unsigned long long)__pd_b);	\
} while (0)

/* String equality (NULL is never equal). */
#define pd_assert_streq(a, b) do {					\
	const char *__pd_sa = (a), *__pd_sb = (b);			\
	if (!__pd_sa || !__pd_sb || strcmp(__pd_sa, __pd_sb))		\
		__pd_fail(__FILE__, __LINE__, __func__, 0, #a " == " #b, \
			  "%s = \"%s\", %s = \"%s\"",			\
			  #a, __pd_sa ? __pd_sa : "(null)",		\
			  #b, __pd_sb ? __pd_sb : "(null)");		\
} while (0)

/*
 * @expr is an ioctl-like call: it must return -1 with errno == @err.
 * (errno is cleared before the call.)
 */
#define pd_assert_errno(expr, err) do {					\
	long __pd_r;							\
	int __pd_e, __pd_want = (err);					\
	errno = 0;							\
	__pd_r = (long)(expr);						\
	__pd_e = errno;							\
	if (__pd_r != -1 || __pd_e != __pd_want)			\
		__pd_fail_errno(__FILE__, __LINE__, __func__,		\
				#expr " fails with " #err,		\
				__pd_r, __pd_e, __pd_want);		\
} while (0)

void __pd_fail_errno(const char *file, int line, const char *func,
		     const char *expr, long ret, int err, int want)
	__attribute__((noreturn));

/* Skip the current subtest with a reason (always printed). */
#define pd_skip(...) __pd_skip(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* Skip unless @cond. */
#define pd_require(cond, ...) do {					\
	if (!(cond))							\
		__pd_skip(__FILE__, __LINE__, __func__, __VA_ARGS__);	\
} while (0)

/* Fail the subtest and stop the whole binary (exit 112). */
#define pd_abort(...) __pd_abort(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* ---- misc helpers --------------------------------------------------------- */

/* Monotonic time in seconds. */
double pd_now(void);
/* Sleep @ms milliseconds. */
void pd_msleep(unsigned int ms);
/* Make sure /usr/sbin and /sbin are in PATH (insmod, rmmod, modprobe). */
void pd_path_add_sbin(void);
/* Name of the binary (basename of argv[0]). */
const char *pd_binary_name(void);
/* Write one line to /dev/kmsg (KERN_INFO); errors are ignored. */
void pd_kmsg(const char *fmt, ...) PD_PRINTF(1, 2);

/* Value of @field (e.g. "Shmem") in /proc/meminfo in kB, -1 if absent. */
long pd_meminfo_kb(const char *field);
/* Is module @name listed in /proc/modules? */
bool pd_kmod_loaded(const char *name);

/*
 * Run @argv (PATH search), stdin from /dev/null, stdout+stderr captured into
 * *@output (malloc'd, NUL-terminated; may be NULL to discard).  Returns the
 * exit status, 128 + signal if killed, -1 if it could not be started.
 */
int pd_run_argv(char *const argv[], char **output);
/* Same for a shell command line (/bin/sh -c, printf-style). */
int pd_run_cmd(char **output, const char *fmt, ...) PD_PRINTF(2, 3);

/* A background process with a pipe to its stdin; output goes to a temp file. */
struct pd_proc {
	pid_t pid;
	int stdin_fd;	/* write end of the stdin pipe, -1 once closed */
	int out_fd;	/* temp file receiving stdout + stderr */
	int status;	/* as from pd_run_argv(), valid once exited */
	bool exited;
};

/* Start @argv; asserts on failure to fork/exec setup. */
void pd_proc_start(struct pd_proc *p, char *const argv[]);
/* Has it exited (non-blocking)? Fills p->status. */
bool pd_proc_poll(struct pd_proc *p);
/* Close its stdin (EOF). */
void pd_proc_close_stdin(struct pd_proc *p);
/*
 * Wait up to @timeout_ms for it to exit; on timeout it is killed and -1
 * returned, else its status.  p->status is valid afterwards.
 */
int pd_proc_wait(struct pd_proc *p, int timeout_ms);
/* Everything it printed so far (malloc'd). */
char *pd_proc_output(struct pd_proc *p);
/* Kill (if running), reap, release resources. */
void pd_proc_cleanup(struct pd_proc *p);

/* ---- DRM devices ------------------------------------------------------------ */

/*
 * The driver name used for @driver == NULL: $IGT_FORCE_DRIVER if set, else
 * "primedisp".  A non-NULL @driver is used as given.
 */
const char *pd_driver_name(void);

/* Opens /dev/dri/card0..15 and returns the first whose DRM_IOCTL_VERSION name
 * equals @driver (see pd_driver_name()); skips the subtest if there is none. */
int pd_open_card(const char *driver);
/* Same for render nodes /dev/dri/renderD128..191. */
int pd_open_render(const char *driver);
/* Like the above but return -1 (errno ENODEV) instead of skipping. */
int pd_try_open_card(const char *driver);
int pd_try_open_render(const char *driver);
/*
 * The render node of the same device (same driver, same sysfs parent) as the
 * node @fd, or -1.  If @seen is given, the other render nodes met are listed
 * there ("renderD129=vgem, ...").
 */
int pd_try_open_render_of(int fd, char *seen, size_t seen_len);

/* Driver name reported by DRM_IOCTL_VERSION on @fd (malloc'd) or NULL. */
char *pd_driver_name_of(int fd);
/* Minor number of the DRM node behind @fd, -1 on error. */
int pd_drm_minor_of(int fd);
/* "/sys/kernel/debug/dri/<minor>" for @fd into @buf; returns @buf or NULL. */
char *pd_debugfs_dir(int fd, char *buf, size_t len);
/* Resolved sysfs path of the parent device of @fd's DRM node, into @buf. */
char *pd_sysfs_device_of(int fd, char *buf, size_t len);

/* ---- dumb buffers ------------------------------------------------------------ */

/* Raw ioctls: return 0, or -1 with errno set. @create is in/out. */
int __pd_dumb_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
		     struct drm_mode_create_dumb *create);
int __pd_dumb_map_offset(int fd, uint32_t handle, uint64_t *offset);
int __pd_dumb_destroy(int fd, uint32_t handle);

/* Asserting versions. pd_dumb_create() returns the handle. */
uint32_t pd_dumb_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
			uint32_t *pitch, uint64_t *size);
/* MAP_DUMB + mmap(@size, @prot, MAP_SHARED). */
void *pd_dumb_map(int fd, uint32_t handle, uint64_t size, int prot);
void pd_dumb_destroy(int fd, uint32_t handle);

#endif /* PDTEST_H */
