"""Where settings come from, and the rules that keep endpoints and credentials safe."""

from __future__ import annotations

import logging

import pytest

from modelarts_provider.core.errors import ConfigurationError
from modelarts_provider.core.settings import resolve

ENV = {
    "HW_REGION_NAME": "env-region",
    "HW_ACCESS_KEY": "env-ak",
    "HW_SECRET_KEY": "env-sk",
    "HW_PROJECT_ID": "env-project",
    "HW_MAX_RETRIES": "7",
    "HW_AUTH_URL": "https://iam.example.com/v3",
}


def test_precedence_explicit_then_config_then_environment() -> None:
    config = {"huaweicloud:region": "config-region", "huaweicloud:accessKey": "config-ak"}
    settings = resolve(explicit={"region": "explicit-region"}, config=config, environ=ENV)
    assert settings.region == "explicit-region"
    assert settings.access_key == "config-ak"
    assert settings.secret_key == "env-sk" and settings.project_id == "env-project"
    assert settings.max_retries == 7


def test_every_documented_environment_variable_is_read() -> None:
    env = {
        "HW_REGION_NAME": "r",
        "HW_ACCESS_KEY": "ak",
        "HW_SECRET_KEY": "sk",
        "HW_SECURITY_TOKEN": "st",
        "HW_PROJECT_ID": "p",
        "HW_DOMAIN_NAME": "d",
        "HW_USER_NAME": "u",
        "HW_USER_PASSWORD": "pw",
        "HW_AUTH_TOKEN": "t",
        "HW_AUTH_URL": "https://iam.example.com",
        "HW_MODELARTS_ENDPOINT": "https://ma.example.com/",
        "HW_MAX_RETRIES": "2",
        "HW_INSECURE": "false",
    }
    s = resolve(environ=env)
    assert (s.region, s.access_key, s.secret_key, s.security_token, s.project_id) == ("r", "ak", "sk", "st", "p")
    assert (s.domain_name, s.user_name, s.password, s.token) == ("d", "u", "pw", "t")
    assert s.iam_url == "https://iam.example.com" and s.modelarts_url == "https://ma.example.com"
    assert (s.max_retries, s.insecure) == (2, False)


def test_every_documented_config_key_is_read() -> None:
    config = {
        "huaweicloud:region": "r",
        "huaweicloud:accessKey": "ak",
        "huaweicloud:secretKey": "sk",
        "huaweicloud:securityToken": "st",
        "huaweicloud:projectId": "p",
        "huaweicloud:domainName": "d",
        "huaweicloud:userName": "u",
        "huaweicloud:password": "pw",
        "huaweicloud:token": "t",
        "huaweicloud:authUrl": "https://iam.example.com/v3/",
        "huaweicloud:insecure": "true",
        "huaweicloud:maxRetries": 3,
        "modelarts:endpoint": "https://ma.example.com",
    }
    s = resolve(config=config, environ={})
    assert (s.region, s.access_key, s.secret_key, s.security_token, s.project_id) == ("r", "ak", "sk", "st", "p")
    assert (s.domain_name, s.user_name, s.password, s.token) == ("d", "u", "pw", "t")
    assert s.iam_url == "https://iam.example.com" and s.modelarts_url == "https://ma.example.com"
    assert (s.max_retries, s.insecure) == (3, True)


def test_default_endpoints_come_from_the_region() -> None:
    s = resolve(explicit={"region": "ap-southeast-1"}, environ={})
    assert s.modelarts_url == "https://modelarts.ap-southeast-1.myhuaweicloud.com"
    assert s.iam_url == "https://iam.ap-southeast-1.myhuaweicloud.com"
    with pytest.raises(ConfigurationError, match="HW_REGION_NAME"):
        _ = resolve(environ={}).modelarts_url


@pytest.mark.parametrize("url", ["http://modelarts.example.com", "http://10.0.0.1:8080", "ftp://x", "nonsense"])
def test_plain_http_only_to_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError, match="endpoint"):
        resolve(environ={"HW_MODELARTS_ENDPOINT": url})


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000", "http://localhost:1", "http://[::1]:80", "https://x.example"])
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    assert resolve(environ={"HW_MODELARTS_ENDPOINT": url}).modelarts_url == url


def test_tls_verification_is_on_unless_turned_off_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    assert resolve(environ={}).insecure is False
    with caplog.at_level(logging.WARNING):
        assert resolve(environ={"HW_INSECURE": "true"}).insecure is True
    assert "verification is OFF" in caplog.text


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HW_INSECURE": "maybe"}, "HW_INSECURE must be true or false"),
        ({"HW_MAX_RETRIES": "lots"}, "HW_MAX_RETRIES must be a number"),
        ({"HW_MAX_RETRIES": "-1"}, "at least 0"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        resolve(environ=env)


def test_auth_method_choice_and_missing_credentials() -> None:
    assert resolve(environ=ENV).auth_method == "aksk"
    assert resolve(environ={"HW_AUTH_TOKEN": "t", "HW_USER_NAME": "u"}).auth_method == "token"
    password = {"HW_USER_NAME": "u", "HW_USER_PASSWORD": "p", "HW_DOMAIN_NAME": "d"}
    assert resolve(environ=password).auth_method == "password"
    with pytest.raises(ConfigurationError, match="HW_SECRET_KEY"):
        _ = resolve(environ={"HW_ACCESS_KEY": "ak"}).auth_method
    with pytest.raises(ConfigurationError, match="no credentials"):
        _ = resolve(environ={}).auth_method


def test_secrets_stay_out_of_repr() -> None:
    s = resolve(environ={**ENV, "HW_USER_PASSWORD": "pw-value", "HW_AUTH_TOKEN": "token-value"})
    text = repr(s) + str(s)
    assert "env-sk" not in text and "pw-value" not in text and "token-value" not in text
    assert "env-ak" in text  # the access key id is not a secret and helps debugging


def test_unknown_explicit_setting_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="unknown setting"):
        resolve(explicit={"regoin": "x"}, environ={})
