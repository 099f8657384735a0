# mmvisor: a KVM VMM (./vmm) and the 32-bit guest kernel it boots (guest/guest.elf).
#
#   make run    build everything and run the demo guest
#   make test   build with ASan/UBSan and run every Criterion test
#   make bench  run the benchmarks and print ratio tables
#
# `run` and `test` install missing Debian packages through `deps` first.

V ?= 0
Q := $(if $(filter 1,$(V)),,@)
MM_DEBUG ?= 1

DEB_PACKAGES := gcc binutils make libelf-dev libcriterion-dev pkg-config qemu-system-x86 libseccomp-dev \
                libedit-dev libjansson-dev
FUZZ_PACKAGES := clang libclang-rt-14-dev
BENCH_PACKAGES := valgrind libjemalloc-dev libmimalloc-dev

BUILD := build

# ---------------------------------------------------------------- host (vmm)
HOST_CC      := gcc
ELF_CFLAGS   := $(shell pkg-config --cflags libelf 2>/dev/null)
ELF_LIBS     := $(or $(shell pkg-config --libs libelf 2>/dev/null),-lelf)
JSON_CFLAGS  := $(shell pkg-config --cflags jansson 2>/dev/null)
JSON_LIBS    := $(or $(shell pkg-config --libs jansson 2>/dev/null),-ljansson)
HOST_WARN    := -Wall -Wextra -Werror
HOST_CFLAGS  := -std=gnu11 -g -O2 $(HOST_WARN) -Ishared -Ihost -Ihost/inspect $(ELF_CFLAGS) \
                $(JSON_CFLAGS) -D_GNU_SOURCE -DMM_DEBUG=$(MM_DEBUG)
SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_LIBS    := $(ELF_LIBS) $(JSON_LIBS) -lseccomp -ledit -lpthread -lm

VMM_SRCS     := $(wildcard host/*.c host/*.S host/inspect/*.c)
VMM_LIB_SRCS := $(filter-out host/main.c,$(VMM_SRCS))
VMM_OBJS     := $(patsubst %,$(BUILD)/host/%.o,$(basename $(VMM_SRCS)))
VMM_ASAN_OBJS := $(patsubst %,$(BUILD)/asan/%.o,$(basename $(VMM_SRCS)))
VMM_ASAN_LIB_OBJS := $(patsubst %,$(BUILD)/asan/%.o,$(basename $(VMM_LIB_SRCS)))

# ---------------------------------------------------------------- guest
GUEST_CC     := gcc
GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fno-builtin -mgeneral-regs-only -fno-omit-frame-pointer \
                -fno-asynchronous-unwind-tables -fno-strict-aliasing \
                $(HOST_WARN) -Ishared -Iguest/include -DMM_DEBUG=$(MM_DEBUG) -D__GUEST__
GUEST_LDFLAGS := -m elf_i386 -T guest/guest.ld -nostdlib --no-warn-rwx-segments
GUEST_SRCS   := $(wildcard guest/arch/*.S guest/arch/*.c guest/kernel/*.c guest/lib/*.c guest/mm/*.c \
                guest/mm/tests/*.c)
GUEST_OBJS   := $(patsubst %,$(BUILD)/guest/%.o,$(basename $(GUEST_SRCS)))
GUEST_ELF    := guest/guest.elf

# ---------------------------------------------------------------- user programs
# Each guest/user/NAME.c is one flat binary linked at USER_TEXT_BASE by
# guest/user/user.ld; user_programs.S (generated) builds them into the
# kernel image with their names (guest/kernel/exec.c loads them).
USER_SRCS    := $(wildcard guest/user/*.c)
USER_NAMES   := $(USER_SRCS:guest/user/%.c=%)
USER_BINS    := $(USER_NAMES:%=$(BUILD)/user/%.bin)
USER_CFLAGS  := -m32 -march=i686 -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
                -fno-builtin -fno-tree-loop-distribute-patterns -mgeneral-regs-only -fno-omit-frame-pointer \
                -fno-asynchronous-unwind-tables $(HOST_WARN) -Iguest/include -Iguest/user
USER_PROGRAMS_OBJ := $(BUILD)/guest/user_programs.o
GUEST_OBJS   += $(USER_PROGRAMS_OBJ)

# ---------------------------------------------------------------- fuzzing
# libFuzzer harnesses (fuzz/*.c) over the vmm library, built with clang under
# ASan and UBSan (scripts/fuzz.sh runs them).
FUZZ_CC      := clang
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(HOST_WARN) -Ishared -Ihost -Ihost/inspect -Itests $(ELF_CFLAGS) \
                $(JSON_CFLAGS) -D_GNU_SOURCE -DMM_DEBUG=$(MM_DEBUG) $(SAN_FLAGS)
FUZZ_NAMES   := elf hypercall inspect cli
FUZZ_BINS    := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJS := $(patsubst %,$(BUILD)/fuzzobj/%.o,$(basename $(VMM_LIB_SRCS)))
SECONDS      ?= 60
FUZZ_TEST_SECONDS ?= 10

# ---------------------------------------------------------------- tests
# Host builds of guest mm code (docs/design.md §3.3: the one place outside
# shared/ where the wings meet).
# guest/mm/host/*.c are thin host shims (printk, panic, arenas) that also
# #include the guest mm sources they test.  Only tests/mm_*.c link them.
MM_HOST_SRCS := $(wildcard guest/mm/host/*.c)
MM_HOST_CFLAGS := -std=gnu11 -g -O2 $(HOST_WARN) -Ishared -Iguest/include -DMM_DEBUG=$(MM_DEBUG) \
                -D_GNU_SOURCE -DHOST_BUILD
MM_HOST_OBJS := $(MM_HOST_SRCS:%.c=$(BUILD)/mmhost/%.o)
MM_HOST_ASAN_OBJS := $(MM_HOST_SRCS:%.c=$(BUILD)/mmhost-asan/%.o)
TEST_SRCS    := $(wildcard tests/*.c)
TEST_BINS    := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_CFLAGS  := $(HOST_CFLAGS) $(SAN_FLAGS) -Itests -DVMM_BIN=\"$(abspath $(BUILD)/asan/vmm)\" \
                -DGUEST_ELF=\"$(abspath $(GUEST_ELF))\" -DSRC_ROOT=\"$(abspath .)\"

.PHONY: all deps run test bench fuzz clean
all: vmm $(GUEST_ELF)

# Install what is missing (Debian packages only).  Fast no-op when present.
deps:
	@missing=""; for p in $(DEB_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: run as root, or install:$$missing" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; }; \
	fi

vmm: $(VMM_OBJS)
	$(Q)$(HOST_CC) -o $@ $^ $(HOST_LIBS)

$(BUILD)/asan/vmm: $(VMM_ASAN_OBJS)
	$(Q)$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# The test build: sanitizers, and the hooks tests use (VMM_TEST_HOOKS).
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DVMM_TEST_HOOKS -MMD -MP -c $< -o $@

# The TCG reset vector and boot stub: data for the VMM to copy, not host code.
# Two rules: one pattern rule with two targets would be one recipe making
# both, and a make that needs both would build only one.
$(BUILD)/host/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/user/%.o: guest/user/%.c $(wildcard guest/user/*.h) guest/include/unistd_32.h guest/include/mman.h
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/%.bin: $(BUILD)/user/%.o guest/user/user.ld
	$(Q)ld -m elf_i386 -T guest/user/user.ld -nostdlib --no-warn-rwx-segments -o $(@:.bin=.elf) $<
	$(Q)objcopy -O binary $(@:.bin=.elf) $@

# The table user_programs[] (guest/include/exec.h): name, image, size.
$(BUILD)/guest/user_programs.S: $(USER_BINS) Makefile
	@mkdir -p $(dir $@)
	$(Q){ echo '/* Generated by the Makefile from guest/user/*.c. */'; \
	  echo '	.section .rodata.user_images, "a"'; \
	  for n in $(USER_NAMES); do \
	    echo "	.balign 16"; echo "img_$$n: .incbin \"$(BUILD)/user/$$n.bin\""; echo "img_$${n}_end:"; \
	  done; \
	  echo '	.section .rodata.user_names, "a"'; \
	  for n in $(USER_NAMES); do echo "name_$$n: .asciz \"$$n\""; done; \
	  echo '	.section .rodata.user_programs, "a"'; echo '	.balign 4'; \
	  echo '	.globl user_programs'; echo 'user_programs:'; \
	  for n in $(USER_NAMES); do echo "	.long name_$$n, img_$$n, img_$${n}_end - img_$$n"; done; \
	  echo '	.globl nr_user_programs'; echo "nr_user_programs: .long $(words $(USER_NAMES))"; \
	  echo '	.section .note.GNU-stack, "", @progbits'; } > $@

.SECONDARY: $(USER_BINS:.bin=.o)

$(USER_PROGRAMS_OBJ): $(BUILD)/guest/user_programs.S $(USER_BINS)
	$(Q)$(GUEST_CC) -m32 -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) guest/guest.ld
	$(Q)ld $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

$(BUILD)/mmhost/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/mmhost-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

# Each tests/X.c is its own Criterion binary under ASan and UBSan, linked
# with the vmm library objects; tests/mm_*.c link the host mm build instead.
# Static pattern rules: with two implicit rules make would pick by which
# objects already exist, and a clean tree would pick the wrong one.
MM_TEST_BINS := $(filter $(BUILD)/tests/mm_%,$(TEST_BINS))
VMM_TEST_BINS := $(filter-out $(MM_TEST_BINS),$(TEST_BINS))

$(MM_TEST_BINS): $(BUILD)/tests/%: tests/%.c $(MM_HOST_ASAN_OBJS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) $(SAN_FLAGS) -Itests -Iguest/mm/host -o $@ $< $(MM_HOST_ASAN_OBJS) -lcriterion -lm

$(VMM_TEST_BINS): $(BUILD)/tests/%: tests/%.c $(VMM_ASAN_LIB_OBJS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(TEST_CFLAGS) -o $@ $< $(VMM_ASAN_LIB_OBJS) -lcriterion $(HOST_LIBS)

run: deps all
	./vmm -m 128M -c "highmem=32M" $(GUEST_ELF)

# CRITERION_OPTS, e.g. --verbose or --filter='boot/*'.  Integration tests
# (tests/integ_*.c) run once per accelerator: TCG always, KVM where
# /dev/kvm works (elsewhere each KVM test reports itself skipped, with the
# reason: that pass is --verbose so the skips show).
# TEST_ACCELS=tcg runs only the TCG pass.
TEST_ACCELS ?= tcg kvm
test: deps
	$(Q)$(MAKE) --no-print-directory EXTRA_PACKAGES="$(FUZZ_PACKAGES)" deps
	$(Q)$(MAKE) --no-print-directory vmm $(BUILD)/asan/vmm $(GUEST_ELF) $(TEST_BINS) $(FUZZ_BINS)
	$(Q)set -e; fail=0; for t in $(TEST_BINS); do \
	  case $$t in */integ_*) accels="$(TEST_ACCELS)";; *) accels=none;; esac; \
	  for a in $$accels; do \
	    echo "== $$t $${a#none}"; \
	    verbose=; [ $$a = kvm ] && verbose=--verbose; \
	    VMM_ACCEL=$${a#none} LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	      $$t --jobs 2 $$verbose $(CRITERION_OPTS) || fail=1; \
	  done; \
	done; \
	echo "== fuzz: corpus and past crashes replayed, then $(FUZZ_TEST_SECONDS) s per harness"; \
	scripts/fuzz.sh $(FUZZ_TEST_SECONDS) $(FUZZ_NAMES) || fail=1; \
	exit $$fail

# The fuzz harnesses: the library objects once more, by clang, with
# libFuzzer's coverage; the TCG boot code is data and needs none.
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzzobj/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BINS): $(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_LIB_OBJS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) $(HOST_LIBS)

# make fuzz SECONDS=N: every harness for N seconds, after replaying what
# fuzz/corpus and fuzz/crashes keep.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory EXTRA_PACKAGES="$(FUZZ_PACKAGES)" deps
	$(Q)$(MAKE) --no-print-directory vmm $(FUZZ_BINS) $(GUEST_ELF)
	$(Q)scripts/fuzz.sh $(SECONDS) $(FUZZ_NAMES)

# The host-built buddy core, optimised and without sanitizers, for timing.
$(BUILD)/bench/buddy_host: scripts/bench_buddy_host.c scripts/bench_host.h $(MM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) -Iguest/mm/host -o $@ $< $(MM_HOST_OBJS) -lm

# The host-built slab core and kmalloc against glibc, jemalloc and mimalloc:
# one source, one binary per allocator (scripts/bench_slab_host.c).
SLAB_BENCH_BINS := $(BUILD)/bench/slab_host $(BUILD)/bench/slab_host_jemalloc \
                   $(BUILD)/bench/slab_host_mimalloc
$(BUILD)/bench/slab_host: scripts/bench_slab_host.c scripts/bench_host.h $(MM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) -Iguest/mm/host -o $@ $< $(MM_HOST_OBJS) -lm

$(BUILD)/bench/slab_host_jemalloc: scripts/bench_slab_host.c scripts/bench_host.h $(MM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) -DPEER_JEMALLOC -Iguest/mm/host -o $@ $< $(MM_HOST_OBJS) -lm -ljemalloc

$(BUILD)/bench/slab_host_mimalloc: scripts/bench_slab_host.c scripts/bench_host.h $(MM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(MM_HOST_CFLAGS) -DPEER_MIMALLOC -Iguest/mm/host -o $@ $< $(MM_HOST_OBJS) -lm -lmimalloc

# The host kernel's anonymous fault, the peer of bench:vm (scripts/bench_host_fault.c).
$(BUILD)/bench/host_fault: scripts/bench_host_fault.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O2 $(HOST_WARN) -o $@ $<

# The TCG floor: bare QEMU, the VMM's machine options, booting a ROM that
# exits at once (scripts/bench.sh).
$(BUILD)/bench/tcg_floor.bin: scripts/tcg_floor_rom.S host/tcg_boot.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -m32 -c -Ihost -Ishared $< -o $(@:.bin=.o) && objcopy -O binary -j .rom $(@:.bin=.o) $@

$(BUILD)/bench/qemu_machine: scripts/qemu_machine.c host/qemu_proc.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

bench: deps
	$(Q)$(MAKE) --no-print-directory EXTRA_PACKAGES="$(BENCH_PACKAGES)" deps all $(BUILD)/bench/buddy_host \
	  $(SLAB_BENCH_BINS) $(BUILD)/bench/tcg_floor.bin $(BUILD)/bench/qemu_machine $(BUILD)/bench/host_fault
	$(Q)scripts/bench.sh

clean:
	rm -rf $(BUILD) vmm $(GUEST_ELF)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
