from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .views import BreadcrumbMixin


class DashboardView(LoginRequiredMixin, BreadcrumbMixin, TemplateView):
    """Landing page for any signed-in staff member; its content is what the menu allows."""

    template_name = "dashboard.html"
    title = "Dashboard"
