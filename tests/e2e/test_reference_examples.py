"""The TypeScript and Go examples of the reference pages (docs/reference/*.md) compile against the
SDKs generated from the schema (sdk/nodejs as its npm tarball, sdk/go as a Go module), with
`tsc --strict` and `go vet`: a renamed property, function or type in the SDK breaks them here.
The Python and YAML examples are the forms the rest of the suite runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.docblocks import REPO, blocks_of
from tests.e2e.pulumi_cli import Project
from tests.e2e.test_languages import require_tools, run

PAGES = sorted((REPO / "docs" / "reference").glob("*.md"))


def examples(lang: str) -> dict[str, str]:
    """`page-N` -> the text of each `lang` block of the reference pages."""
    found = {}
    for page in PAGES:
        for i, block in enumerate(b for b in blocks_of(page) if b.lang == lang):
            found[f"{page.stem.replace('-', '_')}_{i}"] = block.text
    return found


def test_the_reference_pages_have_typescript_and_go_examples() -> None:
    for page in ("workspace", "workspace_quotas", "get_workspace", "get_workspaces", "get_maas_workspaces"):
        assert f"{page}_0" in examples("typescript") and f"{page}_0" in examples("go"), page


def test_go_examples_compile(tmp_path: Path) -> None:
    require_tools("go")
    # the Pulumi Go SDK of the CLI the repository builds (its dependencies are served by the
    # module proxy; those of the SDK's own minimum are not all)
    pulumi_version = re.search(
        r'PULUMI_VERSION="\$\{PULUMI_VERSION:-([\d.]+)\}"', (REPO / "scripts" / "get-pulumi.sh").read_text()
    )
    assert pulumi_version, "scripts/get-pulumi.sh names its Pulumi version"
    module = tmp_path / "refexamples"
    module.mkdir()
    (module / "go.mod").write_text(
        "module refexamples\n\ngo 1.25\n\n"
        "require (\n"
        "\tgithub.com/modelarts-provider/modelarts-provider/sdk/go v0.0.0\n"
        f"\tgithub.com/pulumi/pulumi/sdk/v3 v{pulumi_version[1]}\n)\n\n"
        f"replace github.com/modelarts-provider/modelarts-provider/sdk/go => {REPO / 'sdk' / 'go'}\n"
    )
    functions = "".join(
        f"\nfunc {name}(ctx *pulumi.Context) error {{\n{text}\treturn nil\n}}\n"
        for name, text in examples("go").items()
    )
    (module / "main.go").write_text(
        "package main\n\nimport (\n"
        '\t"github.com/modelarts-provider/modelarts-provider/sdk/go/modelarts"\n'
        '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"\n)\n\n'
        "var _ = modelarts.NewWorkspace\n\nfunc main() {}\n" + functions
    )
    env = Project.create(tmp_path / "env", {}).env | {"GOFLAGS": "-mod=mod -buildvcs=false"}
    run(["go", "mod", "tidy"], module, env)  # go.sum from the module proxy (cached after the first run)
    run(["go", "vet", "./..."], module, env)


def test_typescript_examples_compile(tmp_path: Path) -> None:
    require_tools("node", "npm")
    env = Project.create(tmp_path / "env", {}).env
    packed = run([str(REPO / "scripts" / "pack-nodejs-sdk.sh"), str(tmp_path / "npm")], REPO, env)
    tarball = packed.strip().splitlines()[-1]
    project = tmp_path / "refexamples"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "refexamples", "private": True}))
    (project / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "strict": True,
                    "noEmit": True,
                    "module": "commonjs",
                    "target": "es2020",
                    "moduleResolution": "node",
                    "esModuleInterop": True,
                    "skipLibCheck": True,
                },
                "include": ["*.ts"],
            }
        )
    )
    for name, text in examples("typescript").items():
        (project / f"{name}.ts").write_text(text)
    npm = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"]
    run([*npm, tarball, "@pulumi/pulumi", "typescript@5"], project, env)
    run(["npx", "--no-install", "tsc", "-p", "."], project, env)
