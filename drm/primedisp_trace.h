/* SPDX-License-Identifier: GPL-2.0 */
/*
 * primedisp_trace.h - primedisp's tracepoint: what the composer did.
 *
 * primedisp_compose fires once per composed frame with what it cost: the
 * planes, the bytes of plane pixels read (each plane's first colour plane)
 * and the time taken, mapping the planes' buffers included (a writeback
 * buffer is mapped when its commit is prepared).  Benchmarks and the
 * zero-copy tests read it through tracefs; disabled, it costs a static
 * branch and the composer does not even read the clock.
 *
 * Copyright (C) 2026 The primedisp authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM primedisp

#if !defined(PRIMEDISP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define PRIMEDISP_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(primedisp_compose,
	    TP_PROTO(unsigned int crtc, int width, int height,
		     unsigned int planes, u64 bytes, u64 ns),
	    TP_ARGS(crtc, width, height, planes, bytes, ns),
	    TP_STRUCT__entry(__field(unsigned int, crtc)
			     __field(int, width)
			     __field(int, height)
			     __field(unsigned int, planes)
			     __field(u64, bytes)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->crtc = crtc;
			   __entry->width = width;
			   __entry->height = height;
			   __entry->planes = planes;
			   __entry->bytes = bytes;
			   __entry->ns = ns;),
	    TP_printk("crtc=%u size=%dx%d planes=%u bytes=%llu ns=%llu",
		      __entry->crtc, __entry->width, __entry->height,
		      __entry->planes, __entry->bytes, __entry->ns)
);

#endif /* PRIMEDISP_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE primedisp_trace
#include <trace/define_trace.h>
