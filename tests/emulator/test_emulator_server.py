"""EmulatorServer: free loopback ports (IPv4, IPv6), HTTPS, clean stop, light imports."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import subprocess
import sys

import httpx
import pytest

from ccm_tui.emulator import EmulatorServer, create_app


def test_two_servers_get_distinct_free_ports_and_stop_cleanly():
    with EmulatorServer() as a, EmulatorServer() as b:
        assert a.port != b.port and a.port > 0
        assert httpx.get(a.url + "/v1/sys/version").status_code == 200
        assert httpx.get(b.url + "/v1/sys/version").status_code == 200
        port = a.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/sys/version", timeout=2)


def test_serves_an_existing_app():
    app = create_app(seed_accounts=1)
    with EmulatorServer(app=app) as server:
        assert server.app is app and server.emulator is app.state.emulator


def _ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_available(), reason="this host has no IPv6 loopback")
def test_ipv6_loopback():
    with EmulatorServer(host="::1") as server:
        assert server.url.startswith("http://[::1]:")
        assert httpx.get(server.url + "/v1/sys/version").status_code == 200


def test_https_with_a_test_ca(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    with EmulatorServer(ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as server:
        assert server.url.startswith("https://127.0.0.1:")
        with httpx.Client(verify=ssl.create_default_context(cafile=str(cert_file))) as c:
            assert c.get(server.url + "/v1/sys/version").status_code == 200
        with httpx.Client() as c, pytest.raises(httpx.ConnectError):
            c.get(server.url + "/v1/sys/version")


def test_emulator_imports_neither_textual_nor_httpx_nor_the_client():
    code = (
        "import sys, ccm_tui.emulator, ccm_tui.emulator.cli\n"
        "bad = [m for m in ('textual', 'httpx', 'ccm_tui.api', 'ccm_tui.service') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
