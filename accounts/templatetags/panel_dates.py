from django import template

from accounts.dates import panel_date as _panel_date

register = template.Library()


@register.filter(expects_localtime=True)
def panel_date(value):
    return _panel_date(value)
