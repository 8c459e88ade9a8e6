"""Details: grouped fields, totals, the auth tree with secrets redacted, raw JSON, copy."""

from __future__ import annotations

import json

from ccm_tui.screens.details import AccountDetailsScreen
from tui_helpers import OAUTH_CONFIG, accounts_ready, add_account, screen_text, until

SECRET = OAUTH_CONFIG["oauth"]["client_secret"]


def tree_labels(app) -> str:
    from textual.widgets import Tree

    tree = app.screen.query_one("#auth-tree", Tree)
    out = []

    def walk(node):
        out.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return "\n".join(out)


async def open_details(pilot, app):
    await until(pilot, lambda: accounts_ready(app))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                and app.screen.account is not None and app.screen.account.totals is not None)


async def test_details_show_groups_totals_and_auth_tree(make_app, det_emulator):
    acct = add_account(
        det_emulator, "alpha",
        auth_configs=[{"password": {"require_2fa": True, "administrators_only": False}}, OAUTH_CONFIG,
                      {"cluster_auth_ref": {"target_id": "cluster-cfg-1"}}],
        node_enrollment={"attestation_enforcement_disabled_insecure": True},
    )
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await open_details(pilot, app)
        text = screen_text(app)
        for expected in ("Identity", acct["acct_id"], "MANAGER (Administrator)", "ACTIVE",
                         "account status", "Active", "DEFAULT", "datasets", "final workflows",
                         "nodes", "DISABLED (INSECURE)", "PCR priority"):
            assert expected in text, expected
        labels = tree_labels(app)
        assert "require 2FA: yes" in labels
        assert "OAuth Okta" in labels and "TLS: required" in labels and "CA: GLOBAL_ROOTS" in labels
        assert "client_id: ccm-client" in labels
        assert "cluster auth ref → cluster-cfg-1" in labels
        assert SECRET not in labels and SECRET not in text


async def test_raw_json_view_is_redacted_and_copyable(make_app, det_emulator):
    acct = add_account(det_emulator, "alpha", auth_configs=[OAUTH_CONFIG])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, app)
        await pilot.press("v")
        text = screen_text(app)
        assert '"acct_id"' in text
        assert SECRET not in text
        await pilot.press("y")
        copied = json.loads(app.clipboard)
        assert copied["acct_id"] == acct["acct_id"]
        assert SECRET not in app.clipboard
        await pilot.press("c")
        assert app.clipboard == acct["acct_id"]
        await pilot.press("v")
        assert "Identity" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, AccountDetailsScreen)


async def test_raw_json_shows_non_ascii_names_as_typed(make_app, det_emulator):
    add_account(det_emulator, "Zürich Ops")
    app = make_app()
    async with app.run_test(size=(80, 60)) as pilot:
        await open_details(pilot, app)
        await pilot.press("v")
        text = screen_text(app)
        assert '"name": "Zürich Ops"' in text and "\\u00fc" not in text


async def test_details_by_id_reports_unknown_account(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        app.push_screen(AccountDetailsScreen(app.session, "00000000-0000-4000-8000-000000000000"))
        await until(pilot, lambda: "Could not load the account" in screen_text(app))
        assert "HTTP 404" in screen_text(app)


def _cert_b64(cn: str) -> str:
    import base64
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2031, 6, 30, tzinfo=dt.UTC))
            .sign(key, hashes.SHA256()))
    return base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode()


async def test_oauth_client_certificate_and_key_say_what_the_server_told_us(make_app, det_emulator):
    """Issue 10 #6: the server never returns the client key or the secret; details must not
    say "client key: none" for a config that has one."""
    import copy

    config = copy.deepcopy(OAUTH_CONFIG)
    config["oauth"]["tls"]["required"]["client_cert"] = _cert_b64("ccm-client.example")
    config["oauth"]["tls"]["required"]["client_key"] = "a-key-the-server-keeps"
    add_account(det_emulator, "alpha", auth_configs=[config])
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await open_details(pilot, app)
        labels = tree_labels(app)
        assert "client certificate: CN=ccm-client.example, expires 2031-06-30" in labels
        assert "client key: not returned by the server" in labels
        assert "client key: none" not in labels
        assert "client_secret: not returned by the server" in labels
