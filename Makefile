# The two commands a newcomer types: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test test-postgres reliability reliability-long venv lock clean demo-data screenshots bench bench-full installed-check audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the tested versions: every dependency from requirements.lock, each file checked against its hash; then
# arctl itself (editable, no dependencies of its own choosing). `make lock` upgrades the lock.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf examples/demo/.arctl examples/demo/outbox examples/demo/reports
	cd examples/demo && ../../$(BIN)/arctl run --as-of 2026-11-26
	@echo "documents in examples/demo/outbox/2026-11-26/: e-mails (.eml), letters as HTML and PDF (formal demands included), print/letters.pdf and print/registered-letters.pdf to print, call-list.csv/.xlsx, agency/ (claims handed over)"

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# The state suite (tests marked `state`: every test that reads or writes a workspace's state) again, each workspace's
# state in PostgreSQL: a throwaway cluster (tests/postgres_server.py; Debian's postgresql package) or the server
# $$ARCTL_TEST_POSTGRES_URL names; the tests about SQLite itself (marked sqlite_only) are left out. Run by .ci/run.
test-postgres: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "state and not sqlite_only" --state-backend postgresql

# Proof under bad input and crashes (README "Reliability"): nine hostile files of 100 MB, every fuzz target for
# 2,000 inputs, and the kill loop with 24 kills on each back end (about five minutes; run by .ci/run). The long
# mode runs a million inputs per target and 500 kills per back end, and writes its figures to reliability/results/
# (hours; by hand).
reliability: $(STAMP)
	$(BIN)/python reliability/hostile_files.py --mb 100
	$(BIN)/python fuzz/run.py --all --runs 2000
	$(BIN)/python reliability/kill_loop.py --backend sqlite --kills 24
	$(BIN)/python reliability/kill_loop.py --backend postgresql --kills 24

reliability-long: $(STAMP)
	mkdir -p reliability/results
	$(BIN)/python reliability/hostile_files.py --mb 100 --json reliability/results/hostile-100mb.json
	$(BIN)/python fuzz/run.py --all --runs 1000000 --processes $(shell nproc) --corpus .fuzz-corpus \
	  --json reliability/results/fuzz.json
	$(BIN)/python reliability/kill_loop.py --backend sqlite --kills 500 --json reliability/results/kills-sqlite.json
	$(BIN)/python reliability/kill_loop.py --backend postgresql --kills 500 \
	  --json reliability/results/kills-postgresql.json

# Every dependency at its newest release that pyproject.toml allows, pinned with the hashes of its files for every
# platform (uv, installed beside the tested versions); review the diff, run make test, commit requirements.lock.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --extra pdf --extra postgresql --universal \
	  --python-version 3.11 --no-build --generate-hashes --upgrade --quiet --custom-compile-command "make lock" -o requirements.lock

# The wheel, installed with its dependencies in a fresh venv outside the repository: arctl init, plan check and
# the demo's daily run from there (run by .ci/run; about a minute).
installed-check:
	PYTHON=$(PYTHON) bash scripts/installed_check.sh

# Known vulnerabilities in the installed dependencies (pip-audit, in a venv of its own so that the tested one stays
# as it is); needs a vulnerability database it can reach (PyPI's or OSV's): without one it fails (--strict) rather
# than pass having audited nothing. Not part of make test or CI.
audit: $(STAMP)
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --quiet pip-audit
	$(BIN)/python -m pip freeze --exclude-editable > .venv-audit/requirements.txt
	.venv-audit/bin/pip-audit -r .venv-audit/requirements.txt --no-deps --disable-pip --progress-spinner off --strict

# A letter in each language of the demo's customers and the demo's HTML aging report as PNG, with headless Chromium (apt-get install chromium).
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py docs/screenshots

# Speed and memory of every stage beside its anchor (README "Performance"); not part of `make test`, whose
# benchmark smoke test runs the same harness at 10k.
# BENCH_ARGS passes options on, e.g. make bench-full BENCH_ARGS="--timeout 600 --keep".
bench: $(STAMP)
	$(BIN)/python benchmarks/harness.py --sizes 100000 --rounds 3 $(BENCH_ARGS)

bench-full: $(STAMP)
	$(BIN)/python benchmarks/harness.py --sizes 10000,100000,1000000 --rounds 3 $(BENCH_ARGS)

demo-data: $(STAMP)
	$(BIN)/python examples/generate.py examples/demo

clean:
	rm -rf $(VENV) .venv-audit build dist .pytest_cache .fuzz-corpus
