# Trợ lý Dịch vụ công — developer commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALL_STAMP := $(VENV)/.install-stamp
MODEL := models/current.tar.gz
# Everything a trained model depends on: retrain when any of these is newer than the model.
MODEL_INPUTS := config.yml domain.yml $(shell find nlu_data bot/nlu -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

# Python 3.10: `python3.10` if it really runs (a pyenv shim may not), else pyenv's 3.10.x.
PYTHON310 := $(shell if python3.10 -c 'import sys' >/dev/null 2>&1; then command -v python3.10; \
	else ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -1; fi)

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

WEBCHAT := channels/webchat/dist/widget.js
WEBCHAT_INPUTS := $(wildcard channels/webchat/src/*) channels/webchat/package-lock.json channels/webchat/build.sh

.PHONY: help install train run test lint typecheck unit validate stories eval bench bench-scale bench-external clean services browser webchat

help: ## List the targets
	@grep -hE '^[a-z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(INSTALL_STAMP) ## Create .venv (Python 3.10) and install pinned dependencies

$(INSTALL_STAMP): pyproject.toml constraints.txt
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 not found. Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv'."; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

$(MODEL): $(INSTALL_STAMP) $(MODEL_INPUTS)
	@mkdir -p models
	$(RASA) train --config config.yml --domain domain.yml --data nlu_data --out models \
		--fixed-model-name current --quiet

train: $(MODEL) ## Train the model if it is older than config, domain, data or NLU code

$(WEBCHAT): $(WEBCHAT_INPUTS)
	bash channels/webchat/build.sh

webchat: $(WEBCHAT) ## Build the web chat widget (npm packages pinned in package-lock.json)

browser: ## Install Debian's headless Chromium for the browser tests, when missing
	@bash scripts/install-browser.sh

run: $(MODEL) $(WEBCHAT) ## Install, train if needed, start everything, print the URLs (Ctrl-C stops)
	$(PY) -m bot.devserver

services: ## Start Redis and PostgreSQL if they are not answering
	@bash scripts/services.sh

lint: $(INSTALL_STAMP) ## Ruff lint and format check
	$(VENV)/bin/ruff check bot actions channels tests scripts
	$(VENV)/bin/ruff format --check bot actions channels tests scripts

typecheck: $(INSTALL_STAMP) ## mypy
	$(VENV)/bin/mypy

validate: $(INSTALL_STAMP) ## rasa data validate
	$(RASA) data validate --config config.yml --domain domain.yml --data nlu_data --fail-on-warnings

unit: $(MODEL) $(WEBCHAT) browser ## pytest (unit, integration and browser tests)
	$(PY) -m pytest -q -p no:cacheprovider

stories: $(MODEL) ## Conversation tests, failing on any prediction error
	$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors \
		--out var/results/core --endpoints endpoints.yml

test: services lint typecheck validate unit stories ## Everything CI checks

eval: $(INSTALL_STAMP) ## NLU evaluation on a held-out split (accented and unaccented)
	$(PY) -m bot.nlu.evaluate --out docs/BENCHMARKS.md

bench: $(INSTALL_STAMP) ## Benchmarks (NLU parse latency, model load time)
	$(PY) -m bot.bench --out docs/BENCHMARKS.md

bench-scale: $(INSTALL_STAMP) ## Training time, memory and load time at the external data set's scale
	$(PY) scripts/make_scale_data.py var/scale
	$(PY) -m bot.nlu.evaluate --external var/scale/train.yml var/scale/test.yml --out docs/BENCHMARKS.md --section eval-scale

# DATA: a directory with train/ and test/ in the JointBERT/JointIDSF layout (seq.in, seq.out, label)
bench-external: $(INSTALL_STAMP) ## NLU figures on an external intent + slot data set: make bench-external DATA=dir
	@test -n "$(DATA)" || { echo "usage: make bench-external DATA=dir (train/ and test/ with seq.in, seq.out, label)"; exit 2; }
	@mkdir -p var/external
	$(PY) scripts/bio_to_rasa.py $(DATA)/train var/external/train.yml
	$(PY) scripts/bio_to_rasa.py $(DATA)/test var/external/test.yml
	$(PY) -m bot.nlu.evaluate --external var/external/train.yml var/external/test.yml

clean: ## Remove trained models and runtime state
	rm -rf models var/*.db var/results
