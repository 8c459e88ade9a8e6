"""The ``ccm-tui`` script's entry point (``[project.scripts]``), kept tiny on purpose.

``--version`` is answered here from ``ccm_tui.__version__`` with nothing but ``sys``: no
argparse, no ``ccm_tui.cli`` (``python -c pass`` plus a few hundred microseconds). A bare
``--help`` is printed by ``ccm_tui.tophelp`` (``os`` and ``sys`` only; the same text as
argparse's, checked by a test at every width). Every other command line goes to
``ccm_tui.cli.main``, which imports argparse and builds only the parts of the parser the
command line needs."""

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:  # what argparse's version action would print
        from ccm_tui import __version__

        print(f"ccm-tui {__version__}")
        return 0
    if args in (["--help"], ["-h"]):  # the same text as argparse's, without importing it
        from ccm_tui.tophelp import print_help

        return print_help()
    from ccm_tui.cli.main import main as cli_main

    return cli_main(args)
