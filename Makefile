# Two commands on a fresh machine: `make demo` and `make test`. Everything is installed into .venv from the
# hash-pinned lock file (requirements/lock.txt), the spaCy English pipeline included.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := demo-output

.PHONY: demo test lint bench eval gate lock clean postgres chromium

$(STAMP): requirements/bootstrap.txt requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# The venv's own pip may be too old to read the lock (pip 23 resolves an extra such as lxml[html_clean]
	@# apart from its pinned base under --require-hashes): install a pinned, hash-checked pip first.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/bootstrap.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	@rm -f $(OUT)/claimgraph.db*
	$(BIN)/claimgraph audit examples/op-ed-border-trade.md --claims
	@for f in examples/*.md examples/*.html examples/*.pdf; do \
		$(BIN)/claimgraph audit "$$f" --claims --format markdown --out "$(OUT)/$$(basename "$$f").audit.md" || exit $$?; \
	done
	$(BIN)/claimgraph extract examples --out $(OUT)/examples.jsonl
	$(BIN)/claimgraph ingest examples --db $(OUT)/claimgraph.db
	$(BIN)/claimgraph disagreements --db $(OUT)/claimgraph.db
	$(BIN)/claimgraph export --format graphml --out $(OUT)/actors.graphml --db $(OUT)/claimgraph.db
	@echo
	@echo "Done. Look next at:"
	@echo "  $(OUT)/*.audit.md        a Markdown audit report (findings and claims) per example article"
	@echo "  $(OUT)/examples.jsonl    every example as the JSON contract (one object per line)"
	@echo "  $(OUT)/claimgraph.db     the knowledge base: try .venv/bin/claimgraph actors --db $(OUT)/claimgraph.db"
	@echo "  $(OUT)/actors.graphml    the actor network, for networkx or Gephi"
	@echo "  $(BIN)/claimgraph --help all commands; README.md for the walk-through"
	@echo
	@echo "See it in a browser:  $(BIN)/claimgraph serve --db $(OUT)/claimgraph.db"
	@echo "  then open http://127.0.0.1:8000/ (the articles with their evidence lit up; /network, /timeline,"
	@echo "  /disagreements; the JSON API at /api/v1/, documented at /api/docs). Ctrl-C stops it."

# The PostgreSQL tests start a throwaway server from Debian's binaries; install them when missing (CI runs as root).
postgres:
	@command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; }

# The browser tests drive Debian's chromium (Playwright, executable_path=/usr/bin/chromium); install it when missing.
chromium:
	@test -x /usr/bin/chromium || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

test: $(STAMP) postgres chromium
	$(BIN)/python -m pytest

# Throughput beside bare spaCy (a few minutes on 2 cores); the result is kept in bench/results/latest.json.
bench: $(STAMP)
	$(BIN)/python -m claimgraph.bench --json bench/results/latest.json

# Accuracy on every gold set in ../shared (the seed's gold, ISAF, PLOVER, re3d); kept in bench/results.
eval: $(STAMP)
	$(BIN)/claimgraph eval ../shared --workers 2
	$(BIN)/claimgraph eval ../shared --workers 2 --json > bench/results/eval-latest.json

# The accuracy gate (CI): every gold set in ../shared scored once, each score compared with its floor in
# bench/floors.json; fails (exit 1) when one is below. See docs/metrics.md, "The accuracy gate".
gate: $(STAMP)
	$(BIN)/claimgraph eval ../shared --workers 2 --floors bench/floors.json

lint: $(STAMP)
	$(BIN)/ruff check claimgraph tests

# Regenerate the lock after editing requirements/*.in (needs network access to the package index).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes requirements/bootstrap.in -o requirements/bootstrap.txt
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes requirements/dev.in -o requirements/lock.txt

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
