"""The emulator's components wired together around one shared lock."""

from __future__ import annotations

import threading

from .authn import CallerCheck
from .config import EmulatorConfig
from .faults import FaultSet, RequestCounters
from .iam import Iam, UserDirectory
from .quotas import QuotaStore
from .store import WorkspaceStore


class State:
    """Everything a request may touch; one re-entrant lock guards all of it."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.users = UserDirectory(self.lock)
        self.iam = Iam(config, self.lock, self.users)
        self.authn = CallerCheck(config, self.lock, self.iam)
        self.store = WorkspaceStore(config, self.lock, self.users)
        self.quotas = QuotaStore(self.lock, self.store.status_of, lambda: config.invented_quotas)
        self.faults = FaultSet(self.lock)
        self.counters = RequestCounters(self.lock)
