"""Certificate and key checks for TLS settings (uses ``cryptography``, imported lazily).

On the wire CCM takes certificates and keys as base64 of the file's bytes; we accept
PEM (and DER) files from the operator and send their bytes base64-encoded, as read.

No message raised here ever contains key material (or any part of the input): they name
the problem and what is allowed, nothing else.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


_PEM = b"-----BEGIN"
_PEM_KEY = b"PRIVATE KEY-----"
_PEM_CERT = b"-----BEGIN CERTIFICATE-----"


class PemError(ValueError):
    """A certificate or key was refused. ``reason`` is a short code.

    Reasons: missing, directory, unreadable, too_big, empty, not_base64, garbage, key_not_cert,
    cert_not_key, encrypted, mismatch.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str = ""

    @property
    def expired(self) -> bool:
        return self.not_after < datetime.now(UTC)

    def expires_within(self, days: int, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.not_after < now + timedelta(days=days)

    @property
    def label(self) -> str:
        """``CN=..., expires 2030-01-01`` for lists and review screens."""
        return f"{self.subject}, expires {self.not_after:%Y-%m-%d}"


def _b64(value: str, what: str) -> bytes:
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PemError("not_base64", f"must be standard base64 of a {what}") from None
    if not data:
        raise PemError("empty", f"is empty; expected base64 of a {what}")
    return data


def _has_private_key(data: bytes) -> bool:
    if _PEM in data:
        return _PEM_KEY in data
    return _load_der_key(data) is not None


def _load_der_key(data: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_der_private_key(data, password=None)
    except TypeError:
        return True  # encrypted DER key: still a key
    except Exception:
        return None


def parse_certificates(data: bytes) -> list[CertInfo]:
    """Parse PEM (one or more) or DER certificate bytes; raise :class:`PemError`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    if not data.strip():
        raise PemError("empty", "is empty; expected a PEM or DER X.509 certificate")
    if _has_private_key(data):
        raise PemError(
            "key_not_cert",
            "holds a private key; expected a certificate (PEM 'BEGIN CERTIFICATE' or DER). "
            "Never put a private key where a certificate goes",
        )
    certs: list[Any]
    try:
        if _PEM in data:
            if _PEM_CERT not in data:
                raise ValueError
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except Exception:
        raise PemError(
            "garbage", "is not a valid X.509 certificate; expected PEM ('BEGIN CERTIFICATE') or DER"
        ) from None
    return [
        CertInfo(
            subject=c.subject.rfc4514_string() or "(empty subject)",
            issuer=c.issuer.rfc4514_string() or "(empty issuer)",
            not_before=c.not_valid_before_utc,
            not_after=c.not_valid_after_utc,
            fingerprint_sha256=c.fingerprint(hashes.SHA256()).hex(),
        )
        for c in certs
    ]


def check_cert_b64(value: str) -> str:
    parse_certificates(_b64(value, "PEM or DER certificate"))
    return value


def cert_infos_b64(value: str) -> list[CertInfo]:
    """CertInfo of a base64 certificate field (for warnings and review screens)."""
    return parse_certificates(_b64(value, "PEM or DER certificate"))


def load_private_key_bytes(data: bytes) -> Any:
    """Load an unencrypted private key (PEM or DER); raise :class:`PemError` without echoing it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if not data.strip():
        raise PemError("empty", "is empty; expected a PEM or DER private key")
    try:
        if _PEM in data:
            if _PEM_KEY not in data:
                if _PEM_CERT in data:
                    raise PemError(
                        "cert_not_key",
                        "holds a certificate; expected the private key that goes with it",
                    )
                raise ValueError
            return serialization.load_pem_private_key(data, password=None)
        return serialization.load_der_private_key(data, password=None)
    except PemError:
        raise
    except TypeError:
        raise PemError(
            "encrypted",
            "is an encrypted private key; give an unencrypted key "
            "(e.g. decrypt it with `openssl pkey -in KEY -out PLAIN.pem`)",
        ) from None
    except Exception:
        pass
    if _PEM not in data:
        try:
            x509.load_der_x509_certificate(data)
        except Exception:
            pass
        else:
            raise PemError(
                "cert_not_key", "holds a certificate; expected the private key that goes with it"
            )
    raise PemError(
        "garbage", "is not a valid private key; expected PEM ('BEGIN PRIVATE KEY') or DER"
    )


def check_private_key_bytes(data: bytes) -> None:
    load_private_key_bytes(data)


def check_key_b64(value: str) -> str:
    load_private_key_bytes(_b64(value, "PEM or DER private key"))
    return value


def _public_der(obj: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return obj.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_key_matches_cert_b64(key_b64: str, cert_b64: str) -> None:
    """Raise :class:`PemError` if the key is not the private half of the (first) certificate."""
    from cryptography import x509

    key = load_private_key_bytes(_b64(key_b64, "PEM or DER private key"))
    cert_data = _b64(cert_b64, "PEM or DER certificate")
    try:
        if _PEM in cert_data:
            cert = x509.load_pem_x509_certificates(cert_data)[0]
        else:
            cert = x509.load_der_x509_certificate(cert_data)
    except Exception:
        raise PemError("garbage", "client_cert is not a valid X.509 certificate") from None
    if _public_der(key) != _public_der(cert):
        raise PemError(
            "mismatch",
            "does not match client_cert (the key belongs to a different certificate); "
            "give the private key of client_cert",
        )
