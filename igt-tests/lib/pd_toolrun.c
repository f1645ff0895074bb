// SPDX-License-Identifier: GPL-2.0
/*
 * pd_toolrun - running primedisp's userspace tools from the tests.
 * See pd_toolrun.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pd_client.h"
#include "pd_toolrun.h"

void pd_tool_require(const char *name, char *path, size_t len)
{
	snprintf(path, len, PD_TOOLS_DIR "/%s", name);
	pd_require(access(path, X_OK) == 0,
		   "%s is not built (make -C userspace, from the repository's top directory)",
		   path);
}

char *pd_proc_expect(struct pd_proc *p, const char *needle, int timeout_ms,
		     const char *what)
{
	bool found = pd_client_wait_output(p, needle, timeout_ms);
	char *out = pd_proc_output(p);

	if (found)
		return out;
	if (pd_proc_poll(p))
		pd_fail("%s exited with status %d before printing \"%s\"; its output:\n%s",
			what, p->status, needle, out);
	pd_fail("%s printed no \"%s\" within %d s; its output so far:\n%s", what, needle,
		timeout_ms / 1000, out);
}

char *pd_proc_finish(struct pd_proc *p, int timeout_ms, int *status)
{
	pd_proc_close_stdin(p);
	*status = pd_proc_wait(p, timeout_ms);
	return pd_proc_output(p);
}

char *pd_out_line(const char *out, const char *prefix, char *buf, size_t len)
{
	const char *line = out, *found = NULL;
	size_t plen = strlen(prefix), n;

	while (line && *line) {
		if (!strncmp(line, prefix, plen))
			found = line;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!found)
		return NULL;
	n = strcspn(found, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, found, n);
	buf[n] = '\0';
	return buf;
}

/* Start of the value of " KEY=" (or "KEY=" at the start of @line). */
static const char *kv_find(const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=')
			return p + klen + 1;
		p += klen;
	}
	return NULL;
}

bool pd_kv_double(const char *line, const char *key, double *val)
{
	const char *v = kv_find(line, key);
	char *end;

	if (!v)
		return false;
	*val = strtod(v, &end);
	return end != v;
}

bool pd_kv_word(const char *line, const char *key, char *buf, size_t len)
{
	const char *v = kv_find(line, key);
	size_t n;

	if (!v)
		return false;
	n = strcspn(v, " \n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

int pd_dmabuf_bufinfo(unsigned long ino, char *exp_name, size_t exp_len,
		      char *attached, size_t att_len)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "re");
	char line[512];
	bool in_obj = false, in_att = false;
	int found = 0;

	if (!f)
		return -1;
	exp_name[0] = attached[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		unsigned long fields[4], this_ino;

		line[strcspn(line, "\n")] = '\0';
		/* size flags mode count exp_name ino name */
		if (line[0] != '\t' &&
		    sscanf(line, "%lu %lx %lx %lu %127s %lu", &fields[0], &fields[1],
			   &fields[2], &fields[3], name, &this_ino) == 6) {
			if (found)
				break;
			in_obj = this_ino == ino;
			in_att = false;
			if (in_obj) {
				found = 1;
				snprintf(exp_name, exp_len, "%s", name);
			}
			continue;
		}
		if (!in_obj)
			continue;
		if (!strcmp(line, "\tAttached Devices:")) {
			in_att = true;
		} else if (!strncmp(line, "Total ", 6)) {
			in_att = false;
		} else if (in_att && line[0] == '\t') {
			size_t n = strlen(attached);

			snprintf(attached + n, att_len - n, "%s%s", n ? " " : "", line + 1);
		}
	}
	fclose(f);
	return found;
}
