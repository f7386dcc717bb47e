"""The Content-Security-Policy of a brand's portal pages (its own scripts and nobody else's), and
the brand's look for templates."""

from .validation import split_javascript


def content_security_policy(brand) -> str:
    external, _raw = split_javascript(brand.javascript)
    scripts = " ".join(["'self'", *dict.fromkeys(external)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def brand_context(brand) -> dict:
    """What every portal template needs to draw the brand: name, logo, CSS, scripts, footer."""
    external, raw = split_javascript(brand.javascript)
    return {"brand": brand, "brand_external_scripts": external, "brand_has_js": bool(raw)}
