# SPDX-License-Identifier: GPL-2.0
#
# primedisp - top-level Makefile.
#
#   make                  build primedisp.ko for KDIR (default: running kernel)
#   make install          install it there (modules_install + depmod)
#   make demo [K=6.12]    the main job: boot a VM, load primedisp, show it working
#   make check [K=..] [T=..]  the whole test suite in a VM per kernel (default:
#                         the first-class series of scripts/kernels.conf)
#   make check-loaded [K=..] [T=..]  the same with every host CPU kept busy
#   make check-debug [T=..]   the suite under the debug kernel (KASAN, lockdep,
#                         UBSAN, kmemleak, ...); K=debug works for shell too
#   make debug-kernel     build the debug kernel into the cache
#   make shell [K=6.12]   an interactive shell in a VM with primedisp loaded
#   make lint             checkpatch --strict, and W=1 + sparse builds for every series
#   make docs             the Sphinx book in build/docs/html (warnings are errors)
#   make bench            benchmarks in a 6.12 VM against vkms, vgem, memcpy -> BENCHMARKS.md
#   make kernels          download Debian's kernels of every series into the cache
#   make igt [K=..] [T=..] [IGT_LIST=full|ci]  upstream IGT against primedisp
#                         (igt-tests/upstream/: test list and expectations)
#   make fuzz [K=..] [SEEDS=..] [OPS=..]  the ioctl fuzzer alone, a million
#                         operations by default, on the newest series

KDIR ?= /lib/modules/$(shell uname -r)/build
K ?= 6.12
export T

# The supported kernel series: scripts/kernels.conf is the one list.
PD_SERIES := $(shell . scripts/kernels.conf; echo $$PD_SERIES)
PD_SMOKE_SERIES := $(shell . scripts/kernels.conf; echo $$PD_SMOKE_SERIES)

.PHONY: all modules install clean kernels tests check check-loaded check-debug debug-kernel demo shell lint docs bench igt fuzz

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) || true

kernels:
	scripts/install-deps.sh
	scripts/fetch-kernels.sh $(PD_SERIES)
	for k in $(PD_SMOKE_SERIES); do scripts/fetch-kernels.sh $$k || [ $$? = 3 ] || exit 1; done

tests:
	$(MAKE) -C igt-tests

# `make check` tests the first-class series unless K is given on the command line.
check:
	K="$(if $(filter command line,$(origin K)),$(K),$(PD_SERIES))" scripts/check.sh

# The same run on a busy host: a busy loop per CPU for the whole run.
check-loaded:
	K="$(if $(filter command line,$(origin K)),$(K),$(PD_SERIES))" scripts/check-loaded.sh

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
	for k in $(PD_SERIES) $(PD_SMOKE_SERIES); do \
		scripts/fetch-kernels.sh $$k >/dev/null 2>&1 || [ $$? != 3 ] || continue; \
		scripts/build-module.sh $$k C=2 CHECK=sparse >/dev/null || exit 1; \
	done

docs:
	scripts/docs-build.sh

bench:
	scripts/bench.sh

# Upstream IGT's generic tests, built from IGT_SRC (scripts/igt-build.sh),
# in one VM per kernel of K.
IGT_LIST ?= full
igt:
	scripts/install-deps.sh
	rc=0; for k in $(K); do \
		scripts/fetch-kernels.sh $$k >/dev/null && \
		scripts/igt-run.sh -k $$k -l $(IGT_LIST) $(if $(T),-T '$(T)') || rc=1; \
	done; exit $$rc

# The ioctl fuzzer (userspace/pd-fuzz through scripts/guest-fuzz.sh) alone:
# OPS operations per seed in 3 processes, one of them unprivileged, on the
# newest first-class series unless K is given.
OPS ?= 1000000
SEEDS ?= 1
fuzz:
	K="$(if $(filter command line,$(origin K)),$(K),$(lastword $(PD_SERIES)))" \
	T=fuzz IGT=0 DEMO_K= FUZZ_SEEDS="$(SEEDS)" FUZZ_OPS=$(OPS) \
	FUZZ_LIMIT=$${FUZZ_LIMIT:-14400} VM_TIMEOUT=$${VM_TIMEOUT:-28800} scripts/check.sh

clean:
	rm -rf build
	$(MAKE) -C igt-tests clean 2>/dev/null || true
	$(MAKE) -C bench clean 2>/dev/null || true
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order drm/*.o drm/.*.cmd
