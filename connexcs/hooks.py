"""Named hooks: a later app runs code when a sibling app does something, without importing it.

Apps on one layer may not import each other (the import-linter contract), so the portal's sign-up
cannot call the packages app directly. The packages app registers a function under a name in its
AppConfig.ready(); the portal calls `run(name, **kwargs)`. Hooks run in the caller's transaction, in
registration order, and their errors propagate (a sign-up that cannot copy packages fails whole).
"""

from collections import defaultdict
from collections.abc import Callable

_hooks: dict[str, dict[str, Callable]] = defaultdict(dict)


def register(name: str, fn: Callable) -> None:
    # Keyed by the function's qualified name so a re-import replaces rather than repeats.
    _hooks[name][f"{fn.__module__}.{fn.__qualname__}"] = fn


def run(name: str, **kwargs) -> None:
    for fn in list(_hooks.get(name, {}).values()):
        fn(**kwargs)


def collect(name: str, **kwargs) -> list:
    """Each registered function's answer, in registration order (empty when none is registered)."""
    return [fn(**kwargs) for fn in list(_hooks.get(name, {}).values())]
