# peergate: `make run` to try it, `make test` for everything CI runs. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
RELEASE_BIN := target/release/peergate
# As root (a gateway), `make run` manages real tunnels in /etc/wireguard; as a normal user it keeps
# client configs under ./var so peergate can start and be looked around in.
RUN_ENV := PEERGATE_DATA_DIR=./var PEERGATE_LOG_FORMAT=pretty $(if $(filter 0,$(shell id -u)),,PEERGATE_WG_DIR=./var/wireguard PEERGATE_SYSCTL_FILE=./var/99-peergate.conf)

.PHONY: help run test test-deps run-deps ui bench e2e test-rust test-web clean

help:
	@echo "make run    build the UI and the binary, start peergate on http://127.0.0.1:8080 (data in ./var)"
	@echo "make test   install test dependencies, run every suite (Rust on SQLite and PostgreSQL, web, browser)"
	@echo "make bench  HTTP, data-plane (root) and dashboard figures, printed as ratios against the naive approach"

run-deps:
	@scripts/deps.sh run

test-deps:
	@scripts/deps.sh test

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

ui: web/node_modules/.package-lock.json
	cd web && npm run build

run: run-deps ui
	$(CARGO) build --release --locked -p peergate
	@mkdir -p var
	@if ! $(RUN_ENV) $(RELEASE_BIN) user list | awk '$$3 == "admin" && $$4 == "active" {found=1} END {exit !found}'; then \
	  echo; echo "Creating the first admin account (user name: admin)."; \
	  $(RUN_ENV) $(RELEASE_BIN) user add --username admin --role admin --generate-password; \
	  echo "Keep that password: it is not stored anywhere in clear text."; \
	else \
	  echo; echo "Admin accounts exist already. Forgot the password? $(RUN_ENV) $(RELEASE_BIN) user passwd admin --generate-password"; \
	fi
	@if [ "$$(id -u)" = 0 ]; then \
	  echo; echo "WARNING: make run is running as root, so peergate manages this machine for real:"; \
	  echo "  - client configs in /etc/wireguard, brought up with wg-quick"; \
	  echo "  - IP forwarding on, persisted in /etc/sysctl.d/99-peergate.conf"; \
	  echo "  - the host firewall (nftables table inet peergate, or iptables PEERGATE-* chains)"; \
	  echo "Run it as a normal user to look around without touching the system."; \
	  if [ "$${PEERGATE_YES:-}" != 1 ]; then echo "Starting in 5 s; Ctrl-C to stop (PEERGATE_YES=1 skips the wait)."; sleep 5; fi; \
	fi
	@echo; echo "peergate: open http://$${PEERGATE_LISTEN:-127.0.0.1:8080} and sign in with an admin account."
	@echo "Another account: $(RUN_ENV) $(RELEASE_BIN) user add --username NAME --role admin|operator"; echo
	$(RUN_ENV) exec $(RELEASE_BIN) serve

test: test-deps
	@scripts/test-all.sh

bench: run-deps test-deps ui
	$(CARGO) build --release --locked -p peergate --bins
	scripts/bench-http.py
	$(CARGO) bench --locked -p peergate --bench event_fanout
	$(CARGO) bench --locked -p peergate --bench status_writes
	scripts/bench-dataplane.sh
	cd web && npm run bench

clean:
	rm -rf target web/dist web/node_modules test-output
