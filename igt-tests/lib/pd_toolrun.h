/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd_toolrun - running primedisp's userspace tools (userspace/build/) from
 * a test and reading the evidence they print: "key=value" result lines,
 * their progress while they run, and the kernel's dma-buf bookkeeping
 * (debugfs dma_buf/bufinfo) of the buffers they share.
 *
 * Tests run from the repository's top directory (as run-suite.sh does), so
 * the tools are found at userspace/build/NAME.
 */
#ifndef PD_TOOLRUN_H
#define PD_TOOLRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pdtest.h"

#define PD_TOOLS_DIR "userspace/build"

/*
 * Skip unless userspace/build/@name is an executable (with the command that
 * builds it); its path goes to @path.
 */
void pd_tool_require(const char *name, char *path, size_t len);

/*
 * Wait up to @timeout_ms for @needle to appear in the output of @p (started
 * with pd_proc_start(); see also pd_client_wait_output()) and return the
 * whole output so far (malloc'd).  Fails the subtest, with the output, if
 * @p exits or the time runs out first.
 */
char *pd_proc_expect(struct pd_proc *p, const char *needle, int timeout_ms,
		     const char *what);

/*
 * Close @p's stdin (the tools' --hold ends there), wait up to @timeout_ms
 * for it to exit and return its whole output (malloc'd); its exit status
 * goes to *@status (-1 if it had to be killed).
 */
char *pd_proc_finish(struct pd_proc *p, int timeout_ms, int *status);

/*
 * The last line of @out that starts with @prefix, copied to @buf (without
 * the newline); NULL if there is none.
 */
char *pd_out_line(const char *out, const char *prefix, char *buf, size_t len);

/* Value of "KEY=" in @line as a number / a word; false if absent. */
bool pd_kv_double(const char *line, const char *key, double *val);
bool pd_kv_word(const char *line, const char *key, char *buf, size_t len);

/*
 * Look the dma-buf with inode @ino up in /sys/kernel/debug/dma_buf/bufinfo:
 * its exporter's name to @exp_name and the devices attached to it
 * (space-separated) to @attached.  Returns 1 if found, 0 if not, -1 if
 * bufinfo cannot be read.
 */
int pd_dmabuf_bufinfo(unsigned long ino, char *exp_name, size_t exp_len,
		      char *attached, size_t att_len);

#endif
