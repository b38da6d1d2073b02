# Two commands set everything up on a fresh machine:
#   make book   build the current edition's book into _book/<edition>/
#   make test   run the whole test suite
# Both create .venv and install the pinned dependencies first (Python 3.11+, from PyPI only).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book all-editions test lint chromium poppler quarto axe vega workflow workflow-env regression-refresh benchmark lock clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@# ipykernel writes the kernel's spec into a temporary folder and removes the spec but not the folder: given
	@# one of the venv's own, nothing is left in the system's temporary folder.
	mkdir -p $(VENV)/.kernelspec-tmp
	TMPDIR=$(VENV)/.kernelspec-tmp $(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 > /dev/null
	rm -rf $(VENV)/.kernelspec-tmp
	@# The project's modules compiled once: where Python runs with PYTHONDONTWRITEBYTECODE (as on CI), they would
	@# otherwise be compiled again by every command and in every notebook's kernel. A module edited later is
	@# compiled afresh in memory, as before.
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

book: $(STAMP) quarto vega
	$(BIN)/skills-evidence build

all-editions: $(STAMP) quarto vega
	$(BIN)/skills-evidence build --all

# The accessibility test drives Debian's Chromium (Playwright's own browser download is not used).
# As root (CI) it is installed when missing; otherwise that one test skips and says why.
# The axe-core the accessibility tests run, pinned in tools/axe/package-lock.json and installed from the npm
# registry (npm comes from Debian when missing, as for Quarto). Newer than the copy axe-playwright-python bundles.
axe: tools/axe/node_modules/axe-core/axe.min.js

tools/axe/node_modules/axe-core/axe.min.js: tools/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } || true
	cd tools/axe && npm ci --silent --no-audit --no-fund && touch node_modules/axe-core/axe.min.js

# Every English authority's book through Snakemake (workflow/Snakefile), on every core; pass more options in
# WORKFLOW_ARGS, e.g. make workflow WORKFLOW_ARGS="--config areas=E07000008,E10000016 renderer=fallback".
# Snakemake lives in its own environment: its pins conflict with the project's pre-commit tools.
WORKFLOW := .venv-workflow
CORES ?= all
workflow-env: $(WORKFLOW)/.installed

$(WORKFLOW)/.installed: tools/workflow/requirements.txt
	$(PYTHON) -m venv $(WORKFLOW)
	$(WORKFLOW)/bin/pip install --quiet -r tools/workflow/requirements.txt
	touch $@

workflow: $(STAMP) quarto vega workflow-env
	$(WORKFLOW)/bin/snakemake --cores $(CORES) $(WORKFLOW_ARGS)

# The interactive charts' scripts (Vega, Vega-Lite, vega-embed), pinned in tools/vega/package-lock.json and
# installed from the npm registry; the build copies them into each edition, so no page loads a script from
# another host. Without npm the pages keep their static charts and say the interactive ones are not built.
vega: tools/vega/node_modules/vega-embed/build/vega-embed.min.js

tools/vega/node_modules/vega-embed/build/vega-embed.min.js: tools/vega/package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } || true
	cd tools/vega && npm ci --silent --no-audit --no-fund && touch node_modules/vega-embed/build/vega-embed.min.js

# poppler's pdfinfo: the PDF test asks it whether it finds errors in the PDFs (skipped where it is absent).
poppler:
	@command -v pdfinfo >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } ; } || \
	  echo "poppler-utils not installed: the PDF test will not ask pdfinfo for errors (apt-get install poppler-utils)"

chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ; } || \
	  echo "Chromium not installed: the accessibility test will be skipped (apt-get install chromium)"

# Quarto renders the book of record. Taken from PATH when there is one; otherwise installed once into
# .quarto-runtime/ (git-ignored) by ../shared/quarto/install.sh, which builds it from Quarto's source and
# the package registries (it needs npm: installed from Debian when missing, as root). Where neither
# exists the build falls back to Pandoc + Typst and says so.
QUARTO_KIT := ../shared/quarto/install.sh
quarto:
	@if command -v quarto >/dev/null 2>&1; then echo "Quarto: $$(command -v quarto)"; \
	elif [ -f $(QUARTO_KIT) ]; then \
	  command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } || true; \
	  bash $(QUARTO_KIT) .quarto-runtime > /dev/null && echo "Quarto $$(.quarto-runtime/bin/quarto --version): .quarto-runtime/bin/quarto"; \
	else echo "Quarto not found and $(QUARTO_KIT) absent: the book will render with the Pandoc/Typst fallback"; fi

test: $(STAMP) chromium poppler quarto axe vega workflow-env
	$(BIN)/pytest

# ruff (lint + format), nbstripout on notebooks/ and basic file hygiene, as the pre-commit hooks run them.
lint: $(STAMP)
	$(BIN)/pre-commit run --all-files

# Re-executes the stored nbval reference notebooks after an intended change and prints what moved.
regression-refresh: $(STAMP)
	$(BIN)/python scripts/refresh_regression.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/build_benchmark.py $(BENCH_ARGS)

lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^skills-evidence' > requirements.lock.tmp
	@echo "Review requirements.lock.tmp, then replace the pins in requirements.txt."

clean:
	rm -rf build _book
