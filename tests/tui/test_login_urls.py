"""One server-URL rule (``ccm_tui.urls``): the config loader, the HTTP client and the login
screen accept, normalise and refuse the same URLs. A table of URLs, including the cases where
the three former copies disagreed (uppercase scheme, userinfo, ``[::1]``, 127.0.0.0/8,
``localhost.``, ``*.localhost``, query, bad port), is run through each of them."""

from __future__ import annotations

import pytest

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import BadUrl, InsecureUrl
from ccm_tui.config import Config, ConfigError, ConnectionSettings, resolve_settings
from ccm_tui.screens.login import LoginScreen
from ccm_tui.urls import ServerUrlError, check_server_url

from tui_helpers import until

#: url -> the normalised URL (accepted without --insecure) or the reason it is refused.
URLS = {
    "https://ccm.example.com/": "https://ccm.example.com",
    "HTTPS://ccm.example.com": "https://ccm.example.com",
    "HTTP://127.0.0.1:8080/": "http://127.0.0.1:8080",
    "http://127.8.9.10": "http://127.8.9.10",
    "http://[::1]:5": "http://[::1]:5",
    "http://[::ffff:127.0.0.1]:5": "http://[::ffff:127.0.0.1]:5",
    "http://localhost:1": "http://localhost:1",
    "http://LocalHost:1": "http://LocalHost:1",
    "  https://ccm.example.com:8443/api  ": "https://ccm.example.com:8443/api",
    "http://localhost.:1": "plain_http",
    "http://app.localhost:1": "plain_http",
    "http://localhost.localdomain": "plain_http",
    "http://127.0.0.1.": "plain_http",
    "http://ccm.example.com": "plain_http",
    "http://10.0.0.5:8080": "plain_http",
    "http://[2001:db8::1]": "plain_http",
    "http://0.0.0.0:8080": "plain_http",
    "https://ops:pw-Secret-1@ccm.example": "userinfo",
    "http://ccm.example@127.0.0.1": "userinfo",
    "ftp://ccm.example": "invalid",
    "ccm.example.com": "invalid",
    "https://": "invalid",
    "https://ccm.example:99999": "port",
    "http://[::1": "port",
    "https://ccm.example?x=1": "query",
    "https://ccm.example#top": "query",
}
SHAPE = {"userinfo", "invalid", "port", "query"}


def outcome(fn, url):
    try:
        return fn(url)
    except ServerUrlError as exc:
        return exc.reason


@pytest.mark.parametrize("url", sorted(URLS))
def test_the_rule_itself(url):
    assert outcome(lambda u: check_server_url(u, insecure=False), url) == URLS[url]
    # --insecure lifts only the plain-http refusal
    expected = URLS[url] if URLS[url] != "plain_http" else url.strip().rstrip("/")
    assert outcome(lambda u: check_server_url(u, insecure=True), url) == expected


@pytest.mark.parametrize("url", sorted(URLS))
def test_the_config_agrees(url):
    expected = URLS[url]
    try:
        got = resolve_settings(url, None, None, None, {}, config=Config()).url
    except ConfigError as exc:
        assert expected in SHAPE | {"plain_http"}, str(exc)
        assert outcome(lambda u: check_server_url(u, insecure=False), url) == expected
        assert "pw-Secret-1" not in str(exc)
        return
    assert got == expected


@pytest.mark.parametrize("url", sorted(URLS))
def test_the_client_agrees(url):
    expected = URLS[url]
    if expected == "plain_http":
        with pytest.raises(InsecureUrl):
            CcmClient(url)
    elif expected in SHAPE:
        with pytest.raises(BadUrl) as exc:
            CcmClient(url)
        assert "pw-Secret-1" not in exc.value.message
    else:
        assert CcmClient(url).base_url == expected


def _error(app) -> str:
    content = app.screen.query_one("#login-error").content
    return getattr(content, "plain", str(content))


async def test_the_login_screen_agrees(make_app):
    app = make_app(login=False, settings=ConnectionSettings(url=""))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        for url, expected in URLS.items():
            screen.query_one("#login-url").value = url
            screen.query_one("#login-email").value = ""
            screen.action_submit()
            # The URL passes -> the next field (email, left empty) is the one named.
            want = "Email: required" if expected.startswith("http") else "Server URL: "
            await until(pilot, lambda: want in _error(app))
            if not expected.startswith("http"):
                try:
                    check_server_url(url, insecure=False)
                except ServerUrlError as exc:
                    assert _error(app) == f"Server URL: {exc.message}", url
                assert "pw-Secret-1" not in _error(app)


def test_the_emulator_uses_the_same_loopback_rule():
    from ccm_tui.emulator.server import is_loopback
    from ccm_tui.urls import is_loopback_host

    assert is_loopback is is_loopback_host
