"""`python -m modelarts_provider workspaces list|show|adopt-code`: find workspace ids and bring
existing workspaces under Pulumi. Configured by the same `HW_*` variables as the provider."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .client import ModelArtsClient
from .errors import ModelArtsError
from .models import Workspace, WorkspaceSummary
from .settings import resolve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m modelarts_provider", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)
    workspaces = groups.add_parser("workspaces", help="ModelArts workspaces")
    commands = workspaces.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list workspaces (every page)")
    listing.add_argument("--name", help="only names containing this text")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    show = commands.add_parser("show", help="show one workspace with its grants")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print JSON")
    adopt = commands.add_parser("adopt-code", help="print Python that adopts existing workspaces into a stack")
    adopt.add_argument("--name", help="only names containing this text")
    return parser


def _table(rows: Sequence[WorkspaceSummary]) -> str:
    header = ("ID", "NAME", "AUTH_TYPE", "STATUS", "ENTERPRISE_PROJECT_ID")
    data = [header] + [(w.id, w.name, w.auth_type, w.status, w.enterprise_project_id) for w in rows]
    widths = [max(len(str(row[i])) for row in data) for i in range(len(header))]
    return "\n".join("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row)).rstrip() for row in data)


def _resource_name(name: str) -> str:
    return name.lower().replace("_", "-")


def adoption_code(workspaces: Sequence[Workspace]) -> str:
    """Ready-to-paste stack code that adopts each workspace as it is (so `up` changes nothing)."""
    lines = ["from modelarts_provider import Grant, Workspace, WorkspaceArgs", ""]
    for w in workspaces:
        args: list[str] = [f"name={w.name!r}"]
        if w.description:
            args.append(f"description={w.description!r}")
        args.append(f"auth_type={w.auth_type!r}")
        if w.grants:
            grants = ", ".join(
                "Grant("
                + ", ".join(
                    f"{k}={v!r}"
                    for k, v in g.model_dump(exclude_none=True).items()
                    if k != "user_name" or not g.user_id
                )
                + ")"
                for g in w.grants
            )
            args.append(f"grants=[{grants}]")
        if w.enterprise_project_id != "0":
            args.append(f"enterprise_project_id={w.enterprise_project_id!r}")
        args.append(f"adopt_id={w.id!r}")
        body = ",\n        ".join(args)
        lines.append(f"Workspace(\n    {_resource_name(w.name)!r},\n    WorkspaceArgs(\n        {body},\n    ),\n)")
    return "\n".join(lines) + "\n"


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        client = ModelArtsClient(resolve())
        if args.command == "list":
            rows = client.list_workspaces(name=args.name)
            if args.json:
                print(json.dumps([w.model_dump() for w in rows], indent=2))
            else:
                print(_table(rows))
        elif args.command == "show":
            workspace = client.get_workspace(args.id)
            if args.json:
                print(json.dumps(workspace.model_dump(), indent=2))
            else:
                data: dict[str, Any] = workspace.model_dump()
                for key, value in data.items():
                    print(f"{key}: {value}")
        else:
            summaries = [w for w in client.list_workspaces(name=args.name) if w.id != "0" and w.status == "NORMAL"]
            print(adoption_code([client.get_workspace(w.id) for w in summaries]), end="")
    except ModelArtsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
