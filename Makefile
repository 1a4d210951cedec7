# 工友 Gongyou — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export RASA_TELEMETRY_ENABLED := false
export UV_LINK_MODE := copy

.PHONY: help install run chat test lint typecheck check rasa bench clean

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --user --quiet uv \
		|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed ## Install the project and its dependencies into .venv (with uv)

run: install ## Set up and serve the web chat + API on http://127.0.0.1:$${PORT:-8000}
	$(UV) run --frozen gongyou run

chat: install ## Chat with the bot in this terminal
	$(UV) run --frozen gongyou chat

test: install ## Run the whole test suite (PostgreSQL/Redis/Rasa tests run when configured)
	$(UV) run --frozen python -m pytest

lint: install ## ruff (lint + format check)
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install ## mypy (strict) on the packages
	$(UV) run --frozen mypy bot nlu knowledge_base handoff

check: lint typecheck test ## Everything CI checks

rasa: ## Python 3.10 virtualenv with Rasa 3.6, train from nlu/data and serve on 127.0.0.1:5005
	bash scripts/rasa.sh serve

bench: install ## Chat throughput benchmark (embedded defaults, then Redis + PostgreSQL if set)
	$(UV) run --frozen python bench/chat_throughput.py

clean: ## Remove local state (database, models, caches) — keeps .venv
	rm -rf var/*.db var/models .pytest_cache .mypy_cache .ruff_cache
