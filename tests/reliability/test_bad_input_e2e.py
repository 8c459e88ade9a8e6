"""Bad input, end to end: each row runs `ccm-tui accounts create --from FILE [--logo PATH]`
against a LIVE loopback emulator and asserts exit 2, a message that names the field (or the
file and line), and that the emulator received NO request at all — not even a login.
PCR priorities exist only on PATCH (the CLI has no update): those rows go through the model
path a caller would use (AccountUpdateRequest) with a live client at hand, and assert the
same: refused, field named, nothing sent. Row ids are numbered: bad01 … badNN."""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import run_cli

LOGO_MAX = 131072
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OK_URL = "https://idp.example.com"


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


# ---------------------------------------------------------------- material made once

@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509 import load_pem_x509_certificate
    from wizard_helpers import make_cert

    d = tmp_path_factory.mktemp("pki")
    cert, key = make_cert(d / "c.pem", "client", key_path=d / "c.key")
    _other_cert, other_key = make_cert(d / "o.pem", "other", key_path=d / "o.key")
    der = load_pem_x509_certificate(cert).public_bytes(serialization.Encoding.DER)
    return {"cert": cert, "key": key, "other_key": other_key, "cert_der": der}


@pytest.fixture(scope="module")
def shared_server() -> Iterator[Any]:
    from ccm_tui.emulator import EmulatorServer

    with EmulatorServer(host="127.0.0.1", port=0) as srv:
        yield srv


@pytest.fixture
def cli(shared_server, tmp_path, monkeypatch):
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD

    monkeypatch.setenv("CCM_URL", shared_server.url)
    monkeypatch.setenv("CCM_EMAIL", DEMO_EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", DEMO_PASSWORD)
    emulator = shared_server.emulator
    emulator.received.clear()
    return emulator


# ---------------------------------------------------------------- the table

def oauth(**over: Any) -> dict[str, Any]:
    cfg = {
        "idp_name": "Corp", "idp_icon_url": f"{OK_URL}/icon.png",
        "idp_authorization_endpoint": f"{OK_URL}/authorize",
        "idp_token_endpoint": f"{OK_URL}/token", "idp_requires_basic_auth": False,
        "tls": {"opportunistic": {}}, "client_id": "cid", "client_secret": "s3cret-value",
    }
    cfg.update(over)
    return {"name": "Acme", "auth_configs": [{"oauth": cfg}]}


def tls(**required: Any) -> Callable[[dict], dict]:
    def make(p: dict) -> dict:
        req = {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}
        req.update({k: (v(p) if callable(v) else v) for k, v in required.items()})
        return oauth(tls={"required": req})
    return make


SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_HANDLER = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
SVG_XXE = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
SVG_BOMB = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode()
                       for p, c in zip("abcdefgh", "bcdefghi", strict=True))
            + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>')
SVG_EXTERNAL_HREF = (b'<svg xmlns="http://www.w3.org/2000/svg" '
                     b'xmlns:xlink="http://www.w3.org/1999/xlink">'
                     b'<use xlink:href="http://evil.example/x.svg#logo"/></svg>')


@dataclass(frozen=True)
class Bad:
    id: str
    says: tuple[str, ...]  # the field (or file:line) and the gist, all must appear
    body: Any = None  # dict/list -> JSON file; callable(pki) -> dict; str -> raw text
    suffix: str = ".json"
    logo: Callable[[Path], str] | None = None  # makes the --logo path
    source: Callable[[Path], str] | None = None  # makes the --from path itself


def _write_logo(data: bytes, name: str = "logo.png") -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / name).write_bytes(data)
        return str(d / name)
    return make


def _fifo(name: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        os.mkfifo(d / name)  # open() would block forever: must be refused before reading
        return str(d / name)
    return make


def _dangling(name: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / name).symlink_to(d / "gone-for-good.png")
        return str(d / name)
    return make


def _dir(d: Path) -> str:
    (d / "folder.png").mkdir()
    return str(d / "folder.png")


NAME_OK = {"name": "Acme"}

ROWS: list[Bad] = [
    # -- name
    Bad("name-empty", ("name:", "must not be empty"), {"name": ""}),
    Bad("name-blanks", ("name:", "only blanks"), {"name": "  \t "}),
    Bad("name-missing", ("name:", "required"), {"component": "DEFAULT"}),
    Bad("name-control-char", ("name:", "U+0007"), {"name": "Acme\x07Labs"}),
    Bad("name-newline", ("name:", "U+000A"), {"name": "Acme\nLabs"}),
    Bad("name-zero-width", ("name:", "U+200B"), {"name": "Acme\u200bLabs"}),
    Bad("name-too-long", ("name:", "256 characters", "at most 255"), {"name": "x" * 256}),
    Bad("name-wrong-type", ("name:",), {"name": 42}),
    Bad("name-duplicate-in-batch", ("accounts[1].name:", "more than once"),
        [{"name": "Twin"}, {"name": "Twin"}]),
    Bad("name-duplicate-modulo-blanks", ("accounts[1].name:", "more than once"),
        [{"name": "Twin"}, {"name": " Twin "}]),
    # -- logo
    Bad("logo-missing", ("--logo:", "does not exist"), NAME_OK,
        logo=lambda d: str(d / "no-such.png")),
    Bad("logo-directory", ("--logo:", "is a directory"), NAME_OK, logo=_dir),
    Bad("logo-fifo-unreadable", ("--logo:", "not a regular file"), NAME_OK,
        logo=_fifo("pipe.png")),
    Bad("logo-dangling-symlink", ("--logo:", "does not exist"), NAME_OK,
        logo=_dangling("link.png")),
    Bad("logo-too-big-by-one-byte", ("--logo:", f"{LOGO_MAX + 1} bytes", "128 KiB"), NAME_OK,
        logo=_write_logo(PNG_MAGIC + b"\0" * (LOGO_MAX + 1 - len(PNG_MAGIC)))),
    Bad("logo-wrong-magic-gif", ("--logo:", "GIF", "PNG, JPEG or SVG"), NAME_OK,
        logo=_write_logo(b"GIF89a" + b"\0" * 64, "logo.gif")),
    Bad("logo-random-bytes", ("--logo:", "not a PNG, JPEG or SVG"), NAME_OK,
        logo=_write_logo(os.urandom(16).replace(b"<", b"x").replace(b"\x89", b"x")
                         .replace(b"\xff", b"x") + b"garbage")),
    Bad("logo-empty", ("--logo:", "empty"), NAME_OK, logo=_write_logo(b"")),
    Bad("logo-svg-script", ("--logo:", "script"), NAME_OK,
        logo=_write_logo(SVG_SCRIPT, "s.svg")),
    Bad("logo-svg-event-handler", ("--logo:", "onload"), NAME_OK,
        logo=_write_logo(SVG_HANDLER, "h.svg")),
    Bad("logo-svg-external-entity", ("--logo:", "entit"), NAME_OK,
        logo=_write_logo(SVG_XXE, "x.svg")),
    Bad("logo-svg-entity-bomb", ("--logo:", "entit"), NAME_OK,
        logo=_write_logo(SVG_BOMB, "b.svg")),
    Bad("logo-svg-external-href", ("--logo:", "external resource"), NAME_OK,
        logo=_write_logo(SVG_EXTERNAL_HREF, "e.svg")),
    Bad("custom-logo-not-base64", ("custom_logo:", "base64"),
        {"name": "Acme", "custom_logo": "not base64 at all!"}),
    Bad("custom-logo-base64-of-text", ("custom_logo:", "PNG, JPEG or SVG"),
        {"name": "Acme", "custom_logo": b64("just some text")}),
    # -- URLs
    Bad("url-not-a-url", ("auth_configs[0].oauth.idp_authorization_endpoint:", "https://"),
        oauth(idp_authorization_endpoint="not a url")),
    Bad("url-http", ("auth_configs[0].oauth.idp_token_endpoint:", "must use https://"),
        oauth(idp_token_endpoint="http://idp.example.com/token")),
    Bad("url-no-host", ("auth_configs[0].oauth.idp_icon_url:",),
        oauth(idp_icon_url="https://")),
    Bad("url-no-host-path-only", ("auth_configs[0].oauth.idp_userinfo_endpoint:",),
        oauth(idp_userinfo_endpoint="https:///userinfo")),
    Bad("url-with-credentials", ("auth_configs[0].oauth.idp_token_endpoint:", "user name"),
        oauth(idp_token_endpoint="https://admin:hunter2@idp.example.com/token")),
    # -- PEM material (base64 in the file)
    Bad("pem-cert-garbage", ("client_cert:",),
        tls(client_cert=b64("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n"),
            client_key=lambda p: b64(p["key"]))),
    Bad("pem-key-garbage", ("client_key:",),
        tls(client_cert=lambda p: b64(p["cert"]), client_key=b64("garbage key bytes"))),
    Bad("pem-key-without-cert", ("client_cert",), tls(client_key=lambda p: b64(p["key"]))),
    Bad("pem-key-not-matching-cert", ("client_key:", "match"),
        tls(client_cert=lambda p: b64(p["cert"]), client_key=lambda p: b64(p["other_key"]))),
    Bad("pem-cert-where-key-expected", ("client_key:",),
        tls(client_cert=lambda p: b64(p["cert"]), client_key=lambda p: b64(p["cert"]))),
    Bad("pem-pinned-ca-garbage", ("ca.pinned[0]",),
        tls(ca={"pinned": [b64("not a certificate")]})),
    Bad("pem-pinned-ca-is-a-private-key", ("ca.pinned[0]",),
        tls(ca=lambda p: {"pinned": [b64(p["key"])]})),
    Bad("pem-pinned-ca-empty-list", ("ca.pinned",), tls(ca={"pinned": []})),
    Bad("pem-client-key-not-base64", ("client_key:", "base64"),
        tls(client_cert=lambda p: b64(p["cert"]), client_key="%%% not base64 %%%")),
    # -- auth config structure and types
    Bad("auth-two-members", ("auth_configs[0]", "exactly one"),
        {"name": "Acme", "auth_configs": [{"password": {"require_2fa": False,
                                                         "administrators_only": False},
                                            "cluster_auth_ref": {"target_id": "x"}}]}),
    Bad("auth-no-member", ("auth_configs[0]", "exactly one"),
        {"name": "Acme", "auth_configs": [{}]}),
    Bad("oauth-secret-missing", ("auth_configs[0].oauth.client_secret",),
        lambda p: {"name": "Acme", "auth_configs": [{"oauth": {
            k: v for k, v in oauth()["auth_configs"][0]["oauth"].items()
            if k != "client_secret"}}]}),
    Bad("password-flag-not-boolean", ("auth_configs[0].password.require_2fa:",),
        {"name": "Acme", "auth_configs": [{"password": {"require_2fa": "yes",
                                                         "administrators_only": False}}]}),
    Bad("attestation-flag-not-boolean",
        ("node_enrollment.attestation_enforcement_disabled_insecure:",),
        {"name": "Acme", "node_enrollment": {"attestation_enforcement_disabled_insecure": "no"}}),
    Bad("component-unknown", ("component:", "DEFAULT", "CONFIDENTIAL_AI"),
        {"name": "Acme", "component": "PREMIUM"}),
    # -- the files themselves
    Bad("json-syntax-trailing-comma", ("acct.json:3:", "invalid JSON"),
        '{\n  "name": "Acme",\n}\n'),
    Bad("json-syntax-unclosed", ("acct.json:1:", "invalid JSON"), '{"name": "Acme"'),
    Bad("jsonl-syntax-line-2", ("acct.jsonl:2:", "invalid JSON"),
        '{"name": "One"}\n{"name": "Two",}\n', suffix=".jsonl"),
    Bad("toml-syntax", ("acct.toml:2:", "invalid TOML"), 'name = "Acme"\ncomponent = \n',
        suffix=".toml"),
    Bad("toml-wrong-type", ("name:",), "name = 5\n", suffix=".toml"),
    Bad("toml-unknown-key", ("colour:",), 'name = "Acme"\ncolour = "red"\n', suffix=".toml"),
    Bad("json-wrong-type-list-name", ("name:",), {"name": ["Acme"]}),
    Bad("json-wrong-type-auth-map", ("auth_configs:",),
        {"name": "Acme", "auth_configs": {"password": {}}}),
    Bad("json-unknown-key", ("colour:",), {"name": "Acme", "colour": "red"}),
    Bad("json-unknown-nested-key", ("auth_configs[0].password.extra",),
        {"name": "Acme", "auth_configs": [{"password": {"require_2fa": False,
                                                         "administrators_only": False,
                                                         "extra": 1}}]}),
    Bad("json-patch-only-key-on-create", ("azure_cvm_pcr_priority",),
        {"name": "Acme", "azure_cvm_pcr_priority": list(range(23))}),
    Bad("json-top-level-string", ("must be an object",), '"Acme"'),
    Bad("json-empty-batch", ("holds no accounts",), "[]"),
    Bad("from-missing", ("--from:", "does not exist"),
        source=lambda d: str(d / "nope.json")),
    Bad("from-directory", ("--from:", "is a directory"),
        source=lambda d: (d / "dir.json").mkdir() or str(d / "dir.json")),
    Bad("from-fifo", ("--from:", "not a regular file"), source=_fifo("pipe.json")),
    Bad("from-not-utf8", ("--from:", "not UTF-8"),
        source=lambda d: (d / "latin.json").write_bytes(b'{"name": "Caf\xe9"}')
        and str(d / "latin.json")),
]
if sys.platform.startswith("linux"):
    # Unreadable even for root: reading /proc/self/mem at offset 0 fails with EIO.
    ROWS.append(Bad("logo-unreadable-io-error", ("--logo:", "cannot be read"), NAME_OK,
                    logo=lambda d: "/proc/self/mem"))


def _materialise(row: Bad, d: Path, pki: dict) -> list[str]:
    if row.source is not None:
        src = row.source(d)
    else:
        src = str(d / f"acct{row.suffix}")
        body = row.body(pki) if callable(row.body) else row.body
        Path(src).write_text(body if isinstance(body, str) else json.dumps(body),
                             encoding="utf-8")
    argv = ["accounts", "create", "--from", src]
    if row.logo is not None:
        argv += ["--logo", row.logo(d)]
    return argv


@pytest.mark.parametrize("row", ROWS, ids=[f"bad{i + 1:02d}-{r.id}" for i, r in enumerate(ROWS)])
def test_bad_input_is_refused_before_any_request(row: Bad, cli, pki, capsys, tmp_path):
    argv = _materialise(row, tmp_path, pki)
    code, out, err = run_cli(capsys, *argv)
    assert code == 2, out + err
    assert out == ""
    for phrase in row.says:
        assert phrase in err, f"{phrase!r} missing from:\n{err}"
    assert list(cli.received) == []  # not a single request, not even a login
    key_body = "".join(pki["key"].decode().splitlines()[1:-1])
    for secret in ("s3cret-value", "hunter2", key_body[:40], key_body[-40:]):
        assert secret not in err


# ---------------------------------------------------------------- PCR list (PATCH only)

PCR_ROWS = [
    ("pcr-missing-one", list(range(22)), "is missing [22]"),
    ("pcr-empty", [], "is missing"),
    ("pcr-duplicate", [0, *range(22)], "repeats 0"),
    ("pcr-out-of-range-high", [*range(22), 23], "outside 0..22"),
    ("pcr-out-of-range-negative", [-1, *range(1, 23)], "outside 0..22"),
    ("pcr-booleans", [True, False, *range(2, 23)], "is a boolean"),
    ("pcr-strings", ["0", *range(1, 23)], "azure_cvm_pcr_priority"),
    ("pcr-not-a-list", "0..22", "azure_cvm_pcr_priority"),
]


@pytest.mark.parametrize("rid,value,says", PCR_ROWS,
                         ids=[f"bad{len(ROWS) + i + 1:02d}-{r[0]}" for i, r in enumerate(PCR_ROWS)])
async def test_bad_pcr_priority_is_refused_before_any_request(rid, value, says, shared_server,
                                                              tmp_path, monkeypatch):
    from pydantic import ValidationError

    from ccm_tui.config import ConnectionSettings
    from ccm_tui.models import AccountUpdateRequest
    from ccm_tui.models.errors import field_errors
    from ccm_tui.service.session import make_client

    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path))
    emulator = shared_server.emulator
    client = make_client(ConnectionSettings(url=shared_server.url))
    emulator.received.clear()
    try:
        with pytest.raises(ValidationError) as info:
            req = AccountUpdateRequest.model_validate({"azure_cvm_pcr_priority": value})
            await client.update_account("3fa85f64-5717-4562-b3fc-2c963f66afa6", req)
    finally:
        await client.aclose()
    errors = field_errors(info.value)
    assert errors and all(e.field.startswith("azure_cvm_pcr_priority") for e in errors)
    assert says in " ".join(f"{e.field}: {e.message}" for e in errors)
    assert list(emulator.received) == []


def test_the_table_is_at_least_forty_rows():
    assert len(ROWS) + len(PCR_ROWS) >= 40
