"""One list of secret field names (``ccm_tui.redaction.SECRET_KEYS``): every place that must
hide a secret — a view, a draft, a log line, an error message, the config file, a request
model — hides exactly those names. A second list that drifted would fail one of these."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

import ccm_tui
from ccm_tui.api.errmap import request_secrets, scrub_text
from ccm_tui.config import PASSWORD_REFUSED, ConfigError, parse_config
from ccm_tui.logs import _SecretFilter
from ccm_tui.models.base import shield_secrets
from ccm_tui.redaction import MASK, SECRET_KEYS, redact
from ccm_tui.service import drafts
from ccm_tui.widgets.account_view import account_json

VALUE = "hunter2-Secret-Value"
NAMES = sorted(SECRET_KEYS)
PACKAGE = Path(ccm_tui.__file__).parent


@pytest.mark.parametrize("name", NAMES)
def test_redact_masks_every_secret_name(name):
    assert redact({"outer": {name: VALUE}}) == {"outer": {name: MASK}}


@pytest.mark.parametrize("name", NAMES)
def test_drafts_never_store_a_field_redact_would_mask(name):
    form = {"name": "acme", name: VALUE, "auth": [{name.upper(): VALUE, "kept": 1}]}
    clean = drafts.scrub(form)
    assert VALUE not in repr(clean)
    assert clean == {"name": "acme", "auth": [{"kept": 1}]}


@pytest.mark.parametrize("name", NAMES)
def test_the_log_file_filter_masks_every_secret_name(name):
    record = logging.LogRecord("ccm_tui", logging.INFO, __file__, 1, "body %s",
                               (f'{{"{name}": "{VALUE}"}}',), None)
    _SecretFilter().filter(record)
    assert VALUE not in record.getMessage()


@pytest.mark.parametrize("name", NAMES)
def test_the_config_file_refuses_every_secret_name(name):
    with pytest.raises(ConfigError) as exc:
        parse_config({"profiles": {"p": {"url": "https://x.example", name: VALUE}}})
    assert PASSWORD_REFUSED in str(exc.value)
    assert VALUE not in str(exc.value)


@pytest.mark.parametrize("name", NAMES)
def test_request_models_shield_every_secret_name(name):
    assert isinstance(shield_secrets({"oauth": {name: VALUE}})["oauth"][name], SecretStr)


@pytest.mark.parametrize("name", NAMES)
def test_error_messages_scrub_every_secret_name_of_the_request(name):
    secrets = request_secrets({"auth_configs": [{"oauth": {name: VALUE}}]})
    assert secrets == [VALUE]
    assert VALUE not in scrub_text(f"server says: {VALUE} is wrong", secrets)


@pytest.mark.parametrize("name", NAMES)
def test_the_raw_account_view_masks_every_secret_name(name):
    class Account:
        def raw(self):
            return {"name": "acme", "extra": {name: VALUE}}

    assert VALUE not in account_json(Account())


def _ccm_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("ccm_tui")}


@pytest.mark.parametrize("path", sorted((PACKAGE / "api").glob("*.py")), ids=lambda p: p.name)
def test_the_api_layer_imports_nothing_from_the_service_layer(path):
    upward = {m for m in _ccm_imports(path)
              if m.startswith(("ccm_tui.service", "ccm_tui.screens", "ccm_tui.widgets", "ccm_tui.cli"))}
    assert not upward, f"{path.name} imports {sorted(upward)} (api must not import upward)"


def test_the_secret_names_module_sits_below_every_layer():
    assert _ccm_imports(PACKAGE / "redaction.py") == set()
