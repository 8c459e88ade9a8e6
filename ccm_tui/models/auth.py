"""Authentication configurations of an account (request side, strict)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    SecretStr,
    SerializationInfo,
    StrictBool,
    StrictStr,
    field_serializer,
    model_validator,
)

from ccm_tui.models import pem
from ccm_tui.models.base import RequestModel, located, reveal_if_asked
from ccm_tui.models.enums import CaSet
from ccm_tui.models.rules import check_https_url

HttpsUrl = Annotated[StrictStr, AfterValidator(check_https_url)]
CertB64 = Annotated[StrictStr, AfterValidator(pem.check_cert_b64)]


def _check_key_secret(value: SecretStr) -> SecretStr:
    pem.check_key_b64(value.get_secret_value())
    return value


def _check_secret_present(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError("must not be empty; paste the client secret your IdP issued")
    return value


KeyB64 = Annotated[SecretStr, AfterValidator(_check_key_secret)]
ClientSecret = Annotated[SecretStr, AfterValidator(_check_secret_present)]


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


NonEmptyStr = Annotated[StrictStr, AfterValidator(_non_empty)]


class EmptyObject(RequestModel):
    """``{}`` on the wire: the member's presence is the whole message."""


def _exactly_one(model: RequestModel, members: tuple[str, ...], what: str) -> None:
    present = [m for m in members if getattr(model, m) is not None]
    if len(present) != 1:
        choices = ", ".join(members)
        if not present:
            raise ValueError(f"{what} must set exactly one of: {choices}; none is set")
        raise ValueError(
            f"{what} must set exactly one of: {choices}; "
            f"{len(present)} are set ({', '.join(present)})"
        )


class AuthConfigPassword(RequestModel):
    require_2fa: StrictBool
    administrators_only: StrictBool


class AuthConfigRef(RequestModel):
    target_id: NonEmptyStr


class CaConfig(RequestModel):
    ca_set: CaSet | None = None
    pinned: list[CertB64] | None = None

    @model_validator(mode="after")
    def _one(self) -> CaConfig:
        _exactly_one(self, ("ca_set", "pinned"), "ca")
        if self.pinned is not None and not self.pinned:
            raise located("pinned", "must hold at least one CA certificate (PEM or DER, base64)")
        return self


class TlsConfigRequired(RequestModel):
    validate_hostname: StrictBool
    ca: CaConfig
    client_key: KeyB64 | None = None
    client_cert: CertB64 | None = None

    @field_serializer("client_key")
    def _ser_key(self, value: SecretStr | None, info: SerializationInfo) -> str | None:
        return reveal_if_asked(value, info)

    @model_validator(mode="after")
    def _key_and_cert(self) -> TlsConfigRequired:
        # Runs only when client_key and client_cert each passed their own checks.
        if self.client_key is not None:
            if self.client_cert is None:
                raise located(
                    "client_key", "is set without client_cert; give both (mutual TLS) or neither"
                )
            try:
                pem.check_key_matches_cert_b64(
                    self.client_key.get_secret_value(), self.client_cert
                )
            except pem.PemError as exc:
                raise located("client_key", str(exc)) from None
        return self


class TlsConfig(RequestModel):
    disabled: EmptyObject | None = None
    opportunistic: EmptyObject | None = None
    required: TlsConfigRequired | None = None

    @model_validator(mode="after")
    def _one(self) -> TlsConfig:
        _exactly_one(self, ("disabled", "opportunistic", "required"), "tls")
        return self

    @property
    def mode(self) -> str:
        if self.required:
            return "required"
        return "opportunistic" if self.opportunistic else "disabled"


class AuthConfigOauth(RequestModel):
    idp_name: NonEmptyStr
    idp_icon_url: HttpsUrl
    idp_authorization_endpoint: HttpsUrl
    idp_token_endpoint: HttpsUrl
    idp_requires_basic_auth: StrictBool
    idp_userinfo_endpoint: HttpsUrl | None = None
    tls: TlsConfig
    client_id: NonEmptyStr
    client_secret: ClientSecret

    @field_serializer("client_secret")
    def _ser_secret(self, value: SecretStr, info: SerializationInfo) -> str | None:
        return reveal_if_asked(value, info)


class AuthenticationConfig(RequestModel):
    password: AuthConfigPassword | None = None
    oauth: AuthConfigOauth | None = None
    cluster_auth_ref: AuthConfigRef | None = None

    @model_validator(mode="after")
    def _one(self) -> AuthenticationConfig:
        _exactly_one(self, ("password", "oauth", "cluster_auth_ref"), "auth config")
        return self

    @property
    def kind(self) -> str:
        return "password" if self.password else "oauth" if self.oauth else "cluster_auth_ref"


def auth_config_kind(raw: dict[str, Any]) -> str:
    """The member name of a raw (response) auth config, or "unknown"."""
    for key in ("password", "oauth", "cluster_auth_ref"):
        if key in raw:
            return key
    return "unknown"


__all__ = [
    "AuthConfigOauth",
    "AuthConfigPassword",
    "AuthConfigRef",
    "AuthenticationConfig",
    "CaConfig",
    "EmptyObject",
    "TlsConfig",
    "TlsConfigRequired",
    "auth_config_kind",
]
