"""The in-memory request log (``client.history``) as text, and "copy as curl" without secrets.

Records are masked when recorded (``ccm_tui.api.records``). A curl command uses placeholders
the operator fills from the environment: ``$CCM_TOKEN`` for the bearer token and
``$CCM_EMAIL:$CCM_PASSWORD`` for a Basic login; the body is the recorded one, with its secret
members masked (a comment line above the command says so).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from datetime import datetime

from ccm_tui.api.records import RequestHistory, RequestRecord
from ccm_tui.safetext import json_text, visible
from ccm_tui.service.redact import MASK

__all__ = ["RequestHistory", "RequestRecord", "curl_command", "curl_note", "format_record",
           "format_records", "record_details", "verbose_line"]

BODY_FILE = "body.json"


def curl_command(
    record: RequestRecord,
    *,
    token_var: str = "CCM_TOKEN",
    ca_bundle: str | None = None,
) -> str:
    """A shell-safe curl command repeating ``record``: every value single-quoted but the
    Authorization header, double-quoted so that ``$CCM_TOKEN`` expands. Secrets masked in the
    body are announced by a ``#`` comment line above the command (so it does not replay
    exactly); a body too long to keep is read from ``body.json``."""
    notes: list[str] = []
    parts = ["curl", "-sS", "-X", shlex.quote(record.method), shlex.quote(record.url)]
    if record.auth == "bearer":
        parts += ["-H", f'"Authorization: Bearer ${token_var}"']
    elif record.auth == "basic":
        parts += ["-u", '"$CCM_EMAIL:$CCM_PASSWORD"']
    parts += ["-H", shlex.quote("X-CSRF-Header: true"), "-H", shlex.quote("Accept: application/json")]
    if record.sent_json:
        parts += ["-H", shlex.quote("Content-Type: application/json")]
        if record.request_body is not None and record.request_body_whole:
            parts += ["--data-binary", shlex.quote(record.request_body)]
            if MASK in record.request_body:
                notes.append(f"# secrets in the body are masked ({MASK}): put the real values "
                             "in before running it")
        else:
            parts += ["--data-binary", shlex.quote("@" + BODY_FILE)]
            notes.append(f"# the body was too long to keep: save it as {BODY_FILE}")
    if ca_bundle:
        parts += ["--cacert", shlex.quote(ca_bundle)]
    # Everything above is ASCII we wrote, shell-quoted outside text, or JSON whose unsafe
    # characters are escapes; visible() is the last guard before a clipboard or a terminal.
    return visible("\n".join([*notes, " ".join(parts)]), newlines=True)


def curl_note(record: RequestRecord) -> str:
    """What the toast says was copied."""
    what = f"a curl command for {record.method} {record.path}"
    extras = []
    if record.auth == "bearer":
        extras.append("token as $CCM_TOKEN")
    elif record.auth == "basic":
        extras.append("login as $CCM_EMAIL:$CCM_PASSWORD")
    if record.request_body and MASK in record.request_body:
        extras.append("secrets in the body masked")
    return visible(f"Copied {what}" + (f" ({', '.join(extras)})" if extras else ""))


def verbose_line(record: RequestRecord) -> str:
    """``METHOD path status duration_ms [request-id]``: the CLI's --verbose line, safe text."""
    return visible(record.log_line())


def format_record(record: RequestRecord) -> str:
    when = datetime.fromtimestamp(record.at).strftime("%H:%M:%S")
    return visible(f"{when} {record.log_line()}")


def format_records(records: Iterable[RequestRecord]) -> list[str]:
    return [format_record(r) for r in records]


def _pretty(body: str) -> str:
    try:
        return json_text(json.loads(body), indent=2)
    except (ValueError, RecursionError):
        return body


def _headers(pairs: Iterable[tuple[str, str]]) -> list[str]:
    lines = [f"  {name}: {value}" for name, value in pairs]
    return lines or ["  (none recorded)"]


def record_details(record: RequestRecord) -> str:
    """The whole record as text (headers and bodies are masked already), for the detail view.
    The caller shows it as plain text (``widgets.safe.safe(..., newlines=True)``)."""
    when = datetime.fromtimestamp(record.at).strftime("%Y-%m-%d %H:%M:%S")
    status = str(record.status) if record.status is not None else "no answer"
    lines = [
        f"{record.method} {record.url}",
        f"Status {status} in {record.elapsed_ms:.0f} ms at {when}, attempt {record.attempt}",
        f"Request id: {record.request_id or '(none sent by the server)'}",
    ]
    if record.error:
        lines.append(f"Error: {record.error}")
    lines += ["", "Request headers", *_headers(record.request_headers)]
    if record.request_body is not None:
        lines += ["", "Request body" + ("" if record.request_body_whole else " (excerpt)"),
                  _pretty(record.request_body)]
    lines += ["", "Response headers", *_headers(record.response_headers)]
    if record.response_body is not None:
        lines += ["", "Response body", _pretty(record.response_body)]
    return "\n".join(lines)
