# The two commands a newcomer types: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test venv clean demo-data screenshots bench bench-full installed-check audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,pdf]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf examples/demo/.arctl examples/demo/outbox examples/demo/reports
	cd examples/demo && ../../$(BIN)/arctl run --as-of 2026-11-26
	@echo "documents in examples/demo/outbox/2026-11-26/: e-mails (.eml), letters as HTML and PDF (formal demands included), print/letters.pdf and print/registered-letters.pdf to print, call-list.csv/.xlsx, agency/ (claims handed over)"

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

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
	rm -rf $(VENV) .venv-audit build dist .pytest_cache
