# One entry point for building and testing the handout; see README.md.
# `make` creates .venv if needed, installs the package with its pinned dependencies and the
# system packages it needs (when run as root), then builds the HTML site and the PDF.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
BUILD       := _build
SOURCES     := docs
SPHINXOPTS  ?= -W --keep-going -n
SPHINX      := $(BIN)/sphinx-build -c . $(SPHINXOPTS)
STAMP       := $(VENV)/.installed
# Pango for WeasyPrint, HarfBuzz for font subsetting, the Libertine/Biolinum type family
# (Latin and Greek), DejaVu as fallback, poppler-utils for the tests that look at pages,
# Chromium for the quiz's browser tests (Playwright drives it; it never downloads a browser).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-linuxlibertine \
                   fonts-dejavu-core poppler-utils chromium
# axe-core for the quiz's accessibility checks, installed from tests/browser/package-lock.json.
BROWSER_DIR := tests/browser
AXE         := $(BROWSER_DIR)/node_modules/axe-core/axe.min.js

.PHONY: all html pdf quiz test lint serve bench clean distclean system-deps print-system-packages quiz-bank browser-deps

all: html pdf quiz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,dev,bench]"
	touch $@

# Installs what is missing when it can (root with apt); otherwise stops with the exact command.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

print-system-packages:
	@echo $(SYSTEM_PACKAGES)

# npm ci again whenever the lock file changes; without npm, stop and say what to install.
$(AXE): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: the quiz's browser tests need axe-core from the npm registry."; \
	  echo "Install Node.js with npm (on Debian:  sudo apt-get install -y nodejs npm), then run make test again."; exit 1; }
	npm ci --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error
	touch $@

browser-deps: $(AXE)

# html, pdf and quiz build through `handout build`: into a staging copy of $(BUILD)/<name>, swapped into
# place only when the build succeeded, so a failed build leaves the last good output as it was.
html: $(STAMP) system-deps
	$(BIN)/handout build html --sphinx-opts="$(SPHINXOPTS)"

pdf: $(STAMP) system-deps
	$(BIN)/handout build pdf --sphinx-opts="$(SPHINXOPTS)"

# The class quiz: versions A, B, C... as student sheets and answer keys (PDF), projector pages and
# the exports for Moodle, Canvas/QTI, Kahoot, Anki and CSV; see _build/quiz/index.html.
quiz: $(STAMP) system-deps
	$(BIN)/handout build quiz --sphinx-opts="$(SPHINXOPTS)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench conf.py
	$(BIN)/mypy

test: $(STAMP) system-deps browser-deps lint
	$(BIN)/python -m pytest

# Live preview: rebuilds when anything the build reads changes: the pages (with docs/_static), the bib,
# the quiz data (Sphinx then reads again the pages that use it), conf.py, and the extension's code,
# templates and static files. Polling, not inotify: an editor that saves conf.py by replacing the file
# would end a watch on it after the first save. SERVEOPTS passes more options, e.g. "--port 0".
SERVEOPTS ?=
serve: $(STAMP) system-deps
	WATCHFILES_FORCE_POLLING=1 $(BIN)/sphinx-autobuild -c . -d $(BUILD)/doctrees/html \
	  --watch conf.py --watch bib --watch quizzes --watch src/handout \
	  --re-ignore '/__pycache__/|\.py[co]$$|~$$|\.sw.$$' $(SERVEOPTS) $(SOURCES) $(BUILD)/html

bench: $(STAMP) system-deps
	$(BIN)/python bench/generator.py $(GENBENCHOPTS)
	$(BIN)/python bench/pdf_builders.py $(BENCHOPTS)

# The question bank from quizzes/ (checked against bib/ and docs/ first); written atomically.
quiz-bank: $(STAMP)
	$(BIN)/python -m handout quiz --output $(BUILD)/quiz/bank.json

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV)
