"""Security below the CLI: TLS is verified unless explicitly turned off (with a warning), no
secret (secret key, password, token, AK/SK signature) reaches logs at any level, exception text
or reprs, and the emulator rejects what the real gateway rejects (tampered or replayed signed
requests, expired tokens, tokens of another scope)."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from modelarts_provider.api import signing
from modelarts_provider.api.auth import TOKENS
from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ModelArtsError, TransportError
from modelarts_provider.emulator import Emulator, EmulatorConfig
from modelarts_provider.emulator.server import EmulatorHTTPServer
from modelarts_provider.emulator.state import State
from tests.conftest import settings_for

# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, State]]:
    """The emulator behind TLS with a self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    state = State(EmulatorConfig())
    server = EmulatorHTTPServer(("127.0.0.1", 0), state, None)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)


def https_settings(url: str, state: State, **extra: Any) -> Any:
    from modelarts_provider.core.settings import resolve

    cfg = state.config
    explicit = {
        "region": cfg.region,
        "project_id": cfg.project_id,
        "modelarts_endpoint": url,
        "auth_url": url,
        "access_key": cfg.access_key,
        "secret_key": cfg.secret_key,
        "max_retries": 0,
        **extra,
    }
    return resolve(explicit=explicit, environ={})


def test_tls_is_verified_by_default(https_emulator: tuple[str, State]) -> None:
    url, state = https_emulator
    state.counters.reset()
    with pytest.raises(TransportError) as info:
        ModelArtsClient(https_settings(url, state)).list_workspaces()
    assert "SSLError" in str(info.value)
    assert state.counters.kinds()["total"] == 0  # nothing was sent over the unverified connection


def test_turning_verification_off_is_explicit_and_warned(
    https_emulator: tuple[str, State], caplog: pytest.LogCaptureFixture
) -> None:
    url, state = https_emulator
    with caplog.at_level(logging.WARNING):
        settings = https_settings(url, state, insecure=True)
    assert "TLS certificate verification is OFF" in caplog.text
    assert [w.id for w in ModelArtsClient(settings).list_workspaces()] == ["0"]


# -- no secret in logs, errors or reprs ------------------------------------------------------------


def test_no_secret_in_logs_errors_or_reprs_at_debug_level(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    """Every way in, success and failure, with every logger (urllib3 included) at DEBUG."""
    sent: list[str] = []  # what actually went over the wire: signatures and tokens

    def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        headers = response.request.headers
        sent.extend(v for k, v in headers.items() if k.lower() in ("authorization", "x-auth-token"))

    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for method, extra in [
            ("aksk", {}),
            ("password", {}),
            ("aksk", {"secret_key": "wrong-secret-key-value"}),
            ("password", {"password": "wrong-password-value"}),
        ]:
            TOKENS.clear()
            client = ModelArtsClient(settings_for(emulator, method, **extra))
            client._session.hooks["response"].append(record)
            texts += [repr(client), repr(client.settings), str(client.settings)]
            try:
                made = client.create_workspace({"name": f"sec-{method}-{len(texts)}"})
                client.get_workspace(made.id)
                emulator.expire_tokens()  # the renewal path logs too
                client.update_workspace(made.id, {"name": made.name, "description": "x"})
                client.delete_workspace(made.id)
                texts.append(repr(client._authenticator()))
                client.get_workspace("f" * 32)
            except ModelArtsError as exc:
                texts += [str(exc), repr(exc)]
    secrets = [emulator.config.secret_key, emulator.config.password, "wrong-secret-key-value", "wrong-password-value"]
    secrets += emulator.issued_tokens()
    secrets += [value.rsplit("Signature=", 1)[-1] for value in sent if "Signature=" in value]
    assert len(sent) > 10 and any("Signature=" in value for value in sent)
    haystack = caplog.text + "\n".join(texts)
    assert "retrying" in caplog.text or "fetching a new one" in caplog.text  # the logs did say something
    for secret in secrets:
        assert secret not in haystack


# -- what the emulator rejects --------------------------------------------------------------------


@pytest.fixture
def captured(emulator: Emulator) -> Iterator[list[requests.PreparedRequest]]:
    """Requests exactly as the real client signed and sent them."""
    requests_sent: list[requests.PreparedRequest] = []
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    client._session.hooks["response"].append(lambda r, *a, **k: requests_sent.append(r.request))
    client.list_workspaces()
    client.create_workspace({"name": "captured"})
    yield requests_sent


def resend(request: requests.PreparedRequest, **headers: str) -> requests.Response:
    copy = request.copy()
    copy.headers.update(headers)
    with requests.Session() as session:
        return session.send(copy, timeout=5)


def test_a_captured_request_replays_only_within_the_date_window(
    emulator: Emulator, captured: list[requests.PreparedRequest]
) -> None:
    listing = captured[0]
    assert resend(listing).status_code == 200  # within the window, as at the real gateway
    emulator.config.sdk_date_skew = 1.0
    time.sleep(2.1)
    r = resend(listing)
    assert r.status_code == 401 and r.json()["error_msg"].endswith("request expired")


@pytest.mark.parametrize("change", ["signature", "date", "project", "body"])
def test_a_tampered_signed_request_is_rejected(
    emulator: Emulator, captured: list[requests.PreparedRequest], change: str
) -> None:
    create = captured[-1]
    if change == "signature":
        value = create.headers["Authorization"]
        flipped = value[:-1] + ("0" if value[-1] != "0" else "1")
        r = resend(create, Authorization=flipped)
    elif change == "date":
        later = time.strftime(signing.DATE_FORMAT, time.gmtime(time.time() + 5))
        r = resend(create, **{"X-Sdk-Date": later})
    elif change == "project":
        r = resend(create, **{"X-Project-Id": "f" * 32})
    else:
        copy = create.copy()
        copy.body = b'{"name": "tampered"}'
        copy.headers["Content-Length"] = str(len(copy.body))
        with requests.Session() as session:
            r = session.send(copy, timeout=5)
    assert r.status_code == 401 and r.json()["error_code"] == "APIGW.0301"
    assert "tampered" not in {w["name"] for w in emulator.workspaces()}


def test_expired_and_wrongly_scoped_tokens_are_rejected(emulator: Emulator, tmp_path: Path) -> None:
    cfg = emulator.config
    base = f"{emulator.url}/v1/{cfg.project_id}/workspaces"
    token = emulator.issue_token()
    assert requests.get(base, headers={"X-Auth-Token": token}, timeout=5).status_code == 200
    emulator.expire_tokens()
    r = requests.get(base, headers={"X-Auth-Token": token}, timeout=5)
    assert r.status_code == 401 and "token expired" in r.json()["error_msg"] and token not in r.text
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": cfg.user, "password": cfg.password, "domain": {"name": cfg.domain}}},
            },
            "scope": {"domain": {"name": cfg.domain}},
        }
    }
    domain_token = requests.post(f"{emulator.url}/v3/auth/tokens", json=body, timeout=5).headers["X-Subject-Token"]
    r = requests.get(base, headers={"X-Auth-Token": domain_token}, timeout=5)
    assert r.status_code == 403 and r.json()["error_code"] == "ModelArts.0210"  # not scoped to this project
    other = requests.get(
        f"{emulator.url}/v1/{'e' * 32}/workspaces", headers={"X-Auth-Token": emulator.issue_token()}, timeout=5
    )
    assert other.status_code == 403 and other.json()["error_code"] == "ModelArts.0210"
