# A thin wrapper around CMake, as neovim has: the build is CMakeLists.txt.
# Here warnings are always errors (-DQH_WERROR=ON); a plain `cmake` build
# is not.
#   make          build (warnings are errors)
#   make test     install what is missing, build, run the suite, then again
#                 under AddressSanitizer + UBSan
#   make bench    build and run the benchmarks (prints `bench:` lines)
#   make demo     build and run the system on the default hall
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build test test-plain test-asan bench demo clean

all: build

deps:
	@bash .ci/deps

# Configured every time, so that a build/ first made by a plain `cmake`
# (QH_WERROR off) gets -Werror here too.
build: deps
	cmake -S . -B $(BUILD) -DQH_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

test: test-plain test-asan

test-plain: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DQH_WERROR=ON -DQH_SANITIZE=ON \
	      -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

bench: build
	cmake --build $(BUILD) --target bench

demo: build
	bash tests/demo.sh $(BUILD) --ui

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
