"""Building connection settings from what the login form holds (no Textual, no I/O)."""

from __future__ import annotations

import dataclasses
from typing import Any


def settings_with(base: Any, *, url: str, email: str | None) -> Any:
    """A copy of ``base`` (ConnectionSettings) with the url and email the operator typed."""
    from ccm_tui.config import ConnectionSettings

    if base is None:
        return ConnectionSettings(url=url, email=email)
    if dataclasses.is_dataclass(base) and not isinstance(base, type):
        return dataclasses.replace(base, url=url, email=email)
    if hasattr(base, "model_copy"):
        return base.model_copy(update={"url": url, "email": email})
    return ConnectionSettings(
        url=url,
        email=email,
        ca_bundle=getattr(base, "ca_bundle", None),
        insecure=getattr(base, "insecure", False),
        read_only=getattr(base, "read_only", False),
        profile=getattr(base, "profile", None),
    )
