"""Checks on what an operator types or uploads for a brand: its domain name, logo and custom JS."""

import io
import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import split_domain_port

from connexcs.dns import HOST_RE

LOGO_MAX_WIDTH = 350
LOGO_MAX_BYTES = 512 * 1024
LOGO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
# The seeds allow a reference to an external script as well as raw JavaScript.
SCRIPT_TAG_RE = re.compile(
    r"""<script\s+src\s*=\s*["'](https://[^"'\s<>]+)["']\s*>\s*</script>""", re.IGNORECASE
)


def own_host_names() -> set[str]:
    names = {h.lower().rstrip(".") for h in settings.PANEL_HOSTS}
    panel_host, _port = split_domain_port(settings.PANEL_URL.split("://", 1)[-1].split("/", 1)[0])
    names.add(panel_host)
    names.add(settings.PORTAL_CNAME_TARGET.lower().rstrip("."))
    return {n for n in names if n}


def normalise_domain(value: str) -> str:
    """The canonical (IDNA, lowercase, no trailing dot) form, or a ValidationError saying why not."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("Enter the domain your customers will use, e.g. portal.yourdomain.com.")
    if "*" in raw:
        raise ValidationError("Wildcards are not allowed: enter one exact domain name.")
    text = raw.lower().rstrip(".")
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError(f"{raw!r} is not a valid domain name.") from exc
    try:
        ipaddress.ip_address(ascii_name)
    except ValueError:
        pass
    else:
        raise ValidationError("Enter a domain name, not an IP address: the portal needs a CNAME record.")
    for own in own_host_names():
        if ascii_name == own or ascii_name.endswith("." + own):
            raise ValidationError(f"{ascii_name} is one of this panel's own host names (or under one).")
    if len(ascii_name) > 253 or not HOST_RE.match(ascii_name):
        raise ValidationError(f"{raw!r} is not a valid domain name.")
    return ascii_name


def check_logo(upload) -> tuple[bytes, str]:
    """The logo's bytes and content type, read as an image: JPEG, PNG or GIF, at most 350 px wide."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is larger than {LOGO_MAX_BYTES // 1024} KB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, width = image.format, image.width
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("The logo is not a readable JPG, PNG or GIF image.") from exc
    if kind not in LOGO_FORMATS:
        raise ValidationError(f"The logo is a {kind} image; upload a JPG, PNG or GIF.")
    if width > LOGO_MAX_WIDTH:
        raise ValidationError(f"The logo is {width} px wide; at most {LOGO_MAX_WIDTH} px is allowed.")
    return data, LOGO_FORMATS[kind]


def split_javascript(text: str) -> tuple[list[str], str]:
    """(external script URLs, raw JavaScript) from the brand's Javascript box."""
    urls = SCRIPT_TAG_RE.findall(text or "")
    return urls, SCRIPT_TAG_RE.sub("", text or "").strip()


def check_javascript(text: str) -> None:
    _urls, raw = split_javascript(text)
    if re.search(r"</?script", raw, re.IGNORECASE):
        raise ValidationError(
            'Enter raw JavaScript, or reference a file as <script src="https://..."></script>.'
        )
