import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html_join

from .choices import Level
from .models import PermissionGroup, User


class UserTable(tables.Table):
    name = tables.Column(linkify=lambda record: reverse("accounts:user_edit", args=[record.pk]))
    email = tables.Column()
    role = tables.Column()
    groups = tables.Column(empty_values=(), orderable=False, verbose_name="Groups")
    is_active = tables.BooleanColumn(verbose_name="Active")
    actions = tables.TemplateColumn(
        template_name="accounts/inc/user_actions.html", orderable=False, verbose_name=""
    )

    class Meta:
        model = User
        fields = ["name", "email", "role", "groups", "is_active", "email_verified_at", "actions"]

    def render_groups(self, record):
        return ", ".join(g.name for g in record.permission_groups.all()) or "—"


class GroupTable(tables.Table):
    name = tables.Column(linkify=lambda record: reverse("accounts:group_edit", args=[record.pk]))
    member_count = tables.Column(verbose_name="Members")
    levels = tables.Column(empty_values=(), orderable=False, verbose_name="Permissions")
    actions = tables.TemplateColumn(
        template_name="accounts/inc/group_actions.html", orderable=False, verbose_name=""
    )

    class Meta:
        model = PermissionGroup
        fields = ["name", "member_count", "levels", "actions"]

    def render_levels(self, record):
        shown = [p for p in record.permissions.all() if p.level != Level.SELECT]
        if not shown:
            return "—"
        return format_html_join(
            " ",
            '<span class="badge text-bg-{}">{}: {}</span>',
            (
                (
                    "danger" if p.level == Level.DENY else "success",
                    p.get_area_display(),
                    p.get_level_display(),
                )
                for p in shown
            ),
        )
