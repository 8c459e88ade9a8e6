"""TLS against the emulator served over HTTPS with a CA and server cert made here; and the
plain-http guard."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import BadUrl, CcmError, InsecureUrl, TlsError
from ccm_tui.api.policy import NO_RETRY
from ccm_tui.emulator import EmulatorServer


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _make_pki(tmp_path, sans: list[x509.GeneralName]):
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("ccm-tui test CA")).issuer_name(_name("ccm-tui test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name("server")).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path = tmp_path / "server.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = tmp_path / "server.key"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca_path, cert_path, key_path


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pki")
    ca, cert, key = _make_pki(tmp, [x509.DNSName("localhost"),
                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    server = EmulatorServer(host="127.0.0.1", port=0, ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    yield server, ca
    server.stop()


@pytest.fixture(scope="module")
def wrong_name_emulator(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pki2")
    ca, cert, key = _make_pki(tmp, [x509.DNSName("ccm.other.example")])
    server = EmulatorServer(host="127.0.0.1", port=0, ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    yield server, ca
    server.stop()


async def test_https_works_with_the_ca_bundle_configured(https_emulator):
    server, ca = https_emulator
    client = CcmClient(server.url, verify=str(ca), retry=NO_RETRY)
    assert await client.version()
    await client.aclose()


async def test_https_works_with_localhost_name_too(https_emulator):
    server, ca = https_emulator
    client = CcmClient(server.url.replace("127.0.0.1", "localhost"), verify=str(ca), retry=NO_RETRY)
    assert await client.version()
    await client.aclose()


async def test_https_without_the_ca_fails_with_a_clear_tls_error(https_emulator, tmp_path, monkeypatch):
    server, _ = https_emulator
    client = CcmClient(server.url, retry=NO_RETRY)  # system roots only
    with pytest.raises(TlsError) as info:
        await client.version()
    msg = info.value.message
    assert "certificate verify failed for 127.0.0.1" in msg
    assert "configure the profile's ca_bundle" in msg
    await client.aclose()


async def test_ssl_cert_file_is_honoured(https_emulator, monkeypatch):
    server, ca = https_emulator
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    client = CcmClient(server.url, retry=NO_RETRY)
    assert await client.version()
    await client.aclose()


async def test_hostname_mismatch_is_named(wrong_name_emulator):
    server, ca = wrong_name_emulator
    client = CcmClient(server.url, verify=str(ca), retry=NO_RETRY)
    with pytest.raises(TlsError, match="hostname mismatch"):
        await client.version()
    await client.aclose()


def test_missing_ca_bundle_file_is_refused_up_front(tmp_path):
    with pytest.raises(TlsError, match="does not exist"):
        CcmClient("https://127.0.0.1:1", verify=str(tmp_path / "nope.pem"))


def test_garbage_ca_bundle_is_refused_up_front(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(TlsError, match="could not be loaded"):
        CcmClient("https://127.0.0.1:1", verify=str(bad))


@pytest.mark.parametrize("url", ["http://ccm.example.com", "http://10.0.0.5:8080", "http://[2001:db8::1]"])
def test_plain_http_to_another_host_is_refused_without_insecure(url):
    with pytest.raises(InsecureUrl) as info:
        CcmClient(url)
    assert isinstance(info.value, CcmError)
    assert "refusing plain http://" in info.value.message
    assert "insecure" in info.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:5"])
def test_plain_http_to_loopback_is_allowed(url):
    CcmClient(url)


def test_plain_http_to_another_host_with_insecure_is_allowed():
    client = CcmClient("http://ccm.example.com", insecure=True)
    assert client.base_url == "http://ccm.example.com"


@pytest.mark.parametrize("url", ["ccm.example.com", "ftp://x", "https://"])
def test_invalid_urls_are_refused(url):
    with pytest.raises(BadUrl, match="is not valid"):
        CcmClient(url)
