"""Users and groups are read-only in the Django admin: every change goes through the panel's services,
which check roles and write the audit log."""

from django.contrib import admin

from .models import GroupPermission, PermissionGroup, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "name", "role", "is_active"]
    search_fields = ["email", "name"]
    exclude = ["password"]


class GroupPermissionInline(admin.TabularInline):
    model = GroupPermission
    extra = 0
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(PermissionGroup)
class PermissionGroupAdmin(ReadOnlyAdmin):
    inlines = [GroupPermissionInline]
