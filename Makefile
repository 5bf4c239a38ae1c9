# Two commands for a newcomer: `make run` and `make test`. Everything else is set-up they depend on.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install migrate deploy seed scheduler bench translations

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The browser libraries (bpmn-js, dmn-js) at the versions pinned in package-lock.json; served from node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d app/translations -f

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade

deploy: migrate
	$(FLASK) deploy-processes

# The standard checklists are loaded each time (idempotent; a database seeded before they existed gets them too).
seed: deploy
	$(FLASK) checklists load
	$(FLASK) seed-demo --if-empty

# The web server and the scheduler process beside it; Ctrl-C stops both.
run: seed
	@echo "Serving http://$(HOST):$(PORT)  (demo users: see README; password: $${DEMO_PASSWORD:-demo-pass-2026})"
	@$(PY) -m scheduler & SCHED=$$!; trap "kill $$SCHED 2>/dev/null" EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

scheduler: seed
	$(PY) -m scheduler

test: install
	$(PY) -m pytest -q tests

bench: install
	$(PY) bench/lifecycle.py
	$(PY) bench/timers.py
	$(PY) bench/reports.py
	$(PY) bench/iot.py
	$(PY) bench/iot_prune.py
