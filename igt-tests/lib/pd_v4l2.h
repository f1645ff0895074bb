/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd_v4l2 - V4L2 helpers for the tests that share buffers between a camera
 * (the vivid test driver) and primedisp.
 *
 * Conventions (as in pdtest.h): __pd_*() functions never assert and return
 * -1 with errno set on failure, like ioctl(2); the other functions assert
 * (or skip, where the environment lacks something) and return the useful
 * result.  All of it uses the single-planar capture API
 * (V4L2_BUF_TYPE_VIDEO_CAPTURE).
 *
 * Typical use:
 *
 *	struct v4l2_pix_format pix;
 *	int fd;
 *
 *	pd_vivid_load(PD_VIVID_VMALLOC);
 *	fd = pd_vivid_open(NULL, 0);
 *	pd_v4l2_set_format(fd, 640, 480, V4L2_PIX_FMT_XBGR32, &pix);
 *	pd_v4l2_reqbufs(fd, V4L2_MEMORY_MMAP, 4);
 *	...
 *	pd_v4l2_streamon(fd);
 */
#ifndef PD_V4L2_H
#define PD_V4L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

/* vivid's "allocators" module parameter: the vb2 memory allocator. */
#define PD_VIVID_VMALLOC	0	/* videobuf2-vmalloc (vivid's default) */
#define PD_VIVID_DMA_CONTIG	1	/* videobuf2-dma-contig */

/*
 * (Re)load vivid as one webcam-like device with a single-planar video
 * capture node only (n_devs=1 node_types=0x1 num_inputs=1 input_types=0x00
 * multiplanar=1) and the vb2 allocator @allocator.  An already loaded vivid
 * is removed first (failing the subtest if it cannot be).  Skips if vivid
 * cannot be loaded or if the kernel's vivid ignores the allocators
 * parameter (checked in /sys/module/vivid/parameters/allocators).
 */
void pd_vivid_load(int allocator);

/*
 * rmmod vivid.  Returns rmmod's exit status (0 when it was removed); its
 * output goes to *@output (malloc'd) if @output is not NULL.
 */
int pd_vivid_unload(char **output);

/*
 * Open (O_RDWR) the video capture node whose VIDIOC_QUERYCAP driver name is
 * "vivid", looking at every /dev/videoN; fails the subtest if there is
 * none.  The node's path goes to @path if not NULL.
 */
int pd_vivid_open(char *path, size_t len);

/*
 * "XR24"-style name of a fourcc, in one of four static buffers used in turn
 * (so up to four can appear in one printf).
 */
const char *pd_v4l2_fourcc_str(uint32_t fourcc);

/* Does VIDIOC_ENUM_FMT of the capture queue list @fourcc? */
bool pd_v4l2_has_format(int fd, uint32_t fourcc);

/*
 * VIDIOC_S_FMT with @width x @height @fourcc (progressive); asserts that the
 * driver kept all three and returns the negotiated format in @pix.
 */
void pd_v4l2_set_format(int fd, uint32_t width, uint32_t height, uint32_t fourcc,
			struct v4l2_pix_format *pix);

/* VIDIOC_S_PARM: @fps frames per second (the driver may round it). */
void pd_v4l2_set_fps(int fd, uint32_t fps);

/* VIDIOC_REQBUFS; returns the number of buffers granted, or -1 with errno. */
int __pd_v4l2_reqbufs(int fd, uint32_t memory, uint32_t count);
/* Same, asserting success (and at least one buffer unless @count is 0). */
uint32_t pd_v4l2_reqbufs(int fd, uint32_t memory, uint32_t count);

/* VIDIOC_QUERYBUF + mmap of MMAP buffer @index; its length to *@length. */
void *pd_v4l2_mmap(int fd, uint32_t index, size_t *length, int prot);

/* VIDIOC_EXPBUF of MMAP buffer @index (O_RDWR | O_CLOEXEC); -1 with errno. */
int __pd_v4l2_expbuf(int fd, uint32_t index);
/* Same, asserting; returns the dma-buf fd. */
int pd_v4l2_expbuf(int fd, uint32_t index);

/*
 * VIDIOC_QBUF of buffer @index.  For V4L2_MEMORY_DMABUF, @dmabuf_fd and
 * @length (0: the dma-buf's size) describe the buffer; they are ignored for
 * V4L2_MEMORY_MMAP.
 */
int __pd_v4l2_qbuf(int fd, uint32_t memory, uint32_t index, int dmabuf_fd,
		   uint32_t length);
void pd_v4l2_qbuf(int fd, uint32_t memory, uint32_t index, int dmabuf_fd,
		  uint32_t length);

/*
 * Wait up to @timeout_ms for a filled buffer (poll) and VIDIOC_DQBUF it into
 * @buf.  Returns 0, or -1 with errno (ETIME on timeout).
 */
int __pd_v4l2_dqbuf(int fd, uint32_t memory, struct v4l2_buffer *buf,
		    unsigned int timeout_ms);
/* Same, asserting; also asserts the buffer is not flagged as an error. */
void pd_v4l2_dqbuf(int fd, uint32_t memory, struct v4l2_buffer *buf,
		   unsigned int timeout_ms);

/* VIDIOC_STREAMON / VIDIOC_STREAMOFF of the capture queue. */
void pd_v4l2_streamon(int fd);
void pd_v4l2_streamoff(int fd);

#endif /* PD_V4L2_H */
