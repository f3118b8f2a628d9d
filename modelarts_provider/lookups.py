"""Old import path of the lookups (now `program.lookups`), kept for programs written before 0.2
(import them from `modelarts_provider`)."""

from .program.lookups import *  # noqa: F403
from .program.lookups import __all__ as __all__
