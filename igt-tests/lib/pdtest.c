// SPDX-License-Identifier: GPL-2.0
/*
 * pdtest - subtest runner and helpers for primedisp's IGT-style tests.
 * See pdtest.h for the interface and the output/exit-code conventions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "pdtest.h"

static const char *binary_name = "pdtest";
static char timeout_msg[512];		/* written by the child's SIGALRM handler */
static volatile sig_atomic_t running_child;	/* pid (= pgid) of the running subtest */

/* ---- small helpers ------------------------------------------------------- */

double pd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void pd_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

const char *pd_binary_name(void)
{
	return binary_name;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void pd_kmsg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	n = snprintf(buf, sizeof(buf), "<6>");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	/* Without a newline the record stays open and dmesg cannot see it yet. */
	n = strlen(buf);
	if (buf[n - 1] != '\n')
		strcpy(buf + n, "\n");

	/*
	 * Writes to /dev/kmsg are rate limited per open file, so open it for
	 * every message: the markers must not be dropped.
	 */
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, buf, strlen(buf)) < 0) {
		/* ignored: markers are best effort */
	}
	close(fd);
}

/* ---- results ------------------------------------------------------------- */

static void vprint_line(FILE *f, const char *fmt, va_list ap)
{
	char buf[4096];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	fprintf(f, "%s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
	fflush(f);
}

void pd_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_line(stdout, fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) leave(int code)
{
	fflush(stdout);
	fflush(stderr);
	exit(code);
}

void __pd_fail(const char *file, int line, const char *func, int err,
	       const char *what, const char *detail_fmt, ...)
{
	fflush(stdout);
	fprintf(stderr, "Test assertion failure in %s() at %s:%d: %s\n",
		func, base_name(file), line, what);
	if (detail_fmt) {
		va_list ap;

		fputs("  ", stderr);
		va_start(ap, detail_fmt);
		vprint_line(stderr, detail_fmt, ap);
		va_end(ap);
	}
	if (err)
		fprintf(stderr, "  Last errno: %d, %s\n", err, strerror(err));
	leave(PD_EXIT_FAILURE);
}

void __pd_fail_errno(const char *file, int line, const char *func,
		     const char *expr, long ret, int err, int want)
{
	__pd_fail(file, line, func, 0, expr,
		  "expected -1 with errno %d (%s), got %ld with errno %d (%s)",
		  want, strerror(want), ret, err, err ? strerror(err) : "none");
}

void __pd_skip(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	fflush(stderr);
	printf("Test requirement not met in %s() at %s:%d: ", func,
	       base_name(file), line);
	va_start(ap, fmt);
	vprint_line(stdout, fmt, ap);
	va_end(ap);
	leave(PD_EXIT_SKIP);
}

void __pd_abort(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "Test aborted in %s() at %s:%d: ", func, base_name(file), line);
	va_start(ap, fmt);
	vprint_line(stderr, fmt, ap);
	va_end(ap);
	leave(PD_EXIT_ABORT);
}

/* ---- the subtest runner ---------------------------------------------------- */

struct filter {
	char **inc, **exc;
	int ninc, nexc;
};

static void filter_add(struct filter *f, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		if (!*tok)
			continue;
		if (*tok == '!') {
			f->exc = realloc(f->exc, (f->nexc + 1) * sizeof(*f->exc));
			f->exc[f->nexc++] = strdup(tok + 1);
		} else {
			f->inc = realloc(f->inc, (f->ninc + 1) * sizeof(*f->inc));
			f->inc[f->ninc++] = strdup(tok);
		}
	}
	free(copy);
}

static bool filter_match(const struct filter *f, const char *name)
{
	bool in = f->ninc == 0;
	int i;

	for (i = 0; !in && i < f->ninc; i++)
		in = fnmatch(f->inc[i], name, 0) == 0;
	for (i = 0; in && i < f->nexc; i++)
		in = fnmatch(f->exc[i], name, 0) != 0;
	return in;
}

static void child_alarm(int sig)
{
	(void)sig;
	if (write(STDERR_FILENO, timeout_msg, strlen(timeout_msg)) < 0) {
		/* nothing to do */
	}
	_exit(PD_EXIT_FAILURE);
}

static void parent_signal(int sig)
{
	if (running_child > 0)
		kill(-running_child, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(FILE *f, const char *description, const struct pd_subtest *st)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"  --list-subtests          list the subtests, one per line\n"
		"  --run-subtest PATTERNS   run subtests matching comma-separated fnmatch\n"
		"                           patterns; '!PATTERN' excludes (e.g. '*,!unload')\n"
		"  --help                   this text\n"
		"Without options every subtest runs.\n"
		"Environment: PDTEST_TIMEOUT (seconds per subtest, default %d, 0 = none),\n"
		"             IGT_FORCE_DRIVER (driver name, default \"%s\")\n",
		binary_name, PD_DEFAULT_TIMEOUT, PD_DEFAULT_DRIVER);
	if (description)
		fprintf(f, "\n%s\n", description);
	fprintf(f, "\nSubtests:\n");
	for (; st->name; st++) {
		if (st->description)
			fprintf(f, "  %-24s %s\n", st->name, st->description);
		else
			fprintf(f, "  %s\n", st->name);
	}
}

static unsigned int subtest_timeout(void)
{
	const char *s = getenv("PDTEST_TIMEOUT");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return PD_DEFAULT_TIMEOUT;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 86400) {
		fprintf(stderr, "%s: ignoring invalid PDTEST_TIMEOUT=\"%s\"\n",
			binary_name, s);
		return PD_DEFAULT_TIMEOUT;
	}
	return v;
}

/* Wait for @pid to exit, without reaping it, for up to @secs (0 = forever). */
static bool wait_exit_nowait(pid_t pid, double secs)
{
	double end = pd_now() + secs;
	unsigned int ms = 1;

	for (;;) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT | WNOHANG) == 0 &&
		    si.si_pid == pid)
			return true;
		if (secs > 0 && pd_now() > end)
			return false;
		pd_msleep(ms);
		if (ms < 20)
			ms *= 2;
	}
}

enum result { RES_SUCCESS, RES_SKIP, RES_FAIL };

static enum result run_one(const struct pd_subtest *st, unsigned int timeout,
			   bool *abort_run)
{
	static const char *const names[] = { "SUCCESS", "SKIP", "FAIL" };
	enum result res;
	double t0, elapsed;
	int status;
	pid_t pid;

	printf("Starting subtest: %s\n", st->name);
	fflush(NULL);
	pd_kmsg("primedisp-test: begin %s@%s", binary_name, st->name);

	t0 = pd_now();
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = child_alarm };

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		snprintf(timeout_msg, sizeof(timeout_msg),
			 "Test timeout: subtest %s did not finish within %u s\n",
			 st->name, timeout);
		sigaction(SIGALRM, &sa, NULL);
		alarm(timeout);
		st->func();
		leave(PD_EXIT_SUCCESS);
	}
	if (pid < 0) {
		fprintf(stderr, "Test aborted: fork failed: %s\n", strerror(errno));
		*abort_run = true;
		res = RES_FAIL;
		goto out;
	}
	setpgid(pid, pid);	/* also in the parent, against the race */
	running_child = pid;

	if (!wait_exit_nowait(pid, timeout ? timeout + 5.0 : 0)) {
		/* SIGALRM did not end it: probably stuck in the kernel. */
		fprintf(stderr, "Test timeout: subtest %s did not finish within %u s, killing it\n",
			st->name, timeout);
		kill(-pid, SIGKILL);
		if (!wait_exit_nowait(pid, 10)) {
			fprintf(stderr, "Test aborted: subtest %s cannot be killed (stuck in the kernel?)\n",
				st->name);
			*abort_run = true;
			res = RES_FAIL;
			goto out;
		}
	}
	/* Kill whatever it left behind in its process group, then reap it. */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	if (WIFEXITED(status)) {
		switch (WEXITSTATUS(status)) {
		case PD_EXIT_SUCCESS:
			res = RES_SUCCESS;
			break;
		case PD_EXIT_SKIP:
			res = RES_SKIP;
			break;
		case PD_EXIT_FAILURE:
			res = RES_FAIL;
			break;
		case PD_EXIT_ABORT:
			res = RES_FAIL;
			*abort_run = true;
			break;
		default:
			fprintf(stderr, "Test crashed: subtest %s exited with unexpected code %d\n",
				st->name, WEXITSTATUS(status));
			res = RES_FAIL;
		}
	} else {
		int sig = WTERMSIG(status);

		fprintf(stderr, "Test crashed: subtest %s killed by signal %d (%s)\n",
			st->name, sig, strsignal(sig));
		res = RES_FAIL;
	}

out:
	running_child = 0;
	elapsed = pd_now() - t0;
	printf("Subtest %s: %s (%.3fs)\n", st->name, names[res], elapsed);
	fflush(stdout);
	pd_kmsg("primedisp-test: end %s@%s %s", binary_name, st->name, names[res]);
	return res;
}

int pd_main(int argc, char **argv, const struct pd_subtest *subtests,
	    const char *description)
{
	static const struct option opts[] = {
		{ "list-subtests", no_argument, NULL, 'l' },
		{ "run-subtest", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct filter filter = { 0 };
	bool list = false, have_filter = false, abort_run = false;
	int passed = 0, failed = 0, skipped = 0, selected = 0;
	const struct pd_subtest *st;
	unsigned int timeout;
	int c;

	binary_name = base_name(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'r':
			filter_add(&filter, optarg);
			have_filter = true;
			break;
		case 'h':
			usage(stdout, description, subtests);
			return PD_EXIT_SUCCESS;
		default:
			usage(stderr, description, subtests);
			return PD_EXIT_INVALID;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", binary_name, argv[optind]);
		usage(stderr, description, subtests);
		return PD_EXIT_INVALID;
	}

	if (list) {
		for (st = subtests; st->name; st++)
			if (filter_match(&filter, st->name))
				printf("%s\n", st->name);
		return PD_EXIT_SUCCESS;
	}

	for (st = subtests; st->name; st++)
		selected += filter_match(&filter, st->name);
	if (!selected) {
		fprintf(stderr, "%s: unknown subtest%s\n", binary_name,
			have_filter ? " (no subtest matches the pattern)" : "s: none defined");
		return PD_EXIT_INVALID;
	}

	timeout = subtest_timeout();
	signal(SIGINT, parent_signal);
	signal(SIGTERM, parent_signal);
	signal(SIGHUP, parent_signal);

	for (st = subtests; st->name && !abort_run; st++) {
		if (!filter_match(&filter, st->name))
			continue;
		switch (run_one(st, timeout, &abort_run)) {
		case RES_SUCCESS:
			passed++;
			break;
		case RES_SKIP:
			skipped++;
			break;
		case RES_FAIL:
			failed++;
			break;
		}
	}

	if (abort_run)
		return PD_EXIT_ABORT;
	if (failed)
		return PD_EXIT_FAILURE;
	if (passed)
		return PD_EXIT_SUCCESS;
	return PD_EXIT_SKIP;
}

/* ---- system helpers ------------------------------------------------------- */

long pd_meminfo_kb(const char *field)
{
	size_t flen = strlen(field);
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			val = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

static void module_name_norm(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

bool pd_kmod_loaded(const char *name)
{
	char want[128], line[512];
	bool found = false;
	FILE *f;

	snprintf(want, sizeof(want), "%s", name);
	module_name_norm(want);
	f = fopen("/proc/modules", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		module_name_norm(line);
		found = !strcmp(line, want);
	}
	fclose(f);
	return found;
}

static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

static char *read_fd_all(int fd, bool from_start)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	off_t off = 0;
	ssize_t n;

	for (;;) {
		if (cap - len < 1024)
			buf = realloc(buf, cap *= 2);
		if (from_start)
			n = pread(fd, buf + len, cap - len - 1, off);
		else
			n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		off += n;
	}
	buf[len] = '\0';
	return buf;
}

int pd_run_argv(char *const argv[], char **output)
{
	int pfd[2], status;
	pid_t pid;

	if (output)
		*output = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(output ? pfd[1] : null, STDOUT_FILENO);
		dup2(output ? pfd[1] : null, STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (output)
		*output = read_fd_all(pfd[0], false);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return decode_status(status);
}

int pd_run_cmd(char **output, const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -1;
	{
		char *const argv[] = { "/bin/sh", "-c", cmd, NULL };

		ret = pd_run_argv(argv, output);
	}
	free(cmd);
	return ret;
}

void pd_proc_start(struct pd_proc *p, char *const argv[])
{
	char tmpl[] = "/tmp/pdtest-out-XXXXXX";
	int pfd[2];

	memset(p, 0, sizeof(*p));
	p->stdin_fd = -1;
	p->out_fd = mkostemp(tmpl, O_CLOEXEC);
	pd_assert_f(p->out_fd >= 0, "cannot create a temporary file");
	unlink(tmpl);
	pd_assert(pipe2(pfd, O_CLOEXEC) == 0);

	fflush(NULL);
	p->pid = fork();
	pd_assert(p->pid >= 0);
	if (p->pid == 0) {
		dup2(pfd[0], STDIN_FILENO);
		dup2(p->out_fd, STDOUT_FILENO);
		dup2(p->out_fd, STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	p->stdin_fd = pfd[1];
}

bool pd_proc_poll(struct pd_proc *p)
{
	int status;

	if (p->exited || p->pid <= 0)
		return true;
	if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->exited = true;
		p->status = decode_status(status);
	}
	return p->exited;
}

void pd_proc_close_stdin(struct pd_proc *p)
{
	if (p->stdin_fd >= 0)
		close(p->stdin_fd);
	p->stdin_fd = -1;
}

int pd_proc_wait(struct pd_proc *p, int timeout_ms)
{
	double end = pd_now() + timeout_ms / 1000.0;

	while (!pd_proc_poll(p)) {
		if (pd_now() > end) {
			kill(p->pid, SIGKILL);
			while (!pd_proc_poll(p))
				pd_msleep(5);
			return -1;
		}
		pd_msleep(10);
	}
	return p->status;
}

char *pd_proc_output(struct pd_proc *p)
{
	return read_fd_all(p->out_fd, true);
}

void pd_proc_cleanup(struct pd_proc *p)
{
	if (p->pid > 0 && !pd_proc_poll(p)) {
		kill(p->pid, SIGKILL);
		while (!pd_proc_poll(p))
			pd_msleep(5);
	}
	pd_proc_close_stdin(p);
	if (p->out_fd >= 0)
		close(p->out_fd);
	p->out_fd = -1;
	p->pid = 0;
}

/* ---- DRM devices ------------------------------------------------------------ */

const char *pd_driver_name(void)
{
	const char *forced = getenv("IGT_FORCE_DRIVER");

	return forced && *forced ? forced : PD_DEFAULT_DRIVER;
}

char *pd_driver_name_of(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	char *name = NULL;

	if (v) {
		name = strndup(v->name ? v->name : "", v->name_len);
		drmFreeVersion(v);
	}
	return name;
}

/*
 * Open the first node PREFIX<first>..PREFIX<first+count-1> whose driver is
 * @driver and, if @want_dev is given, whose parent device is @want_dev.  The
 * names of the other nodes seen are appended to @seen.
 */
static int open_node(const char *prefix, int first, int count, const char *driver,
		     const char *want_dev, char *seen, size_t seen_len)
{
	int i;

	if (!driver)
		driver = pd_driver_name();
	if (seen && seen_len)
		seen[0] = '\0';
	for (i = first; i < first + count; i++) {
		char path[64], dev[PATH_MAX], *name;
		bool match;
		int fd;

		snprintf(path, sizeof(path), "%s%d", prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		name = pd_driver_name_of(fd);
		match = name && !strcmp(name, driver) &&
			(!want_dev || (pd_sysfs_device_of(fd, dev, sizeof(dev)) &&
				       !strcmp(dev, want_dev)));
		if (match) {
			free(name);
			return fd;
		}
		if (seen) {
			size_t n = strlen(seen);

			snprintf(seen + n, seen_len - n, "%s%s=%s", n ? ", " : "",
				 base_name(path), name ? name : "?");
		}
		free(name);
		close(fd);
	}
	errno = ENODEV;
	return -1;
}

#define CARD_PREFIX	"/dev/dri/card"
#define RENDER_PREFIX	"/dev/dri/renderD"

int pd_try_open_card(const char *driver)
{
	return open_node(CARD_PREFIX, 0, 16, driver, NULL, NULL, 0);
}

int pd_try_open_render(const char *driver)
{
	return open_node(RENDER_PREFIX, 128, 64, driver, NULL, NULL, 0);
}

int pd_try_open_render_of(int fd, char *seen, size_t seen_len)
{
	char dev[PATH_MAX], *name = pd_driver_name_of(fd);
	int ret;

	if (!name || !pd_sysfs_device_of(fd, dev, sizeof(dev))) {
		free(name);
		errno = ENODEV;
		return -1;
	}
	ret = open_node(RENDER_PREFIX, 128, 64, name, dev, seen, seen_len);
	free(name);
	return ret;
}

static int open_or_skip(const char *prefix, int first, int count, const char *driver,
			const char *func)
{
	char seen[512];
	int fd;

	if (!driver)
		driver = pd_driver_name();
	fd = open_node(prefix, first, count, driver, NULL, seen, sizeof(seen));
	if (fd >= 0)
		return fd;
	if (access("/dev/dri", F_OK))
		__pd_skip(__FILE__, __LINE__, func,
			  "no DRM device with driver \"%s\": /dev/dri does not exist", driver);
	__pd_skip(__FILE__, __LINE__, func,
		  "no DRM device with driver \"%s\" among %s%d..%d (found: %s)",
		  driver, prefix, first, first + count - 1, seen[0] ? seen : "none");
}

int pd_open_card(const char *driver)
{
	return open_or_skip(CARD_PREFIX, 0, 16, driver, __func__);
}

int pd_open_render(const char *driver)
{
	return open_or_skip(RENDER_PREFIX, 128, 64, driver, __func__);
}

int pd_drm_minor_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	return minor(st.st_rdev);
}

char *pd_debugfs_dir(int fd, char *buf, size_t len)
{
	int minor = pd_drm_minor_of(fd);

	if (minor < 0)
		return NULL;
	snprintf(buf, len, "/sys/kernel/debug/dri/%d", minor);
	return buf;
}

char *pd_sysfs_device_of(int fd, char *buf, size_t len)
{
	char path[128], real[PATH_MAX];
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return NULL;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, real))
		return NULL;
	snprintf(buf, len, "%s", real);
	return buf;
}

/* ---- dumb buffers ------------------------------------------------------------ */

int __pd_dumb_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
		     struct drm_mode_create_dumb *create)
{
	memset(create, 0, sizeof(*create));
	create->width = width;
	create->height = height;
	create->bpp = bpp;
	return drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, create);
}

int __pd_dumb_map_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_mode_map_dumb map = { .handle = handle };
	int ret = drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);

	if (ret == 0 && offset)
		*offset = map.offset;
	return ret;
}

int __pd_dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb destroy = { .handle = handle };

	return drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
}

uint32_t pd_dumb_create(int fd, uint32_t width, uint32_t height, uint32_t bpp,
			uint32_t *pitch, uint64_t *size)
{
	struct drm_mode_create_dumb create;
	int ret = __pd_dumb_create(fd, width, height, bpp, &create);

	pd_assert_f(ret == 0, "DRM_IOCTL_MODE_CREATE_DUMB %ux%u bpp %u failed",
		    width, height, bpp);
	pd_assert_f(create.handle != 0, "CREATE_DUMB %ux%u bpp %u returned handle 0",
		    width, height, bpp);
	if (pitch)
		*pitch = create.pitch;
	if (size)
		*size = create.size;
	return create.handle;
}

void *pd_dumb_map(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = 0;
	void *ptr;

	pd_assert_f(__pd_dumb_map_offset(fd, handle, &offset) == 0,
		    "DRM_IOCTL_MODE_MAP_DUMB on handle %u failed", handle);
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	pd_assert_f(ptr != MAP_FAILED, "mmap of handle %u (%llu bytes at offset 0x%llx) failed",
		    handle, (unsigned long long)size, (unsigned long long)offset);
	return ptr;
}

void pd_dumb_destroy(int fd, uint32_t handle)
{
	pd_assert_f(__pd_dumb_destroy(fd, handle) == 0,
		    "DRM_IOCTL_MODE_DESTROY_DUMB on handle %u failed", handle);
}

void pd_path_add_sbin(void)
{
	const char *path = getenv("PATH");
	char *np;

	if (path && strstr(path, "/sbin"))
		return;
	if (asprintf(&np, "%s%s/usr/sbin:/sbin", path ? path : "", path ? ":" : "") > 0)
		setenv("PATH", np, 1);
}
