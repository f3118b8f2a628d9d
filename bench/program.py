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
