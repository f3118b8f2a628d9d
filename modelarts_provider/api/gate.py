"""The "credentials rejected" guard, one per credential for the whole process.

Until the server has accepted one authenticated call made with a credential, such calls go one
at a time, and after a 401 nothing more is sent with it. Clients of several regions or projects
share the credential's gate, so five regions never turn one wrong secret key into five bad
signatures (five lock the key for five minutes).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..core.errors import AuthenticationError


@dataclass
class CredentialGate:
    first_call: threading.Lock = field(default_factory=threading.Lock)
    accepted: threading.Event = field(default_factory=threading.Event)
    rejected: AuthenticationError | None = None


_GATES: dict[tuple[str, ...], CredentialGate] = {}
_LOCK = threading.Lock()


def gate_for(identity: tuple[str, ...]) -> CredentialGate:
    """The gate of one credential (see `Settings.identity`)."""
    with _LOCK:
        return _GATES.setdefault(identity, CredentialGate())


def forget_all() -> None:
    """Forget every verdict (tests that reuse one credential across scenarios)."""
    with _LOCK:
        _GATES.clear()
