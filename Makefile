# ITSS Graph — the two commands a fresh machine needs:
#   make demo   set everything up, then run the main job on the embedded store
#   make test   set everything up, then run the whole test suite (Neo4j and browser tests included)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
ITSS   := $(VENV)/bin/itss
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
DEMO_DIR ?= out/demo

.PHONY: demo test install system-deps neo4j-test-server bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# bytecode for the editable package: each CLI run would otherwise compile it again
	@# (notably where PYTHONDONTWRITEBYTECODE is set)
	$(PY) -m compileall -q itss_graph > /dev/null
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(ITSS) demo --dir $(DEMO_DIR)

system-deps:
	bash scripts/install-system-deps.sh

neo4j-test-server: system-deps
	mvn -q -B -f tools/neo4j-test-server/pom.xml package -DskipTests
	mvn -q -B -f tools/neo4j-plugin/pom.xml package -DskipTests

test: $(STAMP) system-deps neo4j-test-server
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# e.g. make bench BENCH_ARGS="--estates demo,foreign --sizes 200k,1m --stores sqlite,neo4j"
bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out tools/neo4j-test-server/target tools/neo4j-plugin/target tests/artifacts
