from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    USER = "user", "User"


class Area(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    CARRIER = "carrier", "Carrier"
    CARD = "card", "Card"
    ROUTING = "routing", "Routing"
    CDR = "cdr", "CDR"
    LOG = "log", "Log"
    REPORT = "report", "Report"
    SERVER = "server", "Server"
    PORTAL = "portal", "Portal"
    ACCOUNT = "account", "Account"


class Level(models.TextChoices):
    SELECT = "select", "Select"  # no say: neither grants nor denies
    ALLOW = "allow", "Allow"
    DENY = "deny", "Deny"  # wins over any Allow from another group


class Access(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read & Write"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    MOBILE = "mobile", "Mobile"


class DateFormat(models.TextChoices):
    ISO = "Y-m-d", "YYYY-MM-DD"
    EUROPEAN = "d/m/Y", "DD/MM/YYYY"
    AMERICAN = "m/d/Y", "MM/DD/YYYY"
