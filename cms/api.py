"""A read-only JSON API over public data: events, their themes and public ideas.

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

PAGE_SIZE = 50


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _paginate(request, items, serialize):
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        return _error(400, "page must be a whole number from 1.")
    paginator = Paginator(items, PAGE_SIZE)
    try:
        page = paginator.page(int(raw))
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
