"""The fenced code blocks of the README and docs/, and what tests need to compare them with what
the commands really print.

A command block opts in to being run by the doc tests with an HTML comment on the line before
its fence, `<!-- doc-test: NAME -->`; tests/e2e/test_docs.py runs it under that name. A block
that shows what a command prints is marked `<!-- doc-test: NAME output -->`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs")
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh"}
# an unlabelled block is a command block when it starts with one of these (e.g. `pulumi preview ...`)
COMMAND_WORDS = ("pulumi ", "python ", "python3 ", "pip ", "scripts/", "export ", "git ", "gh ", "curl ")
MARKER = re.compile(r"^<!--\s*doc-test:\s*(?P<name>[\w-]+)(?P<output>\s+output)?\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")


@dataclass(frozen=True)
class Block:
    path: str  # relative to the repository
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    marker: str | None  # NAME of `<!-- doc-test: NAME -->` on the line before the fence
    output: bool  # the marker says `output`: this block is what command block NAME prints

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def is_command(self) -> bool:
        if self.lang in SHELL_LANGUAGES:
            return True
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        return not self.lang and first.startswith(COMMAND_WORDS)


def doc_files(root: Path = REPO) -> list[Path]:
    files: list[Path] = []
    for entry in DOCS:
        path = root / entry
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


def blocks_of(path: Path, root: Path = REPO) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : end]]
        previous = lines[i - 1].strip() if i > 0 else ""
        marker = MARKER.match(previous)
        found.append(
            Block(
                path=path.relative_to(root).as_posix(),
                line=i + 1,
                lang=opening["lang"].lower(),
                text="\n".join(body) + "\n",
                marker=marker["name"] if marker else None,
                output=bool(marker and marker["output"]),
            )
        )
        i = end + 1
    return found


def all_blocks(root: Path = REPO) -> list[Block]:
    return [block for path in doc_files(root) for block in blocks_of(path, root)]


def command_blocks(root: Path = REPO) -> list[Block]:
    return [block for block in all_blocks(root) if block.is_command and not block.output]


def marked(name: str, output: bool = False, root: Path = REPO) -> Block:
    """The one block marked `<!-- doc-test: NAME -->` (or `NAME output`)."""
    matches = [b for b in all_blocks(root) if b.marker == name and b.output == output]
    assert len(matches) == 1, (
        f"expected one block marked doc-test: {name}{' output' if output else ''}, found {matches}"
    )
    return matches[0]


# What varies from run to run: ids, request ids, times, ports, durations.
_VARIABLE = [
    (re.compile(r"\b[0-9a-f]{32}\b"), "<id>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b1\d{12}\b"), "<ms>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
    (re.compile(r"\(\d+(\.\d+)?s\)"), "(<s>)"),
    (re.compile(r"after \d+s"), "after <n>s"),
    (re.compile(r"\b\d+(\.\d+)?s\b"), "<s>"),
]


def normalize(line: str) -> str:
    """A line with what varies between runs replaced by placeholders, blanks squeezed."""
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    for pattern, placeholder in _VARIABLE:
        line = pattern.sub(placeholder, line)
    return " ".join(line.split())


def missing_lines(documented: str, printed: str) -> list[str]:
    """The documented lines that the printed text does not show, in order. A documented `...`
    line stands for any number of lines; every other line must appear, normalized, in the same
    order (other lines may come between)."""
    wanted = [normalize(line) for line in documented.splitlines() if line.strip()]
    got = [normalize(line) for line in printed.splitlines()]
    missing: list[str] = []
    position = 0
    for line in wanted:
        if line in ("...", "# ..."):
            continue
        try:
            position = got.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing
