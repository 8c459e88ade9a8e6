"""The ``ccm-tui`` command. Entry point: ``ccm_tui.cli:main``.

Importing this package stays cheap (argparse only): ``--help`` and ``--version`` must not pull
in textual, httpx, pydantic, starlette, uvicorn or cryptography. Every subcommand imports what
it needs inside its handler.
"""

from ccm_tui.cli.main import TuiOptions, build_parser, main

__all__ = ["TuiOptions", "build_parser", "main"]
