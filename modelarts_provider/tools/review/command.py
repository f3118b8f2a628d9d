"""`python -m modelarts_provider review`: the access review of a `pulumi preview --json` document
as Markdown on stdout, optionally posted on the pull/merge request, with an exit status a
pipeline can use to ask for an extra approval when access widens.

Exit status: 0 the summary was written; 1 the input could not be read or the comment could not
be posted (one `error: ...` line on stderr); 2 with `--exit-code`, access widens (drift: access
in ModelArts is wider than in Git).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from . import comment
from .access import review
from .markdown import code, render
from .preview import Preview, PreviewError, parse

WIDENS = 2


def add_parser(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = groups.add_parser(
        "review",
        help="who gains or loses access to which workspace: Markdown from `pulumi preview --json`",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "preview", nargs="?", default="-", help="the file `pulumi preview --json` wrote (default: stdin)"
    )
    parser.add_argument(
        "--drift",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="after a refresh, tell what differs outside Git from the changes in Git (default: when the preview "
        "refreshed; --no-drift: every change as a change in Git)",
    )
    parser.add_argument("--exit-code", action="store_true", help=f"exit {WIDENS} when access widens")
    parser.add_argument(
        "--post", choices=("github", "gitlab"), help="post it on the pull/merge request, replacing its earlier comment"
    )
    parser.add_argument(
        "--raw", type=Path, help="`pulumi preview --diff` output to fold below the summary in the comment"
    )
    parser.add_argument(
        "--pull-request", type=int, help="the pull/merge request number (default: from the CI variables)"
    )


def _read(source: str) -> str:
    try:
        if source == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(source).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise PreviewError("the input is not UTF-8 text: give it the output of `pulumi preview --json`") from None
    except OSError as exc:
        raise PreviewError(f"cannot read {source}: {exc.strerror or exc}") from None


def _raw(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror or exc})"


def _post(args: argparse.Namespace, stack: str, summary: str, env: Mapping[str, str]) -> None:
    target = (comment.github if args.post == "github" else comment.gitlab)(env, args.pull_request)
    done = comment.post(target, stack, comment.compose(stack, summary, _raw(args.raw)))
    print(f"{target.system} comment {done}", file=sys.stderr)


def run(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    stack = env.get("PULUMI_STACK", "")
    try:
        preview = parse(_read(args.preview))
    except PreviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.post:  # say so on the request rather than leaving the last summary standing
            failed = f"### ModelArts access review\n\n⛔ No review: {code(str(exc))}. See the job log.\n"
            _post_or_report(args, stack, failed, env)
        return 1
    if args.drift and not preview.refreshed:
        print(
            "error: --drift needs the output of `pulumi preview --refresh --json`: this preview did not refresh",
            file=sys.stderr,
        )
        return 1
    if args.drift is False:
        preview = Preview(preview.stack, preview.steps, preview.errors, refreshed=False)
    result = review(preview)
    summary = render(result)
    sys.stdout.write(summary)
    if args.post and not _post_or_report(args, result.stack or stack, summary, env):
        return 1
    return WIDENS if args.exit_code and result.widens else 0


def _post_or_report(args: argparse.Namespace, stack: str, summary: str, env: Mapping[str, str]) -> bool:
    try:
        _post(args, stack, summary, env)
    except comment.PostError as exc:
        print(f"error: the review was not posted: {exc}", file=sys.stderr)
        return False
    return True
