"""A local emulator of Huawei Cloud ModelArts workspaces and the bits of IAM the provider uses.
It keeps its own copy of the API's rules and imports nothing of the provider but `api.signing`
(the signature it checks); the provider never imports it (only `tools` does).

Fault kinds (see `Fault`):
- latency: sleep `seconds`, then process normally.
- status: answer `status` with a ModelArts error body (and Retry-After) without processing.
- drop: close the connection without processing or answering.
- lost_response: process the request, then close the connection without answering.
- loss: at random (`probability`, `seed`), a drop or a lost_response; the rest pass.
- create_failed: the next matching create yields a CREATE_FAILED workspace.
- delete_failed: the next matching delete ends in DELETE_FAILED instead of removal.
"""

from __future__ import annotations

from .config import EmulatorConfig
from .faults import Fault
from .service import Emulator

__all__ = ["Emulator", "EmulatorConfig", "Fault"]
