"""Admin views beyond the viewsets: coverage of a framework and its exports."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from strategy import exporters, selectors
from strategy.models import Framework

VIEW_PERMISSION = "strategy.view_framework"


def _require_view(user) -> None:
    if not user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


class CoverageIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The frameworks, each with a link to its coverage."""

    template_name = "strategy/admin/coverage_index.html"
    page_title = _("Coverage")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require_view(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = Framework.objects.all()
        return context


class CoverageView(WagtailAdminTemplateMixin, TemplateView):
    """Accepted ideas per theme that feed no measure yet, and each measure's ideas."""

    template_name = "strategy/admin/coverage.html"
    page_title = _("Coverage")
    header_icon = "tasks"

    def dispatch(self, request, *args, pk, **kwargs):
        _require_view(request.user)
        self.framework = get_object_or_404(Framework, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.framework.display_title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("strategy_coverage_index"), "label": self.page_title},
            {"url": "", "label": self.framework.display_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["framework"] = self.framework
        context["coverage"] = selectors.framework_coverage(framework=self.framework)
        return context


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


def export(request, pk: int, format: str):
    """Download the framework as DOCX or Markdown in the admin's language."""
    _require_view(request.user)
    if format not in exporters.FORMATS:
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=pk)
    language = "en" if (get_language() or "").startswith("en") else "th"
    data = exporters.export(framework=framework, format=format, language=language)
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    name = slugify(framework.slug) or "framework"
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response
