"""The ``ccm-tui`` command (the script enters through ``ccm_tui.entry:main``, which answers
``--version`` itself and hands everything else to ``main`` here).

Importing this package stays cheap (argparse only): ``--help`` and ``--version`` must not pull
in textual, httpx, pydantic, starlette, uvicorn or cryptography. Every subcommand imports what
it needs inside its handler.
"""

from ccm_tui.cli.main import TuiOptions, build_parser, main

__all__ = ["TuiOptions", "build_parser", "main"]
