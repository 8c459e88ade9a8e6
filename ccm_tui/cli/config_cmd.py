"""`ccm-tui config path|check`: creates nothing; `path` imports the standard library only."""

from __future__ import annotations

import argparse
import sys

from ccm_tui.cli.exit_codes import EXIT_OK, EXIT_USAGE
from ccm_tui.safetext import visible


def run_config(args: argparse.Namespace) -> int:
    from ccm_tui.config import ConfigError, config_path, load_config

    if args.config_command == "path":
        print(config_path())
        return EXIT_OK
    try:
        cfg = load_config()
    except ConfigError as exc:
        print(f"error: {visible(exc)}", file=sys.stderr)
        return EXIT_USAGE
    if cfg.path is None or not cfg.path.exists():
        print(f"{config_path()}: no config file (defaults apply)")
    else:
        print(visible(f"{cfg.path}: OK"))
    for name, prof in sorted(cfg.profiles.items()):
        mark = " (default)" if name == cfg.default_profile else ""
        print(visible(f"  {name}{mark}: {prof.url or '-'} {prof.email or ''}".rstrip()))
    from ccm_tui.service.token_store import describe

    print(f"remembered sessions go to {visible(describe(cfg.token_store))}")
    return EXIT_OK
