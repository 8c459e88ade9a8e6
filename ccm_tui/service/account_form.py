"""The account form (what the wizard holds) and how it becomes an AccountRequest: the
request building shared by the wizard and the CLI (``cli/account_files.build_requests``
validates each entry with :func:`validate_request`). No Textual here; files are read through
``ccm_tui.files`` (size first), models only validate the bytes.

The form keeps exactly what the operator typed (strings, booleans, file paths). Files are
read and validated only when a step is left forward or the request is built, so a draft
never holds file contents, and secrets live only in memory (``client_secret`` and the
client key path are never written to a draft; see :func:`WizardForm.to_draft`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccm_tui.files import read_cert_file, read_key_file, read_logo_file
from ccm_tui.models.errors import FieldError, field_errors

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ccm_tui.models.account import AccountRequest

# The models (pydantic) are imported by the checks that use them, not with this module: the
# wizard paints its first frame without them (~0.1-0.2 s of imports), and imports them in a
# thread meanwhile (``import_models``).

CONFIRM_WORD = "DISABLE"
COMPONENTS = ("DEFAULT", "CONFIDENTIAL_AI")
TLS_MODES = ("disabled", "opportunistic", "required")
KINDS = ("password", "oauth", "cluster_auth_ref")
KIND_LABEL = {"password": "Password", "oauth": "OAuth", "cluster_auth_ref": "Cluster auth ref"}
OAUTH_TEXT_FIELDS = (
    "idp_name",
    "idp_icon_url",
    "idp_authorization_endpoint",
    "idp_token_endpoint",
    "idp_userinfo_endpoint",
    "client_id",
)


@dataclass
class TlsForm:
    mode: str = "required"
    validate_hostname: bool = True
    ca: str = "global"  # "global" (GLOBAL_ROOTS) | "pinned"
    pinned_paths: str = ""  # comma separated file paths
    client_cert_path: str = ""
    client_key_path: str = ""  # leads to a secret: never saved in a draft

    def pinned_list(self) -> list[str]:
        return [p.strip() for p in self.pinned_paths.split(",") if p.strip()]


@dataclass
class OauthForm:
    idp_name: str = ""
    idp_icon_url: str = ""
    idp_authorization_endpoint: str = ""
    idp_token_endpoint: str = ""
    idp_userinfo_endpoint: str = ""
    idp_requires_basic_auth: bool = False
    client_id: str = ""
    client_secret: str = ""  # secret: never saved
    tls: TlsForm = field(default_factory=TlsForm)


@dataclass
class AuthEntry:
    kind: str = "password"
    require_2fa: bool = False
    administrators_only: bool = False
    target_id: str = ""
    oauth: OauthForm = field(default_factory=OauthForm)

    def summary(self) -> str:
        if self.kind == "password":
            flags = [f for f, on in (("2FA", self.require_2fa), ("admins only", self.administrators_only)) if on]
            return "Password" + (f" ({', '.join(flags)})" if flags else "")
        if self.kind == "oauth":
            o = self.oauth
            secret = "set" if o.client_secret else "NOT SET"
            return f"OAuth {o.idp_name or '?'} · client {o.client_id or '?'} · secret {secret} · TLS {o.tls.mode}"
        return f"Cluster auth ref → {self.target_id or '?'}"


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class WizardForm:
    name: str = ""
    component: str = "DEFAULT"
    disable_attestation: bool = False
    confirm_text: str = ""
    logo_path: str = ""
    auths: list[AuthEntry] = field(default_factory=list)

    # ---- drafts -----------------------------------------------------------------------
    def is_empty(self) -> bool:
        """Nothing typed or chosen yet (such a form never overwrites a saved draft)."""
        return self.to_draft() == WizardForm().to_draft()

    def to_draft(self) -> dict[str, Any]:
        """Only non-secret fields. ``secrets_to_ask`` lists what must be typed again."""
        auths: list[dict[str, Any]] = []
        ask: list[str] = []
        for i, a in enumerate(self.auths):
            entry: dict[str, Any] = {"kind": a.kind}
            if a.kind == "password":
                entry.update(require_2fa=a.require_2fa, administrators_only=a.administrators_only)
            elif a.kind == "cluster_auth_ref":
                entry["target_id"] = a.target_id
            else:
                o = a.oauth
                entry["oauth"] = {k: getattr(o, k) for k in OAUTH_TEXT_FIELDS}
                entry["oauth"]["idp_requires_basic_auth"] = o.idp_requires_basic_auth
                t = o.tls
                entry["oauth"]["tls"] = {
                    "mode": t.mode,
                    "validate_hostname": t.validate_hostname,
                    "ca": t.ca,
                    "pinned_paths": t.pinned_paths,
                    "client_cert_path": t.client_cert_path,
                }
                ask.append(f"auth_configs[{i}].oauth.client_secret")
                if t.client_key_path:
                    ask.append(f"auth_configs[{i}].oauth.tls.required.client_key")
            auths.append(entry)
        return {
            "name": self.name,
            "component": self.component,
            "disable_attestation": self.disable_attestation,
            "logo_path": self.logo_path,
            "auths": auths,
            "secrets_to_ask": ask,
        }

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> WizardForm:
        def s(d: dict[str, Any], k: str, default: str = "") -> str:
            v = d.get(k, default)
            return v if isinstance(v, str) else default

        def b(d: dict[str, Any], k: str, default: bool = False) -> bool:
            v = d.get(k, default)
            return v if isinstance(v, bool) else default

        form = cls(
            name=s(data, "name"),
            component=s(data, "component", "DEFAULT") if data.get("component") in COMPONENTS else "DEFAULT",
            disable_attestation=b(data, "disable_attestation"),
            logo_path=s(data, "logo_path"),
        )
        auths = data.get("auths")
        for raw in auths if isinstance(auths, list) else []:
            if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
                continue
            entry = AuthEntry(kind=raw["kind"])
            if entry.kind == "password":
                entry.require_2fa = b(raw, "require_2fa")
                entry.administrators_only = b(raw, "administrators_only")
            elif entry.kind == "cluster_auth_ref":
                entry.target_id = s(raw, "target_id")
            else:
                o = _mapping(raw.get("oauth"))
                t = _mapping(o.get("tls"))
                mode = t.get("mode")
                entry.oauth = OauthForm(
                    **{k: s(o, k) for k in OAUTH_TEXT_FIELDS},
                    idp_requires_basic_auth=b(o, "idp_requires_basic_auth"),
                    tls=TlsForm(
                        mode=mode if isinstance(mode, str) and mode in TLS_MODES else "required",
                        validate_hostname=b(t, "validate_hostname", True),
                        ca="pinned" if t.get("ca") == "pinned" else "global",
                        pinned_paths=s(t, "pinned_paths"),
                        client_cert_path=s(t, "client_cert_path"),
                    ),
                )
            form.auths.append(entry)
        return form

    @property
    def oauth_indexes(self) -> list[int]:
        return [i for i, a in enumerate(self.auths) if a.kind == "oauth"]


# ---- validation -------------------------------------------------------------------------
def _errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    out = []
    for e in field_errors(exc):
        path = e.field
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        out.append(FieldError(path, e.message))
    return out


def import_models() -> None:
    """Import what the checks below validate with (pydantic and the request models); the
    wizard calls it from a thread once it is on screen."""
    import ccm_tui.models.account  # noqa: F401
    import ccm_tui.models.auth  # noqa: F401
    import ccm_tui.models.warnings  # noqa: F401


def validate_request(body: dict[str, Any]) -> tuple[AccountRequest | None, list[FieldError]]:
    """One AccountRequest from its wire body, or every field error (paths as the spec names
    them). The wizard (:func:`build_request`) and the CLI's ``--from`` files both end here."""
    from pydantic import ValidationError

    from ccm_tui.models.account import AccountRequest

    try:
        return AccountRequest.model_validate(body), []
    except ValidationError as exc:
        return None, _errors(exc)


def check_basics(form: WizardForm) -> list[FieldError]:
    from pydantic import ValidationError

    from ccm_tui.models.account import AccountRequest

    errors: list[FieldError] = []
    try:
        AccountRequest.model_validate(
            {
                "name": form.name,
                "component": form.component,
                "node_enrollment": {
                    "attestation_enforcement_disabled_insecure": form.disable_attestation
                },
            }
        )
    except ValidationError as exc:
        errors.extend(_errors(exc))
    if form.disable_attestation and form.confirm_text.strip() != CONFIRM_WORD:
        errors.append(
            FieldError(
                "node_enrollment.confirm",
                f"type {CONFIRM_WORD} to confirm turning attestation enforcement off, "
                "or untick the box",
            )
        )
    return errors


def check_logo(form: WizardForm) -> list[FieldError]:
    if not form.logo_path.strip():
        return []
    try:
        read_logo_file(form.logo_path.strip())
    except ValueError as exc:
        return [FieldError("custom_logo", str(exc))]
    return []


def tls_dict(tls: TlsForm, prefix: str) -> tuple[dict[str, Any], list[FieldError]]:
    """The TlsConfig body (secrets included) and file errors under ``prefix``."""
    if tls.mode == "disabled":
        return {"disabled": {}}, []
    if tls.mode == "opportunistic":
        return {"opportunistic": {}}, []
    errors: list[FieldError] = []
    req: dict[str, Any] = {"validate_hostname": tls.validate_hostname}
    base = f"{prefix}.required"
    if tls.ca == "pinned":
        pinned = []
        paths = tls.pinned_list()
        if not paths:
            errors.append(FieldError(f"{base}.ca.pinned", "give at least one certificate file, or choose global roots"))
        for p in paths:
            try:
                pinned.append(read_cert_file(p)[0])
            except ValueError as exc:
                errors.append(FieldError(f"{base}.ca.pinned", f"{p}: {exc}"))
        req["ca"] = {"pinned": pinned}
    else:
        req["ca"] = {"ca_set": "GLOBAL_ROOTS"}
    if tls.client_cert_path.strip():
        try:
            req["client_cert"] = read_cert_file(tls.client_cert_path.strip())[0]
        except ValueError as exc:
            errors.append(FieldError(f"{base}.client_cert", str(exc)))
    if tls.client_key_path.strip():
        try:
            req["client_key"] = read_key_file(tls.client_key_path.strip())
        except ValueError as exc:
            # never echo key material: the reason names the file, not its bytes
            errors.append(FieldError(f"{base}.client_key", str(exc)))
    return {"required": req}, errors


def auth_dict(entry: AuthEntry, *, with_tls: bool, prefix: str) -> tuple[dict[str, Any], list[FieldError]]:
    if entry.kind == "password":
        return {"password": {"require_2fa": entry.require_2fa, "administrators_only": entry.administrators_only}}, []
    if entry.kind == "cluster_auth_ref":
        return {"cluster_auth_ref": {"target_id": entry.target_id}}, []
    o = entry.oauth
    body: dict[str, Any] = {
        "idp_name": o.idp_name,
        "idp_icon_url": o.idp_icon_url.strip(),
        "idp_authorization_endpoint": o.idp_authorization_endpoint.strip(),
        "idp_token_endpoint": o.idp_token_endpoint.strip(),
        "idp_requires_basic_auth": o.idp_requires_basic_auth,
        "client_id": o.client_id,
        "client_secret": o.client_secret,
    }
    if o.idp_userinfo_endpoint.strip():
        body["idp_userinfo_endpoint"] = o.idp_userinfo_endpoint.strip()
    errors: list[FieldError] = []
    if with_tls:
        body["tls"], errors = tls_dict(o.tls, f"{prefix}.oauth.tls")
    else:
        body["tls"] = {"opportunistic": {}}  # placeholder: TLS is checked on its own step
    return {"oauth": body}, errors


def check_auth_entry(entry: AuthEntry, prefix: str = "") -> list[FieldError]:
    """Validate one auth config without its TLS files (the TLS step checks those)."""
    from pydantic import ValidationError

    from ccm_tui.models.auth import AuthenticationConfig

    body, errors = auth_dict(entry, with_tls=False, prefix=prefix)
    try:
        AuthenticationConfig.model_validate(body)
    except ValidationError as exc:
        errors = errors + [e for e in _errors(exc, prefix) if ".tls" not in e.field]
    return errors


def check_auths(form: WizardForm) -> list[FieldError]:
    out: list[FieldError] = []
    for i, entry in enumerate(form.auths):
        out.extend(check_auth_entry(entry, f"auth_configs[{i}]"))
    return out


def check_tls(form: WizardForm) -> list[FieldError]:
    from pydantic import ValidationError

    from ccm_tui.models.auth import TlsConfig

    out: list[FieldError] = []
    for i in form.oauth_indexes:
        prefix = f"auth_configs[{i}].oauth.tls"
        body, errors = tls_dict(form.auths[i].oauth.tls, prefix)
        out.extend(errors)
        if errors:
            continue
        try:
            TlsConfig.model_validate(body)
        except ValidationError as exc:
            out.extend(_errors(exc, prefix))
    return out


STEP_CHECKS = (check_basics, check_logo, check_auths, check_tls)


def build_request(form: WizardForm) -> tuple[AccountRequest | None, list[FieldError]]:
    """The full request, or the field errors that stop it from being built."""
    from ccm_tui.models.account import NodeEnrollment

    errors: list[FieldError] = [e for e in check_basics(form) if e.field == "node_enrollment.confirm"]
    body: dict[str, Any] = {"name": form.name, "component": form.component}
    body["node_enrollment"] = NodeEnrollment(
        attestation_enforcement_disabled_insecure=form.disable_attestation
    ).model_dump()
    if form.logo_path.strip():
        try:
            body["custom_logo"] = read_logo_file(form.logo_path.strip())[0]
        except ValueError as exc:
            errors.append(FieldError("custom_logo", str(exc)))
    if form.auths:
        configs = []
        for i, entry in enumerate(form.auths):
            d, errs = auth_dict(entry, with_tls=True, prefix=f"auth_configs[{i}]")
            configs.append(d)
            errors.extend(errs)
        body["auth_configs"] = configs
    if errors:
        return None, errors
    return validate_request(body)
