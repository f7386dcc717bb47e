from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from .choices import Access, Area, Level, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("role", Role.USER)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(role=Role.ADMIN, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the operator's staff; the email address is the login."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    mobile = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +447700900123")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    mobile_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(models.functions.Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:  # Django admin site access
        return self.is_active and self.is_admin

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class PermissionGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(User, blank=True, related_name="permission_groups")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GroupPermission(models.Model):
    """One level per area per group."""

    group = models.ForeignKey(PermissionGroup, on_delete=models.CASCADE, related_name="permissions")
    area = models.CharField(max_length=20, choices=Area.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.SELECT)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.WRITE)

    class Meta:
        ordering = ["group", "area"]
        constraints = [models.UniqueConstraint(fields=["group", "area"], name="group_permission_area_unique")]

    def __str__(self):
        return f"{self.group}: {self.get_area_display()} {self.get_level_display()}"
