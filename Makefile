# Analogue Watch: two commands for a new machine, `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KAFKA := deploy/kafka/kafka.sh
RUN_DIR := .run
# The local runner (deploy/local.sh) defaults the broker to 127.0.0.1:9092 (KAFKA_PORT); the
# test suite starts its own on free ports unless KAFKA_BOOTSTRAP_SERVERS is set by the caller.

.PHONY: help setup prereqs run up down status test test-unit lint bench bench-state stress clean

help:
	@echo "make run    set up, start a local Kafka broker and the services, play the demo scenario"
	@echo "make test   set up and run the whole test suite (starts its own broker)"
	@echo "make up / make down   broker and services as background processes (logs in $(RUN_DIR)/logs)"
	@echo "make lint   ruff and mypy;  make bench   the benchmarks (make bench-state: state costs alone)"
	@echo "make stress every fault point, repeated, a broker restart and a 3-broker cluster (~35 min)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11+ is needed (found $$($(PYTHON) --version 2>&1)); set PYTHON=..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

prereqs:
	@deploy/prereqs.sh run
	@$(KAFKA) resolve

setup: prereqs $(STAMP)

test: setup
	@deploy/prereqs.sh test
	@# pytest exits 5 when it collected no test: an empty suite is a failure, said plainly.
	@$(PY) -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; exit $$rc

test-unit: $(STAMP)
	$(PY) -m pytest tests/unit

up: setup
	@deploy/local.sh up

down:
	@deploy/local.sh down

status:
	@deploy/local.sh status

run: setup
	@deploy/local.sh run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Kills workers at every fault point (twice), restarts a broker, stops a node of a 3-broker
# cluster; each run compared with a golden run (tests/stress/run_faults.py, docs/stress.md).
# The cost of state as it grows (issue 12): in-process, no broker, about a minute.
bench-state: setup
	@$(PY) bench/bench_state.py

stress: setup
	@$(PY) tests/stress/run_faults.py

clean: down
	rm -rf $(RUN_DIR) .pytest_cache .mypy_cache .ruff_cache
