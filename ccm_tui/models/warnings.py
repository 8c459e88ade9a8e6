"""Things worth a second look before creating an account, that are not errors.

``account_request_warnings(req)`` never refuses anything: it returns what the wizard's
review and the CLI's ``--dry-run`` should show beside the field concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ccm_tui.models import pem

if TYPE_CHECKING:  # annotations only: the wizard words these warnings before pydantic is imported
    from ccm_tui.models.account import AccountRequest
    from ccm_tui.models.auth import AuthConfigOauth

#: Warn when a pinned CA or client certificate expires within this many days.
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class FieldWarning:
    # same path style as FieldError, e.g. "auth_configs[0].oauth.tls.required.ca.pinned[0]"
    field: str
    message: str
    severity: str = "warning"  # "warning" | "info"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def account_request_warnings(
    req: AccountRequest, *, now: datetime | None = None
) -> list[FieldWarning]:
    now = now or datetime.now(UTC)
    out: list[FieldWarning] = []
    ne = req.node_enrollment
    if ne is not None and ne.attestation_enforcement_disabled_insecure:
        out.append(attestation_off_warning())
    out.extend(_auth_warnings(req, now))
    return out


def attestation_off_warning() -> FieldWarning:
    """The warning for node attestation turned off (the wizard shows it before the
    request can be built, too)."""
    return FieldWarning(
        "node_enrollment.attestation_enforcement_disabled_insecure",
        "is true: node attestation is turned OFF, so nodes join this account "
        "without proving they run in a genuine enclave (insecure)",
    )


def _auth_warnings(req: AccountRequest, now: datetime) -> list[FieldWarning]:
    configs = req.auth_configs
    if configs is None:
        return [
            FieldWarning(
                "auth_configs",
                "none given: the server's default sign-in method applies",
                severity="info",
            )
        ]
    if not configs:
        return [
            FieldWarning(
                "auth_configs",
                "is an empty list: the account may be left with no way to sign in; "
                "omit it to get the server's default, or add a password or OAuth config",
            )
        ]
    out: list[FieldWarning] = []
    lockout = sign_in_lockout_warning([c.model_dump(mode="json") for c in configs])
    if lockout is not None:
        out.append(lockout)
    for i, cfg in enumerate(configs):
        if cfg.oauth is not None:
            out.extend(_oauth_warnings(f"auth_configs[{i}].oauth", cfg.oauth, now))
    return out


def sign_in_lockout_warning(
    configs: list[dict], field: str = "auth_configs"
) -> FieldWarning | None:
    """The lock-out rule shared by create and edit, on auth configs as the wire spells them:
    none left, or only password sign-in restricted to administrators."""
    if not configs:
        return FieldWarning(
            field,
            "no sign-in method is left: ordinary users will be locked out; keep or add a "
            "password, OAuth or cluster auth config",
        )
    passwords = [c.get("password") for c in configs]
    if all(isinstance(p, dict) and p.get("administrators_only") for p in passwords):
        return FieldWarning(
            field,
            "only allows password sign-in for administrators: ordinary users will be "
            "locked out; add an OAuth or cluster auth config, or set "
            "administrators_only to false",
        )
    return None


def oauth_config_warnings(base: str, oauth: AuthConfigOauth, *, now: datetime | None = None
                          ) -> list[FieldWarning]:
    """TLS and certificate warnings for one OAuth config (create and edit share them)."""
    return _oauth_warnings(base, oauth, now or datetime.now(UTC))


def _oauth_warnings(base: str, oauth: AuthConfigOauth, now: datetime) -> list[FieldWarning]:
    out: list[FieldWarning] = []
    tls = oauth.tls
    if tls.disabled is not None:
        out.append(
            FieldWarning(
                f"{base}.tls.disabled",
                "TLS is disabled: the connection to the identity provider is neither "
                "encrypted nor authenticated",
            )
        )
    elif tls.opportunistic is not None:
        out.append(
            FieldWarning(
                f"{base}.tls.opportunistic",
                "the identity provider's certificate is not verified",
                severity="info",
            )
        )
    req = tls.required
    if req is None:
        return out
    rbase = f"{base}.tls.required"
    if not req.validate_hostname:
        out.append(
            FieldWarning(
                f"{rbase}.validate_hostname",
                "is false: any server holding a certificate from the CA can pose as the "
                "identity provider",
            )
        )
    for j, cert_b64 in enumerate(req.ca.pinned or []):
        out.extend(_expiry(f"{rbase}.ca.pinned[{j}]", cert_b64, "pinned CA certificate", now))
    if req.client_cert is not None:
        out.extend(_expiry(f"{rbase}.client_cert", req.client_cert, "client certificate", now))
        if req.client_key is None:
            out.append(
                FieldWarning(
                    f"{rbase}.client_cert",
                    "is set without client_key: mutual TLS needs the private key too",
                )
            )
    return out


def _expiry(field: str, cert_b64: str, what: str, now: datetime) -> list[FieldWarning]:
    out: list[FieldWarning] = []
    for info in pem.cert_infos_b64(cert_b64):
        when = f"{info.not_after:%Y-%m-%d}"
        if info.not_after < now:
            msg = f"the {what} {info.subject} expired on {when}"
        elif info.expires_within(EXPIRY_WARNING_DAYS, now):
            days = (info.not_after - now).days
            msg = f"the {what} {info.subject} expires on {when} (in {days} days)"
        elif info.not_before > now:
            msg = f"the {what} {info.subject} is not valid before {info.not_before:%Y-%m-%d}"
        else:
            continue
        out.append(FieldWarning(field, msg))
    return out
