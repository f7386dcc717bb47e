"""All settings come from the environment (12-factor); `.env` is read for local runs only."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # never overrides variables already set

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else "insecure-dev-only-key")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

# Secrets at rest use their own keys, newest first, so rotating SECRET_KEY never loses data.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# Host validation is done by connexcs.hosts.HostMiddleware, which also knows portal domains.
PANEL_HOSTS = env.list("PANEL_HOSTS", default=["localhost", "127.0.0.1"])
ALLOWED_HOSTS = ["*"]
PANEL_URL = env.str("PANEL_URL", default="http://localhost:8000").rstrip("/")
PORTAL_CNAME_TARGET = env.str("PORTAL_CNAME_TARGET", default="portal.localhost")
# Port put in links mailed to portal users (empty: the scheme's default; set it for local testing).
PORTAL_LINK_PORT = env.str("PORTAL_LINK_PORT", default="")
# Addresses besides loopback that may ask /portal/tls/ask (the Caddy host, if Caddy runs elsewhere).
PORTAL_ASK_ALLOWED = env.list("PORTAL_ASK_ALLOWED", default=[])
# Reverse proxies whose X-Forwarded-For is believed (CIDRs); Caddy runs on the panel's host.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])
SIP_REALM = env.str("SIP_REALM", default="sip.localhost")
# What the portal's Interconnect Info page lists: "transport:host:port" of the switches.
INTERCONNECT_ADDRESSES = env.list(
    "INTERCONNECT_ADDRESSES", default=[f"udp:{SIP_REALM}:5060", f"tcp:{SIP_REALM}:5060"]
)
# Each process rebuilds its routing snapshot in a background thread when the routing version moves.
ROUTING_BACKGROUND_RELOAD = env.bool("ROUTING_BACKGROUND_RELOAD", default=True)
# Name servers for resolving SIP peers' host names and SRV records ("host" or "host:port");
# empty uses the system resolver.
DNS_NAMESERVERS = env.list("DNS_NAMESERVERS", default=[])
DNS_TIMEOUT = env.float("DNS_TIMEOUT", default=3.0)
DNS_REFRESH_SECONDS = env.int("DNS_REFRESH_SECONDS", default=300)
# Servers (Setup > Settings > Servers): a provider endpoint override (e.g. a local fake of the
# provider's API), its timeout in seconds, how often switches report and when silence means Unreachable.
SERVERS_PROVIDER_ENDPOINT = env.str("SERVERS_PROVIDER_ENDPOINT", default="")
SERVERS_PROVIDER_TIMEOUT = env.int("SERVERS_PROVIDER_TIMEOUT", default=20)
SERVERS_HEARTBEAT_SECONDS = env.int("SERVERS_HEARTBEAT_SECONDS", default=60)
SERVERS_UNREACHABLE_AFTER = env.int("SERVERS_UNREACHABLE_AFTER", default=300)
# A new server's test period in days (its Expires); 0: none unless one is set on Add Server or Edit.
SERVERS_TRIAL_DAYS = env.int("SERVERS_TRIAL_DAYS", default=0)
# The password `manage.py seed_demo` gives the demo users.
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="connexcs-demo")

INSTALLED_APPS = [
    "accounts.admin_site.PanelAdminConfig",  # django.contrib.admin behind the panel's login and 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_countries",
    "connexcs",
    "accounts",
    "customers",
    "carriers",
    "ratecards",
    "routing",
    "cdr",
    "portal",
    "servers",
    "payments",
    "packages",
    "notices",
    "mailings",
    "certificates",
]

MIDDLEWARE = [
    "connexcs.hosts.HostMiddleware",
    "connexcs.audit.AuditContextMiddleware",  # first: events recorded by any later layer get the IP
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.sessions.PortalSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TwoFactorEnrolmentMiddleware",
    "accounts.dates.PanelDateFormatMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "connexcs.urls"
WSGI_APPLICATION = "connexcs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "connexcs.menu.menu",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///connexcs")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock a username per source IP, so one attacker cannot lock everybody behind a shared NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field (it holds the email address)
# Letter case must not give an attacker a fresh counter: `User@X` and `user@x` are one identity.
AXES_USERNAME_CALLABLE = "accounts.auth_views.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files in production (after collectstatic); plain finders locally and in tests.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
# A CA bundle for SMTP servers with a private certificate; empty means the system store.
SMTP_CA_FILE = env.str("SMTP_CA_FILE", default="")
SMS_BACKEND = env.str("SMS_BACKEND", default="console")  # console | file | locmem | http | dotted path
SMS_FROM = env.str("SMS_FROM", default="")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "sms.log"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

# Online payments: empty = the providers' own API hosts (PayPal's by the gateway's Mode). Tests and
# local runs point them at the fakes in tests/fakes/. WEBHOOK_MAX_BYTES caps a webhook body.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
PAYPAL_API_BASE = env.str("PAYPAL_API_BASE", default="")
PAYMENT_PROVIDER_TIMEOUT = env.float("PAYMENT_PROVIDER_TIMEOUT", default=20.0)
WEBHOOK_MAX_BYTES = env.int("WEBHOOK_MAX_BYTES", default=65536)

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it ends, and put back if its worker process dies, so a crash never
# loses a job. Redis hands an unacknowledged task out again after the visibility timeout; jobs claim
# their row first, so a second delivery of a running job does nothing (see ratecards.services.jobs).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A rate-card job whose heartbeat is older than this is taken to have lost its worker.
RATECARD_JOB_STALE_SECONDS = env.int("RATECARD_JOB_STALE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    # Each app schedules its own periodic work (the core names no app's code, only these task names).
    "customers-refresh-dns": {"task": "customers.tasks.refresh_dns", "schedule": 60.0},
    "carriers-refresh-dns": {"task": "carriers.tasks.refresh_dns", "schedule": 60.0},
    "recheck-portal-domains": {"task": "portal.tasks.recheck_domains", "schedule": 300.0},
    "drain-outbox": {"task": "connexcs.tasks.drain_outbox", "schedule": 30.0},
    "reap-ratecard-jobs": {"task": "ratecards.tasks.reap_jobs", "schedule": 30.0},
    "cdr-partitions-ahead": {"task": "cdr.tasks.ensure_partitions", "schedule": 3600.0},
    "servers-mark-unreachable": {"task": "servers.tasks.mark_unreachable", "schedule": 60.0},
    "servers-mark-expired": {"task": "servers.tasks.mark_expired", "schedule": 60.0},
    # Hourly: each run charges what is due and catches up missed days; charges happen once per period.
    "bill-packages": {"task": "packages.tasks.bill_packages", "schedule": 3600.0},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Behind TLS (production) every cookie is secure and HSTS is on; local http runs set HTTPS=false.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[PANEL_URL])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
