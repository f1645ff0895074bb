# SPDX-License-Identifier: GPL-2.0
#
# primedisp - top-level Makefile.
#
#   make                  build primedisp.ko for KDIR (default: running kernel)
#   make install          install it there (modules_install + depmod)
#   make demo [K=6.12]    the main job: boot a VM, load primedisp, show it working
#   make check [K=..] [T=..]  the whole test suite in a VM per kernel
#   make check-loaded [K=..] [T=..]  the same with every host CPU kept busy
#   make check-debug [T=..]   the suite under the debug kernel (KASAN, lockdep,
#                         UBSAN, kmemleak, ...); K=debug works for shell too
#   make debug-kernel     build the debug kernel into the cache
#   make shell [K=6.12]   an interactive shell in a VM with primedisp loaded
#   make lint             checkpatch --strict and sparse
#   make docs             the Sphinx book in build/docs/html (warnings are errors)
#   make bench            benchmarks in a 6.12 VM against vkms, vgem, memcpy -> BENCHMARKS.md
#   make kernels          download Debian's 6.1 and 6.12 kernels into the cache

KDIR ?= /lib/modules/$(shell uname -r)/build
K ?= 6.12
export T

.PHONY: all modules install clean kernels tests check check-loaded check-debug debug-kernel demo shell lint docs bench

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) || true

kernels:
	scripts/install-deps.sh
	scripts/fetch-kernels.sh

tests:
	$(MAKE) -C igt-tests

# `make check` tests both kernels unless K is given on the command line.
check:
	K="$(if $(filter command line,$(origin K)),$(K),6.1 6.12)" scripts/check.sh

# The same run on a busy host: a busy loop per CPU for the whole run.
check-loaded:
	K="$(if $(filter command line,$(origin K)),$(K),6.1 6.12)" scripts/check-loaded.sh

# The debug kernel: built from Debian's linux-source-6.12 on first use.
check-debug:
	K=debug scripts/check.sh

debug-kernel:
	scripts/build-debug-kernel.sh

demo:
	K="$(K)" scripts/demo.sh

shell:
	scripts/install-deps.sh
	scripts/vm-run.sh -k $(K) -m "$$(scripts/build-module.sh $(K))" --shell

lint:
	scripts/install-deps.sh
	scripts/lint.sh
	for k in 6.1 6.12; do scripts/build-module.sh $$k C=2 CHECK=sparse >/dev/null || exit 1; done

docs:
	scripts/docs-build.sh

bench:
	scripts/bench.sh

clean:
	rm -rf build
	$(MAKE) -C igt-tests clean 2>/dev/null || true
	$(MAKE) -C bench clean 2>/dev/null || true
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order drm/*.o drm/.*.cmd
