# A thin wrapper around CMake, as neovim has: the build is CMakeLists.txt.
# Here warnings are always errors (-DQH_WERROR=ON); a plain `cmake` build
# is not (see README, "Packaging builds").
#   make             build in build/ (warnings are errors)
#   make test        install what is missing (with CI=true: update the whole
#                    package list), then test-plain, test-asan, test-builds,
#                    test-fuzz; fails if any build, test or fuzz run fails
#   make test-plain  build-release/ (gcc Release with Debian's
#                    dpkg-buildflags hardening flags: what a package
#                    ships) and the whole ctest suite there
#   make test-asan   build-asan/: Debug at -O2 + AddressSanitizer + UBSan,
#                    the suite on SQLite but for the kill -9 tests (label
#                    noasan), and on PostgreSQL the store's conformance,
#                    the lifecycle and the commit faults (the whole suite
#                    runs on PostgreSQL in test-plain; twice over would not
#                    fit CI's 20 minutes)
#   make test-builds the other builds, compiled only (no suite):
#                    build-fuzz/: clang RelWithDebInfo, which
#                    is also the fuzz build (libFuzzer's instrumentation,
#                    ASan and UBSan: one clang build serves both); and a
#                    plain `cmake` configure (build-plain/) that must leave
#                    -Werror off
#   make test-fuzz   every libFuzzer target of tests/fuzz/ for
#                    FUZZ_CI_SECONDS (10) from its corpus, two at a time
#                    (under a minute); a crash fails (tests/fuzz/run.sh)
#   make fuzz        the same, long: FUZZ_SECONDS (600) a target, or
#                    FUZZ_SECONDS_<name> for one (FUZZ_SECONDS_cli=3600),
#                    one at a time under nice; FUZZ_TARGETS picks them;
#                    the table in build-fuzz/fuzz/summary.txt
#   make bench       build and run the benchmarks (prints `bench:` lines)
#   make faults      the SQLite store's fault injection at every call, not
#                    make test's sample (tests/store/faults.c, QHALL_FAULTS=all;
#                    minutes), in build-asan/ (leaks and memory errors too)
#   make soak        a simulated week of the whole hall with SOAK_KILLS
#                    (1000) kill -9s, on SQLite then on a PostgreSQL server
#                    of its own that is also restarted (tests/cli/chaos.sh;
#                    not in make test: half an hour or more); the figures
#                    in build/soak/*.log
#   make demo        build and run the system on the default hall
#   make install     build/ configured for PREFIX (default /usr/local), then
#                    `cmake --install` into DESTDIR/PREFIX (README, "Packages,
#                    files"): make install PREFIX=/usr DESTDIR=/tmp/x
#   make deb         the Debian package: build-deb/ (Release, dpkg-buildflags,
#                    prefix /usr), CPack; the .deb in build-deb/deb/
#   make deb-test    make deb, then installs it on a new Debian 12 root
#                    (../shared/fresh-machine, as root; minutes: not in
#                    make test) and runs tests/pkg/deb_install.sh there
BUILD ?= build
ASAN_BUILD ?= build-asan
RELEASE_BUILD ?= build-release
FUZZ_BUILD ?= build-fuzz
PLAIN_BUILD ?= build-plain
DEB_BUILD ?= build-deb
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# The plain suite waits on processes and servers more than it computes:
# one test more than cores keeps them busy; so does the ASan suite.  (Two
# more made the tests that answer within seconds miss their deadlines.)
TEST_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
CMAKE_FLAGS ?=
FUZZ_TARGETS ?= csv conf clock web cli
# The sanitizer build is Debug (assertions on) optimised as the Release
# build is: at -O0 the suite ran far longer under ASan, and -O1 raises
# gcc warnings of its own (value ranges it cannot follow) that -O2 does
# not.
ASAN_OPT ?= -O2 -g
FUZZ_CI_SECONDS ?= 10
FUZZ_SECONDS ?= 600
SOAK_KILLS ?= 1000
SOAK_DAYS ?= 7

.PHONY: all deps build test test-plain test-asan test-builds test-release \
        test-clang test-configure test-fuzz fuzz faults soak bench demo install deb \
        deb-test clean

all: build

deps:
	@bash .ci/deps

# Configured every time, so that a build/ first made by a plain `cmake`
# (QH_WERROR off) gets -Werror here too.
build: deps
	cmake -S . -B $(BUILD) -DQH_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The suites first (what most changes break), then the compile-only builds.
test: test-plain test-asan test-builds test-fuzz

# The suite runs on the packagers' build: the flags a package ships with,
# and one gcc build fewer for CI's 20 minutes (build/ differs only by
# those flags).
test-plain: test-release
	ctest --test-dir $(RELEASE_BUILD) --output-on-failure -j $(TEST_JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DQH_WERROR=ON -DQH_SANITIZE=ON \
	      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="$(ASAN_OPT)" $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(TEST_JOBS) -LE 'pg|noasan'
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) \
	      -R '^(store_conformance_pg|test_ticket_pg|cli_pg_commit)$$'

test-builds: test-clang test-configure

# What a Debian package build compiles with (dh passes these as CFLAGS and
# LDFLAGS), given as cache values so a re-run applies them to an old cache.
test-release: deps
	cmake -S . -B $(RELEASE_BUILD) -DQH_WERROR=ON -DCMAKE_BUILD_TYPE=Release \
	      -DCMAKE_C_FLAGS="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	      -DCMAKE_EXE_LINKER_FLAGS="$$(dpkg-buildflags --get LDFLAGS)" $(CMAKE_FLAGS)
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

# clang's build of everything is the fuzz build too: the instrumentation
# and sanitizers change no warning, and a second clang build would cost CI
# minutes it does not have.
test-clang: deps
	cmake -S . -B $(FUZZ_BUILD) -DQH_WERROR=ON -DCMAKE_C_COMPILER=clang \
	      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQH_FUZZ=ON -DQH_SANITIZE=ON \
	      $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# From the committed corpus every time (its own directory, emptied).
test-fuzz: test-clang
	rm -rf $(FUZZ_BUILD)/fuzz-ci
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_BUILD)/fuzz-ci \
	     $(FUZZ_CI_SECONDS) 2 $(FUZZ_TARGETS)

faults: deps
	cmake -S . -B $(ASAN_BUILD) -DQH_WERROR=ON -DQH_SANITIZE=ON \
	      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="$(ASAN_OPT)" $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target store_faults qhall_cli
	QHALL_FAULTS=all ctest --test-dir $(ASAN_BUILD) --output-on-failure -V \
	      -R '^store_faults$$' --timeout 7200

# Each store in turn (the two would share the machine's two cores); the
# log of each is kept whatever happened.
soak: build
	mkdir -p $(BUILD)/soak
	for store in sqlite pg; do \
	  QHALL_BIN=$(abspath $(BUILD))/qhall QHALL_TEST_TMP=$(abspath $(BUILD))/soak \
	  QHALL_TEST_STORE=$$store QHALL_CHAOS_KILLS=$(SOAK_KILLS) \
	  QHALL_CHAOS_DAYS=$(SOAK_DAYS) bash -c 'bash tests/cli/chaos.sh 2>&1; echo "exit $$?"' \
	    | tee $(BUILD)/soak/$$store.log; \
	  tail -1 $(BUILD)/soak/$$store.log | grep -qx 'exit 0' || exit 1; \
	done

# The corpus it grows is kept in build-fuzz/fuzz/corpus for the next run.
fuzz: test-clang
	nice -n 19 bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_BUILD)/fuzz \
	     $(FUZZ_SECONDS) 1 $(FUZZ_TARGETS)

# A packager's plain configure: it must work, and must not turn on -Werror.
test-configure: deps
	rm -rf $(PLAIN_BUILD)
	cmake -S . -B $(PLAIN_BUILD) $(CMAKE_FLAGS) >/dev/null
	grep -q '^QH_WERROR:BOOL=OFF$$' $(PLAIN_BUILD)/CMakeCache.txt || \
	  { echo "qhall: a plain cmake configure turned on -Werror" >&2; exit 1; }

bench: build
	cmake --build $(BUILD) --target bench

demo: build
	bash tests/demo.sh $(BUILD) --ui

# The prefix is the build's too (the programs look for their assets
# beside their own bin/ first, so a DESTDIR or a moved tree works as well).
install: deps
	cmake -S . -B $(BUILD) -DQH_WERROR=ON -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD)

# Built as a Debian package build is (the flags of test-release).
deb: deps
	cmake -S . -B $(DEB_BUILD) -DQH_WERROR=ON -DCMAKE_BUILD_TYPE=Release \
	      -DCMAKE_INSTALL_PREFIX=/usr \
	      -DCMAKE_C_FLAGS="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	      -DCMAKE_EXE_LINKER_FLAGS="$$(dpkg-buildflags --get LDFLAGS)" $(CMAKE_FLAGS)
	cmake --build $(DEB_BUILD) -j $(JOBS)
	rm -f $(DEB_BUILD)/deb/*.deb
	cd $(DEB_BUILD) && cpack
	@ls -l $(DEB_BUILD)/deb/*.deb

# The new root gets the committed HEAD (tests/pkg/deb_install.sh) and the
# packages alone in /src/extra.
deb-test: deb
	rm -rf $(DEB_BUILD)/extra && mkdir $(DEB_BUILD)/extra
	cp $(DEB_BUILD)/deb/*.deb $(DEB_BUILD)/extra/
	FRESH_COPY=$(abspath $(DEB_BUILD)/extra) ../shared/fresh-machine 'bash tests/pkg/deb_install.sh'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD) $(FUZZ_BUILD) $(PLAIN_BUILD) $(DEB_BUILD)
