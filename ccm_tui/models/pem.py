"""Certificate and key checks for TLS settings (uses ``cryptography``).

On the wire CCM takes certificates and keys as base64 of the file's bytes; we accept
PEM (and DER certificates) from the operator and send the bytes base64-encoded.

TODO(models helper): key/cert matching, expiry warnings, file readers with reasons.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime

    @property
    def expired(self) -> bool:
        from datetime import UTC

        return self.not_after < datetime.now(UTC)


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"must be standard base64 of a {what}") from None


def parse_certificates(data: bytes) -> list[CertInfo]:
    from cryptography import x509

    certs: list[x509.Certificate]
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise ValueError("is not a valid PEM or DER X.509 certificate") from None
    return [
        CertInfo(
            subject=c.subject.rfc4514_string(),
            issuer=c.issuer.rfc4514_string(),
            not_before=c.not_valid_before_utc,
            not_after=c.not_valid_after_utc,
        )
        for c in certs
    ]


def check_cert_b64(value: str) -> str:
    parse_certificates(_b64(value, "PEM certificate"))
    return value


def check_private_key_bytes(data: bytes) -> None:
    from cryptography.hazmat.primitives import serialization

    try:
        if b"-----BEGIN" in data:
            serialization.load_pem_private_key(data, password=None)
        else:
            serialization.load_der_private_key(data, password=None)
    except TypeError:
        raise ValueError("is an encrypted private key; provide an unencrypted key") from None
    except (ValueError, Exception):
        raise ValueError("is not a valid PEM private key") from None


def check_key_b64(value: str) -> str:
    check_private_key_bytes(_b64(value, "PEM private key"))
    return value


def check_key_matches_cert_b64(key_b64: str, cert_b64: str) -> None:
    """Raise if the private key is not the one of the certificate's public key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key_data = _b64(key_b64, "PEM private key")
    cert_data = _b64(cert_b64, "PEM certificate")
    if b"-----BEGIN" in key_data:
        key = serialization.load_pem_private_key(key_data, password=None)
    else:
        key = serialization.load_der_private_key(key_data, password=None)
    if b"-----BEGIN" in cert_data:
        cert = x509.load_pem_x509_certificates(cert_data)[0]
    else:
        cert = x509.load_der_x509_certificate(cert_data)
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    if key.public_key().public_bytes(enc, fmt) != cert.public_key().public_bytes(enc, fmt):
        raise ValueError("client_key does not match client_cert (different key pair)")
