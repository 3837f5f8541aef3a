"""An event at a glance, and the ideas that await a theme decision."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import (
    EventView,
    event_context,
    keyword_text,
)
from ideas.models import Idea
from ideas.selectors import triage as triage_selectors

AWAITING_PER_PAGE = 50


@dataclass
class AwaitingRow:
    """An idea waiting for a theme decision, with the model's reasons."""

    idea: Idea
    percent: int | None
    cant_decide: bool
    nearest: list[dict]
    keywords: list[str]
    summary: object = None


def _percent(value) -> int | None:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return None


def _awaiting_row(idea: Idea, theme_names: dict[str, str]) -> AwaitingRow:
    reasons = (
        idea.suggestion_reasons if isinstance(idea.suggestion_reasons, dict) else {}
    )
    nearest = []
    for near in reasons.get("nearest") or []:
        if not isinstance(near, dict):
            continue
        theme = near.get("theme") or ""
        nearest.append(
            {
                "idea": near.get("idea"),
                "number": near.get("number"),
                "title": near.get("title", ""),
                "theme": theme_names.get(str(theme), str(theme)),
                "percent": _percent(near.get("similarity")),
            }
        )
    return AwaitingRow(
        idea=idea,
        percent=_percent(idea.suggestion_confidence),
        cant_decide=(
            idea.suggestion_confidence is not None and idea.suggested_theme_id is None
        ),
        nearest=nearest,
        keywords=[keyword_text(word) for word in reasons.get("keywords") or []],
        summary=triage_selectors.suggestion_summary(idea),
    )


def _counts(queryset, field: str) -> dict:
    # Ideas are ordered by date by default, which would split the groups.
    return dict(
        queryset.order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )


class EventDashboardView(EventView):
    """The event at a glance, and the ideas that await a theme decision."""

    page_title = gettext_lazy("Workbench")

    def get(self, request, event_id: int):
        event = self.event
        themes = list(event.themes.all())
        ideas = Idea.objects.of_event(event)

        status_counts = _counts(ideas, "status")
        theme_counts = _counts(ideas, "theme")
        language_counts = _counts(ideas, "language")
        awaiting = (
            ideas.open()
            .filter(theme__isnull=True)
            .select_related("suggested_theme")
            .order_by("number")
        )
        page = Paginator(awaiting, AWAITING_PER_PAGE).get_page(request.GET.get("page"))
        theme_names = {theme.code: theme.name for theme in themes}
        context = {
            **event_context(request, event),
            "total": sum(status_counts.values()),
            "by_status": [
                (value, label, status_counts.get(value, 0))
                for value, label in Idea.Status.choices
            ],
            "by_theme": [
                (theme.name, theme_counts.get(theme.pk, 0)) for theme in themes
            ]
            + [(_("No theme"), theme_counts.get(None, 0))],
            "by_language": [
                (label, language_counts.get(value, 0))
                for value, label in Idea.Language.choices
            ],
            "themes": themes,
            "page": page,
            "rows": [_awaiting_row(idea, theme_names) for idea in page.object_list],
            "shortlisted": status_counts.get(Idea.Status.SHORTLISTED, 0),
            "waiting": triage_selectors.triage_queue(
                event=event, status=Idea.Status.SUBMITTED
            ).count(),
        }
        return self.render("facilitation/workbench/event.html", context)
