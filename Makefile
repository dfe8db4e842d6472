# Winterproof: `make run` starts the app, `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test deploy-check test-explore lint bench bench-browser browser nginx postgres mutation clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUNTIME): requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(RUNTIME)

# Debian's Chromium (never `playwright install`) and Noto CJK fonts (Chinese in pages and charts) for the browser tests.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium and CJK fonts for the browser tests (apt-get)"; \
		apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }; \
	else \
		echo "Chromium or CJK fonts missing: browser tests will skip. Enable them with: sudo apt-get install -y chromium fonts-noto-cjk"; \
	fi

# Debian's nginx for tests/browser/test_deploy.py, which runs deploy/nginx.conf in front of two app processes.
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing nginx for the deploy test (apt-get)"; \
		apt-get install -y -qq nginx >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq nginx; }; \
	else \
		echo "nginx missing: the deploy test will skip. Enable it with: sudo apt-get install -y nginx"; \
	fi

run: $(RUNTIME)
	MALLOC_ARENA_MAX=2 $(VENV)/bin/streamlit run app.py

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# The machine's PostgreSQL for the storage tests (root only; they skip without it outside CI).
postgres:
	@sh scripts/test-postgres.sh

test: $(DEV) browser nginx postgres lint
	$(PY) -m pytest

# deploy/nginx.conf in front of two team-mode app processes, driven by Chromium (part of `make test`; see deploy/README.md).
deploy-check: $(DEV) browser nginx postgres
	$(PY) -m pytest tests/browser/test_deploy.py tests/test_deploy_config.py

# Hypothesis with 25x the examples, randomised (make test is derandomised): pin what it finds with @example.
test-explore: $(DEV)
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest tests/core tests/test_cli.py --deselect tests/core/storage/test_store.py

# Mutation testing of the six engine modules with mutmut 3 ([tool.mutmut] in pyproject.toml; results in ./mutants,
# kept between runs so a second run only re-tests what changed). Slow: not part of `make test`; see BENCHMARKS.md.
mutation: $(DEV)
	$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut export-cicd-stats
	@cat mutants/mutmut-cicd-stats.json

bench: $(RUNTIME)
	$(PY) -m bench.engine
	$(PY) -m bench.books
	$(PY) -m bench.pillars
	$(PY) -m bench.risk
	$(PY) -m bench.pricing
	$(PY) -m bench.solve
	$(PY) -m bench.editor
	$(PY) -m bench.charts
	$(PY) -m bench.imports
	$(PY) -m bench.pages

# Slider-to-chart in Chromium (BENCHMARKS.md, "Pages").
bench-browser: $(DEV) browser
	$(PY) -m bench.browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
