"""Sites, temporary credentials, agencies and least privilege: settings, the client and the
emulator's IAM over real HTTP on loopback."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from modelarts_provider.api.auth import CREDENTIALS
from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ApiError, ConfigurationError, PermissionDeniedError
from modelarts_provider.core.settings import Settings, resolve
from modelarts_provider.emulator import Emulator
from modelarts_provider.emulator import policy as actions
from tests.conftest import settings_for


@pytest.fixture(autouse=True)
def _fresh_credentials() -> None:
    CREDENTIALS.clear()


def via_agency(emu: Emulator, method: str = "aksk", **overrides: Any) -> Settings:
    """Settings that assume the emulator's agency with the given base credentials."""
    cfg = emu.config
    agency = {"assume_role_agency": cfg.agency_name, "assume_role_domain": cfg.agency_domain}
    return settings_for(emu, method, **agency, **overrides)


def test_site_domain_derives_every_endpoint() -> None:
    default = resolve(environ={"HW_REGION_NAME": "ap-southeast-1"})
    assert default.modelarts_url == "https://modelarts.ap-southeast-1.myhuaweicloud.com"
    eu = resolve(environ={"HW_REGION_NAME": "eu-west-101", "HW_CLOUD": "myhuaweicloud.eu"})
    assert (eu.modelarts_url, eu.iam_url) == (
        "https://modelarts.eu-west-101.myhuaweicloud.eu",
        "https://iam.eu-west-101.myhuaweicloud.eu",
    )
    configured = resolve(config={"huaweicloud:cloud": "Example.COM.", "huaweicloud:region": "r1"}, environ={})
    assert configured.iam_url == "https://iam.r1.example.com"
    with pytest.raises(ConfigurationError, match="HW_CLOUD must be a domain name"):
        resolve(environ={"HW_CLOUD": "https://evil/x"})


def test_assume_role_settings_from_config_object_or_environment() -> None:
    config = {"huaweicloud:assumeRole": json.dumps({"agencyName": "ci", "domainName": "prod-account"})}
    s = resolve(config=config, environ={"HW_ASSUME_ROLE_AGENCY_NAME": "other"})
    assert (s.assume_role_agency, s.assume_role_domain, s.assumes_role) == ("ci", "prod-account", True)
    env = {"HW_ASSUME_ROLE_AGENCY_NAME": "ci", "HW_ASSUME_ROLE_DOMAIN_NAME": "d", "HW_ASSUME_ROLE_DURATION": "3600"}
    assert resolve(environ=env).assume_role_duration == 3600
    with pytest.raises(ConfigurationError, match="needs both its name and the delegating account"):
        resolve(environ={"HW_ASSUME_ROLE_AGENCY_NAME": "ci"})
    with pytest.raises(ConfigurationError, match=r"unknown field\(s\) agency \(allowed: agencyName"):
        resolve(config={"huaweicloud:assumeRole": {"agency": "x"}}, environ={})
    with pytest.raises(ConfigurationError, match="HW_ASSUME_ROLE_DURATION must be at least 900"):
        resolve(environ={**env, "HW_ASSUME_ROLE_DURATION": "60"})


@pytest.mark.parametrize("method", ["aksk", "password"])
def test_agency_credentials_fetched_once_and_used_everywhere(emulator: Emulator, method: str) -> None:
    settings = via_agency(emulator, method)
    client = ModelArtsClient(settings)
    emulator.reset_counts()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.create_workspace({"name": f"agency-ws-{i}"}), range(8)))
    routes = emulator.route_counts()
    assert routes["POST /v3.0/OS-CREDENTIAL/securitytokens"] == 1
    assert routes["POST /v1/{project_id}/workspaces"] == 8
    # the project of the delegating account is looked up with the agency's credentials
    assert routes["GET /v3/projects"] == 1
    issued = emulator.temporary_credentials()
    assert len(issued) == 3 and all(v not in repr(client) + repr(settings) for v in issued)


def test_agency_credentials_renewed_before_expiry_and_after_401(emulator: Emulator) -> None:
    cfg = emulator.config
    cfg.temporary_credential_lifetime = 2.0  # renewed 10% (0.2 s) before it ends
    client = ModelArtsClient(via_agency(emulator))
    client.list_workspaces()
    time.sleep(1.9)
    client.list_workspaces()
    assert emulator.route_counts()["POST /v3.0/OS-CREDENTIAL/securitytokens"] == 2
    # a credential that ends early (server clock ahead) is renewed once after the 401
    cfg.temporary_credential_lifetime = 0.3
    CREDENTIALS.clear()
    client.list_workspaces()
    time.sleep(0.4)
    client.list_workspaces()
    assert emulator.route_counts()["POST /v3.0/OS-CREDENTIAL/securitytokens"] == 4


def test_unknown_agency_is_one_clear_error(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, assume_role_agency="nope", assume_role_domain="d"))
    with pytest.raises(ApiError, match=r"assume agency 'nope' of 'd' failed with HTTP 404 IAM.0023"):
        client.list_workspaces()
    assert emulator.route_counts()["POST /v3.0/OS-CREDENTIAL/securitytokens"] == 1


def test_temporary_aksk_with_security_token(emulator: Emulator) -> None:
    good = ModelArtsClient(settings_for(emulator, security_token=emulator.config.security_token))
    assert good.list_workspaces()[0].id == "0"
    wrong = ModelArtsClient(settings_for(emulator, security_token="stolen"))
    with pytest.raises(ApiError, match="invalid security token"):
        wrong.list_workspaces()


def test_emulator_temporary_key_needs_its_security_token(emulator: Emulator) -> None:
    url = f"{emulator.url}/v3.0/OS-CREDENTIAL/securitytokens"
    body = {"auth": {"identity": {"methods": ["assume_role"], "assume_role": {"agency_name": "x"}}}}
    headers = {"X-Auth-Token": emulator.issue_token()}
    bad = requests.post(url, json=body, headers=headers, timeout=5)
    assert bad.status_code == 400 and "domain_name" in bad.json()["error_msg"]
    cfg = emulator.config
    body["auth"]["identity"]["assume_role"] = {"agency_name": cfg.agency_name, "domain_name": cfg.agency_domain}
    cred = requests.post(url, json=body, headers=headers, timeout=5).json()["credential"]
    from modelarts_provider.api.auth import AkSkSigner

    no_token = AkSkSigner(cred["access"], cred["secret"], cfg.project_id)
    r = requests.get(f"{emulator.url}/v1/{cfg.project_id}/workspaces", auth=no_token, timeout=5)
    assert r.status_code == 401 and "needs its X-Security-Token" in r.json()["error_msg"]
    with_token = AkSkSigner(cred["access"], cred["secret"], cfg.project_id, cred["securitytoken"])
    assert requests.get(f"{emulator.url}/v1/{cfg.project_id}/workspaces", auth=with_token, timeout=5).ok


def test_policy_restricts_a_credential_to_its_actions(emulator: Emulator) -> None:
    cfg = emulator.config
    emulator.restrict(cfg.access_key, actions.READ_ONLY)
    client = ModelArtsClient(settings_for(emulator))
    assert client.list_workspaces() and client.get_workspace("0").name == "default"
    with pytest.raises(PermissionDeniedError) as info:
        client.create_workspace({"name": "not-allowed"})
    error = info.value
    assert (error.status, error.error_code) == (403, "ModelArts.0112")
    assert "modelarts:workspace:create" in str(error) and error.request_id
    # other credentials keep their rights; an agency has its own policy
    assert ModelArtsClient(settings_for(emulator, "password")).create_workspace({"name": "allowed"}).name == "allowed"
    emulator.restrict(cfg.agency_name, [actions.WORKSPACE_LIST])
    emulator.restrict(cfg.access_key, None)
    agency = ModelArtsClient(via_agency(emulator, project_id=cfg.project_id))
    assert agency.list_workspaces()
    with pytest.raises(PermissionDeniedError, match="modelarts:workspace:get"):
        agency.get_workspace("0")
    emulator.restrict(cfg.access_key, [])
    with pytest.raises(PermissionDeniedError, match=r"HTTP 403 IAM.0003: Policy doesn't allow iam:agencies:assume"):
        ModelArtsClient(settings_for(emulator, assume_role_agency="a", assume_role_domain="d")).list_workspaces()
