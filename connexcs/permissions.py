"""May this user read or write this area? Deny by default.

Admins may do everything. Otherwise each of the user's groups has one level per area:
Select says nothing, Allow grants (read, or read and write), and a Deny from any group wins.

The vocabulary (areas, levels, access) lives in connexcs.choices. The rows that grant it live in the
app that stores permission groups, which registers them with `register_grant_source`, so the core
imports no app.
"""

from collections.abc import Callable, Iterable

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured

from .choices import Access, Area, Level

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# user -> (area, level, access) rows from all of the user's groups.
GrantSource = Callable[[object], Iterable[tuple[str, str, str]]]
_grant_source: GrantSource | None = None


def register_grant_source(source: GrantSource) -> None:
    global _grant_source  # one process-wide hook, set once at app start-up
    _grant_source = source


def _grant_rows(user) -> Iterable[tuple[str, str, str]]:
    if _grant_source is None:
        raise ImproperlyConfigured("No permission grant source is registered (is accounts installed?).")
    return _grant_source(user)


def _grants(user) -> dict[str, tuple[bool, bool]]:
    """area -> (may_read, may_write), computed once per user object (one query)."""
    cached = getattr(user, "_area_grants", None)
    if cached is not None:
        return cached
    allowed_read, allowed_write, denied = set(), set(), set()
    for area, level, access in _grant_rows(user):
        if level == Level.DENY:
            denied.add(area)
        elif level == Level.ALLOW:
            allowed_read.add(area)
            if access == Access.WRITE:
                allowed_write.add(area)
    grants = {
        area: (
            area in allowed_read and area not in denied,
            area in allowed_write and area not in denied,
        )
        for area in Area.values
    }
    user._area_grants = grants
    return grants


def can(user, area: str, *, write: bool = False) -> bool:
    if area not in Area.values:
        raise ValueError(f"Unknown permission area {area!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_admin", False):
        return True
    may_read, may_write = _grants(user).get(area, (False, False))
    return may_write if write else may_read


class AreaPermissionMixin(AccessMixin):
    """Staff view guard: `area` must be set; writes (and `requires_write` views) need write access.

    Anonymous users are sent to the login page; signed-in users without the right get 403.
    """

    area: str | None = None
    requires_write = False

    def needs_write(self) -> bool:
        return self.requires_write or self.request.method in WRITE_METHODS

    def dispatch(self, request, *args, **kwargs):
        if self.area is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a permission area.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, self.area, write=self.needs_write()):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
