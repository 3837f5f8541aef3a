"""The workbench's first page: the events the user may open."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from facilitation.views.base import (
    StaffView,
)
from ideas import access
from ideas.models import Idea


class WorkbenchIndexView(StaffView):
    """The events the user may open, with what awaits them in each."""

    page_title = gettext_lazy("Workbench")

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.VIEW_WORKBENCH))

    def get(self, request):
        # Idea.objects.open(), through the relation for Count's filter.
        open_ideas = ~Q(ideas__status=Idea.Status.REJECTED) & Q(
            ideas__duplicate_of__isnull=True
        )
        events = (
            access.events_with_workbench(request.user)
            .annotate(
                n_ideas=Count("ideas", distinct=True),
                n_awaiting=Count(
                    "ideas",
                    filter=open_ideas & Q(ideas__theme__isnull=True),
                    distinct=True,
                ),
                n_shortlisted=Count(
                    "ideas",
                    filter=Q(ideas__status=Idea.Status.SHORTLISTED),
                    distinct=True,
                ),
                n_clusters=Count(
                    "clusters", filter=Q(clusters__is_active=True), distinct=True
                ),
            )
            .order_by("-start_date", "-pk")
        )
        return self.render(
            "facilitation/workbench/index.html", {"events": list(events)}
        )
