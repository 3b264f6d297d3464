# Two commands: `make run` starts the product, `make test` runs every test.
# Both install what they need into .venv from uv.lock first.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint bench install clean system-packages

# The report tests read PDFs with poppler's pdftotext and pdftoppm; WeasyPrint
# needs Pango; the browser tests drive Debian's Chromium through Playwright
# (never a browser download). Installed from Debian when missing and we may
# (root, apt).
SYSTEM_PACKAGES := poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
	chromium chromium-driver
system-packages:
	@command -v pdftoppm >/dev/null && command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q $(SYSTEM_PACKAGES) >/dev/null || \
		{ apt-get update -q >/dev/null && apt-get install -y -q $(SYSTEM_PACKAGES) >/dev/null; }; \
	else echo "please install: $(SYSTEM_PACKAGES)" >&2; fi

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --reinstall-package bieb-register
	touch $@

install: $(VENV)/.synced

run: install
	$(VENV)/bin/bieb up

test: install system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(VENV)/bin/python bench/store.py

clean:
	rm -rf $(VENV) .tools instance .pytest_cache .hypothesis
