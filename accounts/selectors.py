from django.db.models import Count, Prefetch

from .models import GroupPermission, PermissionGroup, User


def user_list(*, actor) -> "QuerySet[User]":  # noqa: F821
    return User.objects.prefetch_related(
        Prefetch("permission_groups", queryset=PermissionGroup.objects.order_by("name"))
    ).order_by("email")


def group_list(*, actor) -> "QuerySet[PermissionGroup]":  # noqa: F821
    return (
        PermissionGroup.objects.annotate(member_count=Count("members", distinct=True))
        .order_by("name")
        .prefetch_related("permissions")
    )


def user_grant_rows(user) -> "QuerySet":  # noqa: F821
    """(area, level, access) of every group the user belongs to: what connexcs.permissions weighs."""
    return GroupPermission.objects.filter(group__members=user).values_list("area", "level", "access")
