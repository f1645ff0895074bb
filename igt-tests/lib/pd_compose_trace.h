/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd_compose_trace - what primedisp's composer did, from its tracepoint.
 *
 * The driver reports each composed frame through the tracepoint
 * primedisp:primedisp_compose (drm/primedisp_trace.h): its planes, the
 * bytes of plane pixels read and the time taken.  This reads it through a
 * tracefs instance of its own ("primedisp-compose"), so that it neither
 * disturbs nor is disturbed by other tracing (the benchmark's function
 * profiler uses the main buffer).  Header-only so that the tests' library
 * and the benchmark share it.
 */
#ifndef PD_COMPOSE_TRACE_H
#define PD_COMPOSE_TRACE_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PD_COMPOSE_TRACE_INSTANCE "primedisp-compose"

/* The instance's directory into @buf; false without tracefs. */
static inline bool pd_compose_trace_dir(char *buf, size_t len)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char inst[128];

		snprintf(inst, sizeof(inst), "%s/instances", roots[i]);
		if (access(inst, F_OK))
			continue;
		snprintf(buf, len, "%s/" PD_COMPOSE_TRACE_INSTANCE, inst);
		if (mkdir(buf, 0755) && errno != EEXIST)
			return false;
		return true;
	}
	return false;
}

static inline bool pd_compose_trace_write(const char *dir, const char *file, const char *val)
{
	char path[512];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

/*
 * Frames composed, bytes of plane pixels read and nanoseconds spent since
 * this process first called it (which starts the count at 0: call it once
 * before what is measured, once after, and subtract).  False if tracefs or
 * primedisp's tracepoint is missing.
 */
static inline bool pd_compose_trace_read(long long *frames, long long *bytes, long long *ns)
{
	static bool started;
	char dir[256], path[512], line[512];
	FILE *f;

	*frames = *bytes = *ns = 0;
	if (!pd_compose_trace_dir(dir, sizeof(dir)))
		return false;
	if (!started) {
		if (!pd_compose_trace_write(dir, "events/primedisp/primedisp_compose/enable", "1") ||
		    !pd_compose_trace_write(dir, "tracing_on", "1") ||
		    !pd_compose_trace_write(dir, "trace", ""))
			return false;
		started = true;
		return true;
	}
	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "primedisp_compose: ");
		unsigned long long b, t;

		if (p && sscanf(p, "primedisp_compose: crtc=%*u size=%*dx%*d planes=%*u "
				"bytes=%llu ns=%llu", &b, &t) == 2) {
			(*frames)++;
			*bytes += (long long)b;
			*ns += (long long)t;
		}
	}
	fclose(f);
	return true;
}

#endif /* PD_COMPOSE_TRACE_H */
