"""One wording of client errors (``ccm_tui.api.errors.describe_error``): the console's
screens, the CLI and the service's outcome sentences describe the same error the same way."""

from __future__ import annotations

import pytest

from ccm_tui.api import errors as e
from ccm_tui.cli.accounts import _describe as cli_describe
from ccm_tui.screens.base import describe_error as screen_describe
from ccm_tui.service.accounts import _describe as service_cause
from ccm_tui.service.members import _describe as members_cause


def _timeout(phase: str, message: str) -> e.RequestTimeout:
    err = e.RequestTimeout(message)
    err.phase = phase
    return err


ERRORS = {
    "tls": (e.TlsError("certificate verify failed for ccm.example"),
            "TLS problem: certificate verify failed for ccm.example (use --ca-bundle for a private CA)"),
    "refused": (e.NetworkError("cannot connect to ccm.example: connection refused"),
                "cannot connect to ccm.example: connection refused"),
    "lost": (e.ConnectionLost("the connection to ccm.example was closed before an answer arrived"),
             "cannot reach the server: the connection to ccm.example was closed before an answer "
             "arrived"),
    "connect timeout": (_timeout("connect", "timed out connecting to ccm.example"),
                        "cannot reach the server: timed out connecting to ccm.example"),
    "deadline": (_timeout("deadline", "ccm.example did not finish answering within 30 s"),
                 "ccm.example did not finish answering within 30 s"),
    "http": (e.NameTaken("name taken", status=409), "HTTP 409: name taken"),
    "controls": (e.ServerError("bad\x1b[31m gateway", status=502), None),
    "malformed": (e.MalformedResponse("the server sent an unreadable answer to GET /v1/accounts"),
                  "the server sent an unreadable answer to GET /v1/accounts"),
}


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_console_and_cli_say_the_same(kind):
    error, expected = ERRORS[kind]
    said = e.describe_error(error)
    assert screen_describe(error) == said
    assert cli_describe(error) == said
    if expected is not None:
        assert said == expected
    assert "\x1b" not in said


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_outcome_sentences_use_the_same_cause(kind):
    error, _ = ERRORS[kind]
    cause = e.error_cause(error)
    assert service_cause(error) == cause and members_cause(error) == cause
    if not isinstance(error, e.RequestTimeout | e.ConnectionLost | e.MalformedResponse):
        assert cause == e.describe_error(error)
    assert "\x1b" not in cause


def test_an_unexpected_error_is_named_not_traced():
    assert screen_describe(KeyError("x")).startswith("unexpected KeyError — see the log file")
    assert screen_describe(None) == e.describe_error(None) == "unknown error"
