"""Every ModelArts error code the provider acts on, named once, with the meaning the vendor's
error-code table gives it. The emulator keeps its own list (it plays the server)."""

from __future__ import annotations

PARAMETER_ERROR = "ModelArts.0104"  # parameter error; some regions also answer a missing workspace with it
WORKSPACE_DOES_NOT_EXIST = "ModelArts.0102"  # the workspace does not exist
WORKSPACE_NOT_EXISTED = "ModelArts.7005"  # workspace not existed
STATUS_ABNORMAL = "ModelArts.7004"  # workspace status abnormal (e.g. DELETING), action not allowed
NUMBER_OVER_LIMIT = "ModelArts.7006"  # workspace number over limit
DEFAULT_WORKSPACE_READ_ONLY = "ModelArts.3566"  # the default workspace cannot be modified
PROJECT_MISMATCH = "ModelArts.0210"  # the project id does not belong to the token's credentials

NOT_FOUND = frozenset({WORKSPACE_NOT_EXISTED, WORKSPACE_DOES_NOT_EXIST})  # a 400 that means 404
