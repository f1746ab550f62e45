# Two commands do all set-up on a fresh machine (Python 3.11 + pip): `make demo` and `make test`.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN = $(UV) run --frozen

.PHONY: setup demo test lint bench dev browser-deps

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

demo: setup
	$(RUN) declaratiemonitor demo

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: setup browser-deps
	$(RUN) ruff check pipelines tests dashboards
	$(RUN) dg check defs
	$(RUN) pytest -q -n 2

lint: setup
	$(RUN) ruff check pipelines tests dashboards
	$(RUN) ruff format --check pipelines tests dashboards

bench: setup
	$(RUN) declaratiemonitor bench --claims 1000000

dev: setup
	DECLARATIEMONITOR_LANDING=$(CURDIR)/data/demo/landing DECLARATIEMONITOR_OUT=$(CURDIR)/data/demo/out $(RUN) dg dev
