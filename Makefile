# xdpload: see README.md. `make demo` and `make check` set up everything.
#
# Conventions (so adding a file needs no Makefile edit):
#   lib/*.c lib/*/*.c -> build/libxdpload.a (the core, then one folder per layer)
#   loader/*.c       -> build/xdpload (linked with libxdpload.a)
#   progs/NAME.bpf.c -> build/progs/NAME.o, embedded in xdpload as builtin NAME;
#                       its description is the text after "xdpload-desc:" in the source
#   tests/unit/test_*.c -> build/tests/test_* (cmocka), run by `make check`
#   tests/unit/support/*.c -> build/tests/support/libsupport.a, the unit tests' shared
#                       helpers, linked into every unit test
#   tests/*.bats     -> run by `make check`
#   tests/bench/test_*.py -> bench/'s analysis and report (unittest), run by `make check`
#   build/xdpload.bash  the bash completion, generated from the command tables
#   tests/fuzz/fuzz_NAME.c -> build-fuzz/fuzz/fuzz_NAME (libFuzzer), run by `make check-fuzz`
#                       and for a few seconds each by `make check` (tests/fuzz/README.md)

-include config.mk

BUILD    := build
SHELL    := /bin/bash
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
CLANG    ?= clang
BPF_ARCH_INC ?= /usr/include/$(shell uname -m)-linux-gnu

VERSION  := 0.1.0
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CPPFLAGS += -Ilib -Iheaders -I$(BUILD) -D_GNU_SOURCE -DXDPLOAD_VERSION='"$(VERSION)"' $(DEP_CFLAGS)
LDLIBS   += $(or $(DEP_LIBS),-lxdp -lbpf -lelf -lz -ljson-c -lpcap -lyaml)
BPF_CFLAGS := -O2 -g -Wall -Werror -fno-builtin-abort -target bpf -Iheaders -I$(BPF_ARCH_INC)

LIB_SRCS    := $(wildcard lib/*.c lib/*/*.c)
LIB_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LOADER_SRCS))
PROG_SRCS   := $(wildcard progs/*.bpf.c)
PROG_NAMES  := $(patsubst progs/%.bpf.c,%,$(PROG_SRCS))
PROG_OBJS   := $(patsubst %,$(BUILD)/progs/%.o,$(PROG_NAMES))
# progs/internal/NAME.bpf.c: BPF code xdpload links into its own programs (the
# tracer of the traced dispatcher), embedded as xdpl_blob_internal_NAME, never a builtin
INTERNAL_SRCS  := $(wildcard progs/internal/*.bpf.c)
INTERNAL_NAMES := $(patsubst progs/internal/%.bpf.c,%,$(INTERNAL_SRCS))
INTERNAL_OBJS  := $(patsubst %,$(BUILD)/progs/internal/%.o,$(INTERNAL_NAMES))
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
UNIT_SUPPORT_SRCS := $(wildcard tests/unit/support/*.c)
UNIT_SUPPORT_OBJS := $(patsubst tests/unit/support/%.c,$(BUILD)/tests/support/%.o,$(UNIT_SUPPORT_SRCS))
UNIT_SUPPORT_HDRS := $(wildcard tests/unit/support/*.h)
UNIT_SUPPORT := $(BUILD)/tests/support/libsupport.a
HEADERS     := $(wildcard lib/*.h lib/*/*.h headers/xdpload/*.h loader/*.h)

XDPLOAD  := $(BUILD)/xdpload
# generated from the command tables by the binary itself (loader/completion.c)
COMPLETION := $(BUILD)/xdpload.bash

.PHONY: all deps test-deps contrib-deps check-contrib check check-unit check-bench-analysis check-bats check-faults check-vm check-vm-if-possible demo bench install uninstall clean distclean format
.PHONY: check-asan check-fuzz check-malformed fuzz-build fuzz-bins asan-build asan-bins check-xdp-tools

all: $(XDPLOAD) $(PROG_OBJS) $(COMPLETION)

# check and demo install what is missing; a plain build only says what is.
config.mk: configure
	./configure $(if $(filter check demo deps test-deps,$(MAKECMDGOALS)),--install-deps --with-tests)

deps:
	./configure --install-deps

test-deps:
	./configure --install-deps --with-tests

$(BUILD)/progs/%.o: progs/%.bpf.c $(wildcard headers/xdpload/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The bundled programs are linked into the binary: one .incbin each plus a
# table generated from the sources' "xdpload-desc:" lines.
$(BUILD)/progs/internal/%.o: progs/internal/%.bpf.c $(wildcard headers/xdpload/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/builtin_objs.S: $(PROG_OBJS) $(INTERNAL_OBJS) Makefile
	@mkdir -p $(dir $@)
	@{ echo '	.section .rodata'; \
	  for p in $(PROG_NAMES); do \
	    echo "	.balign 8"; \
	    echo "	.global xdpl_blob_$${p}_start, xdpl_blob_$${p}_end"; \
	    echo "xdpl_blob_$${p}_start:"; \
	    echo "	.incbin \"$(BUILD)/progs/$${p}.o\""; \
	    echo "xdpl_blob_$${p}_end:"; \
	  done; \
	  for p in $(INTERNAL_NAMES); do \
	    echo "	.balign 8"; \
	    echo "	.global xdpl_blob_internal_$${p}_start, xdpl_blob_internal_$${p}_end"; \
	    echo "xdpl_blob_internal_$${p}_start:"; \
	    echo "	.incbin \"$(BUILD)/progs/internal/$${p}.o\""; \
	    echo "xdpl_blob_internal_$${p}_end:"; \
	  done; \
	  echo '	.section .note.GNU-stack,"",@progbits'; } > $@

# A bundled program with options (xdpload load IFACE NAME --OPT VALUE) declares them
# in lib/progs/NAME.c as NAME_builtin_options[], set by NAME_builtin_configure().
BUILTIN_OPT_PROGS = $(strip $(foreach p,$(PROG_NAMES),$(if $(shell grep -ls '^const struct builtin_opt $(p)_builtin_options\[\]' lib/progs/$(p).c),$(p))))

$(BUILD)/builtin_table.c: $(PROG_SRCS) $(wildcard lib/progs/*.c) Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated by the Makefile from progs/NAME.bpf.c */'; \
	  echo '#include "builtin.h"'; \
	  for p in $(BUILTIN_OPT_PROGS); do echo "#include \"progs/$$p.h\""; done; \
	  for p in $(PROG_NAMES); do \
	    echo "extern const char xdpl_blob_$${p}_start[], xdpl_blob_$${p}_end[];"; \
	  done; \
	  echo 'const struct builtin_prog builtin_progs[] = {'; \
	  for p in $(PROG_NAMES); do \
	    d=$$(sed -n 's|.*xdpload-desc: *\(.*[^ ]\) *\*/.*|\1|p' progs/$$p.bpf.c | head -n 1); \
	    o=""; \
	    case " $(BUILTIN_OPT_PROGS) " in *" $$p "*) \
	      o=" .opts = $${p}_builtin_options, .configure = $${p}_builtin_configure,";; esac; \
	    echo "	{ .name = \"$$p\", .description = \"$$d\", .start = xdpl_blob_$${p}_start, .end = xdpl_blob_$${p}_end,$$o },"; \
	  done; \
	  echo '	{ .name = NULL },'; echo '};'; } > $@

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/builtin_table.o: $(BUILD)/builtin_table.c $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/builtin_objs.o: $(BUILD)/builtin_objs.S
	$(CC) -c $< -o $@

$(BUILD)/libxdpload.a: $(LIB_OBJS) $(BUILD)/builtin_table.o $(BUILD)/builtin_objs.o
	rm -f $@
	$(AR) rcs $@ $^

$(XDPLOAD): $(LOADER_OBJS) $(BUILD)/libxdpload.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(LOADER_OBJS) $(BUILD)/libxdpload.a $(LDLIBS)

# The command line's number parser is the loader's; its test links it alone.
$(BUILD)/tests/test_number: tests/unit/test_number.c $(BUILD)/loader/number.o $(UNIT_SUPPORT) \
		$(HEADERS) $(UNIT_SUPPORT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iloader $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/loader/number.o $(UNIT_SUPPORT) \
		-lcmocka

$(COMPLETION): $(XDPLOAD)
	$(XDPLOAD) help --completion >$@.tmp && mv $@.tmp $@

# The unit tests' shared helpers (tests/unit/support/NAME.{c,h}), one archive: a test
# takes the modules it uses.
$(BUILD)/tests/support/%.o: tests/unit/support/%.c $(UNIT_SUPPORT_HDRS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(UNIT_SUPPORT): $(UNIT_SUPPORT_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_SUPPORT) $(BUILD)/libxdpload.a $(HEADERS) $(UNIT_SUPPORT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(UNIT_SUPPORT) $(BUILD)/libxdpload.a $(LDLIBS) \
		-lcmocka

# Test programs that are not bundled (tests/progs/*.bpf.c) for the bats suites.
TEST_PROG_SRCS := $(wildcard tests/progs/*.bpf.c)
TEST_PROG_OBJS := $(patsubst tests/progs/%.bpf.c,$(BUILD)/tests/progs/%.o,$(TEST_PROG_SRCS))
$(BUILD)/tests/progs/%.o: tests/progs/%.bpf.c $(wildcard headers/xdpload/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Every suite writes TAP under build/results/; the last line of `make check` tallies them.
RESULTS := $(BUILD)/results

check: test-deps
	$(MAKE) all
	@rm -rf $(RESULTS)
	@status=0; \
	$(MAKE) check-unit || status=1; \
	$(MAKE) check-bench-analysis || status=1; \
	$(MAKE) check-bats || status=1; \
	$(MAKE) check-vm-if-possible || status=1; \
	$(MAKE) check-fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) || status=1; \
	tests/tally $(RESULTS)/*.tap || status=1; \
	exit $$status

check-unit: $(UNIT_BINS) $(TEST_PROG_OBJS)
	@mkdir -p $(RESULTS)
	@set -o pipefail; status=0; for t in $(UNIT_BINS); do \
	  echo "== $$t"; CMOCKA_MESSAGE_OUTPUT=TAP $$t | tee $(RESULTS)/unit-$$(basename $$t).tap || status=1; \
	done; exit $$status

# bench/'s analysis and report, from synthetic raw data: no root, no measurement
check-bench-analysis:
	@mkdir -p $(RESULTS)
	@set -o pipefail; python3 -B tests/bench/tap.py | tee $(RESULTS)/bench-analysis.tap

check-bats: all $(TEST_PROG_OBJS)
	@mkdir -p $(RESULTS)
	@set -o pipefail; bats --tap tests/ | tee $(RESULTS)/bats.tap

# The long crash, race and leak soaks (make check runs their bounded forms).
check-faults: all $(TEST_PROG_OBJS)
	@mkdir -p $(RESULTS)
	@set -o pipefail; tests/faults/soak --tap $(RESULTS)/faults-soak.tap

# Packaging and deployment (contrib/check-contrib): the Debian package and lintian,
# the Ansible role on lab namespaces, the boot units installed, the Kubernetes
# manifests offline. Long, and it installs the package for a while: not in `check`.
CONTRIB_DEPS := build-essential debhelper devscripts fakeroot lintian ansible-core python3-apt \
	yamllint python3-yaml systemd jq
contrib-deps:
	@missing=; for p in $(CONTRIB_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; if [ -n "$$missing" ]; then echo "check-contrib: apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi

check-contrib: contrib-deps all
	@mkdir -p $(RESULTS)
	contrib/check-contrib --tap $(RESULTS)/contrib.tap

# xdp-tools' own suites against xdpload, from a checkout the developer brought:
#   make check-xdp-tools XDP_TOOLS_SRC=DIR [XDP_TOOLS_SUITES="loader filter"]
XDP_TOOLS_SUITES ?= loader
check-xdp-tools: all
	@test -n "$(XDP_TOOLS_SRC)" || { echo "check-xdp-tools: set XDP_TOOLS_SRC to an xdp-tools checkout"; exit 2; }
	tests/external/xdp-tools-suites $(XDP_TOOLS_SRC) $(XDP_TOOLS_SUITES)

check-vm: all $(TEST_PROG_OBJS) $(BUILD)/tests/test_count
	tests/vm/check-vm

check-vm-if-possible: all $(TEST_PROG_OBJS) $(BUILD)/tests/test_count
	@mkdir -p $(RESULTS)
	@if [ -x tests/vm/check-vm ]; then tests/vm/check-vm --if-possible --tap $(RESULTS)/vm.tap; \
	else echo "check-vm: skipped (no VM lab in this tree)"; fi

# ---- sanitizers and fuzzing: separate build directories, the normal build is untouched ----
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_BUILD := build-asan
FUZZ_BUILD := build-fuzz
FUZZ_SECONDS ?= 30
CHECK_FUZZ_SECONDS ?= 10
MALFORMED_COUNT ?= 2400
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

# With BUILD=$(FUZZ_BUILD) and the fuzz CFLAGS, as fuzz-build calls it.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/common.c tests/fuzz/fuzz.h $(BUILD)/libxdpload.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $(WARN) -fsanitize=fuzzer -o $@ $< \
		tests/fuzz/common.c $(BUILD)/libxdpload.a $(LDLIBS)
fuzz-bins: $(FUZZ_BINS)
asan-bins: $(XDPLOAD) $(UNIT_BINS)

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(CLANG) \
		CFLAGS="-O1 -g $(SAN_FLAGS) -fsanitize=fuzzer-no-link" fuzz-bins
asan-build:
	$(MAKE) BUILD=$(ASAN_BUILD) CC=$(CLANG) CFLAGS="-O1 -g $(SAN_FLAGS)" asan-bins

# Every harness for FUZZ_SECONDS, seeded from this repo's objects; TAP in $(RESULTS)/fuzz.tap.
check-fuzz: fuzz-build $(PROG_OBJS) $(TEST_PROG_OBJS)
	@mkdir -p $(RESULTS)
	tests/fuzz/run --seconds $(FUZZ_SECONDS) --tap $(RESULTS)/fuzz.tap --work $(FUZZ_BUILD)/runs \
		$(patsubst $(BUILD)/%,$(FUZZ_BUILD)/%,$(FUZZ_BINS)) -- $(PROG_OBJS) $(TEST_PROG_OBJS)

# The unit tests and every bats suite against an ASan+UBSan xdpload (tests/asan/run).
check-asan: asan-build all $(TEST_PROG_OBJS)
	tests/asan/run $(ASAN_BUILD)

# tests/malformed.bats with MALFORMED_COUNT (2,400) damaged objects instead of 200.
check-malformed: all $(TEST_PROG_OBJS)
	@mkdir -p $(RESULTS)
	@set -o pipefail; MALFORMED_COUNT=$(MALFORMED_COUNT) MALFORMED_REPORT=$(RESULTS)/malformed.txt \
		bats --tap tests/malformed.bats | tee $(RESULTS)/malformed.tap

demo: deps
	$(MAKE) all
	tests/demo.sh

# Benchmark helpers (bench/*.c, bench/bpf/*.bpf.c) build into build/bench/.
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
BENCH_BPF  := $(patsubst bench/bpf/%.bpf.c,$(BUILD)/bench/bpf/%.o,$(wildcard bench/bpf/*.bpf.c))
$(BUILD)/bench/%: bench/%.c $(wildcard bench/*.h) $(BUILD)/libxdpload.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libxdpload.a $(LDLIBS)
$(BUILD)/bench/bpf/%.o: bench/bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -mcpu=v3 -c $< -o $@

bench: all $(BENCH_BINS) $(BENCH_BPF)
	@if [ -x bench/run ]; then bench/run; else echo "bench: no benchmarks in this tree yet"; exit 1; fi

# The boot units (systemd/*.in) name the installed binary.
SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS := $(patsubst systemd/%.in,$(BUILD)/systemd/%,$(wildcard systemd/*.in))
$(BUILD)/systemd/%: systemd/%.in Makefile
	@mkdir -p $(dir $@)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $< >$@

install: all $(UNITS)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/bpf/xdpload $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(SYSTEMD_UNITDIR) $(DESTDIR)/etc/xdpload
	install -m 0755 $(XDPLOAD) $(DESTDIR)$(PREFIX)/sbin/xdpload
	install -m 0644 $(PROG_OBJS) $(DESTDIR)$(PREFIX)/lib/bpf/xdpload/
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(COMPLETION) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdpload
	install -m 0644 $(UNITS) $(DESTDIR)$(SYSTEMD_UNITDIR)/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/xdpload
	rm -rf $(DESTDIR)$(PREFIX)/lib/bpf/xdpload
	rm -f $(patsubst man/%,$(DESTDIR)$(PREFIX)/share/man/man8/%,$(wildcard man/*.8))
	rm -f $(patsubst man/%,$(DESTDIR)$(PREFIX)/share/man/man5/%,$(wildcard man/*.5))
	rm -f $(patsubst $(BUILD)/systemd/%,$(DESTDIR)$(SYSTEMD_UNITDIR)/%,$(UNITS))
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdpload

format:
	clang-format -i lib/*.[ch] lib/*/*.[ch] loader/*.[ch] progs/*.c headers/xdpload/*.h tests/unit/*.c \
		tests/unit/support/*.[ch] tests/fuzz/*.[ch]

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

distclean: clean
	rm -f config.mk
