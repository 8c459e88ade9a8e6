"""A CCM-compatible emulator for ``--demo`` and tests. Imports only models, stdlib, starlette,
uvicorn and ccm_tui.urls (never ccm_tui.api or textual).

    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD, create_app, EmulatorServer
"""

from ccm_tui.emulator.app import create_app
from ccm_tui.emulator.clock import ManualClock
from ccm_tui.emulator.core import (
    DEFAULT_PAGE_SIZE,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EMULATOR_VERSION,
    SESSION_COOKIE,
    Emulator,
    Received,
)
from ccm_tui.emulator.faults import ConnectionDropped, FaultInjector
from ccm_tui.emulator.server import EmulatorServer

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "EMULATOR_VERSION",
    "SESSION_COOKIE",
    "ConnectionDropped",
    "Emulator",
    "EmulatorServer",
    "FaultInjector",
    "ManualClock",
    "Received",
    "create_app",
]
