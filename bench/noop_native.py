"""The native engine floor: a do-nothing native plugin `benchnoop` shaped like the native
`modelarts:index:Workspace`, served by the SDK's own experimental server.

What a stack of these costs is the engine, the program and a native plugin process answering
over gRPC, with no validation, no HTTP and no import of `modelarts_provider`. Run as
`python -m bench.noop_native ENGINE` (the benchmark puts a `pulumi-resource-benchnoop` launcher
on PATH).
"""

from __future__ import annotations

import json
import sys
import uuid

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.provider.experimental.server import main

TYPE = "benchnoop:index:Workspace"
# The same do-nothing resource with the native Workspace's state shape (its 5 inputs and 15
# outputs): what the engine and the program cost for a state as large as ours.
FAT_TYPE = "benchnoop:index:FatWorkspace"
FAT_OUTPUTS = {
    "createTime": 1796417757937.0,
    "enterpriseProjectName": "default",
    "owner": "emulator-user",
    "projectId": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
    "region": "cn-north-4",
    "serverGrants": [],
    "status": "NORMAL",
    "statusInfo": "",
    "updateTime": 1796417757937.0,
}
INPUTS = ("name", "description", "authType", "grants")
SCHEMA = {
    "name": "benchnoop",
    "version": "0.0.1",
    "resources": {
        TYPE: {
            "inputProperties": {k: {"type": "string"} for k in INPUTS[:3]}
            | {"grants": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "properties": {"workspaceId": {"type": "string"}, "status": {"type": "string"}},
        }
    },
}


class NoopProvider(Provider):
    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(SCHEMA))

    async def check(self, request: CheckRequest) -> CheckResponse:
        if request.urn.split("::")[-2] == FAT_TYPE:
            return CheckResponse(inputs={**request.new_inputs, "enterpriseProjectId": PropertyValue("0")}, failures=[])
        return CheckResponse(inputs=request.new_inputs, failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        changed = [k for k in INPUTS if request.old_state.get(k) != request.new_inputs.get(k)]
        return DiffResponse(changes=bool(changed), diffs=changed)

    async def create(self, request: CreateRequest) -> CreateResponse:
        workspace_id = uuid.uuid4().hex
        outputs = {"workspaceId": PropertyValue(workspace_id), "status": PropertyValue("NORMAL")}
        if request.urn.split("::")[-2] == FAT_TYPE:
            outputs.update({k: PropertyValue(v) for k, v in FAT_OUTPUTS.items()})
        return CreateResponse(resource_id=workspace_id, properties={**request.properties, **outputs})

    async def read(self, request: ReadRequest) -> ReadResponse:
        return ReadResponse(request.resource_id, request.properties, request.inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        keep = {k: v for k, v in request.olds.items() if k in ("workspaceId", "status", *FAT_OUTPUTS)}
        return UpdateResponse(properties={**request.news, **keep})

    async def delete(self, request: DeleteRequest) -> None:
        return None


if __name__ == "__main__":
    main(sys.argv[1:], "0.0.1", NoopProvider())
