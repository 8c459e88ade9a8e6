"""Account files: JSON, JSON lines and TOML; strict; every problem named; nothing sent."""

from __future__ import annotations

import base64
import json

import pytest

from ccm_tui.cli import main
from ccm_tui.cli.account_files import InputError, build_requests, load_account_file

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def no_server(monkeypatch, tmp_path):
    """Point the CLI at a loopback port nothing listens on: any connection attempt would
    exit 1 with a network error, so exit 2 proves the input was refused before sending."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CCM_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("CCM_EMAIL", "nobody@example.com")
    monkeypatch.setenv("CCM_PASSWORD", "not-used-x")


def test_single_json(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"name": "Acme", "component": "CONFIDENTIAL_AI"}))
    parsed = load_account_file(str(f))
    assert not parsed.is_batch
    [req] = build_requests(parsed)
    assert req.wire_body() == {"name": "Acme", "component": "CONFIDENTIAL_AI"}


def test_json_list_jsonl_and_toml_batches(tmp_path):
    (tmp_path / "l.json").write_text(json.dumps([{"name": "a"}, {"name": "b"}]))
    (tmp_path / "l.jsonl").write_text('{"name": "a"}\n\n{"name": "b"}\n')
    (tmp_path / "m.json").write_text('{"name": "a"}\n{"name": "b"}\n')  # JSON lines, .json
    (tmp_path / "l.toml").write_text('[[accounts]]\nname = "a"\n[[accounts]]\nname = "b"\n')
    for name in ("l.json", "l.jsonl", "m.json", "l.toml"):
        parsed = load_account_file(str(tmp_path / name))
        assert parsed.is_batch, name
        assert [r.name for r in build_requests(parsed)] == ["a", "b"], name


def test_single_toml_with_nested_tables(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text('name = "Acme"\n[node_enrollment]\nattestation_enforcement_disabled_insecure = false\n')
    [req] = build_requests(load_account_file(str(f)))
    assert req.wire_body()["node_enrollment"] == {"attestation_enforcement_disabled_insecure": False}


def test_every_problem_is_named_with_its_path(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps([
        {"name": "ok"},
        {"name": "x", "auth_configs": [{"oauth": {"idp_name": "corp"}}], "colour": "red"},
        {"name": "ok"},
    ]))
    with pytest.raises(InputError) as exc:
        build_requests(load_account_file(str(f)))
    text = str(exc.value)
    assert "accounts[1].auth_configs[0].oauth.client_id: is required" in text
    assert "accounts[1].colour: is not a known field" in text
    assert "accounts[2].name: 'ok' appears more than once" in text


def test_json_syntax_error_gives_file_and_line(tmp_path):
    f = tmp_path / "s.json"
    f.write_text('{\n  "name": "a",\n  "component": \n}\n')
    with pytest.raises(InputError) as exc:
        load_account_file(str(f))
    assert str(exc.value).startswith(f"{f}:4:1: invalid JSON")


def test_toml_syntax_error_gives_file_and_line(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('name = "a"\ncomponent = \n')
    with pytest.raises(InputError) as exc:
        load_account_file(str(f))
    assert str(exc.value).startswith(f"{f}:2:")
    assert "invalid TOML" in str(exc.value)


def test_toml_batch_refuses_stray_top_level_keys(tmp_path):
    f = tmp_path / "b.toml"
    f.write_text('component = "DEFAULT"\n[[accounts]]\nname = "a"\n')
    with pytest.raises(InputError, match="component: is not allowed beside"):
        load_account_file(str(f))


def test_empty_batch_is_refused(tmp_path):
    f = tmp_path / "e.json"
    f.write_text("[]")
    with pytest.raises(InputError, match="holds no accounts"):
        load_account_file(str(f))


def test_bad_field_exits_2_naming_it_and_sends_nothing(tmp_path, no_server, capsys):
    f = tmp_path / "acct.json"
    f.write_text(json.dumps({"name": "A", "auth_configs": [{"oauth": {"idp_name": "c"}}]}))
    assert main(["accounts", "create", "--from", str(f)]) == 2
    err = capsys.readouterr().err
    assert "auth_configs[0].oauth.client_id: is required" in err
    assert "cannot reach" not in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, no_server, capsys):
    assert main(["accounts", "create", "--from", str(tmp_path / "nope.json")]) == 2
    assert "nope.json does not exist" in capsys.readouterr().err


def test_dry_run_prints_the_masked_body_and_sends_nothing(tmp_path, no_server, capsys):
    secret = "s3cret-value-xyz"
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"name": "A", "auth_configs": [{"oauth": {
        "idp_name": "corp", "idp_icon_url": "https://idp.example/i.png",
        "idp_authorization_endpoint": "https://idp.example/auth",
        "idp_token_endpoint": "https://idp.example/token",
        "idp_requires_basic_auth": False, "tls": {"opportunistic": {}},
        "client_id": "cid", "client_secret": secret}}]}))
    assert main(["accounts", "create", "--from", str(f), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    body = json.loads(out)
    assert body["name"] == "A"
    assert body["auth_configs"][0]["oauth"]["client_id"] == "cid"
    assert secret not in out and secret not in err
    assert "nothing was sent" in err


def test_logo_is_read_checked_and_sent_as_base64(tmp_path, no_server, capsys):
    f = tmp_path / "a.json"
    f.write_text('{"name": "A"}')
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    assert main(["accounts", "create", "--from", str(f), "--logo", str(logo), "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["custom_logo"] == base64.b64encode(PNG_1PX).decode()
    bad = tmp_path / "logo.gif"
    bad.write_bytes(b"GIF89a" + b"\0" * 20)
    assert main(["accounts", "create", "--from", str(f), "--logo", str(bad)]) == 2
    assert "--logo: " in capsys.readouterr().err


def test_a_2_gb_sparse_from_file_is_refused_by_its_size_in_bounded_memory(tmp_path):
    """Measured in a fresh interpreter: refused from its stat, peak memory barely moves."""
    import subprocess
    import sys
    import textwrap

    big = tmp_path / "accounts.json"
    with open(big, "wb") as fh:
        fh.write(b'[{"name": "a"}')
        fh.truncate(2 << 30)  # sparse: 2 GiB that cost no disk
    script = textwrap.dedent(f"""
        import contextlib, io, json, resource, sys, time
        from ccm_tui.cli import main
        import ccm_tui.cli.accounts, ccm_tui.cli.account_files, ccm_tui.models
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.monotonic()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(["accounts", "create", "--from", {str(big)!r}, "--dry-run"])
        print(json.dumps({{"rc": rc, "err": err.getvalue(), "seconds": time.monotonic() - t0,
            "grew_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}}))
    """)
    env = {"PATH": "/usr/bin:/bin", "CCM_TUI_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["rc"] == 2
    assert f"--from: {big} is {2 << 30} bytes; at most 16777216 bytes (16 MiB)" in report["err"]
    if sys.platform == "linux":  # ru_maxrss is in KiB there
        assert report["grew_kib"] < 32 * 1024, report  # reading it whole would add ~2 GB
    assert report["seconds"] < 5, report


def test_an_endless_stdin_is_read_only_up_to_the_limit(monkeypatch, no_server, capsys):
    import sys

    from ccm_tui.files import ACCOUNT_FILE_MAX_BYTES

    class Endless:
        read_total = 0

        def read(self, n: int) -> bytes:
            Endless.read_total += n
            return b" " * n

    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": Endless()})())
    assert main(["accounts", "create", "--from", "-", "--dry-run"]) == 2
    assert Endless.read_total == ACCOUNT_FILE_MAX_BYTES + 1
    assert "--from: <stdin> is more than 16777216 bytes" in capsys.readouterr().err


def test_a_9000_by_9000_logo_is_refused_naming_the_flag_size_and_limit(tmp_path, no_server, capsys):
    import io

    from PIL import Image

    f = tmp_path / "a.json"
    f.write_text('{"name": "A"}')
    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG", optimize=True)
    logo = tmp_path / "huge.png"
    logo.write_bytes(buf.getvalue())  # about 10 KB on disk, 81 megapixels
    assert main(["accounts", "create", "--from", str(f), "--logo", str(logo), "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"--logo: {logo} is a 9000×9000 PNG image (81.0 megapixels); at most 16 megapixels" in err


def test_json_lines_problems_name_the_line(tmp_path):
    f = tmp_path / "many.jsonl"
    f.write_text('{"name": "ok"}\n\n{"name": ""}\n{"name": "ok"}\n')
    with pytest.raises(InputError) as exc:
        build_requests(load_account_file(str(f)))
    text = str(exc.value)
    assert f"{f}:3: name: " in text
    assert f"{f}:4: name: 'ok' appears more than once in this file (also line 1)" in text
    assert "accounts[" not in text
