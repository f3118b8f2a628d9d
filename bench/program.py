"""The benchmark's Pulumi program (copied into each temporary project as `__main__.py`).

`bench.json` next to it says which resource (`workspace`: ours, `noop`: the engine's floor;
`native`/`native-noop`: the same two through native plugins),
how many, and the revision of their descriptions (a new revision updates every resource).
Every fourth workspace is INTERNAL with one grant, whose create costs the one extra GET.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

spec = json.loads(Path("bench.json").read_text())
declare: Callable[..., Any]
if spec["kind"] == "noop":
    from bench.noop_provider import NoopWorkspace as declare  # no import of modelarts_provider at all
elif spec["kind"] == "native-noop":  # the native floor: a do-nothing native plugin (bench/noop_native.py)
    import pulumi

    def declare(resource: str, auth_type: str = "PUBLIC", **args: Any) -> Any:
        props = {**args, "authType": auth_type, "workspaceId": None, "status": None}
        if "grants" in props:
            props["grants"] = [{"userName": g["user_name"]} for g in props["grants"]]
        return pulumi.CustomResource("benchnoop:index:Workspace", resource, props)
elif spec["kind"] == "native-fat":  # the native floor with the native Workspace's state shape
    import pulumi

    FAT_OUTPUTS = ("workspace_id", "status", "create_time", "update_time", "owner", "project_id", "region")
    FAT_OUTPUTS += ("enterprise_project_name", "server_grants", "status_info")

    class FatWorkspace(pulumi.CustomResource):
        """A resource class, as a typed SDK has (the SDK records a stack trace for each)."""

        def __init__(self, resource: str, props: dict[str, Any]) -> None:
            super().__init__("benchnoop:index:FatWorkspace", resource, props)

    def declare(resource: str, auth_type: str = "PUBLIC", **args: Any) -> Any:
        props = {**args, "authType": auth_type, "enterpriseProjectId": None}
        props.update({"".join(w.title() if i else w for i, w in enumerate(k.split("_"))): None for k in FAT_OUTPUTS})
        props["grants"] = [{"userName": g["user_name"]} for g in props.get("grants", [])]
        return FatWorkspace(resource, props)
elif spec["kind"] == "native":
    from modelarts_provider.native.sdk import NativeWorkspace as declare
else:
    from modelarts_provider import Workspace as declare

for i in range(spec["count"]):
    args: dict[str, Any] = {
        "name": f"{spec['prefix']}-{i:03d}",
        "description": f"benchmark workspace {i}, revision {spec['revision']}",
    }
    if i % 4 == 3:
        args.update(auth_type="INTERNAL", grants=[{"user_name": f"bench-user-{i % 7}"}])
    declare(f"ws-{i:03d}", **args)
