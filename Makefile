# make demo: set up, then run the pipeline on seeds/ into locales/
# make test: set up, install system tools the tests use, run every test
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIPELINE := $(VENV)/bin/pipeline
STAMP := $(VENV)/.installed
# The tests also cover the optional cluster extra (Ray); `make demo` does not need it.
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test bench lint system-tools clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench,dev]'
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,bench,dev,cluster]'
	touch $@

# Models come from the Argos index; without network the demo still writes review
# files (segments, glossary notes) with engine none, and says so in one line.
demo: $(STAMP)
	@if msg=$$($(PIPELINE) models install en ru uk 2>&1); then \
	  [ -z "$$msg" ] || echo "$$msg"; engine=auto; \
	else \
	  echo "make demo: $${msg#error: }; continuing without machine translation (--engine none)"; engine=none; \
	fi; \
	$(PIPELINE) run seeds/ --to ru,uk --out locales/ --engine $$engine

# gettext's msgfmt checks every PO file we write; xmllint validates XML outputs;
# Chromium renders the HTML review page and runs the review app's tests; LibreOffice
# opens the Word documents `publish --format docx` writes; the OASIS XLIFF 1.2 strict schema ships
# in Debian's php-symfony-translation, unpacked without installing PHP.
SCHEMAS := build/schemas
system-tools: $(SCHEMAS)/xliff-core-1.2-strict.xsd
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(SCHEMAS)/xliff-core-1.2-strict.xsd:
	@mkdir -p $(SCHEMAS)/deb
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	cd $(SCHEMAS)/deb && { apt-get download php-symfony-translation 2>/dev/null || \
	  { $$SUDO apt-get update -qq && apt-get download php-symfony-translation 2>/dev/null; }; }
	dpkg -x $(SCHEMAS)/deb/php-symfony-translation_*.deb $(SCHEMAS)/deb/x
	cp $(SCHEMAS)/deb/x/usr/share/php/Symfony/Component/Translation/Resources/schemas/xliff-core-1.2-strict.xsd \
	   $(SCHEMAS)/deb/x/usr/share/php/Symfony/Component/Translation/Resources/schemas/xml.xsd $(SCHEMAS)/
	rm -rf $(SCHEMAS)/deb

test: $(TEST_STAMP) system-tools
	$(PIPELINE) glossary check glossary/
	$(PY) -m pytest -q

bench: $(TEST_STAMP)
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests bench
	$(VENV)/bin/ruff format --check pipeline tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) locales/*/ .pytest_cache .mypy_cache .ruff_cache
