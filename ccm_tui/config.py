"""Profiles in config.toml under the platformdirs config dir.

CONTRACT:
    ConnectionSettings(url, email=None, ca_bundle=None, insecure=False, read_only=False,
                       profile=None, connect_timeout=10.0, read_timeout=30.0,
                       request_deadline=60.0, max_list_items=200_000, max_response_mb=64)
    load_config(path=None) -> Config          # strict; raises ConfigError naming the key
    Config.profiles: dict[str, Profile]; Config.default_profile: str | None; Config.keymap: dict[str,str]
    resolve_settings(args_server, args_email, args_profile, args_ca_bundle, env) -> ConnectionSettings
    config_path() -> Path                     # resolved lazily, nothing created at import

The file (every key optional; unknown keys are refused)::

    default_profile = "prod"
    theme = "ansi-dark"
    token_store = "auto"          # "remember session": "auto" | "keyring" | "file"

    [profiles.prod]
    url = "https://ccm.example.com"
    email = "ops@example.com"
    ca_bundle = "corp-ca.pem"     # relative paths are relative to config.toml's folder
    read_only = true
    insecure = false              # true: allow http:// to other hosts, skip TLS verification
    connect_timeout = 10          # seconds
    read_timeout = 30
    request_deadline = 60         # seconds for one whole request, however slowly it trickles
    max_list_items = 200000       # accounts one listing may follow before it is refused
    max_response_mb = 64          # largest answer read (MiB)

    [keymap]                      # binding id -> keys, passed to App.set_keymap
    "accounts.new" = "n,insert"

Passwords are never stored here: use CCM_PASSWORD or the prompt. Standard library only, so
the CLI and TUI can read it without heavy imports.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ccm_tui.redaction import is_secret_key
from ccm_tui.urls import ServerUrlError, check_server_url, parse_server_url

CONFIG_FILE_NAME = "config.toml"
CONFIG_ENV = "CCM_TUI_CONFIG"  # an explicit config file path (tests, portable installs)
MAX_TIMEOUT = 600.0
MAX_LIST_ITEMS = 10_000_000
MAX_RESPONSE_MB = 4096

PASSWORD_REFUSED = "passwords are never stored in the config; use CCM_PASSWORD or the prompt"


class ConfigError(ValueError):
    """A configuration problem, phrased for an operator: which key, what is allowed."""

    def __init__(self, message: str, *, key: str | None = None, path: Path | None = None):
        self.key = key
        self.path = path
        self.reason = message
        text = f"{key}: {message}" if key else message
        if path is not None:
            text = f"{path}: {text}"
        super().__init__(text)


@dataclass(frozen=True)
class ConnectionSettings:
    url: str
    email: str | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    read_only: bool = False
    profile: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    request_deadline: float = 60.0
    max_list_items: int = 200_000
    max_response_mb: int = 64

    def with_login(self, *, url: str, email: str | None) -> ConnectionSettings:
        """A copy with the url and email the operator typed on the login form."""
        return replace(self, url=url, email=email)


@dataclass(frozen=True)
class Profile:
    name: str
    url: str | None = None
    email: str | None = None
    ca_bundle: str | None = None
    read_only: bool = False
    insecure: bool = False
    connect_timeout: float | None = None
    read_timeout: float | None = None
    request_deadline: float | None = None
    max_list_items: int | None = None
    max_response_mb: int | None = None


@dataclass(frozen=True)
class Config:
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    token_store: str = "auto"  # see ccm_tui.service.token_store


def config_path() -> Path:
    """Where config.toml is read from. Resolved on each call; nothing is created."""
    explicit = os.environ.get(CONFIG_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    from ccm_tui.paths import config_dir

    return config_dir() / CONFIG_FILE_NAME


# ---------------------------------------------------------------------------- validation

def check_url(value: Any, key: str) -> str:
    """An absolute http(s) URL with a host; trailing slashes dropped (rule: ccm_tui.urls)."""
    try:
        return parse_server_url(value)
    except ServerUrlError as exc:
        raise ConfigError(exc.message, key=key) from None


def check_plain_http(url: str, insecure: bool, key: str) -> None:
    """Plain http:// only to loopback, unless the operator said --insecure."""
    try:
        check_server_url(url, insecure=insecure)
    except ServerUrlError as exc:
        raise ConfigError(exc.message, key=key) from None


def _str(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("must be a non-empty string", key=key)
    return value.strip()


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("must be true or false", key=key)
    return value


def _timeout(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"must be a number of seconds (0 < n <= {MAX_TIMEOUT:g})", key=key)
    if not 0 < value <= MAX_TIMEOUT:
        raise ConfigError(f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds", key=key)
    return float(value)


def _whole(value: Any, key: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise ConfigError(f"must be a whole number from 1 to {high:,}", key=key)
    return value


def _email(value: Any, key: str) -> str:
    text = _str(value, key)
    if "@" not in text or any(c.isspace() for c in text):
        raise ConfigError("must be an email address like ops@example.com", key=key)
    return text


def _refuse_unknown(table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        where = f"{prefix}.{key}" if prefix else key
        if is_secret_key(key):
            raise ConfigError(PASSWORD_REFUSED, key=where)
        if key not in allowed:
            raise ConfigError(
                f"is not a known setting; allowed here: {', '.join(sorted(allowed))}", key=where
            )


_TOP_KEYS = {"default_profile", "theme", "profiles", "keymap", "token_store"}
TOKEN_STORES = ("auto", "keyring", "file")
_PROFILE_KEYS = {"url", "email", "ca_bundle", "read_only", "insecure", "connect_timeout",
                 "read_timeout", "request_deadline", "max_list_items", "max_response_mb"}


def _profile(name: str, table: Any, base_dir: Path | None) -> Profile:
    prefix = f"profiles.{name}"
    if not isinstance(table, dict):
        raise ConfigError("must be a table ([profiles.NAME])", key=prefix)
    _refuse_unknown(table, _PROFILE_KEYS, prefix)
    kw: dict[str, Any] = {"name": name}
    if "url" in table:
        kw["url"] = check_url(table["url"], f"{prefix}.url")
    if "email" in table:
        kw["email"] = _email(table["email"], f"{prefix}.email")
    if "ca_bundle" in table:
        p = Path(_str(table["ca_bundle"], f"{prefix}.ca_bundle")).expanduser()
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        kw["ca_bundle"] = str(p)
    for key in ("read_only", "insecure"):
        if key in table:
            kw[key] = _bool(table[key], f"{prefix}.{key}")
    for key in ("connect_timeout", "read_timeout", "request_deadline"):
        if key in table:
            kw[key] = _timeout(table[key], f"{prefix}.{key}")
    if "max_list_items" in table:
        kw["max_list_items"] = _whole(table["max_list_items"], f"{prefix}.max_list_items",
                                      MAX_LIST_ITEMS)
    if "max_response_mb" in table:
        kw["max_response_mb"] = _whole(table["max_response_mb"], f"{prefix}.max_response_mb",
                                       MAX_RESPONSE_MB)
    return Profile(**kw)


def parse_config(data: Mapping[str, Any], *, path: Path | None = None) -> Config:
    """Validate an already-parsed TOML document. Raises ConfigError naming the key."""
    try:
        _refuse_unknown(data, _TOP_KEYS, "")
        base_dir = path.parent if path is not None else None
        profiles_raw = data.get("profiles", {})
        if not isinstance(profiles_raw, dict):
            raise ConfigError("must be a table of [profiles.NAME] tables", key="profiles")
        profiles = {name: _profile(name, t, base_dir) for name, t in profiles_raw.items()}
        default = data.get("default_profile")
        if default is not None:
            default = _str(default, "default_profile")
            if default not in profiles:
                known = ", ".join(sorted(profiles)) or "none defined"
                raise ConfigError(
                    f"names {default!r} but there is no [profiles.{default}] (profiles: {known})",
                    key="default_profile",
                )
        theme = _str(data["theme"], "theme") if "theme" in data else None
        token_store = data.get("token_store", "auto")
        if token_store not in TOKEN_STORES:
            raise ConfigError(f"must be one of {', '.join(repr(m) for m in TOKEN_STORES)} "
                              f"(got {token_store!r})", key="token_store")
        keymap_raw = data.get("keymap", {})
        if not isinstance(keymap_raw, dict):
            raise ConfigError("must be a table of binding id = \"keys\"", key="keymap")
        keymap = {}
        for binding_id, keys in keymap_raw.items():
            keymap[binding_id] = _str(keys, f"keymap.{binding_id}")
    except ConfigError as exc:
        if path is not None and exc.path is None:
            raise ConfigError(exc.reason, key=exc.key, path=path) from None
        raise
    return Config(profiles=profiles, default_profile=default, theme=theme, keymap=keymap,
                  path=path, token_store=token_store)


def check_not_writable_by_others(path: Path, *, key: str | None = None) -> None:
    """Refuse a file that someone else could change (group- or world-writable), as ssh
    refuses such a config: config.toml decides the URL, the CA bundle and ``insecure``, and
    a CA bundle decides whom the client trusts. Missing files are left to the caller."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = " and ".join(w for w, bit in (("group", stat.S_IWGRP), ("others", stat.S_IWOTH))
                           if mode & bit)
        raise ConfigError(
            f"{path} is writable by {who} (mode {stat.S_IMODE(mode):04o}), so someone else "
            f"could change what it decides; refused. Fix: chmod go-w {shlex.quote(str(path))}",
            key=key,
        )


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate config.toml. A missing file is an empty config, not an error;
    a file others may write is refused."""
    p = Path(path) if path is not None else config_path()
    if p.is_file():
        check_not_writable_by_others(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=p)
    except IsADirectoryError:
        raise ConfigError("is a directory, not a TOML file", path=p) from None
    except PermissionError:
        raise ConfigError("cannot be read (permission denied)", path=p) from None
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", path=p) from None
    import tomllib  # (~2 ms of imports: only where there is a file to read)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"is not valid TOML: {exc}", path=p) from None
    return parse_config(data, path=p)


# ---------------------------------------------------------------------------- resolution

def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def resolve_settings(
    args_server: str | None,
    args_email: str | None,
    args_profile: str | None,
    args_ca_bundle: str | None,
    env: Mapping[str, str] | None = None,
    *,
    args_insecure: bool = False,
    config: Config | None = None,
    require_url: bool = True,
) -> ConnectionSettings:
    """Merge flags > environment (CCM_URL, CCM_EMAIL, CCM_PROFILE) > profile > defaults.

    The profile is ``--profile``, else ``CCM_PROFILE``, else ``default_profile``. The config
    file is read only when needed (pass ``config`` to reuse one already loaded).
    Raises ConfigError naming the flag, variable or key at fault. With ``require_url=False``
    a missing server gives ``url=""`` (the TUI then asks for it).
    """
    env = os.environ if env is None else env
    profile_name = (args_profile or "").strip() or _env(env, "CCM_PROFILE")
    if config is None:
        config = load_config()
    profile: Profile | None = None
    if profile_name:
        profile = config.profiles.get(profile_name)
        if profile is None:
            known = ", ".join(sorted(config.profiles)) or "none defined"
            where = "--profile" if args_profile else "CCM_PROFILE"
            raise ConfigError(
                f"there is no profile named {profile_name!r} in {config.path} "
                f"(profiles: {known})",
                key=where,
            )
    elif config.default_profile:
        profile = config.profiles[config.default_profile]

    if args_server:
        url_key, url = "--server", args_server
    elif env_url := _env(env, "CCM_URL"):
        url_key, url = "CCM_URL", env_url
    elif profile is not None and profile.url:
        url_key, url = f"profiles.{profile.name}.url", profile.url
    else:
        url_key, url = "--server", None
    insecure = bool(args_insecure or (profile.insecure if profile else False))
    if url is None:
        if require_url:
            raise ConfigError(
                "no server given: pass --server URL, set CCM_URL, or add url to a profile",
                key="--server",
            )
        url = ""
    else:
        url = check_url(url, url_key)
        check_plain_http(url, insecure, url_key)

    email: str | None
    if args_email:
        email = _email(args_email, "--email")
    elif env_email := _env(env, "CCM_EMAIL"):
        email = _email(env_email, "CCM_EMAIL")
    else:
        email = profile.email if profile else None

    if args_ca_bundle:
        ca_key, ca_bundle = "--ca-bundle", str(Path(args_ca_bundle).expanduser())
    elif profile is not None and profile.ca_bundle:
        ca_key, ca_bundle = f"profiles.{profile.name}.ca_bundle", profile.ca_bundle
    else:
        ca_key, ca_bundle = "", None
    if ca_bundle is not None and not Path(ca_bundle).is_file():
        raise ConfigError(f"{ca_bundle} is not a readable file (a PEM CA bundle)", key=ca_key)
    if ca_bundle is not None:
        check_not_writable_by_others(Path(ca_bundle), key=ca_key)

    defaults = ConnectionSettings(url="")

    def pick(key: str) -> Any:
        value = getattr(profile, key) if profile is not None else None
        return value if value else getattr(defaults, key)

    return ConnectionSettings(
        url=url,
        email=email,
        ca_bundle=ca_bundle,
        insecure=insecure,
        read_only=profile.read_only if profile else False,
        profile=profile.name if profile else None,
        connect_timeout=(profile.connect_timeout if profile and profile.connect_timeout
                         else defaults.connect_timeout),
        read_timeout=(profile.read_timeout if profile and profile.read_timeout
                      else defaults.read_timeout),
        request_deadline=pick("request_deadline"),
        max_list_items=pick("max_list_items"),
        max_response_mb=pick("max_response_mb"),
    )


__all__ = [
    "CONFIG_ENV",
    "Config",
    "ConfigError",
    "ConnectionSettings",
    "PASSWORD_REFUSED",
    "Profile",
    "check_not_writable_by_others",
    "config_path",
    "load_config",
    "parse_config",
    "resolve_settings",
]
