# Commands that matter: `make run`, `make check` (after every edit, no training, about two minutes) and `make test`
# (everything, training included). Everything else is a step they call. Maintainers: MAINTAINING.md.
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
# spaCy's import wakes TensorFlow, which prints lines about GPUs that do not concern anyone here.
export TF_CPP_MIN_LOG_LEVEL := 2
# The tests that need neither a trained model nor a browser, nor minutes: `make check` runs them, `make test` the others.
FAST_TESTS := not rasa_server and not browser and not slow

# A Python 3.10 that really runs (a pyenv shim for python3.10 exists even when it cannot run).
PY310 ?= $(shell for c in python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1) /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  if [ -n "$$c" ] && "$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then echo "$$c"; break; fi; done)

CONTENT_FILES := $(shell find data -type f -name '*.yml' -not -path 'data/nlu/*' -not -path 'data/stories/*' -not -path 'data/rules/*' 2>/dev/null)
TRAIN_FILES   := $(shell find $(TRAIN_DATA) $(DOMAIN) -type f -name '*.yml' -not -path '$(GEN)/*' 2>/dev/null) config.yml

.PHONY: help setup generate train signs publish rollback run widget check check-data test test-py test-conversations browser-deps validate eval lint bench clean postgres-test lock cluster-test cluster-start cluster-stop

help:
	@echo "make run    set everything up, train if needed, start the assistant"
	@echo "make check  everything that needs no training: data files, rasa data validate, lint, fast tests"
	@echo "make test   make check, then train if needed and run the conversation, server and browser tests"
	@echo "make eval   intent accuracy per language, danger tiers, job-offer signs and conversations"
	@echo "make publish / make rollback   put a new model live after the tests and gates / put the previous back"

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

# Responses are generated from the vetted cards and the referral directory, never copied by hand. The stamp is
# touched only when a generated file really changed, so editing code that does not change them retrains nothing
# (the generation itself takes a few seconds and runs again).
$(GEN)/.stamp: $(STAMP) $(CONTENT_FILES) $(shell find bot -name '*.py' 2>/dev/null)
	@$(PY) -m bot build-domain --out $(GEN) --stamp $@

generate: $(GEN)/.stamp

# The danger classifier is trained into the model: its features (classifier.py, normalise.py) are part of it, and
# it also learns from the used blind danger batches config.yml lists (tests/safety/unseen).
# The offer router is trained into the model too, from data/nlu and the labelled offers (bot/job_offer/routing.py).
ROUTER_FILES := data/job_offer/routing.yml data/job_offer/labelled_offers.yml $(addprefix bot/job_offer/,routing.py ngram.py text.py labelled.py)
$(MODEL): $(GEN)/.stamp $(TRAIN_FILES) $(shell find bot/nlu -name '*.py' 2>/dev/null) bot/safety/classifier.py bot/safety/normalise.py $(ROUTER_FILES) $(wildcard tests/safety/unseen/*.yml)
	@echo "== training (data or config changed)"
	@$(RASA) train --domain $(DOMAIN) --data $(TRAIN_DATA) --config config.yml --out models --fixed-model-name assistant --quiet
	@$(PY) -m bot record-training >/dev/null  # what it was trained on: `make publish` may then fine-tune it
	@touch $@

train: $(MODEL)

# The job-offer reader's learned half (one classifier per warning sign), trained from the labelled offers in a
# few seconds; the action server reads it from build/ (bot/job_offer/training.py).
SIGNS := build/job_offer/sign_classifiers.json
$(SIGNS): $(STAMP) data/job_offer/labelled_offers.yml data/job_offer/red_flags.yml $(wildcard bot/job_offer/*.py)
	@$(PY) -m bot job-offer train

signs: $(SIGNS)

# The rule readers' lemma tables, cut down to what their data can ask (bot/nlp/lookups.py): built here so that a
# starting server reads a small file (a server that finds none builds it in a child process).
LEMMAS := build/lemmas/.stamp
$(LEMMAS): $(STAMP) $(wildcard data/safety/*.yml data/job_offer/*.yml) bot/nlp/lookups.py data/languages.yml
	@$(PY) -m bot.nlp.lookups && touch $@

# Put a new model live: make check, train (fine-tuning the live model when only examples changed), conversation
# tests, quality gates (held-out accuracy per language, danger on the labelled set), and only then load it into the
# running assistant without a restart (RASA_ADMIN_TOKEN, as `make run` got it); the last five are in models/archive/.
# FULL=1 trains from scratch even when only examples changed (when the gates refuse a fine-tuned model).
publish: check
	@$(PY) -m bot publish $(if $(FULL),--full,)

# The previous published model back, in seconds.
rollback: $(STAMP)
	@$(PY) -m bot rollback

# The data files' shapes, in words a maintainer understands (file, line, what is wrong, how to fix it).
check-data: $(STAMP)
	@echo "== data files"
	@$(PY) -m bot check-data

# Rasa's own check needs the generated responses, so this generates them first (plain `rasa data validate` in a
# fresh clone would not find them).
validate: $(GEN)/.stamp
	@echo "== rasa data validate"
	$(RASA) data validate --fail-on-warnings --domain $(DOMAIN) --data $(TRAIN_DATA) --config config.yml

run: $(MODEL) $(SIGNS) $(LEMMAS) widget
	@bash scripts/run.sh

# The widget's socket.io client comes from the npm registry at build time, never from a CDN at run time.
widget: $(STAMP)
	@if [ -x widget/build.sh ]; then bash widget/build.sh; fi

test-conversations: $(MODEL) $(SIGNS)
	$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors --out results/core

browser-deps: $(STAMP)
	@bash scripts/ensure-chromium.sh

# Everything that needs no trained model, in under two minutes: run it after every edit. The data files first (the
# plainest messages); then Rasa's own check runs beside the fast tests, which pytest-xdist spreads over both cores
# (a file's tests stay together: some share a fixture that takes seconds to build).
check: check-data lint widget $(GEN)/.stamp
	@echo "== rasa data validate (beside the fast tests; its report follows theirs)"
	@mkdir -p build; \
	$(RASA) data validate --fail-on-warnings --domain $(DOMAIN) --data $(TRAIN_DATA) --config config.yml \
	  > build/validate.log 2>&1 & validate=$$!; \
	echo "== fast tests"; \
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile -m "$(FAST_TESTS)"; tests=$$?; \
	wait $$validate; valid=$$?; \
	echo "== rasa data validate"; \
	if [ $$valid -eq 0 ]; then echo "rasa data validate: OK"; else cat build/validate.log; fi; \
	[ $$tests -eq 0 ] && [ $$valid -eq 0 ]

# The tests `make check` does not run (a trained model, a running server, a browser).
test-py: $(MODEL) $(SIGNS) $(LEMMAS) widget browser-deps
	$(PY) -m pytest -q -m "not ($(FAST_TESTS))"

# CHECKED=1 skips `make check` when it has just passed (.ci/run runs it first); every test runs either way.
test: $(if $(CHECKED),,check) $(MODEL) test-conversations test-py

eval: $(MODEL) $(SIGNS) $(LEMMAS)
	$(PY) -m bot.eval all --model $(MODEL)

lint: $(STAMP)
	@echo "== ruff"
	$(VENV)/bin/ruff check bot actions tests bench

# Speed and footprint beside Rasa's stock bot (bench/): make bench BENCH_ARGS=--quick for a run of a few minutes,
# BENCH_ARGS=--training to time training too. Prints figures, writes results/bench.json and results/bench.png.
bench: $(MODEL) $(LEMMAS) widget
	$(PY) -m bench $(BENCH_ARGS)

postgres-test: $(STAMP)
	bash scripts/postgres-test.sh

# Scale-out (issue 24): PostgreSQL, Redis, 2 Rasa + 2 action servers + 2 entry points behind nginx, on this
# machine under build/cluster/, then its tests and a 3-minute load test with a replica killed half-way
# (CLUSTER_LOAD_SECONDS=60 for a shorter one). Installs Debian's postgresql, redis-server, nginx when missing.
cluster-test: $(MODEL) widget
	@bash scripts/cluster/test.sh

# The same cluster, left running (for a look, or a load test by hand: python -m bench.cluster --duration 60).
cluster-start: $(MODEL) widget
	@bash scripts/cluster/start.sh

cluster-stop:
	@bash scripts/cluster/stop.sh

clean:
	rm -rf models results $(GEN) build
