"""Certificate and key files: read as-is, clear reasons, never a byte of key material in errors."""

from __future__ import annotations

import base64

import pytest

from ccm_tui.files import read_cert_file, read_key_file
from ccm_tui.models.pem import PemError


def test_pem_cert_read_as_is(tmp_path, pki):
    p = tmp_path / "ca.pem"
    p.write_bytes(pki.ca_pem)
    data_b64, infos = read_cert_file(p)
    assert base64.b64decode(data_b64) == pki.ca_pem
    assert [i.subject for i in infos] == ["CN=Test Root CA"]
    assert not infos[0].expired
    assert len(infos[0].fingerprint_sha256) == 64
    assert "CN=Test Root CA, expires " in infos[0].label


def test_der_cert_accepted_and_sent_as_read(tmp_path, pki):
    p = tmp_path / "ca.der"
    p.write_bytes(pki.ca_der)
    data_b64, infos = read_cert_file(p)
    assert base64.b64decode(data_b64) == pki.ca_der  # DER stays DER
    assert infos[0].subject == "CN=Test Root CA"


def test_bundle_lists_every_certificate(tmp_path, pki):
    p = tmp_path / "bundle.pem"
    p.write_bytes(pki.bundle_pem)
    _, infos = read_cert_file(p)
    assert [i.subject for i in infos] == ["CN=Test Root CA", "CN=Expiring CA"]
    assert infos[1].expires_within(30) and not infos[0].expires_within(30)


def test_expired_cert_is_read_and_flagged(tmp_path, pki):
    p = tmp_path / "old.pem"
    p.write_bytes(pki.expired_ca_pem)
    _, infos = read_cert_file(p)
    assert infos[0].expired


@pytest.mark.parametrize(
    ("content", "reason", "why"),
    [
        ("client_key_pem", "key_not_cert", "holds a private key; expected a certificate"),
        ("client_key_der", "key_not_cert", "holds a private key"),
        ("key_and_cert", "key_not_cert", "holds a private key"),
        ("garbage", "garbage", "not a valid X.509 certificate"),
        ("fake_pem", "garbage", "not a valid X.509 certificate"),
        ("blank", "empty", "is empty"),
    ],
)
def test_cert_file_reasons(tmp_path, pki, content, reason, why):
    data = {
        "garbage": b"\x00\x01 this is not a certificate",
        "fake_pem": b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "blank": b"\n\n",
        "key_and_cert": pki.client_cert_pem + pki.client_key_pem,
    }.get(content) or getattr(pki, content)
    p = tmp_path / "cert.pem"
    p.write_bytes(data)
    with pytest.raises(PemError) as exc:
        read_cert_file(p)
    assert exc.value.reason == reason
    assert why in str(exc.value) and str(p) in str(exc.value)
    _assert_no_key_material(str(exc.value), pki)


def test_key_file_read_as_is(tmp_path, pki):
    for name in ("client_key_pem", "client_key_der", "client_key_trad"):
        p = tmp_path / name
        p.write_bytes(getattr(pki, name))
        assert base64.b64decode(read_key_file(p)) == getattr(pki, name)


@pytest.mark.parametrize(
    ("content", "reason", "why"),
    [
        ("client_cert_pem", "cert_not_key", "holds a certificate; expected the private key"),
        ("ca_der", "cert_not_key", "holds a certificate"),
        ("encrypted_key_pem", "encrypted", "encrypted private key; give an unencrypted key"),
        ("garbage", "garbage", "not a valid private key"),
        ("broken_pem", "garbage", "not a valid private key"),
    ],
)
def test_key_file_reasons(tmp_path, pki, content, reason, why):
    data = {
        "garbage": b"not a key at all",
        # a real key with its middle cut out: the error must not quote what is left
        "broken_pem": pki.client_key_pem[:60] + pki.client_key_pem[-60:],
    }.get(content) or getattr(pki, content)
    p = tmp_path / "key.pem"
    p.write_bytes(data)
    with pytest.raises(PemError) as exc:
        read_key_file(p)
    assert exc.value.reason == reason
    assert why in str(exc.value)
    _assert_no_key_material(str(exc.value), pki)


def test_missing_and_directory(tmp_path):
    with pytest.raises(PemError) as exc:
        read_cert_file(tmp_path / "none.pem")
    assert exc.value.reason == "missing" and "does not exist" in str(exc.value)
    with pytest.raises(PemError) as exc:
        read_key_file(tmp_path)
    assert exc.value.reason == "directory" and "is a directory" in str(exc.value)


def _assert_no_key_material(message: str, pki) -> None:
    for secret in (pki.client_key_pem, pki.other_key_pem, pki.encrypted_key_pem):
        body = b"".join(secret.splitlines()[1:-1]).decode()
        for i in range(0, len(body) - 16, 16):
            assert body[i : i + 16] not in message
    assert pki.client_key_pem_b64[:24] not in message


@pytest.mark.parametrize("reader", [read_cert_file, read_key_file], ids=["cert", "key"])
def test_oversized_cert_or_key_refused_by_size_before_reading(tmp_path, pki, reader, monkeypatch):
    """A 1 GiB (sparse) file is refused from its stat; not one byte of it is read."""
    from ccm_tui import files

    big = tmp_path / "big.pem"
    with open(big, "wb") as fh:
        fh.write(pki.client_key_pem)
        fh.truncate(1 << 30)
    reads: list[int] = []
    real = files.read_limited
    monkeypatch.setattr(files, "read_limited", lambda s, n: reads.append(n) or real(s, n))
    with pytest.raises(PemError) as exc:
        reader(big)
    assert exc.value.reason == "too_big" and reads == []
    assert f"is {1 << 30} bytes; at most {files.PEM_MAX_BYTES} bytes (1 MiB)" in str(exc.value)
    _assert_no_key_material(str(exc.value), pki)


def test_a_file_that_grows_after_the_size_check_is_still_bounded(tmp_path, pki, monkeypatch):
    """stat said small, the file then grew: at most limit + 1 bytes are read, then refused."""
    import os

    from ccm_tui import files

    grows = tmp_path / "grows.pem"
    grows.write_bytes(pki.client_cert_pem)
    real_fstat = os.fstat

    def fstat_then_grow(fd):
        st = real_fstat(fd)
        with open(grows, "ab") as fh:
            fh.write(b"x" * (files.PEM_MAX_BYTES + 4096))
        return st

    monkeypatch.setattr(files.os, "fstat", fstat_then_grow)
    got: list[int] = []
    real = files.read_limited
    monkeypatch.setattr(files, "read_limited", lambda s, n: got.append(len(d := real(s, n))) or d)
    with pytest.raises(PemError) as exc:
        read_cert_file(grows)
    assert exc.value.reason == "too_big" and "is more than 1048576 bytes" in str(exc.value)
    assert got == [files.PEM_MAX_BYTES + 1]
