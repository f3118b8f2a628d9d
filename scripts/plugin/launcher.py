"""Start the `modelarts` plugin from its archive with a private virtualenv.

The archive holds the package's source and `requirements.txt` (the exact versions it was released
with). On first start this launcher makes a virtualenv next to itself and installs them there, so
a user needs only Python and the Pulumi CLI, and no stack's own environment is touched. Later
starts find it ready and only exec. The engine may start several plugin processes at once: the
first one installs under a file lock, the others wait for it and reuse its result.

Runs with the standard library only, on the user's `python3` (the shell launcher has checked it is
3.10 or newer): a failed install is one line on stderr (the engine shows the plugin's stderr).
Nothing may reach stdout before the plugin prints its port.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

NAME = "pulumi-resource-modelarts"
HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
INSTALL_TIMEOUT = 900  # seconds for pip; a stalled index ends in a message, not a hang
FIX = (
    "set PIP_INDEX_URL to a PyPI mirror, or PULUMI_MODELARTS_WHEELHOUSE to a directory of wheels "
    "(pip download -r requirements.txt), or PULUMI_MODELARTS_PYTHON to a Python that has the requirements"
)


def fail(message: str) -> NoReturn:
    sys.stderr.write(f"{NAME}: {message}\n")
    sys.stderr.flush()
    sys.exit(1)


def env_root() -> Path:
    """Next to the plugin (removed with it by `pulumi plugin rm`); a user cache if that is read-only."""
    if os.access(HERE, os.W_OK):
        return HERE
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / NAME / hashlib.sha256(str(HERE).encode()).hexdigest()[:12]


def fingerprint() -> str:
    """What the environment was made from: the requirements and the base interpreter."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(os.path.realpath(sys.executable).encode())
    return digest.hexdigest()


def env_python(env_dir: Path) -> Path:
    return env_dir / "bin" / "python"


def is_ready(env_dir: Path, wanted: str) -> bool:
    marker = env_dir / ".ready"
    return marker.is_file() and marker.read_text().strip() == wanted and env_python(env_dir).exists()


def last_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]


def install(env_dir: Path, log: Path, wanted: str) -> None:
    """Make the virtualenv and install the pinned requirements into it; the marker comes last."""
    if env_dir.exists():  # an earlier install stopped half-way, or another interpreter made it
        subprocess.run(["rm", "-rf", str(env_dir)], check=False)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    except Exception as exc:  # any failure here has the same remedy
        fail(
            f"cannot create a virtualenv with {sys.executable} in {env_dir} ({exc}); install the venv module "
            "(on Debian/Ubuntu: apt install python3-venv), or set PULUMI_MODELARTS_PYTHON to a Python that "
            "has the requirements"
        )
    wheelhouse = os.environ.get("PULUMI_MODELARTS_WHEELHOUSE")
    source = ["--no-index", "--find-links", wheelhouse] if wheelhouse else []
    command = [str(env_python(env_dir)), "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
    command += [*source, "-r", str(REQUIREMENTS)]
    try:
        with log.open("a") as out:
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            proc = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False)
        status = f"pip exited {proc.returncode}" if proc.returncode else ""
    except subprocess.TimeoutExpired:
        status = f"pip did not finish within {INSTALL_TIMEOUT} s"
    if status:
        reason = last_error_line(log.read_text(errors="replace"))
        fail(f"installing its Python packages into {env_dir} failed ({status}: {reason}; log: {log}); {FIX}")
    partial = env_dir / ".ready.partial"
    partial.write_text(wanted + "\n")
    partial.replace(env_dir / ".ready")


def prepared_python() -> Path:
    """The private virtualenv's python, made on first use; one process installs, the others wait."""
    wanted = fingerprint()
    root = env_root()
    env_dir = root / f"venv-py{sys.version_info[0]}.{sys.version_info[1]}"
    if is_ready(env_dir, wanted):
        return env_python(env_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = (root / f"{env_dir.name}.lock").open("a")
    except OSError as exc:
        fail(f"cannot write its virtualenv under {root} ({exc}); set XDG_CACHE_HOME to a writable directory")
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when this process dies
        if not is_ready(env_dir, wanted):
            sys.stderr.write(f"{NAME}: first start: installing its Python packages into {env_dir}\n")
            install(env_dir, root / f"{env_dir.name}.log", wanted)
    return env_python(env_dir)


def main() -> None:
    chosen = os.environ.get("PULUMI_MODELARTS_PYTHON")
    python = Path(sys.executable) if chosen else prepared_python()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(HERE)  # the package always comes from this archive, whatever else is installed
    os.execve(str(python), [str(python), str(HERE / "plugin_main.py"), *sys.argv[1:]], env)


if __name__ == "__main__":
    main()
