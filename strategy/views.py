"""Admin views beyond the viewsets: coverage, exports, a measure from a cluster."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ideas import access
from ideas.i18n import reader_language
from ideas.models import Cluster, Theme
from strategy import exporters, selectors, services
from strategy.models import Framework, Goal, merged_cluster_message


def _require_view(user) -> None:
    access.require(access.has(user, access.VIEW_FRAMEWORK))


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
    "pdf": "application/pdf",
}


def export(request, pk: int, format: str):
    """Download the framework as DOCX, Markdown or PDF in the admin's language."""
    _require_view(request.user)
    if format not in exporters.FORMATS:
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=pk)
    language = reader_language()
    try:
        data = exporters.export(framework=framework, format=format, language=language)
    except exporters.ExportUnavailable as error:
        messages.error(request, str(error))
        return redirect(
            reverse("wagtailsnippets_strategy_framework:edit", args=[framework.pk])
        )
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    name = slugify(framework.slug) or "framework"
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


# A measure from a cluster


class MeasureFromClusterForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"),
        queryset=Goal.objects.none(),
        help_text=_(
            "Goals of draft frameworks that draw on this cluster's event. The "
            "measure is added at the end of the goal's measures."
        ),
    )
    title = forms.CharField(
        label=_("Title of the measure"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to start from the cluster's name."),
    )

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = (
            Goal.objects.filter(issue__framework__status=Framework.Status.DRAFT)
            .filter(
                Q(issue__framework__source_events=cluster.event_id)
                | Q(issue__framework__source_events__isnull=True)
            )
            .distinct()
            .select_related("issue__framework")
            .order_by(
                "issue__framework__title", "issue__sort_order", "sort_order", "pk"
            )
        )
        self.fields["goal"].label_from_instance = lambda goal: (
            f"{goal.issue.framework.title} › {goal.issue.title} › {goal.title}"
        )
        self.fields["title"].widget.attrs["placeholder"] = cluster.label


class MeasureFromClusterView(WagtailAdminTemplateMixin, FormView):
    """Pick a goal of a draft framework; the measure is drafted from the cluster."""

    template_name = "strategy/admin/measure_from_cluster.html"
    form_class = MeasureFromClusterForm
    page_title = _("Create a measure from a cluster")
    header_icon = "tasks"

    def dispatch(self, request, *args, cluster_id, **kwargs):
        access.require(access.has(request.user, access.ADD_MEASURE))
        self.cluster = get_object_or_404(
            Cluster.objects.select_related("event", "merged_into"), pk=cluster_id
        )
        access.require(access.can_read_workbench(request.user, self.cluster.event))
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.cluster.label

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.cluster}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ideas, left_out = selectors.cluster_citable_ideas(cluster=self.cluster)
        context.update(
            cluster=self.cluster,
            theme=Theme.objects.filter(
                event_id=self.cluster.event_id, code=self.cluster.scope
            ).first()
            if self.cluster.scope
            else None,
            ideas=ideas,
            left_out_message=services.cluster_left_out_message(
                cluster=self.cluster, count=left_out
            ),
            merged_message=""
            if self.cluster.is_active
            else merged_cluster_message(self.cluster),
            action_url=self.request.path,
            submit_button_label=_("Create the measure"),
            submit_button_active_label=_("Creating…"),
        )
        return context

    def form_valid(self, form):
        _ideas, left_out = selectors.cluster_citable_ideas(cluster=self.cluster)
        try:
            measure = services.measure_create_from_cluster(
                cluster=self.cluster,
                goal=form.cleaned_data["goal"],
                title=form.cleaned_data["title"],
                actor=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        cited = measure.cited_ideas.count()
        message = ngettext(
            "The measure “%(title)s” has been created from the cluster, citing "
            "%(count)d idea.",
            "The measure “%(title)s” has been created from the cluster, citing "
            "%(count)d ideas.",
            cited,
        ) % {"title": measure.title, "count": cited}
        left_out_message = services.cluster_left_out_message(
            cluster=self.cluster, count=left_out
        )
        messages.success(
            self.request, f"{message} {left_out_message}" if left_out else message
        )
        return redirect(
            reverse("wagtailsnippets_strategy_measure:edit", args=[measure.pk])
        )
