"""config.toml: strict validation, profile precedence, nothing created by asking for a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccm_tui.cli import main
from ccm_tui.config import (
    PASSWORD_REFUSED,
    Config,
    ConfigError,
    ConnectionSettings,
    config_path,
    load_config,
    parse_config,
    resolve_settings,
)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CCM_TUI_CONFIG", raising=False)
    return tmp_path / "home"


def write_config(home: Path, text: str) -> Path:
    p = home / "config" / "config.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


TWO_PROFILES = """
default_profile = "prod"
theme = "ansi-dark"

[profiles.prod]
url = "https://ccm.prod.example/"
email = "prod@example.com"
read_only = true
connect_timeout = 3

[profiles.lab]
url = "https://ccm.lab.example"
email = "lab@example.com"

[keymap]
"accounts.new" = "n,insert"
"""


def test_config_path_creates_nothing(home, capsys):
    assert config_path() == home / "config" / "config.toml"
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(home / "config" / "config.toml")
    assert not home.exists()


def test_missing_file_is_an_empty_config(home):
    cfg = load_config()
    assert cfg.profiles == {} and cfg.default_profile is None and cfg.keymap == {}
    assert not home.exists()


def test_full_config_loads(home):
    write_config(home, TWO_PROFILES)
    cfg = load_config()
    assert cfg.default_profile == "prod"
    assert cfg.theme == "ansi-dark"
    assert cfg.keymap == {"accounts.new": "n,insert"}
    prod = cfg.profiles["prod"]
    assert prod.url == "https://ccm.prod.example"  # trailing slash dropped
    assert prod.read_only is True and prod.connect_timeout == 3.0


def test_default_profile_applies(home):
    write_config(home, TWO_PROFILES)
    s = resolve_settings(None, None, None, None, {})
    assert (s.url, s.email, s.profile, s.read_only) == (
        "https://ccm.prod.example", "prod@example.com", "prod", True)
    assert s.connect_timeout == 3.0 and s.read_timeout == 30.0


def test_bounds_come_from_the_profile_else_defaults(home):
    write_config(home, TWO_PROFILES.replace(
        "connect_timeout = 3",
        "connect_timeout = 3\nrequest_deadline = 20\nmax_list_items = 5000\nmax_response_mb = 8"))
    s = resolve_settings(None, None, None, None, {})
    assert (s.request_deadline, s.max_list_items, s.max_response_mb) == (20.0, 5000, 8)
    s = resolve_settings(None, None, "lab", None, {})
    assert (s.request_deadline, s.max_list_items, s.max_response_mb) == (60.0, 200_000, 64)


def test_env_beats_profile_and_flags_beat_env(home):
    write_config(home, TWO_PROFILES)
    env = {"CCM_URL": "https://env.example", "CCM_EMAIL": "env@example.com"}
    s = resolve_settings(None, None, None, None, env)
    assert (s.url, s.email) == ("https://env.example", "env@example.com")
    s = resolve_settings("https://flag.example", "flag@example.com", None, None, env)
    assert (s.url, s.email) == ("https://flag.example", "flag@example.com")


def test_profile_flag_beats_profile_env_beats_default(home):
    write_config(home, TWO_PROFILES)
    assert resolve_settings(None, None, None, None, {"CCM_PROFILE": "lab"}).profile == "lab"
    s = resolve_settings(None, None, "prod", None, {"CCM_PROFILE": "lab"})
    assert s.profile == "prod" and s.email == "prod@example.com"


def test_unknown_profile_is_named(home):
    write_config(home, TWO_PROFILES)
    with pytest.raises(ConfigError) as exc:
        resolve_settings(None, None, "staging", None, {})
    assert "--profile" in str(exc.value) and "'staging'" in str(exc.value)
    assert "lab, prod" in str(exc.value)


def test_no_server_anywhere_is_a_clear_error(home):
    with pytest.raises(ConfigError, match="no server given.*CCM_URL"):
        resolve_settings(None, None, None, None, {})


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ('[profiles.prod]\nurl = "ftp://x.example"', "profiles.prod.url", "http(s) URL"),
        ('[profiles.prod]\nurl = "https://"', "profiles.prod.url", "http(s) URL"),
        ('[profiles.prod]\nread_only = "yes"', "profiles.prod.read_only", "true or false"),
        ('[profiles.prod]\nread_timeout = 0', "profiles.prod.read_timeout", "more than 0"),
        ('[profiles.prod]\nemail = "nobody"', "profiles.prod.email", "email address"),
        ('[profiles.prod]\nurll = "https://x"', "profiles.prod.urll", "not a known setting"),
        ('colour = "red"', "colour", "allowed here: default_profile, keymap, profiles, theme"),
        ('default_profile = "x"', "default_profile", "no [profiles.x]"),
        ("[keymap]\nquit = 3", "keymap.quit", "non-empty string"),
        ('[profiles.prod]\nrequest_deadline = 0', "profiles.prod.request_deadline",
         "more than 0"),
        ('[profiles.prod]\nmax_list_items = 1.5', "profiles.prod.max_list_items",
         "whole number from 1 to 10,000,000"),
        ('[profiles.prod]\nmax_list_items = 0', "profiles.prod.max_list_items", "whole number"),
        ('[profiles.prod]\nmax_response_mb = true', "profiles.prod.max_response_mb",
         "whole number from 1 to 4,096"),
    ],
)
def test_strict_errors_name_the_key(home, text, key, reason):
    path = write_config(home, text)
    with pytest.raises(ConfigError) as exc:
        load_config()
    assert exc.value.key == key
    assert reason in str(exc.value)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("key", ["password", "Password"])
def test_password_key_is_refused(home, key):
    write_config(home, f'[profiles.prod]\nurl = "https://x.example"\n{key} = "hunter2"\n')
    with pytest.raises(ConfigError) as exc:
        load_config()
    assert PASSWORD_REFUSED in str(exc.value)
    assert "hunter2" not in str(exc.value)


def test_toml_syntax_error_names_the_file(home):
    path = write_config(home, "[profiles.prod\nurl = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML") as exc:
        load_config()
    assert str(path) in str(exc.value) and "line 1" in str(exc.value)


def test_plain_http_only_to_loopback_unless_insecure():
    cfg = Config()
    assert resolve_settings("http://127.0.0.1:8080", None, None, None, {}, config=cfg).url
    assert resolve_settings("http://[::1]:8080", None, None, None, {}, config=cfg).url
    with pytest.raises(ConfigError, match="only allowed to a loopback host") as exc:
        resolve_settings("http://ccm.example", None, None, None, {}, config=cfg)
    assert exc.value.key == "--server"
    s = resolve_settings("http://ccm.example", None, None, None, {}, config=cfg,
                         args_insecure=True)
    assert s.insecure is True


def test_profile_ca_bundle_is_relative_to_the_config_and_must_exist(home):
    path = write_config(home, '[profiles.p]\nurl = "https://x.example"\nca_bundle = "ca.pem"\n')
    with pytest.raises(ConfigError, match="not a readable file") as exc:
        resolve_settings(None, None, "p", None, {})
    assert exc.value.key == "profiles.p.ca_bundle"
    (path.parent / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    s = resolve_settings(None, None, "p", None, {})
    assert s.ca_bundle == str(path.parent / "ca.pem")


def test_parse_config_rejects_non_table_profiles():
    with pytest.raises(ConfigError, match="profiles.p: must be a table"):
        parse_config({"profiles": {"p": "https://x"}})


def test_config_check_command_reports_the_error(home, capsys):
    write_config(home, '[profiles.prod]\npassword = "x"\n')
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "profiles.prod.password" in err


def test_credentials_in_a_url_are_refused_without_echoing_them():
    for url in ("https://ops:hunter2@ccm.example", "ftp://ops:hunter2@ccm.example"):
        with pytest.raises(ConfigError, match="user name or password") as exc:
            resolve_settings(url, None, None, None, {}, config=Config())
        assert "hunter2" not in str(exc.value)


@pytest.mark.parametrize(("mode", "who"), [(0o666, "group and others"), (0o664, "group"),
                                           (0o602, "others")])
def test_config_others_can_write_is_refused_naming_file_and_chmod(home, capsys, mode, who):
    path = write_config(home, TWO_PROFILES)
    path.chmod(mode)
    with pytest.raises(ConfigError) as exc:
        load_config()
    assert str(exc.value) == (
        f"{path} is writable by {who} (mode {mode:04o}), so someone else could change what "
        f"it decides; refused. Fix: chmod go-w {path}")
    # the CLI says the same in one line and sends nothing
    assert main(["config", "check"]) == 2
    assert main(["accounts", "list"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {exc.value}"] * 2
    path.chmod(0o600)
    assert load_config().default_profile == "prod"
    path.chmod(0o644)  # readable by others is fine: nothing secret lives in it
    assert load_config().default_profile == "prod"


@pytest.mark.parametrize("flag", [False, True])
def test_ca_bundle_others_can_write_is_refused(home, capsys, flag):
    path = write_config(home, '[profiles.p]\nurl = "https://x.example"\nca_bundle = "ca.pem"\n')
    ca = path.parent / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    ca.chmod(0o666)
    args = (None, None, "p", str(ca) if flag else None, {})
    with pytest.raises(ConfigError) as exc:
        resolve_settings(*args)
    key = "--ca-bundle" if flag else "profiles.p.ca_bundle"
    assert exc.value.key == key
    assert str(exc.value) == (f"{key}: {ca} is writable by group and others (mode 0666), so "
                              f"someone else could change what it decides; refused. "
                              f"Fix: chmod go-w {ca}")
    ca.chmod(0o644)
    assert resolve_settings(*args).ca_bundle == str(ca)


def test_config_check_says_where_remembered_sessions_go(home, capsys, memory_keyring):
    write_config(home, 'token_store = "auto"\n')
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "remembered sessions go to the OS keyring (memory keyring MemoryKeyring)")
    write_config(home, 'token_store = "file"\n')
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith('(token_store = "file")')
    write_config(home, 'token_store = "vault"\n')
    assert main(["config", "check"]) == 2
    assert "token_store: must be one of 'auto', 'keyring', 'file'" in capsys.readouterr().err


def test_with_login_keeps_the_profile_and_takes_the_typed_url_and_email():
    base = ConnectionSettings(url="https://old.example", email="old@example.com", ca_bundle="/ca.pem",
                              read_only=True, profile="prod", read_timeout=5.0)
    typed = base.with_login(url="https://new.example", email="me@example.com")
    assert (typed.url, typed.email) == ("https://new.example", "me@example.com")
    assert (typed.ca_bundle, typed.read_only, typed.profile, typed.read_timeout) == ("/ca.pem", True, "prod", 5.0)
    assert base.url == "https://old.example"  # frozen: a copy, the original is untouched
