# symtrend - build, test, demo, benchmark.  See README.md.
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS     = sqlite3 gsl libutf8proc libzip expat xlsxwriter pangocairo cairo-pdf librsvg-2.0 jansson
# -Werror is for developers (make check, which CI runs): a
# user's newer compiler may warn about code that is not wrong, and a plain
# 'make' or 'make demo' must still build.
WERROR  ?=
WARN     = -Wall -Wextra $(WERROR) -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CPPFLAGS) $(CFLAGS)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lgsl -lgslcblas -lutf8proc -lzip -lexpat -lxlsxwriter -lpangocairo-1.0 -lpango-1.0 -lcairo -lrsvg-2 -lgobject-2.0 -lglib-2.0 -ljansson) -lcsv -lm -pthread
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60

# One source list: every src/*.c.  The commands (main.c and cmd_*.c) make
# the program; the rest is the library the unit tests link as well.
CMD_SRC  = src/main.c $(sort $(wildcard src/cmd_*.c))
LIB_SRC  = $(filter-out $(CMD_SRC),$(sort $(wildcard src/*.c)))

HDRS     = $(wildcard include/*.h) $(wildcard src/*.h)
UNIT     = $(patsubst tests/unit/test_%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
# Header dependencies: each compile writes a .d file next to its output
# (-MMD: the project's headers it included; -MP: an empty rule for each, so
# a removed header does not stop make).
DEPFLAGS = -MMD -MP
B        = build
BA       = build-asan

.PHONY: deb deb-for-check all deps deps-test demo check check-werror unit e2e bench install clean lint fuzz fixtures sample-data valgrind

all: symtrend

deps:
	@sh scripts/install-deps.sh
deps-test:
	@sh scripts/install-deps.sh test
	@sh tests/fhir/setup.sh

$(B)/%.o: src/%.c $(B)/.cflags
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(BA)/%.o: src/%.c $(BA)/.cflags
	$(CC) $(ALL_CFLAGS) $(SAN) $(DEPFLAGS) -c -o $@ $<
$(B) $(BA):
	mkdir -p $@
# The flags an object was built with: a change (such as -Werror for
# make check, or -MMD for the header dependencies) rebuilds every object.
$(B)/.cflags $(BA)/.cflags: FORCE | $(B) $(BA)
	@echo '$(CC) $(ALL_CFLAGS) $(DEPFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(DEPFLAGS)' >$@
FORCE:

symtrend: $(LIB_SRC:src/%.c=$(B)/%.o) $(CMD_SRC:src/%.c=$(B)/%.o)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BA)/symtrend: $(LIB_SRC:src/%.c=$(BA)/%.o) $(CMD_SRC:src/%.c=$(BA)/%.o)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

$(B)/test_%: tests/unit/test_%.c $(LIB_SRC:src/%.c=$(B)/%.o) $(B)/.cflags
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ -o $@ $< $(LIB_SRC:src/%.c=$(B)/%.o) $(LIBS) -lcmocka
$(BA)/test_%: tests/unit/test_%.c $(LIB_SRC:src/%.c=$(BA)/%.o) $(BA)/.cflags
	$(CC) $(ALL_CFLAGS) $(SAN) $(DEPFLAGS) -MF $@.d -MT $@ -o $@ $< $(LIB_SRC:src/%.c=$(BA)/%.o) $(LIBS) -lcmocka

-include $(wildcard $(B)/*.d $(BA)/*.d)

$(B)/gen: tests/gen.c | $(B)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lm

# Regenerates sample-data/ with the deterministic generator.
sample-data: $(B)/gen
	$(B)/gen --clinic sample-data

demo: deps symtrend
	@sh scripts/demo.sh

# Developers' build: warnings are errors.
check:
	@$(MAKE) --no-print-directory WERROR=-Werror check-werror
check-werror: deps deps-test deb-for-check symtrend $(BA)/symtrend $(UNIT:%=$(B)/test_%) $(UNIT:%=$(BA)/test_%) $(B)/gen $(B)/fault.so
	@sh tests/run.sh

bench: deps symtrend $(B)/gen
	@sh scripts/install-deps.sh bench
	@sh bench/run.sh

# R fixtures: needs r-base-core, r-cran-survival, r-cran-lme4 (not for make check).
fixtures: $(B)/gen
	@sh scripts/install-deps.sh r
	@sh tests/fixtures/make-fixtures.sh

# Static checks (configuration: .clang-tidy); part of make check.
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --inline-suppr --std=c11 -Iinclude --suppress=missingIncludeSystem src tests/unit fuzz
	clang-tidy --quiet $(LIB_SRC) $(CMD_SRC) -- -std=c11 -D_GNU_SOURCE -Iinclude \
	  $(patsubst -I%,-isystem%,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))

install: symtrend
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 symtrend $(DESTDIR)$(PREFIX)/bin/symtrend
	install -m 0644 doc/symtrend.1 $(DESTDIR)$(PREFIX)/share/man/man1/symtrend.1

clean:
	rm -rf $(B) $(BA) symtrend build-deb

# The Debian package (dpkg-buildpackage, debhelper; lintian must report no
# error): build-deb/symtrend_VERSION_ARCH.deb.  See README.md, "On a clinic server".
deb:
	@sh scripts/install-deps.sh deb
	@sh scripts/make-deb.sh
# As root (CI), make check builds the package for tests/e2e/t0990-deb.sh to
# install; otherwise that test says why it is skipped.
deb-for-check:
	@if [ "$$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1; then \
		sh scripts/install-deps.sh deb && sh scripts/make-deb.sh >/dev/null; fi

# libFuzzer targets (clang, libclang-rt-14-dev): make fuzz FUZZ_SECONDS=600
FUZZ_CC      = clang
FUZZ_FLAGS   = -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_TARGETS = fuzz_csvin fuzz_values fuzz_text fuzz_decode fuzz_xlsx
build-fuzz/%: fuzz/%.c $(LIB_SRC) $(HDRS)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LIBS)
fuzz:
	@sh scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build-fuzz/%)
	@sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(B)/fault.so: tests/fault/shim.c | $(B)
	$(CC) -shared -fPIC -O2 -Wall -Wextra -Werror -o $@ $< -ldl

# The end-to-end tests with every symtrend run under valgrind memcheck.
valgrind: symtrend $(B)/gen $(B)/fault.so
	@for t in tests/e2e/t0100-cli.sh tests/e2e/t0200-ingest.sh tests/e2e/t0300-stats.sh tests/e2e/t0400-report.sh; do \
		SYMTREND=$$PWD/tests/valgrind.sh VALGRIND_LOG=$$PWD/tests/out/valgrind.log sh $$t >tests/out/vg-$$(basename $$t .sh).log 2>&1; \
		echo "$$t: $$(grep -c '^ok' tests/out/vg-$$(basename $$t .sh).log) ok, $$(grep -c '^not ok' tests/out/vg-$$(basename $$t .sh).log) not ok"; \
	done; ! grep -q . tests/out/valgrind.log || { cat tests/out/valgrind.log; exit 1; }
