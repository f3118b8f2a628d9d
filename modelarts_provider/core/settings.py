"""Where the provider's settings come from: explicit value > stack config > `HW_*` environment.

Stack config uses the keys of the Pulumi Huawei Cloud provider (`huaweicloud:*`), so a stack
that already configures it needs nothing more; extras live under `modelarts:*`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigurationError

log = logging.getLogger(__name__)

# setting name -> (stack config key, environment variable)
SOURCES: dict[str, tuple[str | None, str | None]] = {
    "region": ("huaweicloud:region", "HW_REGION_NAME"),
    "access_key": ("huaweicloud:accessKey", "HW_ACCESS_KEY"),
    "secret_key": ("huaweicloud:secretKey", "HW_SECRET_KEY"),
    "security_token": ("huaweicloud:securityToken", "HW_SECURITY_TOKEN"),
    "project_id": ("huaweicloud:projectId", "HW_PROJECT_ID"),
    "domain_name": ("huaweicloud:domainName", "HW_DOMAIN_NAME"),
    "user_name": ("huaweicloud:userName", "HW_USER_NAME"),
    "password": ("huaweicloud:password", "HW_USER_PASSWORD"),
    "token": ("huaweicloud:token", "HW_AUTH_TOKEN"),
    "auth_url": ("huaweicloud:authUrl", "HW_AUTH_URL"),
    "insecure": ("huaweicloud:insecure", "HW_INSECURE"),
    "max_retries": ("huaweicloud:maxRetries", "HW_MAX_RETRIES"),
    "cloud": ("huaweicloud:cloud", "HW_CLOUD"),
    # huaweicloud:assumeRole is one object {agencyName, domainName, duration}: resolve() reads its
    # fields as the stack-config values of the three settings below (ASSUME_ROLE_FIELDS).
    "assume_role": ("huaweicloud:assumeRole", None),
    "assume_role_agency": (None, "HW_ASSUME_ROLE_AGENCY_NAME"),
    "assume_role_domain": (None, "HW_ASSUME_ROLE_DOMAIN_NAME"),
    "assume_role_duration": (None, "HW_ASSUME_ROLE_DURATION"),
    "modelarts_endpoint": ("modelarts:endpoint", "HW_MODELARTS_ENDPOINT"),
    "modelarts_endpoints": ("modelarts:endpoints", "HW_MODELARTS_ENDPOINTS"),
    "enterprise_project_id": ("huaweicloud:enterpriseProjectId", "HW_ENTERPRISE_PROJECT_ID"),
    "connect_timeout": ("modelarts:connectTimeout", None),
    "read_timeout": ("modelarts:readTimeout", None),
    "retry_deadline": ("modelarts:retryDeadline", "HW_MODELARTS_RETRY_DEADLINE"),
    "debug": ("modelarts:debug", "HW_MODELARTS_DEBUG"),
}

SECRET_FIELDS = frozenset({"secret_key", "security_token", "password", "token"})
DEFAULT_CLOUD = "myhuaweicloud.com"
CLOUD_PATTERN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ASSUME_ROLE_FIELDS = {
    "agencyName": "assume_role_agency",
    "domainName": "assume_role_domain",
    "duration": "assume_role_duration",
}
MIN_ASSUME_DURATION, MAX_ASSUME_DURATION = 900, 86400  # IAM: 15 minutes to 24 hours


@dataclass(frozen=True)
class Settings:
    """Fully resolved settings. Secrets are left out of repr; `==` still compares them."""

    region: str | None = None
    project_id: str | None = None
    modelarts_endpoint: str | None = None  # the default region's; others use modelarts_endpoints
    modelarts_endpoints: dict[str, str] = field(default_factory=dict)  # region -> ModelArts endpoint
    enterprise_project_id: str | None = None  # for workspaces created without one
    auth_url: str | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    domain_name: str | None = None
    user_name: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    insecure: bool = False
    cloud: str = DEFAULT_CLOUD
    assume_role_agency: str | None = None
    assume_role_domain: str | None = None
    assume_role_duration: int | None = None
    # Time bounds (docs/configuration.md): every API call ends within retry_deadline, every
    # attempt in it, connect and reads included; a CLI command and a lookup end within it as a
    # whole. max_retries bounds repeats after error answers (429, 5xx), not after lost ones.
    max_retries: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retry_deadline: float = 100.0
    # One stderr line per API call attempt (method, path, status, request id, duration, retries),
    # never a header or a body: what a first contact with the real service needs to see.
    debug: bool = False

    @property
    def auth_method(self) -> str:
        """`aksk`, `token` or `password`: AK/SK wins, then a given token, then a password."""
        if self.access_key and self.secret_key:
            return "aksk"
        if self.token:
            return "token"
        if self.user_name and self.password and self.domain_name:
            return "password"
        if self.access_key or self.secret_key:
            raise ConfigurationError(
                "AK/SK authentication needs both huaweicloud:accessKey (HW_ACCESS_KEY) "
                "and huaweicloud:secretKey (HW_SECRET_KEY)"
            )
        raise ConfigurationError(
            "no credentials: set huaweicloud:accessKey and huaweicloud:secretKey "
            "(HW_ACCESS_KEY, HW_SECRET_KEY), or huaweicloud:token (HW_AUTH_TOKEN), or "
            "huaweicloud:userName, huaweicloud:password and huaweicloud:domainName "
            "(HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)"
        )

    @property
    def modelarts_url(self) -> str:
        if self.region and self.region in self.modelarts_endpoints:
            return self.modelarts_endpoints[self.region].rstrip("/")
        if self.modelarts_endpoint:
            return self.modelarts_endpoint.rstrip("/")
        return f"https://modelarts.{self._require_region('the ModelArts endpoint')}.{self.cloud}"

    @property
    def iam_url(self) -> str:
        """IAM base URL without `/v3` (HW_AUTH_URL may be given with or without it)."""
        if self.auth_url:
            url = self.auth_url.rstrip("/")
            return url[: -len("/v3")] if url.endswith("/v3") else url
        return f"https://iam.{self._require_region('the IAM endpoint')}.{self.cloud}"

    def for_location(self, region: str | None, project_id: str | None = None) -> Settings:
        """The settings of another region (and a pinned project): the single ModelArts endpoint
        and the configured project id belong to the default region only; the endpoints map,
        the credentials and everything else apply everywhere."""
        region = region or self.region
        if region == self.region:
            return self if not project_id or project_id == self.project_id else replace(self, project_id=project_id)
        return replace(self, region=region, project_id=project_id, modelarts_endpoint=None)

    @property
    def assumes_role(self) -> bool:
        """True when every API call uses temporary credentials of an agency (`assumeRole`)."""
        return bool(self.assume_role_agency)

    def _require_region(self, what: str) -> str:
        if not self.region:
            raise ConfigurationError(
                f"cannot derive {what}: set huaweicloud:region (HW_REGION_NAME) or the endpoint itself"
            )
        return self.region

    def identity(self) -> tuple[str, ...]:
        """Who signs in, whatever the region or project (no secret in clear)."""
        import hashlib

        secret = self.password or self.secret_key or self.token or ""
        return (
            self.domain_name or "",
            self.user_name or "",
            self.access_key or "",
            hashlib.sha256(secret.encode()).hexdigest(),
            self.assume_role_domain or "",
            self.assume_role_agency or "",
        )

    def credential_fingerprint(self) -> tuple[str, ...]:
        """What distinguishes one identity from another, for caches (no secret in clear)."""
        import hashlib

        secret = self.password or self.secret_key or self.token or ""
        return (
            self.iam_url,
            self.domain_name or "",
            self.user_name or "",
            self.access_key or "",
            self.project_id or self.region or "",
            hashlib.sha256(secret.encode()).hexdigest(),
            self.assume_role_domain or "",
            self.assume_role_agency or "",
        )


def default_enterprise_project(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """The enterprise project a workspace created without one gets (stack config, then the
    environment, as Terraform's provider reads it); None when neither is set."""
    config_key, env_var = SOURCES["enterprise_project_id"]
    environ = os.environ if environ is None else environ
    for value in (config.get(str(config_key)), environ.get(str(env_var))):
        if value is not None and str(value).strip() != "":
            return str(value).strip()
    return None


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {value!r}")


def _as_number(name: str, value: Any, kind: type[int] | type[float], minimum: float) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a number, got {value!r}") from None
    if kind is int:  # the native plugin's config numbers arrive as floats: 3.0 is 3, 2.5 is an error
        if not number.is_integer():
            raise ConfigurationError(f"{name} must be a whole number, got {value!r}")
        number = int(number)
    if number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value!r}")
    return number


def _as_endpoints(name: str, value: Any) -> dict[str, str]:
    """A map region -> endpoint, given as an object or its JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigurationError(f"{name} must be a map of region to endpoint URL, got {value[:60]!r}") from None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigurationError(f"{name} must be a map of region to endpoint URL")
    for region, url in value.items():
        _check_endpoint(f"{name}[{region!r}]", url.rstrip("/"))
    return {k: v.rstrip("/") for k, v in value.items()}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_endpoint(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ConfigurationError(f"{name} must be an https:// URL, got {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"{name} uses plain http:// to {parts.hostname}; only loopback hosts may use http, use https://"
        )


def _assume_role_fields(config: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """`huaweicloud:assumeRole` (an object, or its JSON text as Pulumi hands it over) as setting
    name -> (source, value); unknown fields are an error naming the allowed ones."""
    key = SOURCES["assume_role"][0]
    raw = config.get(key) if key else None
    if raw is None or raw == "":
        return {}
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ConfigurationError(f"{key} must be an object {{agencyName, domainName}}, got {raw[:60]!r}") from None
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"{key} must be an object {{agencyName, domainName}}, got {type(value).__name__}")
    unknown = set(value) - set(ASSUME_ROLE_FIELDS)
    if unknown:
        raise ConfigurationError(
            f"{key}: unknown field(s) {', '.join(sorted(unknown))} (allowed: {', '.join(ASSUME_ROLE_FIELDS)})"
        )
    return {
        setting: (f"{key}.{field_name}", value[field_name])
        for field_name, setting in ASSUME_ROLE_FIELDS.items()
        if value.get(field_name) not in (None, "")
    }


def _converted(name: str, source: str, value: Any) -> Any:
    """One setting's value in its type, or a ConfigurationError naming where it came from."""
    if name in {"insecure", "debug"}:
        return _as_bool(source, value)
    if name == "max_retries":
        return _as_number(source, value, int, 0)
    if name in {"connect_timeout", "read_timeout", "retry_deadline"}:
        return _as_number(source, value, float, 0.001)
    if name == "modelarts_endpoints":
        return _as_endpoints(source, value)
    if name == "assume_role_duration":
        duration = _as_number(source, value, int, MIN_ASSUME_DURATION)
        if duration > MAX_ASSUME_DURATION:
            raise ConfigurationError(f"{source} must be at most {MAX_ASSUME_DURATION} seconds, got {value!r}")
        return duration
    if name == "cloud":
        cloud = str(value).strip().strip(".").lower()
        if not CLOUD_PATTERN.match(cloud):
            raise ConfigurationError(f"{source} must be a domain name such as {DEFAULT_CLOUD}, got {value!r}")
        return cloud
    return str(value).strip()


def resolve(
    explicit: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting by precedence and validate the result."""
    explicit = explicit or {}
    config = config or {}
    assume_role = _assume_role_fields(config)
    environ = os.environ if environ is None else environ
    unknown = set(explicit) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigurationError(f"unknown setting(s): {', '.join(sorted(unknown))}")

    values: dict[str, Any] = {}
    for name in (f.name for f in fields(Settings)):
        config_key, env_var = SOURCES.get(name, (None, None))
        candidates = [
            (name, explicit.get(name)),
            assume_role.get(name) or (config_key, config.get(config_key) if config_key else None),
            (env_var, environ.get(env_var) if env_var else None),
        ]
        for source, value in candidates:
            if value is not None and value != "":
                values[name] = (source, value)
                break

    resolved = {name: _converted(name, str(source), value) for name, (source, value) in values.items()}
    settings = replace(Settings(), **resolved)

    if settings.modelarts_endpoint:
        _check_endpoint("the ModelArts endpoint (modelarts:endpoint / HW_MODELARTS_ENDPOINT)", settings.modelarts_url)
    if settings.auth_url:
        _check_endpoint("the IAM endpoint (huaweicloud:authUrl / HW_AUTH_URL)", settings.iam_url)
    if bool(settings.assume_role_agency) != bool(settings.assume_role_domain):
        raise ConfigurationError(
            "assuming an agency needs both its name and the delegating account's domain name: set "
            "huaweicloud:assumeRole {agencyName, domainName} (HW_ASSUME_ROLE_AGENCY_NAME, HW_ASSUME_ROLE_DOMAIN_NAME)"
        )
    if settings.insecure:
        log.warning("TLS certificate verification is OFF (huaweicloud:insecure / HW_INSECURE); use only for testing")
    return settings
