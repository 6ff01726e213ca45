# credsim: the two commands a newcomer needs.
#   make run   install missing Debian packages, build (Release), run scenarios/default.toml
#   make test  install missing Debian packages, build, run the whole test suite (ctest)
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/default.toml

.PHONY: all deps configure build run test bench clean

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

clean:
	rm -rf $(BUILD)
