# 工友 Gongyou — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv from PATH, else where `pip install --user` puts it (~/.local/bin need not be on PATH).
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
# Scripts and tests started from here (e.g. Rasa's setup) find uv too.
export PATH := $(dir $(UV)):$(PATH)
export RASA_TELEMETRY_ENABLED := false
export UV_LINK_MODE := copy

# Two install levels, each with its own stamp: serving needs only the runtime dependencies;
# tests, linters and the type checker need the development group too. `--inexact` keeps the
# development tools when `make run` follows `make test`, so switching never reinstalls.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help install install-dev run chat test test-fast lint typecheck check rasa bench clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(UV):
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --user --quiet uv \
		|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv \
		|| { echo "Could not install uv with pip. Install it from https://docs.astral.sh/uv/ and run make again." >&2; exit 1; }

$(RUNTIME_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact
	@touch $@

$(DEV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP) ## Install what serving needs into .venv (with uv)

install-dev: $(DEV_STAMP) ## Install that plus the development tools (pytest, ruff, mypy, selenium)

# `exec` hands the terminal's Ctrl-C straight to the server, which then exits cleanly.
# With TELEGRAM_BOT_TOKEN set, the Telegram poller starts beside the server (once it answers)
# and stops when the server stops.
run: install ## Serve the web chat + API on http://127.0.0.1:8000 (another port: PORT=8080 make run)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(VENV)/bin/gongyou telegram --polling --beside-web $$$$ & fi; \
	exec $(VENV)/bin/gongyou run

chat: install ## Chat with the bot in this terminal (logs go to var/logs/chat.log)
	@exec $(VENV)/bin/gongyou chat

# The suite runs in TEST_WORKERS processes (pytest-xdist), a module per process at a time, so a
# module's servers and fixtures start once. Much of it waits on servers, sockets and time-outs
# rather than on the processor. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadscope)

test: install-dev ## Everything: first run builds Rasa's 2.7 GB virtualenv and model (~18 min)
	$(VENV)/bin/python -m pytest $(PYTEST_PARALLEL)

test-fast: install-dev ## Everyday tests: no Rasa, no browser (a few minutes)
	$(VENV)/bin/python -m pytest $(PYTEST_PARALLEL) -m "not rasa and not browser"

lint: install-dev ## ruff (lint + format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-dev ## mypy (strict) on the packages
	$(VENV)/bin/mypy bot nlu knowledge_base handoff

check: lint typecheck test ## Everything CI checks

rasa: ## Python 3.10 virtualenv with Rasa 3.6, train from nlu/data and serve on 127.0.0.1:5005
	bash scripts/rasa.sh serve

bench: install ## Chat throughput benchmark (embedded defaults, then Redis + PostgreSQL if set)
	$(VENV)/bin/python bench/chat_throughput.py

clean: ## Remove local state (database, models, caches) — keeps .venv
	rm -rf var/*.db var/models .pytest_cache .mypy_cache .ruff_cache
