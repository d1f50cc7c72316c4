# Two commands matter: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
STAMP   := $(VENV)/.installed
MODEL   := models/assistant.tar.gz
DOMAIN  := domain
GEN     := $(DOMAIN)/generated
# Rasa training data lives in these folders only; the rest of data/ is content read by bot/.
TRAIN_DATA := data/nlu data/stories data/rules
LOCK    := requirements.lock
# Rasa reports usage to rasa.com unless told not to, when training and testing too.
export RASA_TELEMETRY_ENABLED := false

# A Python 3.10 that really runs (a pyenv shim for python3.10 exists even when it cannot run).
PY310 ?= $(shell for c in python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1) /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  if [ -n "$$c" ] && "$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then echo "$$c"; break; fi; done)

CONTENT_FILES := $(shell find data -type f -name '*.yml' -not -path 'data/nlu/*' -not -path 'data/stories/*' -not -path 'data/rules/*' 2>/dev/null)
TRAIN_FILES   := $(shell find $(TRAIN_DATA) $(DOMAIN) -type f -name '*.yml' -not -path '$(GEN)/*' 2>/dev/null) config.yml

.PHONY: help setup generate train run widget test test-py test-conversations browser-deps validate eval lint bench clean postgres-test lock

help:
	@echo "make run    set everything up, train if needed, start the assistant"
	@echo "make test   set everything up, validate, train if needed, run all tests"
	@echo "make eval   intent accuracy per language, danger recall, job-offer flag precision/recall"

setup: $(STAMP)

# Every Python package, dependencies of dependencies included, comes pinned with its hashes from $(LOCK);
# pip refuses anything that does not match. The project itself is then installed without dependencies.
$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PY310)" ]; then \
	  echo "error: Python 3.10 is needed (Rasa 3.6 does not run on newer Pythons)."; \
	  echo "       Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10', or pass PY310=/path/to/python3.10."; \
	  exit 1; fi
	@echo "== creating $(VENV) with $(PY310), packages from $(LOCK)"
	@test -x $(PY) || $(PY310) -m venv $(VENV)
	@$(PY) -m pip install -q --require-hashes -r $(LOCK) 2>&1 | grep -v 'is ignored' || true
	@$(PY) -m pip install -q --no-deps -e . 2>&1 | grep -v 'is ignored' || true
	@$(PY) -c 'import rasa, spacy, telegram, lingua, sqlalchemy, alembic, supervisor' || { echo "error: installation failed"; exit 1; }
	@touch $@

# Re-pin every package after a change to pyproject.toml's dependencies (pip-tools, in a venv of its own).
lock:
	@test -x build/lockvenv/bin/pip-compile || { $(PY310) -m venv build/lockvenv && build/lockvenv/bin/pip install -q pip-tools; }
	build/lockvenv/bin/pip-compile --generate-hashes --extra dev --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

# Responses are generated from the vetted cards and the referral directory, never copied by hand.
$(GEN)/.stamp: $(STAMP) $(CONTENT_FILES) $(shell find bot -name '*.py' 2>/dev/null)
	@$(PY) -m bot build-domain --out $(GEN)
	@touch $@

generate: $(GEN)/.stamp

# The danger classifier is trained into the model: its features (classifier.py, normalise.py) are part of it.
$(MODEL): $(GEN)/.stamp $(TRAIN_FILES) $(shell find bot/nlu -name '*.py' 2>/dev/null) bot/safety/classifier.py bot/safety/normalise.py
	@echo "== training (data or config changed)"
	@$(RASA) train --domain $(DOMAIN) --data $(TRAIN_DATA) --config config.yml --out models --fixed-model-name assistant --quiet
	@touch $@

train: $(MODEL)

validate: $(GEN)/.stamp
	$(RASA) data validate --fail-on-warnings --domain $(DOMAIN) --data $(TRAIN_DATA) --config config.yml

run: $(MODEL) widget
	@bash scripts/run.sh

# The widget's socket.io client comes from the npm registry at build time, never from a CDN at run time.
widget: $(STAMP)
	@if [ -x widget/build.sh ]; then bash widget/build.sh; fi

test-conversations: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors --out results/core

browser-deps: $(STAMP)
	@bash scripts/ensure-chromium.sh

test-py: $(MODEL) widget browser-deps
	$(PY) -m pytest -q

test: validate $(MODEL) test-conversations test-py

eval: $(MODEL)
	$(PY) -m bot.eval all --model $(MODEL)

lint: $(STAMP)
	$(VENV)/bin/ruff check bot actions tests bench

# Speed and footprint beside Rasa's stock bot (bench/): make bench BENCH_ARGS=--quick for a run of a few minutes,
# BENCH_ARGS=--training to time training too. Prints figures, writes results/bench.json and results/bench.png.
bench: $(MODEL) widget
	$(PY) -m bench $(BENCH_ARGS)

postgres-test: $(STAMP)
	bash scripts/postgres-test.sh

clean:
	rm -rf models results $(GEN) build
