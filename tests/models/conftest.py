"""Fixtures for the model tests: a small PKI (EC P-256, fast), logo images, the API document."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

# The project's own description of the CCM operations it speaks (facts from CCM's published
# API description, 2.0.0); tests/spec/test_upstream_agreement.py keeps the two in step.
SPEC_PATH = Path(__file__).resolve().parents[1] / "spec" / "ccm-api.json"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _cert(
    subject_cn: str,
    key: Any,
    *,
    issuer_cn: str | None = None,
    issuer_key: Any = None,
    not_before: datetime,
    not_after: datetime,
    ca: bool,
) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn or subject_cn)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key or key, hashes.SHA256())
    )


@pytest.fixture(scope="session")
def pki() -> SimpleNamespace:
    """PEM/DER bytes and their base64 for a CA, an expired CA, a client cert and keys."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    now = datetime.now(UTC)
    pem_enc, der_enc = serialization.Encoding.PEM, serialization.Encoding.DER
    pkcs8 = serialization.PrivateFormat.PKCS8

    def key_bytes(key: Any, enc: Any = pem_enc, password: bytes | None = None) -> bytes:
        algo = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return key.private_bytes(enc, pkcs8, algo)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    client_key = ec.generate_private_key(ec.SECP256R1())
    other_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test Root CA", ca_key, not_before=now - timedelta(days=1),
               not_after=now + timedelta(days=365), ca=True)
    expired_ca = _cert("Expired CA", ca_key, not_before=now - timedelta(days=400),
                       not_after=now - timedelta(days=2), ca=True)
    expiring_ca = _cert("Expiring CA", ca_key, not_before=now - timedelta(days=300),
                        not_after=now + timedelta(days=10), ca=True)
    client = _cert("client.example", client_key, issuer_cn="Test Root CA", issuer_key=ca_key,
                   not_before=now - timedelta(days=1), not_after=now + timedelta(days=90),
                   ca=False)
    expired_client = _cert("old-client.example", client_key, issuer_cn="Test Root CA",
                           issuer_key=ca_key, not_before=now - timedelta(days=90),
                           not_after=now - timedelta(days=1), ca=False)
    ns = SimpleNamespace(
        now=now,
        ca_pem=ca.public_bytes(pem_enc),
        ca_der=ca.public_bytes(der_enc),
        expired_ca_pem=expired_ca.public_bytes(pem_enc),
        expiring_ca_pem=expiring_ca.public_bytes(pem_enc),
        client_cert_pem=client.public_bytes(pem_enc),
        expired_client_cert_pem=expired_client.public_bytes(pem_enc),
        client_key_pem=key_bytes(client_key),
        client_key_der=key_bytes(client_key, der_enc),
        client_key_trad=client_key.private_bytes(
            pem_enc, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ),
        other_key_pem=key_bytes(other_key),
        encrypted_key_pem=key_bytes(client_key, password=b"hunter2-passphrase"),
    )
    for name in list(vars(ns)):
        value = getattr(ns, name)
        if isinstance(value, bytes):
            setattr(ns, f"{name}_b64", b64(value))
    ns.bundle_pem = ns.ca_pem + ns.expiring_ca_pem
    ns.bundle_pem_b64 = b64(ns.bundle_pem)
    return ns


def _image(fmt: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


SVG_OK = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="120" height="40" viewBox="0 0 120 40">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient></defs>'
    b'<rect width="120" height="40" fill="url(#g)" style="fill: url(#g)"/>'
    b'<use xlink:href="#g"/></svg>'
)


@pytest.fixture(scope="session")
def images() -> SimpleNamespace:
    png = _image("PNG", (16, 8))
    jpeg = _image("JPEG", (10, 20))
    return SimpleNamespace(
        png=png, jpeg=jpeg, svg=SVG_OK, png_b64=b64(png), jpeg_b64=b64(jpeg), svg_b64=b64(SVG_OK)
    )


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def oauth_body() -> Any:
    """A factory for a valid OAuth auth config body; keyword overrides replace members."""

    def make(**overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "idp_name": "Example IdP",
            "idp_icon_url": "https://idp.example/icon.png",
            "idp_authorization_endpoint": "https://idp.example/authorize",
            "idp_token_endpoint": "https://idp.example/token",
            "idp_requires_basic_auth": False,
            "tls": {"opportunistic": {}},
            "client_id": "ccm-client",
            "client_secret": "s3cret-VALUE-never-logged",
        }
        body.update(overrides)
        return body

    return make
