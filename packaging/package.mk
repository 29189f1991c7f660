# Debian package and its system test. Included by the top-level Makefile;
# every name here starts with PKG_ or package- so it cannot clash with it.
#
#   make deb           -> dist/thrum_<version>_<arch>.deb, lintian-clean
#   make package-test  -> installs that .deb into a booted Debian bookworm
#                         container (Tests/package/run.sh), then into two
#                         that sync over a bridged tailscale0
#                         (Tests/package/two-hosts.sh)
#   make package-test-two-hosts -> the second alone
#   make package-test-if-possible -> package-test when this machine can run
#                         it, else a line saying why not (run by make test)

PKG_VERSION := $(shell dpkg-parsechangelog -l packaging/debian/changelog -S Version 2>/dev/null)
PKG_ARCH    := $(shell dpkg --print-architecture 2>/dev/null)
PKG_DEB     := dist/thrum_$(PKG_VERSION)_$(PKG_ARCH).deb
PKG_STAGE   := .build-package/src
# The static-runtime build (SHIP_BUILD, in the Makefile) is the one the hostile
# test drives too, so make test builds the release once.
PKG_TOOLS   := debhelper dpkg-dev lintian groff-base man-db debootstrap systemd-container iproute2 \
               libsodium-dev libsqlite3-dev libsystemd-dev
PKG_MAN     := man/thrum.1 man/thrum.env.5 man/thrum-daemon.8

.PHONY: deb package-test package-test-two-hosts package-test-if-possible package-tools package-man-check

# apt-get only for what is missing, so a prepared machine needs no network.
package-tools:
	@missing=$$(for p in $(PKG_TOOLS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "package-tools: installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Man pages must render without a single groff warning, and thrum.env(5) and
# the shipped thrum.env must name every variable of ConfigSpec.swift.
package-man-check: package-tools
	@for m in $(PKG_MAN); do \
		out=$$(LC_ALL=C.UTF-8 groff -man -ww -z -K utf8 $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$m:"; echo "$$out"; exit 1; fi; \
	done
	@for v in $$(grep -o '"THRUM_[A-Z_]*"' Sources/ThrumCore/ConfigSpec.swift | tr -d '"'); do \
		grep -q "^\.BR $$v " man/thrum.env.5 || { echo "man/thrum.env.5 does not describe $$v"; exit 1; }; \
		grep -q "^#$$v=" etc/thrum/thrum.env || { echo "etc/thrum/thrum.env does not list $$v"; exit 1; }; \
	done
	@echo "package-man-check: $(words $(PKG_MAN)) man pages clean, every variable documented"

# Stage only what the package needs next to a copy of packaging/debian, so
# dpkg-buildpackage never sees (or cleans) the developer's tree.
# The binary is the shipped build (SHIP_BUILD in the Makefile).
deb: package-tools package-man-check
	$(SHIP_BUILD)
	rm -rf .build-package && mkdir -p $(PKG_STAGE)/packaging dist
	cp -r packaging/debian $(PKG_STAGE)/debian
	cp packaging/systemd/sysusers.d/thrum.conf $(PKG_STAGE)/debian/thrum.sysusers
	cp -r packaging/systemd $(PKG_STAGE)/packaging/systemd
	cp -r etc man $(PKG_STAGE)/
	cp $(SHIP_BIN) $(PKG_STAGE)/thrum
	cd $(PKG_STAGE) && dpkg-buildpackage -b -us -uc
	mv .build-package/thrum_$(PKG_VERSION)_$(PKG_ARCH).deb $(PKG_DEB)
	lintian --fail-on error,warning --display-info $(PKG_DEB)
	@echo "deb: $(PKG_DEB) ($$(du -k $(PKG_DEB) | cut -f1) KiB; installed $$(dpkg-deb -f $(PKG_DEB) Installed-Size) KiB)"

# The booted root, the apt downloads and the per-run overlays are kept in
# .build-package-test (THRUM_PACKAGE_TEST_CACHE).
package-test: deb
	Tests/package/all.sh $(PKG_DEB)

package-test-two-hosts: deb
	Tests/package/two-hosts.sh $(PKG_DEB)

# Root, namespaces and a reachable Debian mirror (Tests/package/all.sh --probe);
# debootstrap and systemd-nspawn are installed by package-tools if missing.
package-test-if-possible:
	@if why=$$(Tests/package/all.sh --probe); then $(MAKE) --no-print-directory package-test; \
	else echo "package tests: skipped: $$why"; fi
