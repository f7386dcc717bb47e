"""`UNSET`: the default of an update service's keyword arguments, meaning "leave this field as it is".

None cannot mean that, because None is a real value for some fields (e.g. no daily spend limit).
"""

from typing import Any


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


def given(**values) -> dict:
    """The keyword arguments a caller actually passed (those not left UNSET)."""
    return {name: value for name, value in values.items() if value is not UNSET}
