# prowl — build, test, demo, benchmark.
GO      ?= go
BIN     := bin/prowl
DATA    ?= $(or $(PROWL_DATA),$(CURDIR)/demo-data)

.PHONY: build test demo bench fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/prowl

# Vet, then every test under the race detector (small generated data; big runs
# live behind `make bench`).
test:
	$(GO) vet ./...
	$(GO) test -race -timeout 15m ./...

# The tour: generates a demo dataset into $(DATA) when it is empty, then runs the
# seed hunting query, app and device discovery, and an unsanction.
demo: build
	$(BIN) demo --data $(DATA)

# Side-by-side benchmark with DuckDB (bench/ has its own module; cgo lives there).
SIZE ?= 10M
bench: build
	$(MAKE) -C bench SIZE=$(SIZE)

# Short fuzzing runs of the parser and the importers.
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./lang -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./lang -run '^$$' -fuzz FuzzLex -fuzztime $(FUZZTIME)
	$(GO) test ./storage/ingest -run '^$$' -fuzz FuzzIngestNDJSON -fuzztime $(FUZZTIME)
	$(GO) test ./storage/ingest -run '^$$' -fuzz FuzzIngestCSV -fuzztime $(FUZZTIME)
	$(GO) test ./storage/ingest -run '^$$' -fuzz FuzzIngestProxy -fuzztime $(FUZZTIME)

clean:
	rm -rf bin demo-data
