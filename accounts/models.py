from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from connexcs.dns import MAX_PORT
from connexcs.fields import EncryptedTextField
from connexcs.money import CurrencyField

from .choices import Access, Area, Channel, DateFormat, Level, Role

SMTP_PORT = 25  # plain SMTP; 587 (STARTTLS) and 465 (implicit TLS) are the usual alternatives


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


class TwoFactor(models.Model):
    """A user's TOTP enrolment. `secret` is set at enrolment; `confirmed_at` once a code proved it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The newest time step accepted; a code for this step or an older one is a replay.
    last_step = models.BigIntegerField(null=True, blank=True)
    # Wrong codes at the log-in step, counted under a row lock so parallel guesses cannot race past
    # the limit; while `locked_until` is ahead even the right code is refused.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"2FA for {self.user}"

    @property
    def is_enabled(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Recovery code of {self.user}"


class VerificationCode(models.Model):
    """A 6-digit code proving a person reads an email address or a mobile number.

    Only its hash is kept for checking; `outgoing` is an encrypted copy the worker reads to send
    the message and then blanks.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=254)  # the address or number the code was sent to
    code_hash = models.CharField(max_length=128)
    outgoing = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "channel", "created_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} code for {self.user}"


class AccountSettings(models.Model):
    """The operator's own account: one row (pk=1), read with `AccountSettings.load()`."""

    # Company Information
    company_name = models.CharField("Name", max_length=200, blank=True)
    address_line1 = models.CharField("Address Line 1", max_length=200, blank=True)
    address_line2 = models.CharField("Address Line 2", max_length=200, blank=True)
    city = models.CharField("City", max_length=100, blank=True)
    county = models.CharField("County/State", max_length=100, blank=True)
    country = CountryField("Country", blank=True)
    post_code = models.CharField("Post Code", max_length=20, blank=True)
    # General Information
    currency = CurrencyField("Currency")
    date_format = models.CharField(
        "Date Format", max_length=20, choices=DateFormat.choices, default=DateFormat.ISO
    )
    phone = models.CharField("Phone", max_length=20, blank=True)
    mobile = models.CharField("Mobile", max_length=20, blank=True)
    email_on_login = models.BooleanField(
        "Email me at every login",
        default=False,
        help_text="Each staff member gets an email when they log in.",
    )
    require_two_factor = models.BooleanField("Require two factor authentication for all staff", default=False)
    # SMTP details
    smtp_from = models.EmailField("From Address", blank=True)
    smtp_username = models.CharField("Username", max_length=200, blank=True)
    smtp_password = EncryptedTextField("Password", blank=True)
    smtp_server = models.CharField("Server", max_length=200, blank=True)
    smtp_port = models.PositiveIntegerField(
        "Port", default=SMTP_PORT, validators=[MinValueValidator(1), MaxValueValidator(MAX_PORT)]
    )
    smtp_tls = models.BooleanField("TLS", default=False)
    sms_from = models.CharField("From Mobile", max_length=20, blank=True)
    # Internal Number Blocks (customer_main.md): customers' SIP extensions come from blocks of this size,
    # counted from this number.
    number_range_start = models.PositiveBigIntegerField(
        "Number Range Start",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10**15)],
        help_text="The first number of the first Internal Number Block, e.g. 1000.",
    )
    number_block_size = models.PositiveIntegerField(
        "Block Size",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text="How many numbers one Internal Number Block holds, e.g. 100.",
    )

    class Meta:
        verbose_name_plural = "account settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="account_settings_single_row")]

    def __str__(self):
        return self.company_name or "My Account"

    def clean(self):
        if (self.number_range_start is None) != (self.number_block_size is None):
            raise ValidationError(
                {"number_block_size": "Set both Number Range Start and Block Size, or neither."}
            )

    @classmethod
    def load(cls) -> "AccountSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
