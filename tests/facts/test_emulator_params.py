"""The emulator's options are defined once, on ``Emulator``: ``create_app`` adds only its
own (seeding, the control endpoint) and hands every other keyword to ``Emulator``."""

from __future__ import annotations

import inspect

import pytest

from ccm_tui.emulator import Emulator, ManualClock, create_app


def _names(fn) -> set[str]:
    return {p.name for p in inspect.signature(fn).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY}


def test_create_app_does_not_restate_the_emulator_parameters():
    assert _names(create_app) & _names(Emulator.__init__) == set()


def test_every_emulator_parameter_reaches_the_emulator(tmp_path):
    clock = ManualClock(1_700_000_000)
    options = {"db_path": tmp_path / "emu.sqlite", "email": "ops@facts.example",
               "password": "Facts-Password-1", "token_ttl": 60, "session_ttl": 120,
               "clock": clock, "id_seed": 7}
    assert set(options) == _names(Emulator.__init__)  # a new Emulator option: add it here
    emu = create_app(seed_accounts=2, **options).state.emulator
    again = create_app(**options).state.emulator  # the same file database: seeded once
    assert (emu.email, emu.token_ttl, emu.session_ttl, emu.clock) == (
        "ops@facts.example", 60, 120, clock)
    assert (tmp_path / "emu.sqlite").exists()
    assert again.store.count_accounts() == emu.store.count_accounts() == 2


def test_an_unknown_option_is_refused():
    with pytest.raises(TypeError):
        create_app(token_tll=60)
