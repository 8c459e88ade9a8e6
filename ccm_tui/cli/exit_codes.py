"""The exit statuses of ``ccm-tui`` (standard library only; every CLI module imports them
from here, so no subcommand module imports ``cli/main.py``, which dispatches to them)."""

EXIT_OK = 0
EXIT_FAILURE = 1  # server, network or auth failure
EXIT_USAGE = 2  # invalid input or usage
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT), as shells report it
