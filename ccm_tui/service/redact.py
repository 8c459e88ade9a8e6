"""Masking for the service layer and the CLI: the definitions live in :mod:`ccm_tui.redaction`
(below every layer, so ``api/`` can use them too); this module only re-exports them."""

from __future__ import annotations

from ccm_tui.redaction import MASK, SECRET_KEYS, is_secret_key, redact, redact_text

__all__ = ["MASK", "SECRET_KEYS", "is_secret_key", "redact", "redact_text"]
