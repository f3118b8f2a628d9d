"""`TypedOutputs`: lets the outputs of a resource be declared once in a base class that both of
its faces (the dynamic resource and the native SDK class) inherit."""

from __future__ import annotations

import inspect
from typing import Any


class TypedOutputs:
    """Copies the outputs declared in the bases into each subclass's own annotations.

    Type checkers and IDEs find inherited annotations, but Pulumi reads only a resource class's
    own (`inspect.get_annotations`) to give outputs their declared types, e.g. to turn the
    engine's numbers back into `int` for `create_time` or a quota."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__annotations__ = {
            name: hint
            for base in reversed(cls.__mro__)
            if issubclass(base, TypedOutputs)
            for name, hint in inspect.get_annotations(base).items()
        }
