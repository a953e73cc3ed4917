# The README's two commands: `make run` starts the example server,
# `make test` runs every test (it starts the local PostgreSQL if it is
# installed but stopped, installs Debian's chromium for the browser tests
# when it is missing, and builds FerretDB for the MongoDB tests).
GO       ?= go
PKGS     := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test test-short bench bench-chart bench-pkg bench-flood bench-caches bench-scale bench-scale-mongo load rss soak soak-postgres lint fmt openapi-client openapi-swag

run:
	$(GO) run ./example

test:
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

# Without the race detector and the slow database suites' restarts: a quick loop.
test-short:
	$(GO) test -short -count=1 $(PKGS)

# The side-by-side benchmarks of the bench/ module (bare gin, golang-jwt,
# ginjwt cold/warm/uncached, per algorithm, SQLite and PostgreSQL,
# appleboy/gin-jwt), then the table of ratios from the same output. Each
# ratio is taken within one run, whose parts were timed interleaved, and
# the median over BENCH_COUNT runs is printed. The raw output stays in
# bench/bench.out (input of `make bench-chart`).
BENCH_COUNT ?= 10
BENCH_TIME ?= 1s
BENCH ?= ^Benchmark(SideBySide|Algorithms|Stores)$$

bench:
	bash scripts/ensure-postgres.sh
	cd bench && $(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCH_TIME) -count $(BENCH_COUNT) -timeout 60m . | tee bench.out
	cd bench && $(GO) run ./cmd/ratios bench.out

# docs/benchmarks.svg from the last make bench (bench/bench.out).
bench-chart:
	cd bench && $(GO) run ./cmd/chart -o ../docs/benchmarks.svg bench.out

# 1M distinct valid tokens through a token cache of 100k entries, timing a
# hot token's requests against a bare route as the flood goes on (about
# 1–2 minutes; not part of make bench).
bench-flood:
	cd bench && $(GO) test -run '^$$' -bench '^BenchmarkFlood$$' -benchtime 1x -timeout 30m . | tee flood.out

# ginjwt's token cache against otter, golang-lru (2Q) and ristretto, all
# bounded to 100k tokens: hot look-ups from every core, inserts into a
# full cache, and a hot and a warm set's look-ups while 1M distinct tokens
# flood each cache (2–4 minutes with CACHES_COUNT=5), then one table
# per part with the medians.
CACHES_COUNT ?= 5

bench-caches:
	cd bench && $(GO) test -run '^$$' -bench '^BenchmarkTokenCaches$$' -benchtime 1s -count $(CACHES_COUNT) -timeout 30m . | tee caches.out
	cd bench && $(GO) run ./cmd/ratios caches.out

# The cold session check and user look-up on PostgreSQL with 1k vs 1M
# session rows (filled in bulk by the benchmark's set-up, about a minute),
# interleaved, and the EXPLAIN of the store's hot queries.
bench-scale:
	bash scripts/ensure-postgres.sh
	cd bench && $(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 3s -count 1 -timeout 30m . | tee scale.out
	cd bench && $(GO) run ./cmd/ratios scale.out

# The same on MongoDB: the server of MONGODB_URI, or else the FerretDB
# v1.24.2 (SQLite backend) that the MongoDB tests build, whose figures are
# FerretDB's. 1k vs 1M sessions on MongoDB, 500k on FerretDB (which
# inserts too slowly to fill 1M in a few minutes), SCALE_MONGO_ROWS if
# set; inserted in batches by the benchmark's set-up; then the server's
# explain of the store's queries. See docs/benchmarks.md for run times.
SCALE_MONGO_ROWS ?=

bench-scale-mongo:
	cd bench && SCALE_MONGO_ROWS='$(SCALE_MONGO_ROWS)' $(GO) test -run '^$$' -bench '^BenchmarkScaleMongo$$' -benchtime 3s -count 1 -timeout 60m . | tee scale-mongo.out
	cd bench && $(GO) run ./cmd/ratios scale-mongo.out

# Throughput of the example server under wrk on loopback, on SQLite and
# PostgreSQL: one body public (without and with the token) and protected,
# and the spec's routes (req/s, p50/p99, errors, ratios: the median of
# LOAD_PAIRS rounds), then sign-ins and refreshes; LOAD_PHASE per phase
# (about 8 minutes with the defaults). Exits non-zero on any error.
LOAD_PHASE ?= 4s
LOAD_PAIRS ?= 9
LOAD_DBS ?= sqlite,$(SOAK_POSTGRES)

load:
	bash scripts/ensure-wrk.sh
	bash scripts/ensure-postgres.sh
	$(GO) run ./internal/soak -load -phase '$(LOAD_PHASE)' -pairs $(LOAD_PAIRS) -load-dbs '$(LOAD_DBS)'

# The in-package benchmarks of ginjwt (budget and per-algorithm ratios).
bench-pkg:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./ginjwt/

# Peak RSS of 200 concurrent sign-ins with the production argon2id parameters.
rss:
	$(GO) run ./internal/signinload -n 200

# The example server under wrk and the soak driver for SOAK_DURATION
# (default 5m): exits non-zero on any 5xx, socket error, or RSS growth over
# 10% after the warm-up. SOAK_DB=postgres://… runs it on a database it
# creates (and drops) on that server; see docs/soak.md.
SOAK_DURATION ?= 5m
SOAK_DB ?=
SOAK_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

soak:
	bash scripts/ensure-wrk.sh
	$(GO) run ./internal/soak -duration '$(SOAK_DURATION)' -db '$(SOAK_DB)'

soak-postgres:
	bash scripts/ensure-postgres.sh
	$(MAKE) soak SOAK_DB='$(SOAK_POSTGRES)'

# The typed client of the example's OpenAPI document that
# example/openapi_client_test.go drives: the document GET /openapi.json
# serves in header mode, copied to internal/oapiclient/openapi.json,
# and oapi-codegen v2.8.2's client.gen.go of it. make test fails when
# either is stale; this rewrites both.
openapi-client:
	$(GO) test ./example/ -run '^TestGeneratedClientIsCurrent$$' -count=1 -update

# example/swagdemo/docs/swagger.json from the demo's swag annotations
# (swag v1.16.6, JSON only); make test fails when it is stale.
openapi-swag:
	$(GO) test ./example/swagdemo/ -run '^TestSwaggerIsCurrent$$' -count=1 -update

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	cd bench && $(GO) vet ./...
	$(GO) run $(STATICCHECK) $(PKGS)

fmt:
	gofmt -w .
