# tests/perf holds a benchmark script and its helpers, run outside pytest
# (`uv run python tests/perf/bench.py`); nothing here is a test module.
collect_ignore_glob = ["*.py"]
