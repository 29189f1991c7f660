# Thrum for Linux. `make demo` and `make test` install what they need (Debian packages) first.
SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)
APT_PACKAGES = libsodium-dev libsystemd-dev libsqlite3-dev pkg-config openssl iproute2 systemd python3 python3-venv python3-cryptography procps

.PHONY: all deps build test unit-test mcp-test metrics-test system-test hostile-test fuzz asan-test tsan-test demo bench clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; \
	  echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

FUZZ_SECONDS ?= 60

# Unit and process-level tests, the same under AddressSanitizer, the
# hostile-input checks, each fuzz target for FUZZ_SECONDS, the
# network-namespace system tests (root only), then the Debian package tests
# when the machine can run them (root, namespaces, a reachable Debian mirror;
# packaging/package.mk).
# Each stage is timed (Tests/support/stage.sh); the times are printed at the end, or at the
# stage that failed.
STAGE = STAGE_LOG=$(STAGE_LOG) bash Tests/support/stage.sh
STAGE_LOG = .build/stage-times

test:
	@mkdir -p .build && : >$(STAGE_LOG)
	@$(STAGE) build $(MAKE) --no-print-directory build
	@$(STAGE) swift-test $(SWIFT) test
	@$(STAGE) asan-test $(MAKE) --no-print-directory asan-test
	@$(STAGE) hostile-test $(MAKE) --no-print-directory hostile-test
	@$(STAGE) fuzz $(MAKE) --no-print-directory fuzz
	@$(STAGE) mcp-test env THRUM_BIN=$(BIN_DIR)/thrum bash Tests/mcp/run.sh
	@$(STAGE) metrics-test env THRUM_BIN=$(BIN_DIR)/thrum bash Tests/metrics/run.sh
	@$(STAGE) system-test env THRUM_BIN=$(BIN_DIR)/thrum bash Tests/system/run.sh
	@$(STAGE) package-test $(MAKE) --no-print-directory package-test-if-possible
	@$(STAGE) --report

unit-test: build
	$(SWIFT) test

mcp-test: build
	THRUM_BIN=$(BIN_DIR)/thrum bash Tests/mcp/run.sh

metrics-test: build
	THRUM_BIN=$(BIN_DIR)/thrum bash Tests/metrics/run.sh

system-test: build
	THRUM_BIN=$(BIN_DIR)/thrum bash Tests/system/run.sh

# The binary the package ships: release, Swift's own libraries static, Debian's
# (libc, libsqlite3, libsodium, libsystemd) shared, full RELRO (-z now) and no
# $ORIGIN run path, so no library is ever looked for next to /usr/bin. Its
# folder is its own (other flags than .build's release). The hostile test and
# the package are built from this one build.
SHIP_PATH  = .build-release-static
SHIP_BUILD = $(SWIFT) build -c release --build-path $(SHIP_PATH) --static-swift-stdlib --disable-local-rpath --product thrum \
             -Xlinker -z -Xlinker now
SHIP_BIN   = $(SHIP_PATH)/release/thrum

# Hostile input on both sockets of a real daemon (Tests/hostile/hostile.py),
# on the shipped build: the latency and memory bounds of DESIGN §12 are release figures.
hostile-test: deps
	$(SHIP_BUILD)
	python3 Tests/hostile/hostile.py --thrum $(SHIP_BIN)

# The Swift tests once under AddressSanitizer with LeakSanitizer, in their own
# build folder (it found what ThreadSanitizer did not here: a retain cycle). The
# process-level suite (DaemonProcessTests) is left out here: it drives the plain
# debug `thrum` in child processes, so under ASan it would only check the test
# harness again, for a third of make test's time; it runs once, in swift-test.
asan-test: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan \
	  --skip DaemonProcessTests

# The same under ThreadSanitizer (not in make test: it found nothing here).
tsan-test: deps
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan

# Each fuzz target (Tests/fuzz) under libFuzzer for FUZZ_SECONDS seconds.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash Tests/fuzz/run.sh

# Two daemons on loopback exchanging messages; needs no Tailscale.
demo: build
	THRUM_BIN=$(BIN_DIR)/thrum bash Tests/system/demo.sh

bench: deps
	$(SWIFT) build -c release --product thrum
	THRUM_BIN=$$($(SWIFT) build -c release --show-bin-path)/thrum THRUM_BIN_BEFORE=$(THRUM_BIN_BEFORE) bash Tests/bench/run.sh

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan .build-release-static .build-package dist
	rm -rf --one-file-system .build-package-test

-include packaging/package.mk
