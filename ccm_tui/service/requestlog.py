"""The in-memory request log (``client.history``) as text, and "copy as curl" without secrets.

Records carry no bodies and no headers; a curl line therefore uses placeholders the operator
fills from the environment: ``$CCM_TOKEN`` for the bearer token, ``$CCM_EMAIL:$CCM_PASSWORD``
for a Basic login, and ``@body.json`` for a JSON body.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from datetime import datetime

from ccm_tui.api.records import RequestHistory, RequestRecord

__all__ = ["RequestHistory", "RequestRecord", "curl_command", "format_record", "format_records"]


def curl_command(
    record: RequestRecord,
    *,
    token_var: str = "CCM_TOKEN",
    body_file: str = "body.json",
    ca_bundle: str | None = None,
) -> str:
    parts = ["curl", "-sS", "-X", record.method, shlex.quote(record.url)]
    if record.auth == "bearer":
        parts += ["-H", f'"Authorization: Bearer ${token_var}"']
    elif record.auth == "basic":
        parts += ["-u", '"$CCM_EMAIL:$CCM_PASSWORD"']
    parts += ["-H", shlex.quote("X-CSRF-Header: true")]
    if record.sent_json:
        parts += ["-H", shlex.quote("Content-Type: application/json"),
                  "--data", shlex.quote("@" + body_file)]
    if ca_bundle:
        parts += ["--cacert", shlex.quote(ca_bundle)]
    return " ".join(parts)


def format_record(record: RequestRecord) -> str:
    when = datetime.fromtimestamp(record.at).strftime("%H:%M:%S")
    return f"{when} {record.log_line()}"


def format_records(records: Iterable[RequestRecord]) -> list[str]:
    return [format_record(r) for r in records]
