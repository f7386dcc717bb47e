from django.contrib import admin

from .models import GroupPermission, PermissionGroup, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "role", "is_active"]
    search_fields = ["email", "name"]
    exclude = ["password"]


class GroupPermissionInline(admin.TabularInline):
    model = GroupPermission
    extra = 0


@admin.register(PermissionGroup)
class PermissionGroupAdmin(admin.ModelAdmin):
    inlines = [GroupPermissionInline]
    filter_horizontal = ["members"]
