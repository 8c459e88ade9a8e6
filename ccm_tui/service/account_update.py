"""The account lifecycle after create: edit (PATCH), deactivate/reactivate, delete.

An edit is a *diff*: :func:`plan_update` compares the account as the server returned it with
what the operator wants (:class:`AccountEdit`) and builds the smallest
``AccountUpdateRequest`` — only the top-level fields that changed, ``add_auth_configs`` for new
configs, ``mod_auth_configs`` keyed by id for changed ones, ``del_auth_configs`` for removed
ones. The server never returns secrets (``client_secret``, ``client_key``), so they are sent
only when the operator typed a new value.

:func:`submit_update` never PATCHes twice: before sending it re-reads the account and refuses
when it changed since the editor opened (``conflict``); after an ambiguous failure (timeout
after sending, connection lost, 502/504, unreadable answer) it re-reads the account and
compares the fields sent. :func:`delete_account` resolves an ambiguous DELETE by reading the
account: 404 means deleted, 200 means not. No Textual here: the console and the CLI share it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import (
    AuthRequired,
    BadRequest,
    CcmError,
    HttpError,
    NameTaken,
    NotFound,
    PermissionDenied,
)
from ccm_tui.models import AccountStatus, AccountUpdateRequest, FieldError, FieldWarning, field_errors
from ccm_tui.models.warnings import oauth_config_warnings, sign_in_lockout_warning
from ccm_tui.service.accounts import Phase, _ambiguous, _describe

if TYPE_CHECKING:  # the account edited: a light record (read) or a create's pydantic answer
    from ccm_tui.models.account_record import AnyAccount

PCR_COUNT = 23
DEFAULT_PCR = list(range(PCR_COUNT))
SECRET_KEYS = ("client_secret", "client_key")
#: Fields compared to tell whether the account changed under the editor.
WATCHED = ("name", "custom_logo", "account_status", "azure_cvm_pcr_priority", "auth_configs")


# ----------------------------------------------------------------------------- the edit


@dataclass
class EditedAuthConfig:
    """One auth config in the editor: ``config_id`` None for a new one. ``config`` is the
    AuthenticationConfig as the wire spells it; it holds ``client_secret`` / ``client_key``
    only when the operator typed a new value."""

    config: dict[str, Any]
    config_id: str | None = None


@dataclass
class AccountEdit:
    """What the operator wants the account to look like."""

    name: str
    custom_logo: str | None  # standard base64; None = no logo
    account_status: str
    azure_cvm_pcr_priority: list[int]
    auth_configs: list[EditedAuthConfig]


def edit_from_account(account: AnyAccount) -> AccountEdit:
    """The editor's starting point: the account exactly as the server returned it."""
    return AccountEdit(
        name=account.name or "",
        custom_logo=account.custom_logo or None,
        account_status=_text(account.account_status) or "Active",
        azure_cvm_pcr_priority=list(account.azure_cvm_pcr_priority or DEFAULT_PCR),
        auth_configs=[
            EditedAuthConfig(copy.deepcopy(cfg), config_id)
            for config_id, cfg in (account.auth_configs or {}).items()
        ],
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass
class UpdatePlan:
    """What an edit would send. ``request`` is None when nothing changed or it is invalid."""

    request: AccountUpdateRequest | None
    changes: list[FieldChange] = dc_field(default_factory=list)
    warnings: list[FieldWarning] = dc_field(default_factory=list)
    errors: list[FieldError] = dc_field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.request is None and not self.errors

    def masked_json(self) -> dict[str, Any]:
        return self.request.masked_body() if self.request is not None else {}


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _prune(value: Any) -> Any:
    """Drop None members (recursively) so server and editor spellings compare equal."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def without_secrets(config: dict[str, Any]) -> dict[str, Any]:
    """A copy of an auth config without ``client_secret`` and ``client_key``."""
    cfg = _prune(copy.deepcopy(config))
    oauth = cfg.get("oauth")
    if isinstance(oauth, dict):
        oauth.pop("client_secret", None)
        required = (oauth.get("tls") or {}).get("required")
        if isinstance(required, dict):
            required.pop("client_key", None)
    return cfg


def typed_secrets(config: dict[str, Any]) -> list[str]:
    """The secret members the operator typed into ``config`` (non-empty values)."""
    oauth = config.get("oauth")
    if not isinstance(oauth, dict):
        return []
    found = []
    if _secret_value(oauth.get("client_secret")):
        found.append("client_secret")
    required = (oauth.get("tls") or {}).get("required")
    if isinstance(required, dict) and _secret_value(required.get("client_key")):
        found.append("client_key")
    return found


def _secret_value(value: Any) -> str:
    if value is None:
        return ""
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def _reveal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    getter = getattr(value, "get_secret_value", None)
    return getter() if getter else value


def plan_update(original: AnyAccount, edit: AccountEdit) -> UpdatePlan:
    """The AccountUpdateRequest that turns ``original`` into ``edit``, with the before/after
    of each changed field, lock-out and TLS warnings, and every problem by field."""
    body: dict[str, Any] = {}
    changes: list[FieldChange] = []
    errors: list[FieldError] = []

    if edit.name != (original.name or ""):
        body["name"] = edit.name
        changes.append(FieldChange("name", original.name, edit.name))
    before_logo = original.custom_logo or None
    if edit.custom_logo != before_logo:
        if edit.custom_logo is None:
            body["custom_logo"] = ""
            changes.append(FieldChange("custom_logo", "(a logo)", "(removed)"))
        else:
            body["custom_logo"] = edit.custom_logo
            changes.append(FieldChange("custom_logo", "(a logo)" if before_logo else "(none)",
                                       "(new logo)"))
    before_status = _text(original.account_status) or "Active"
    if edit.account_status != before_status:
        body["account_status"] = edit.account_status
        changes.append(FieldChange("account_status", before_status, edit.account_status))
    before_pcr = list(original.azure_cvm_pcr_priority or DEFAULT_PCR)
    if list(edit.azure_cvm_pcr_priority) != before_pcr:
        body["azure_cvm_pcr_priority"] = list(edit.azure_cvm_pcr_priority)
        changes.append(FieldChange("azure_cvm_pcr_priority", before_pcr,
                                   list(edit.azure_cvm_pcr_priority)))

    originals = dict(original.auth_configs or {})
    kept_ids = {c.config_id for c in edit.auth_configs if c.config_id is not None}
    removed = [cid for cid in originals if cid not in kept_ids]
    added: list[dict[str, Any]] = []
    modified: dict[str, dict[str, Any]] = {}
    for cfg in edit.auth_configs:
        if cfg.config_id is None:
            added.append(cfg.config)
            changes.append(FieldChange("add_auth_configs", None, _kind(cfg.config)))
            continue
        if cfg.config_id not in originals:
            errors.append(FieldError(f"mod_auth_configs.{cfg.config_id}",
                                     "no auth config with this id in the account"))
            continue
        before = _prune(originals[cfg.config_id])
        secrets = typed_secrets(cfg.config)
        if without_secrets(cfg.config) == without_secrets(before) and not secrets:
            continue
        modified[cfg.config_id] = cfg.config
        what = _kind(cfg.config) + (f" (new {', '.join(secrets)})" if secrets else "")
        changes.append(FieldChange(f"mod_auth_configs.{cfg.config_id}", _kind(before), what))
        oauth = cfg.config.get("oauth")
        if isinstance(oauth, dict) and not _secret_value(oauth.get("client_secret")):
            errors.append(FieldError(
                f"mod_auth_configs.{cfg.config_id}.oauth.client_secret",
                "CCM never returns the client secret and needs it to change an OAuth "
                "config: type it again (or the new one)",
            ))
    for cid in removed:
        changes.append(FieldChange("del_auth_configs", _kind(originals[cid]), None))
    if added:
        body["add_auth_configs"] = added
    if modified:
        body["mod_auth_configs"] = modified
    if removed:
        body["del_auth_configs"] = removed

    if not body and not errors:
        return UpdatePlan(None)
    request = None
    try:
        request = AccountUpdateRequest.model_validate(body)
    except ValidationError as exc:
        seen = {e.field for e in errors}
        errors.extend(e for e in field_errors(exc, AccountUpdateRequest) if e.field not in seen)
    if errors:
        return UpdatePlan(None, changes, [], errors)
    assert request is not None
    return UpdatePlan(request, changes, update_warnings(original, request), [])


def _kind(config: dict[str, Any]) -> str:
    for key in ("password", "oauth", "cluster_auth_ref"):
        if key in config:
            if key == "oauth":
                name = (config["oauth"] or {}).get("idp_name")
                return f"oauth ({name})" if name else "oauth"
            return key
    return "unknown"


def resulting_auth_configs(original: AnyAccount, req: AccountUpdateRequest) -> list[dict[str, Any]]:
    """The account's auth configs (secrets left out) once ``req`` is applied."""
    configs = {cid: _prune(c) for cid, c in (original.auth_configs or {}).items()}
    for cid in req.del_auth_configs or []:
        configs.pop(cid, None)
    for cid, cfg in (req.mod_auth_configs or {}).items():
        configs[cid] = cfg.masked_body()
    out = list(configs.values())
    out.extend(c.masked_body() for c in req.add_auth_configs or [])
    return out


def update_warnings(original: AnyAccount, req: AccountUpdateRequest) -> list[FieldWarning]:
    """Lock-out (the create rule) when auth configs change, and the TLS warnings of every
    OAuth config sent."""
    out: list[FieldWarning] = []
    if req.add_auth_configs or req.mod_auth_configs or req.del_auth_configs:
        lockout = sign_in_lockout_warning(resulting_auth_configs(original, req))
        if lockout is not None:
            out.append(lockout)
    for i, cfg in enumerate(req.add_auth_configs or []):
        if cfg.oauth is not None:
            out.extend(oauth_config_warnings(f"add_auth_configs[{i}].oauth", cfg.oauth))
    for cid, cfg in (req.mod_auth_configs or {}).items():
        if cfg.oauth is not None:
            out.extend(oauth_config_warnings(f"mod_auth_configs.{cid}.oauth", cfg.oauth))
    return out


def parse_pcr_priority(text: str) -> list[int]:
    """``"4,0,1,..."`` -> [4, 0, 1, ...]; ValueError (operator wording) unless it is a
    permutation of 0..22."""
    try:
        values = [int(p) for p in text.replace(" ", "").split(",") if p != ""]
    except ValueError:
        raise ValueError("must be whole numbers separated by commas, e.g. 4,0,1,2,...") from None
    problem = pcr_problem(values)
    if problem:
        raise ValueError(problem)
    return values


def pcr_problem(values: list[int]) -> str | None:
    """None for a permutation of 0..22, else what is wrong with it."""
    if len(values) != PCR_COUNT:
        return f"must list all {PCR_COUNT} PCR indices 0..22 once each ({len(values)} given)"
    seen: set[int] = set()
    for v in values:
        if not 0 <= v < PCR_COUNT:
            return f"{v} is not a PCR index (0..22)"
        if v in seen:
            return f"{v} appears twice; each of 0..22 exactly once"
        seen.add(v)
    return None


# ----------------------------------------------------------------------------- submit

UpdateState = Literal["updated", "not_updated", "unknown", "no_change", "conflict"]


@dataclass
class UpdateOutcome:
    state: UpdateState
    account: AnyAccount | None = None
    error: CcmError | None = None
    reconciled: bool = False
    message: str = ""
    field: str | None = None
    #: conflict: the fields that changed on the server since the editor opened
    changed_on_server: list[str] = dc_field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state in ("updated", "no_change")

    @property
    def status(self) -> int | None:
        return self.error.status if self.error is not None else None


PhaseCallback = Callable[[Phase], object]


def _watched(account: AnyAccount) -> dict[str, Any]:
    raw = account.raw()
    return {k: _prune(raw.get(k)) for k in WATCHED}


def changed_fields(before: AnyAccount, after: AnyAccount) -> list[str]:
    """The watched fields that differ between two reads of an account."""
    a, b = _watched(before), _watched(after)
    return [k for k in WATCHED if a[k] != b[k]]


def _config_matches(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    return without_secrets(stored) == without_secrets(sent)


def applied_state(original: AnyAccount, current: AnyAccount, req: AccountUpdateRequest
                  ) -> Literal["applied", "absent", "unclear"]:
    """Compare the fields sent with a fresh read: all there, none there, or cannot tell
    (a mix, or a change only a secret carries)."""
    body = req.masked_body()
    there: list[bool] = []
    cur = current.raw()
    for key in ("name", "account_status", "azure_cvm_pcr_priority"):
        if key in body:
            there.append(cur.get(key) == body[key])
    if "custom_logo" in body:
        there.append((cur.get("custom_logo") or "") == body["custom_logo"])
    cur_cfgs = {k: _prune(v) for k, v in (current.auth_configs or {}).items()}
    orig_cfgs = {k: _prune(v) for k, v in (original.auth_configs or {}).items()}
    for cid in body.get("del_auth_configs", []):
        there.append(cid not in cur_cfgs)
    secret_only = False
    for cid, cfg in body.get("mod_auth_configs", {}).items():
        if cid in orig_cfgs and _config_matches(orig_cfgs[cid], cfg):
            secret_only = True  # only a secret changed: a read cannot show it
            continue
        there.append(cid in cur_cfgs and _config_matches(cur_cfgs[cid], cfg))
    for cfg in body.get("add_auth_configs", []):
        want = without_secrets(cfg)
        n_before = sum(1 for c in orig_cfgs.values() if without_secrets(c) == want)
        n_now = sum(1 for c in cur_cfgs.values() if without_secrets(c) == want)
        there.append(n_now > n_before)
    if there and all(there):
        return "applied" if not secret_only else "unclear"
    if there and not any(there):
        return "absent" if not secret_only else "unclear"
    return "unclear"


async def submit_update(
    client: CcmClient,
    original: AnyAccount,
    req: AccountUpdateRequest | None,
    *,
    on_phase: PhaseCallback | None = None,
    check_concurrent: bool = True,
) -> UpdateOutcome:
    """PATCH ``req`` onto ``original`` (the account the editor opened on). Never raises for
    server or network failures, never sends the PATCH twice."""

    def phase(p: Phase) -> None:
        if on_phase is not None:
            try:
                on_phase(p)
            except Exception:
                pass

    def done(outcome: UpdateOutcome) -> UpdateOutcome:
        phase(Phase.DONE)
        return outcome

    name = original.name or original.acct_id
    if req is None or not req.masked_body():
        return done(UpdateOutcome("no_change", account=original,
                                  message="no change: nothing to send"))
    phase(Phase.VALIDATING)
    try:
        AccountUpdateRequest.model_validate(req.wire_body())
    except ValidationError as exc:
        errs = field_errors(exc, AccountUpdateRequest)
        return done(UpdateOutcome("not_updated", field=errs[0].field if errs else None,
                                  message="; ".join(str(e) for e in errs)))
    phase(Phase.CONNECTING)
    if check_concurrent:
        try:
            current = await client.get_account(original.acct_id)
        except NotFound as exc:
            return done(UpdateOutcome("not_updated", error=exc,
                                      message=f"account {name!r} no longer exists; nothing was sent"))
        except CcmError as exc:
            return done(UpdateOutcome(
                "not_updated", error=exc,
                message=f"not sent — could not re-read {name!r} before changing it ({exc})"))
        moved = changed_fields(original, current)
        if moved:
            return done(UpdateOutcome(
                "conflict", account=current, changed_on_server=moved,
                message=(f"{name!r} changed on the server since the editor opened "
                         f"({', '.join(moved)}); nothing was sent — reload and apply your "
                         "edits again"),
            ))
    phase(Phase.SENDING)
    try:
        account = await client.update_account(original.acct_id, req)
    except CcmError as exc:
        return done(await _update_failed(client, original, req, exc, phase))
    return done(UpdateOutcome("updated", account=account,
                              message=f"account {account.name or name!r} updated"))


async def _update_failed(client: CcmClient, original: AnyAccount, req: AccountUpdateRequest,
                         exc: CcmError, phase: Callable[[Phase], None]) -> UpdateOutcome:
    name = original.name or original.acct_id
    if isinstance(exc, NameTaken):
        return UpdateOutcome("not_updated", error=exc, field="name",
                             message=f"an account named {req.name!r} already exists")
    if isinstance(exc, PermissionDenied):
        return UpdateOutcome(
            "not_updated", error=exc,
            message=f"your role does not allow changing {name!r} (HTTP 403: {exc.message}); "
                    "the MANAGER role is needed")
    if isinstance(exc, NotFound):
        return UpdateOutcome("not_updated", error=exc,
                             message=f"account {name!r} no longer exists (HTTP 404)")
    if isinstance(exc, AuthRequired):
        return UpdateOutcome("not_updated", error=exc,
                             message="session expired: log in again, then retry "
                                     "(the server refused the request; nothing was changed)")
    if _ambiguous(exc):
        phase(Phase.RECONCILING)
        why = _describe(exc)
        try:
            current = await client.get_account(original.acct_id)
        except CcmError as lerr:
            return UpdateOutcome(
                "unknown", error=exc,
                message=(f"cannot tell whether {name!r} was changed: {why}, and re-reading it "
                         f"failed too ({lerr}); look at the account before retrying"))
        state = applied_state(original, current, req)
        if state == "applied":
            return UpdateOutcome(
                "updated", account=current, error=exc, reconciled=True,
                message=f"account {current.name or name!r} was updated — confirmed by "
                        f"re-reading it after {why}")
        if state == "absent":
            return UpdateOutcome(
                "not_updated", account=current, error=exc, reconciled=True,
                message=f"account {name!r} was not changed — {why}, and re-reading it shows "
                        "none of the changes; retry is safe")
        return UpdateOutcome(
            "unknown", account=current, error=exc, reconciled=True,
            message=(f"cannot tell whether {name!r} was changed: {why}, and re-reading it "
                     "does not settle it (only a secret changed, or the account holds part "
                     "of the change); look at the account before retrying"))
    if isinstance(exc, BadRequest):
        where = f"{exc.field}: " if exc.field else ""
        return UpdateOutcome("not_updated", error=exc, field=exc.field,
                             message=f"{where}{exc.message} (HTTP 400)")
    if isinstance(exc, HttpError):
        return UpdateOutcome("not_updated", error=exc, field=exc.field,
                             message=f"not changed — {exc}; retry later")
    return UpdateOutcome("not_updated", error=exc, message=f"not changed — {exc.message}")


async def set_account_status(client: CcmClient, account: AnyAccount, active: bool,
                             *, on_phase: PhaseCallback | None = None) -> UpdateOutcome:
    """Deactivate or reactivate: a PATCH of ``account_status`` alone."""
    want = AccountStatus.Active if active else AccountStatus.Deactivated
    if (_text(account.account_status) or "Active") == want:
        return UpdateOutcome("no_change", account=account,
                             message=f"account {account.name!r} is already {want}")
    req = AccountUpdateRequest(account_status=want)
    return await submit_update(client, account, req, on_phase=on_phase, check_concurrent=False)


# ----------------------------------------------------------------------------- delete

DeleteState = Literal["deleted", "not_deleted", "unknown"]


@dataclass
class DeleteOutcome:
    state: DeleteState
    error: CcmError | None = None
    reconciled: bool = False
    message: str = ""

    @property
    def deleted(self) -> bool:
        return self.state == "deleted"


async def delete_account(client: CcmClient, account: AnyAccount | str) -> DeleteOutcome:
    """DELETE once; an ambiguous answer is settled by reading the account (404 = deleted)."""
    acct_id = account if isinstance(account, str) else account.acct_id
    name = acct_id if isinstance(account, str) else (account.name or acct_id)
    try:
        await client.delete_account(acct_id)
    except CcmError as exc:
        if isinstance(exc, NotFound):
            return DeleteOutcome("not_deleted", error=exc,
                                 message=f"account {name!r} does not exist (HTTP 404); "
                                         "nothing was deleted")
        if isinstance(exc, PermissionDenied):
            return DeleteOutcome(
                "not_deleted", error=exc,
                message=f"your role does not allow deleting {name!r} (HTTP 403: {exc.message})")
        if not _ambiguous(exc):
            return DeleteOutcome("not_deleted", error=exc, message=f"not deleted — {exc}")
        why = _describe(exc)
        try:
            await client.get_account(acct_id)
        except NotFound:
            return DeleteOutcome("deleted", error=exc, reconciled=True,
                                 message=f"account {name!r} was deleted — confirmed: reading it "
                                         f"after {why} answers 404")
        except CcmError as lerr:
            return DeleteOutcome("unknown", error=exc,
                                 message=f"cannot tell whether {name!r} was deleted: {why}, and "
                                         f"reading it failed too ({lerr})")
        return DeleteOutcome("not_deleted", error=exc, reconciled=True,
                             message=f"account {name!r} was not deleted — {why}, and it is "
                                     "still there; retry is safe")
    return DeleteOutcome("deleted", message=f"account {name!r} deleted")


def rebase_edit(opened_on: AnyAccount, edit: AccountEdit, current: AnyAccount
                ) -> tuple[AccountEdit, list[str]]:
    """Re-apply the operator's edits (made on ``opened_on``) to ``current``, the account as
    the server holds it now. Returns the new edit and the fields where both sides changed:
    there the server's value is kept and the operator must decide again."""
    mine = plan_update(opened_on, edit)
    theirs = set(changed_fields(opened_on, current))
    fresh = edit_from_account(current)
    conflicts: list[str] = []
    for key in ("name", "custom_logo", "account_status", "azure_cvm_pcr_priority"):
        if not any(c.field == key for c in mine.changes):
            continue
        if key in theirs:
            conflicts.append(key)
        else:
            setattr(fresh, key, copy.deepcopy(getattr(edit, key)))
    by_id = {c.config_id: c for c in fresh.auth_configs}
    opened_cfgs = {k: _prune(v) for k, v in (opened_on.auth_configs or {}).items()}
    current_cfgs = {k: _prune(v) for k, v in (current.auth_configs or {}).items()}
    kept = {c.config_id for c in edit.auth_configs if c.config_id is not None}
    for cid in opened_cfgs:
        if cid not in kept and cid in by_id:  # I removed it
            if current_cfgs.get(cid) != opened_cfgs[cid]:
                conflicts.append(f"auth config {cid[:8]}")
            else:
                fresh.auth_configs.remove(by_id[cid])
    for cfg in edit.auth_configs:
        if cfg.config_id is None:
            fresh.auth_configs.append(copy.deepcopy(cfg))
            continue
        changed = (without_secrets(cfg.config) != without_secrets(opened_cfgs.get(cfg.config_id, {}))
                   or typed_secrets(cfg.config))
        if not changed:
            continue
        if cfg.config_id not in by_id or current_cfgs.get(cfg.config_id) != opened_cfgs.get(cfg.config_id):
            conflicts.append(f"auth config {cfg.config_id[:8]}")
            continue
        by_id[cfg.config_id].config = copy.deepcopy(cfg.config)
    return fresh, conflicts
