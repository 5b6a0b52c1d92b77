# The README's two commands: `make run` and `make test`. Both install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test lint bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch first, pinned: the CPU wheel on disk; unpinned, pip pulls gigabytes of CUDA.
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/citebot ingest
	$(BIN)/citebot ask "Who summoned the Chinese ambassador?" || test $$? -eq 1  # 1: found nothing (another corpus)
	$(BIN)/citebot serve

# Debian's Chromium and its driver, for the browser test (tests/api/test_web_page.py); as
# root with Debian's apt (CI). Elsewhere: apt-get install chromium chromium-driver
browser:
	test -x /usr/bin/chromium && test -x /usr/bin/chromedriver || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

test: $(STAMP) browser
	$(BIN)/python -m pytest

# mypy reads the package through build/typecheck/citebot, links that mirror the installed
# layout (the folders map into citebot.*; mypy cannot follow the editable import hook)
lint: $(STAMP)
	$(BIN)/ruff check .
	rm -rf build/typecheck && mkdir -p build/typecheck/citebot
	for f in citebot/*.py; do ln -s ../../../$$f build/typecheck/citebot/; done
	for d in index api bot cli evaluate; do ln -s ../../../$$d build/typecheck/citebot/$$d; done
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p citebot

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_query.py --corpus sample
	$(BIN)/python benchmarks/http_ask.py
	$(BIN)/python benchmarks/verify.py
