"""The guard in tests/checkout_guard.py sees a read beside the checkout and lets ordinary ones by."""

from __future__ import annotations

import checkout_guard


def test_a_read_beside_the_checkout_is_caught(tmp_path) -> None:
    beside = checkout_guard.REPO.parent / "shared" / "ccm-api.md"
    try:
        open(beside, encoding="utf-8")  # noqa: SIM115 - the audit event fires even if it fails
    except OSError:
        pass
    (tmp_path / "ok.txt").write_text("fine")
    (checkout_guard.REPO / "pyproject.toml").read_text()
    assert checkout_guard.take(allow_upstream_spec=False) == [str(beside)]
    assert checkout_guard.take(allow_upstream_spec=False) == []


def test_the_published_spec_is_allowed_only_when_marked() -> None:
    spec = checkout_guard.REPO.parent / "shared" / "spec" / "ccm-openapi.json"
    try:
        open(spec, "rb").close()  # noqa: SIM115
    except OSError:
        pass
    assert checkout_guard.take(allow_upstream_spec=True) == []
    try:
        open(spec, "rb").close()  # noqa: SIM115
    except OSError:
        pass
    assert checkout_guard.take(allow_upstream_spec=False) == [str(spec)]
