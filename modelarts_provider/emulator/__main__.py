"""`python -m modelarts_provider.emulator`: run the emulator until SIGTERM or SIGINT.

Prints exactly one stdout line, the URL, once ready, so a parent process can read it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .config import EmulatorConfig
from .service import Emulator


def _parser(defaults: EmulatorConfig) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m modelarts_provider.emulator",
        description="Local emulator of Huawei Cloud ModelArts workspaces and IAM tokens.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--host", default=defaults.host, help="address to bind")
    parser.add_argument("--port", type=int, default=defaults.port, help="port to bind (0 = a free port)")
    parser.add_argument("--access-key", default=defaults.access_key, help="accepted AK")
    parser.add_argument("--secret-key", default=defaults.secret_key, help="SK of the accepted AK")
    parser.add_argument("--security-token", default=defaults.security_token, help="accepted X-Security-Token")
    parser.add_argument("--user", default=defaults.user, help="IAM user name")
    parser.add_argument("--password", default=defaults.password, help="IAM user password")
    parser.add_argument("--domain", default=defaults.domain, help="IAM domain (account) name")
    parser.add_argument("--project-id", default=defaults.project_id, help="the one project id")
    parser.add_argument("--region", default=defaults.region, help="region, also the project name")
    parser.add_argument("--agency-name", default=defaults.agency_name, help="agency the user may assume")
    parser.add_argument("--agency-domain", default=defaults.agency_domain, help="account that defines the agency")
    parser.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="PRINCIPAL=ACTION,...",
        help="allow the access key, user name or agency PRINCIPAL only these actions (repeatable)",
    )
    parser.add_argument("--token-lifetime", type=float, default=defaults.token_lifetime, help="token lifetime (s)")
    parser.add_argument(
        "--delete-duration", type=float, default=defaults.delete_duration, help="seconds a workspace stays DELETING"
    )
    parser.add_argument("--latency", type=float, default=defaults.latency, help="seconds added to every request")
    parser.add_argument("--loss", type=float, default=defaults.loss, help="share of requests lost at random (0-1)")
    parser.add_argument("--loss-seed", type=int, default=defaults.loss_seed, help="seed of the random losses")
    parser.add_argument(
        "--taken-name-code",
        default=defaults.taken_name_code,
        metavar="CODE",
        help="error_code answered when a workspace name is taken (no vendor source names it; default: ModelArts.7002)",
    )
    parser.add_argument(
        "--create-answer-grants",
        action=argparse.BooleanOptionalAction,
        default=defaults.create_answer_grants,
        help="whether the create answer carries `grants` (the vendor's response table does, its example does not)",
    )
    parser.add_argument(
        "--maas-any-region",
        action="store_true",
        help="answer the MaaS workspace call in any region (the vendor: CN-Hong Kong, ap-southeast-1, only)",
    )
    parser.add_argument(
        "--invented-quotas",
        action="store_true",
        help="add five INVENTED quota resources (no vendor source lists them) to the one documented "
        "one, exemlProject.gpu_duration; for tests that need more than one quota item",
    )
    parser.add_argument("--verbose", action="store_true", help="log method, path and status of each request to stderr")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> EmulatorConfig:
    parser = _parser(EmulatorConfig())
    args = parser.parse_args(argv)
    policies: dict[str, frozenset[str]] = {}
    for item in args.policy:
        principal, sep, actions = item.partition("=")
        if not sep or not principal:
            parser.error(f"--policy needs PRINCIPAL=ACTION,ACTION..., got {item!r}")
        policies[principal] = frozenset(a.strip() for a in actions.split(",") if a.strip())
    if not 0.0 <= args.loss <= 1.0:
        parser.error(f"--loss must be from 0 to 1, got {args.loss}")
    # Every option but --policy is stored under the name of the EmulatorConfig field it sets.
    fields = {name: value for name, value in vars(args).items() if name != "policy"}
    return EmulatorConfig(**fields, policies=policies)


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator = Emulator(config).start()
    except OSError as exc:
        print(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        print(emulator.url, flush=True)
        while not stopping.wait(0.2):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
