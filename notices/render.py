"""`message(key, context)`: a stock message as the operator worded it, ready to send."""

import logging
import re
from dataclasses import dataclass

from connexcs.handlebars import render

from .models import MessageTemplate
from .stock import STOCK

log = logging.getLogger(__name__)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    sms: str


def render_fields(source, context: dict) -> Message:
    """`source` (a MessageTemplate or a Stock) rendered; TemplateError names the first bad part."""
    return Message(
        # One line: a header cannot hold a line break.
        subject=_SPACES.sub(" ", render(source.subject, context, escape=False)).strip(),
        text=render(source.text, context, escape=False),
        html=render(source.html, context) if source.html.strip() else "",
        sms=render(source.sms, context, escape=False).strip(),
    )


def message(key: str, context: dict) -> Message:
    """The message `key` for `context`. A saved template that fails to render (it was checked
    against the sample, but real data may differ) is logged and the stock wording is sent."""
    stock = STOCK[key]
    saved = MessageTemplate.objects.filter(key=key).first()
    if saved is not None:
        try:
            return render_fields(saved, context)
        except Exception:
            log.exception("Template %r could not be rendered; the stock wording was sent", key)
    return render_fields(stock, context)
