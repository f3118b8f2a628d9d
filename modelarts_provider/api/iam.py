"""The IAM part of the API: password tokens, an agency's temporary credentials, the project id
of a region, and which credentials sign ModelArts' calls. The `auth` objects ask this client for
fresh tokens through the small interfaces `auth` defines (`TokenIssuer`, `CredentialIssuer`)."""

from __future__ import annotations

import threading
import time

from ..core.errors import ConfigurationError, ResponseError
from . import auth
from .calling import ApiCaller


class IamClient:
    """IAM calls for one set of settings, sent through the caller it shares with ModelArts."""

    def __init__(self, caller: ApiCaller) -> None:
        self._caller = caller
        self.settings = caller.settings
        self._method = self.settings.auth_method  # fails early when credentials are missing
        self._project_id = self.settings.project_id
        self._project_lock = threading.Lock()

    # -- the issuers the auth objects renew from ----------------------------------------------

    def issue_token(self) -> auth.IssuedToken:
        """A password token scoped to the project (or the region's project)."""
        s = self.settings
        assert s.user_name and s.password and s.domain_name
        body = auth.password_token_body(s.user_name, s.password, s.domain_name, s.project_id, s.region)
        if not s.project_id and not s.region:
            raise ConfigurationError("an IAM token needs huaweicloud:region (HW_REGION_NAME) or huaweicloud:projectId")
        response = self._caller.send(
            "POST", f"{s.iam_url}/v3/auth/tokens", "get IAM token", json=body, auth=None, retry_post=True
        )
        token = response.headers.get("X-Subject-Token")
        data = self._caller.json_object(response, "get IAM token")
        info = data.get("token") if isinstance(data.get("token"), dict) else None
        if not token or info is None:
            raise ResponseError("get IAM token: the answer has no X-Subject-Token header or token body")
        project = info.get("project") if isinstance(info.get("project"), dict) else {}
        issued = time.time()
        return auth.IssuedToken(token, auth.parse_expiry(info.get("expires_at")), issued, project.get("id"))

    def issue_credential(self) -> auth.TemporaryCredential:
        """The agency's temporary AK/SK and security token, asked for with the configured credentials."""
        s = self.settings
        assert s.assume_role_agency and s.assume_role_domain
        operation = f"assume agency {s.assume_role_agency!r} of {s.assume_role_domain!r}"
        body = auth.assume_role_body(s.assume_role_agency, s.assume_role_domain, s.assume_role_duration)
        url = f"{s.iam_url}/v3.0/OS-CREDENTIAL/securitytokens"
        response = self._caller.send(
            "POST", url, operation, json=body, auth=self._base_authenticator(None), retry_post=True
        )
        return auth.parse_temporary_credential(self._caller.json_object(response, operation))

    # -- which credentials sign -------------------------------------------------------------

    def _base_authenticator(self, project_id: str | None) -> auth.Authenticator:
        """The configured credentials themselves (AK/SK, a token, or a password token)."""
        s = self.settings
        if self._method == "aksk":
            assert s.access_key and s.secret_key
            return auth.AkSkSigner(s.access_key, s.secret_key, project_id, s.security_token)
        if self._method == "token":
            assert s.token
            return auth.StaticTokenAuth(s.token)
        return auth.PasswordTokenAuth(s.credential_fingerprint(), self)

    def signer(self, project_id: str | None) -> auth.Authenticator:
        """What signs ModelArts and IAM look-up calls: the agency's credentials when one is assumed."""
        if self.settings.assumes_role:
            return auth.AssumedRoleSigner(self.settings.credential_fingerprint(), self, project_id)
        return self._base_authenticator(project_id)

    def modelarts_signer(self) -> auth.Authenticator:
        """The signer of ModelArts' calls; AK/SK signatures carry the project id (X-Project-Id)."""
        signs = self._method == "aksk" or self.settings.assumes_role
        return self.signer(self.project_id if signs else None)

    # -- the project ------------------------------------------------------------------------

    @property
    def project_id(self) -> str:
        """Given in settings, else from the token's scope or `GET /v3/projects?name=REGION`."""
        if self._project_id:
            return self._project_id
        with self._project_lock:  # threads starting together look it up once, not once each
            if not self._project_id:
                self._project_id = self._find_project_id()
            return self._project_id

    def _find_project_id(self) -> str:
        s = self.settings
        if not s.region:
            raise ConfigurationError("set huaweicloud:projectId (HW_PROJECT_ID) or huaweicloud:region (HW_REGION_NAME)")
        found: str | None = None
        if self._method == "password" and not s.assumes_role:
            found = auth.TOKENS.get(s.credential_fingerprint(), self.issue_token).project_id
        if not found:
            url, params = f"{s.iam_url}/v3/projects", {"name": s.region}
            response = self._caller.send("GET", url, "look up project id", params=params, auth=self.signer(None))
            projects = self._caller.json_object(response, "look up project id").get("projects")
            matches = [p for p in projects or [] if isinstance(p, dict) and p.get("name") == s.region]
            if not matches or not matches[0].get("id"):
                raise ConfigurationError(
                    f"IAM knows no project named {s.region!r}; set huaweicloud:projectId (HW_PROJECT_ID)"
                )
            found = str(matches[0]["id"])
        return found
