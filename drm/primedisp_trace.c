// SPDX-License-Identifier: GPL-2.0
/*
 * primedisp_trace.c - the tracepoint definitions of primedisp_trace.h.
 *
 * Copyright (C) 2026 The primedisp authors
 */

#define CREATE_TRACE_POINTS
#include "primedisp_trace.h"
