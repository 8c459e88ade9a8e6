"""Remembered sessions in the OS keyring when one is available, else in the 0600 file;
`token_store` in config.toml; logout forgets the token wherever it is."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import chainer, fail, null

from ccm_tui.config import ConfigError, ConnectionSettings, parse_config
from ccm_tui.service import token_cache, token_store
from ccm_tui.service.session import open_session, resume_session

URL = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def fresh_announcements(monkeypatch):
    monkeypatch.setattr(token_store, "_announced", set())


@pytest.fixture
def config(private_home, monkeypatch, tmp_path):
    """Write config.toml's token_store (the process reads it as the console would)."""

    def write(mode: str) -> None:
        path = tmp_path / "config.toml"
        path.write_text(f'token_store = "{mode}"\n', encoding="utf-8")
        monkeypatch.setenv("CCM_TUI_CONFIG", str(path))

    return write


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def files_holding(root, secret: str) -> list[str]:
    """Every file under ``root`` whose bytes contain ``secret``."""
    if not root.exists():
        return []
    return [str(p) for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


async def remembered_login(transport, credentials):
    email, password = credentials
    settings = ConnectionSettings(url=URL, email=email)
    session = await open_session(settings, password=password, transport=transport, remember=True)
    token = session.client.access_token.get_secret_value()
    await session.close()
    return settings, token, session.token_store_note


async def test_keyring_keeps_the_token_and_no_file_does(asgi_transport, demo_credentials,
                                                        memory_keyring, private_home, emulator):
    settings, token, note = await remembered_login(asgi_transport, demo_credentials)
    assert note == "Session remembered in the OS keyring (memory keyring MemoryKeyring)"
    [(service, user)] = [k for k, v in memory_keyring.entries.items() if token in v]
    assert service == "ccm-tui" and user == f"{settings.email} at {URL}"
    assert demo_credentials[1] not in json.dumps(list(memory_keyring.entries.values()))
    # Nothing of it on disk: no token file, and no file anywhere under the home holds it.
    assert not token_cache.tokens_dir().exists()
    assert files_holding(private_home, token) == []

    logins = sum(r.path == "/v1/sys/auth" for r in emulator.received)
    resumed = await resume_session(settings, transport=asgi_transport)
    assert resumed is not None and resumed.client.access_token.get_secret_value() == token
    assert sum(r.path == "/v1/sys/auth" for r in emulator.received) == logins  # no password

    await resumed.logout()
    assert not any(token in v for v in memory_keyring.entries.values())
    assert await resume_session(settings, transport=asgi_transport) is None


async def test_without_a_keyring_the_0600_file_is_used(asgi_transport, demo_credentials,
                                                       no_keyring, private_home):
    settings, token, note = await remembered_login(asgi_transport, demo_credentials)
    path = token_cache.cache_path(URL, settings.email)
    assert json.loads(path.read_text())["access_token"] == token
    assert note == (f"Session remembered in a 0600 file under {token_cache.tokens_dir()} "
                    "(no OS keyring available)")
    resumed = await resume_session(settings, transport=asgi_transport)
    assert resumed is not None
    await resumed.logout()
    assert not path.exists()


async def test_the_store_is_named_once_per_process(asgi_transport, demo_credentials,
                                                   memory_keyring):
    _, _, first = await remembered_login(asgi_transport, demo_credentials)
    _, _, second = await remembered_login(asgi_transport, demo_credentials)
    assert first and "OS keyring" in first
    assert second is None


async def test_token_store_file_never_touches_the_keyring(asgi_transport, demo_credentials,
                                                          memory_keyring, config):
    config("file")
    settings, token, note = await remembered_login(asgi_transport, demo_credentials)
    assert memory_keyring.entries == {}
    assert token_cache.load_token(URL, settings.email).token.get_secret_value() == token
    assert note.endswith('(token_store = "file")')


async def test_token_store_keyring_without_one_remembers_nothing_and_says_why(
        asgi_transport, demo_credentials, no_keyring, config, private_home):
    config("keyring")
    settings, token, note = await remembered_login(asgi_transport, demo_credentials)
    assert note == ('The session could not be remembered: token_store = "keyring" but no OS '
                    "keyring is available; the session was not remembered")
    assert files_holding(private_home, token) == []
    assert await resume_session(settings, transport=asgi_transport) is None


async def test_logout_forgets_a_token_from_the_file_and_the_keyring(
        asgi_transport, demo_credentials, memory_keyring):
    email, password = demo_credentials
    settings = ConnectionSettings(url=URL, email=email)
    first = await open_session(settings, password=password, transport=asgi_transport)
    token = first.client.access_token
    # A token remembered in the file before a keyring was available...
    token_cache.save_token(URL, email, token, expires_at=None)
    # ...moves to the keyring on the next save: no copy stays on disk.
    assert token_store.save_token(URL, email, token, expires_at=None) == "keyring"
    assert not token_cache.cache_path(URL, email).exists()
    # A stray file copy as well as the keyring entry: logout removes both.
    token_cache.save_token(URL, email, token, expires_at=None)
    await first.close()
    resumed = await resume_session(settings, transport=asgi_transport)
    assert resumed is not None
    await resumed.logout()
    assert memory_keyring.entries == {}
    assert not token_cache.cache_path(URL, email).exists()


def test_resume_without_an_email_finds_the_last_remembered_one(memory_keyring):
    from pydantic import SecretStr

    token_store.save_token(URL, "ops@example.com", SecretStr("t-1"), expires_at=None)
    entry = token_store.load_token(URL, None)
    assert entry is not None and entry.email == "ops@example.com"
    assert entry.token.get_secret_value() == "t-1"


def test_expired_keyring_entry_is_deleted_not_used(memory_keyring):
    from pydantic import SecretStr

    token_store.save_token(URL, "ops@example.com", SecretStr("old"), expires_at=1000)
    assert token_store.load_token(URL, "ops@example.com") is None
    assert not any("old" in v for v in memory_keyring.entries.values())


class _Empty(chainer.ChainerBackend):
    backends = []  # type: ignore[assignment]  # a chainer that found nothing to chain


class _Chained(chainer.ChainerBackend):
    def __init__(self, inner):
        super().__init__()
        self._inner = inner

    @property
    def backends(self):  # type: ignore[override]
        return [self._inner]


def _plaintext_file_keyring():
    """Stands for keyrings.alt's PlaintextKeyring (not installed here): same module path."""
    from memory_keyring import MemoryKeyring

    cls = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    return cls()


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), _Empty(),
                                     _plaintext_file_keyring()],
                         ids=["fail", "null", "empty-chainer", "keyrings.alt-file"])
def test_backends_that_store_nothing_are_not_a_keyring(backend):
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        assert token_store.keyring_backend() is None
        assert token_store.describe("auto").endswith("(no OS keyring available)")
    finally:
        keyring.set_keyring(previous)


def test_a_chainer_with_a_real_backend_is_a_keyring(memory_keyring):
    chained = _Chained(memory_keyring)
    keyring.set_keyring(chained)
    assert token_store.keyring_backend() is chained
    assert not token_store._usable(_Chained(null.Keyring()))


@pytest.mark.parametrize("value", ["auto", "keyring", "file"])
def test_config_accepts_the_three_token_stores(value):
    assert parse_config({"token_store": value}).token_store == value


@pytest.mark.parametrize("value", ["vault", "", 1, True, ["file"]])
def test_config_refuses_any_other_token_store(value):
    with pytest.raises(ConfigError) as err:
        parse_config({"token_store": value})
    assert str(err.value).startswith("token_store: must be one of 'auto', 'keyring', 'file'")


def test_config_default_is_auto():
    assert parse_config({}).token_store == "auto"
