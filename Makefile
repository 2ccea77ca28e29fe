# incidents: build, test and run. `make help` lists the targets.
#
# `make run` and `make test` work on a fresh machine: they install what they
# need (`make tools`). Variables can be overridden: `make eval CORPUS=dir`.

GO       ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
GOBIN    := $(shell $(GO) env GOPATH)/bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN      ?= bin/incidents
CORPUS   ?= parser/testdata/corpus
EVALFLAGS ?=
FUZZTIME ?= 60s
TEST_FUZZTIME ?= 15s

# Tools installed by `go install` and the Go toolchain itself are found by
# every recipe, the tests included.
export PATH := $(GOBIN):$(patsubst %/,%,$(dir $(GO))):$(PATH)

.PHONY: all help build run test lint bench bench-backfill eval fuzz tools tools-influxd tools-prometheus tools-chromium clean

all: lint test build

help:
	@echo "make build   build $(BIN), version $(VERSION)"
	@echo "make run     build, collect examples/reports into data/incidents.db and serve the web page on http://$(RUN_LISTEN)/"
	@echo "make test    install test tools, vet, check formatting, run every test with -race, fuzz briefly"
	@echo "make lint    go vet and gofmt check"
	@echo "make bench   parser benchmarks"
	@echo "make bench-backfill  backfill throughput and peak RSS on 20,000 generated reports"
	@echo "make eval    score the parser on $(CORPUS) (EVALFLAGS=-v lists the errors)"
	@echo "make fuzz    fuzz the parser and the store's figures decoder for $(FUZZTIME) each"
	@echo "make tools   install influxd, prometheus, promtool, alertmanager and chromium when missing"

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/incidents

# The address `make run` serves the web page on (overrides http.listen).
RUN_LISTEN ?= 127.0.0.1:9464

run: build
	$(BIN) collect --config config.yaml
	@echo
	$(BIN) series --config config.yaml --region PK --category all
	@echo
	@echo "incidents: open http://$(RUN_LISTEN)/ in a browser (Ctrl-C stops the server)"
	@echo
	INCIDENTS_HTTP_LISTEN=$(RUN_LISTEN) $(BIN) serve --config config.yaml

# Generates 20,000 reports and measures parse-only and backfill throughput
# and peak RSS (BENCH_DOCS overrides the count).
bench-backfill: build
	BIN=$(BIN) scripts/bench-backfill.sh

# Integration tests fail instead of skipping when a server binary is missing.
test: export INCIDENTS_REQUIRE_INTEGRATION = 1
test: tools lint
	$(GO) test -race -count=1 ./...
	promtool check config deploy/prometheus/prometheus.yml
	promtool test rules deploy/prometheus/rules/incidents_test.yml
	$(GO) test -run='^$$' -fuzz='^FuzzExtract$$' -fuzztime=$(TEST_FUZZTIME) ./parser
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeFigures$$' -fuzztime=5s ./store

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(find . -path './.*' -prune -o -path ./bin -prune -o -name '*.go' -print)); \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./parser

eval: build
	$(BIN) eval $(EVALFLAGS) $(CORPUS)

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzExtract$$' -fuzztime=$(FUZZTIME) ./parser
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeFigures$$' -fuzztime=$(FUZZTIME) ./store

tools: tools-influxd tools-prometheus tools-chromium

# influxd 1.8.10 serves the v2 write and query API the store tests use.
tools-influxd:
	@if [ -x "$(GOBIN)/influxd" ]; then \
		echo "tools: influxd present"; \
	else \
		echo "tools: building influxd 1.8.10 with go install (a minute or two)"; \
		GOFLAGS=-buildvcs=false $(GO) install github.com/influxdata/influxdb/cmd/influxd@v1.8.10; \
	fi

# Debian packages prometheus (with promtool) and prometheus-alertmanager,
# whose binary is named prometheus-alertmanager: it is linked as
# $(GOBIN)/alertmanager. A policy-rc.d keeps apt from starting the daemons.
tools-prometheus:
	@have() { command -v "$$1" >/dev/null 2>&1; }; \
	if ! have prometheus || ! have promtool || { ! have alertmanager && ! have prometheus-alertmanager; }; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "tools: prometheus, promtool or alertmanager missing; not root, so not installing them"; \
		elif ! have apt-get; then \
			echo "tools: prometheus, promtool or alertmanager missing and apt-get is unavailable"; \
		else \
			echo "tools: installing prometheus and prometheus-alertmanager with apt-get"; \
			policy=/usr/sbin/policy-rc.d; made_policy=; \
			if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' > $$policy && chmod +x $$policy && made_policy=1; fi; \
			{ apt-get -o DPkg::Lock::Timeout=120 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends prometheus prometheus-alertmanager; } \
				|| echo "tools: apt-get failed"; \
			if [ -n "$$made_policy" ]; then rm -f $$policy; fi; \
		fi; \
	fi; \
	if ! have alertmanager && have prometheus-alertmanager; then \
		mkdir -p "$(GOBIN)" && ln -sf "$$(command -v prometheus-alertmanager)" "$(GOBIN)/alertmanager"; \
	fi; \
	missing=; for b in prometheus promtool alertmanager; do have $$b || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
		echo "tools: still missing:$$missing; integration tests fail under INCIDENTS_REQUIRE_INTEGRATION=1"; \
	else \
		echo "tools: prometheus, promtool and alertmanager present"; \
	fi

# Debian's chromium drives the web page's browser test (chromedp).
tools-chromium:
	@if command -v chromium >/dev/null 2>&1; then \
		echo "tools: chromium present"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "tools: chromium missing; not root, so not installing it (the browser test fails under INCIDENTS_REQUIRE_INTEGRATION=1)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "tools: chromium missing and apt-get is unavailable"; \
	else \
		echo "tools: installing chromium with apt-get"; \
		{ apt-get -o DPkg::Lock::Timeout=120 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends chromium; } \
			|| echo "tools: apt-get failed; the browser test fails under INCIDENTS_REQUIRE_INTEGRATION=1"; \
	fi

clean:
	rm -rf bin
