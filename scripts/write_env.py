"""Write a local .env with fresh random keys, once. Never overwrites an existing file."""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

path = Path(__file__).resolve().parent.parent / ".env"
if path.exists():
    sys.exit(0)
path.write_text(
    "\n".join(
        [
            "# Local development settings written by `make`; see README for every variable.",
            "DEBUG=true",
            "HTTPS=false",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}",
            "DATABASE_URL=postgres:///connexcs",
            "REDIS_URL=redis://localhost:6379/0",
            "PANEL_HOSTS=localhost,127.0.0.1",
            "PANEL_URL=http://localhost:8000",
            "PORTAL_CNAME_TARGET=portal.localhost",
            "EMAIL_URL=consolemail://",
            "SMS_BACKEND=console",
            "",
        ]
    )
)
path.chmod(0o600)
print(f"wrote {path} with fresh keys")
