"""A read-only JSON API over public data: events, themes, public ideas, frameworks.

The same privacy rules as the pages: only live, public events and ideas a
facilitator accepted; never contact details, tokens or who decided what.
Documented in docs/api.md.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from cms.models import EventPage
from ideas import exporting, selectors
from ideas.dates import BUDDHIST_ERA_OFFSET
from ideas.numbers import whole_number
from ideas.selectors.public import clusters_public, readable_ideas
from strategy import selectors as strategy_selectors
from strategy.models import Framework

PAGE_SIZE = 50


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _paginate(request, items, serialize):
    wanted = whole_number(request.GET.get("page", "1"))
    if wanted is None or wanted < 1:
        return _error(400, "page must be a whole number from 1.")
    paginator = Paginator(items, PAGE_SIZE)
    try:
        page = paginator.page(wanted)
    except EmptyPage:
        return _error(404, f"There are {paginator.num_pages} pages.")

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number())
            if page.has_previous()
            else None,
            "results": [serialize(item) for item in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _events():
    return EventPage.objects.live().public().order_by("-start_date", "pk")


def _event(event: EventPage, request, *, with_themes: bool = True) -> dict:
    data = {
        "slug": event.slug,
        "title": event.title,
        "english_title": event.english_title,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "location": event.location,
        "english_location": event.english_location,
        "organiser": event.organiser,
        "english_organiser": event.english_organiser,
        "accepts_submissions": event.accepts_submissions,
        "url": event.get_full_url(request),
        "api_url": request.build_absolute_uri(
            reverse("api_event", kwargs={"slug": event.slug})
        ),
        "ideas_api_url": request.build_absolute_uri(
            reverse("api_event_ideas", kwargs={"slug": event.slug})
        ),
        "clusters_api_url": request.build_absolute_uri(
            reverse("api_event_clusters", kwargs={"slug": event.slug})
        ),
    }
    if with_themes:
        data["themes"] = [
            {
                "code": theme.code,
                "name_th": theme.name_th,
                "name_en": theme.name_en,
                "description_th": theme.description_th,
                "description_en": theme.description_en,
            }
            for theme in event.themes.all()
        ]
    return data


@require_GET
def api_index(request):
    return JsonResponse(
        {
            "events": request.build_absolute_uri(reverse("api_events")),
            "frameworks": request.build_absolute_uri(reverse("api_frameworks")),
            "documentation": "docs/api.md in the project's repository",
        }
    )


@require_GET
def api_events(request):
    events = _events().prefetch_related("themes")
    return _paginate(request, events, lambda event: _event(event, request))


def _find_event(slug: str):
    return _events().filter(slug=slug).first()


@require_GET
def api_event(request, slug: str):
    event = _find_event(slug)
    if event is None:
        return _error(404, f"No public event has the slug {slug!r}.")
    return JsonResponse(
        _event(event, request), json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def api_event_ideas(request, slug: str):
    event = _find_event(slug)
    if event is None:
        return _error(404, f"No public event has the slug {slug!r}.")
    ideas = selectors.ideas_public(event=event).prefetch_related("tags")
    theme = request.GET.get("theme")
    if theme:
        ideas = ideas.filter(theme__code=theme)
    return _paginate(request, ideas, exporting.idea_record)


@require_GET
def api_event_clusters(request, slug: str):
    event = _find_event(slug)
    if event is None:
        return _error(404, f"No public event has the slug {slug!r}.")
    clusters = clusters_public(event=event)
    theme = request.GET.get("theme")
    if theme is not None:
        clusters = [cluster for cluster in clusters if cluster.scope == theme]
    return _paginate(
        request,
        clusters,
        lambda cluster: {
            "number": cluster.number,
            "theme": cluster.scope or None,
            "label": cluster.label,
            "keywords": cluster.keywords,
            "size": cluster.size,
            "ideas": cluster.idea_numbers,
        },
    )


def _published_frameworks():
    return Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
        "-start_year", "slug"
    )


def _framework(framework, request) -> dict:
    return {
        "slug": framework.slug,
        "title": framework.title,
        "english_title": framework.english_title,
        "start_year": framework.start_year,
        "end_year": framework.end_year,
        "start_year_be": framework.start_year + BUDDHIST_ERA_OFFSET,
        "end_year_be": framework.end_year + BUDDHIST_ERA_OFFSET,
        "vision": framework.vision,
        "english_vision": framework.english_vision,
        "api_url": request.build_absolute_uri(
            reverse("api_framework", kwargs={"slug": framework.slug})
        ),
    }


def _measure(node) -> dict:
    measure = node.measure
    return {
        "number": node.number,
        "title": measure.title,
        "english_title": measure.english_title,
        "description": measure.description,
        "lead_agency": measure.lead_agency,
        "supporting_agencies": measure.supporting_agencies,
        "pilot_scope": measure.pilot_scope,
        "estimated_budget": (
            str(measure.estimated_budget)
            if measure.estimated_budget is not None
            else None
        ),
        "indicators": [
            {
                "name": indicator.indicator.name,
                "english_name": indicator.indicator.english_name,
                "unit": indicator.indicator.unit,
                "baseline": (
                    str(indicator.indicator.baseline)
                    if indicator.indicator.baseline is not None
                    else None
                ),
                "baseline_year": indicator.indicator.baseline_year,
                "targets": {
                    str(year): str(value) for year, value in indicator.targets.items()
                },
            }
            for indicator in node.indicators
        ],
        # Only ideas the public may read: a cited idea rejected later, or
        # whose event was unpublished, stays out of the public record.
        "ideas": [
            {"event": idea.event.slug, "number": idea.number, "title": idea.title}
            for idea in readable_ideas(node.ideas)
        ],
    }


@require_GET
def api_frameworks(request):
    return _paginate(
        request, _published_frameworks(), lambda item: _framework(item, request)
    )


@require_GET
def api_framework(request, slug: str):
    framework = _published_frameworks().filter(slug=slug).first()
    if framework is None:
        return _error(404, f"No published framework has the slug {slug!r}.")
    tree = strategy_selectors.framework_tree(framework=framework)
    data = _framework(framework, request)
    data["issues"] = [
        {
            "number": issue.number,
            "title": issue.issue.title,
            "english_title": issue.issue.english_title,
            "theme": issue.issue.theme.code if issue.issue.theme else None,
            "goals": [
                {
                    "number": goal.number,
                    "title": goal.goal.title,
                    "english_title": goal.goal.english_title,
                    "measures": [_measure(node) for node in goal.measures],
                }
                for goal in issue.goals
            ],
        }
        for issue in tree.issues
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
