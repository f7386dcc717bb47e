from django import template

from connexcs.tabs import tabs_for

register = template.Library()


@register.inclusion_tag("inc/tabs.html", takes_context=True)
def view_tabs(context):
    """The tabs of the page's tab group (see connexcs.tabs), the current one marked."""
    view = context["view"]
    tabs = tabs_for(view.tab_group, context["request"].user, view.get_tab_kwargs())
    return {"tabs": tabs, "active_tab": view.get_active_tab()}
