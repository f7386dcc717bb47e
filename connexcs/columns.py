"""Table columns that say what a number means: 0 is no limit, a duration has its unit."""

import django_tables2 as tables

UNLIMITED = "Unlimited"


class LimitColumn(tables.Column):
    """Channels, CPS and other limits where 0 means there is none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return value or UNLIMITED


class SecondsColumn(LimitColumn):
    def render(self, value):
        return f"{value} s" if value else UNLIMITED
