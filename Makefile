# credsim: the two commands a newcomer needs.
#   make run   install missing Debian packages, build (Release), run scenarios/default.toml
#   make test  install missing Debian packages, build, run the whole test suite (ctest)
#   make test-sanitize  the whole suite built with AddressSanitizer + UBSan (build-sanitize/)
#   make fuzz  libFuzzer targets (clang, build-fuzz/), each run FUZZ_SECONDS (one process) on tests/fuzz/corpus
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/default.toml

SANITIZE_BUILD ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++-14

.PHONY: all deps configure build run test test-sanitize fuzz-build fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(BUILD)/credsim run $(SCENARIO)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# ASan + UBSan, assertions on (CREDSIM_CHECKED), optimised with debug info; the first report
# fails the test it happens in. Both sanitizers' options are set here so a report names the line.
SAN_ENV = ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

test-sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCREDSIM_SANITIZE=ON >/dev/null
	@$(SAN_ENV) cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@cd $(SANITIZE_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS)

# libFuzzer targets: clang from Debian (clang-14, libclang-rt-14-dev), instrumented with ASan+UBSan.
fuzz-build: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) \
		-DCREDSIM_FUZZ=ON -DCREDSIM_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_scenario fuzz_edge_list

# Runs each fuzzer FUZZ_SECONDS on the committed corpus, writing new inputs to $(FUZZ_BUILD)/corpus/ (the committed one stays small:
# merge new inputs into it by hand with -merge=1, see tests/fuzz/README.md). Crashes land in
# $(FUZZ_BUILD)/crashes/: copy them to tests/fuzz/regressions/<target>/.
fuzz: fuzz-build
	@for t in scenario edge_list; do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/crashes/$$t; \
	  $(SAN_ENV) OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=4096 -len_control=0 -timeout=20 -rss_limit_mb=4096 -artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
