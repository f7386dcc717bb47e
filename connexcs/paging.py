"""Page sizes come from a fixed set: `?per_page=200000` or `-1` must not cost minutes or a 500."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django_tables2 import RequestConfig

PAGE_SIZES = (25, 50, 100, 250)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]


def page_size(value, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The asked size if it is one we offer, else the list's default."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


class PanelRequestConfig(RequestConfig):
    """RequestConfig whose per_page is taken from PAGE_SIZES only (the stock one trusts any integer)."""

    def configure(self, table):
        if not self.paginate:
            return super().configure(table)
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        kwargs = dict(self.paginate) if hasattr(self.paginate, "items") else {}
        kwargs.pop("silent", None)
        default = kwargs.get("per_page", DEFAULT_PAGE_SIZE)
        kwargs["per_page"] = page_size(self.request.GET.get(table.prefixed_per_page_field), default)
        try:
            kwargs["page"] = int(self.request.GET.get(table.prefixed_page_field, 1))
        except ValueError:
            kwargs["page"] = 1
        try:
            table.paginate(**kwargs)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
        return table


def configure_table(request, table, *, per_page: int | None = DEFAULT_PAGE_SIZE):
    """Sort and paginate `table` from the request; per_page=None shows every row (short child lists)."""
    paginate = {"per_page": per_page} if per_page else False
    return PanelRequestConfig(request, paginate=paginate).configure(table)
