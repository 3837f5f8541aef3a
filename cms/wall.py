"""The event wall: a login-free page for the projector, refreshed by itself.

The page is whole without JavaScript; ``wall.js`` then asks ``wall/data/``
every few seconds and writes the new numbers and lists into it. Both read
the same data, cached for a few seconds per event and language, so that a
room of participants and the projector cost one set of queries between them.
"""

from django.core.cache import cache
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms.idea_page import idea_page_url
from cms.views import _qr_svg
from ideas.selectors.wall import event_wall

CACHE_SECONDS = 3
# How often the page asks for new data, in milliseconds (read by wall.js).
POLL_MS = 5000


def wall_data(page) -> dict:
    """The wall's data for ``page``, each public idea with its page's address.

    Theme names follow the reader's language, so each language is cached
    apart.
    """
    key = f"cms.wall:{page.pk}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = event_wall(event=page)
        for idea in data["latest"]:
            idea["url"] = idea_page_url(page, idea["number"])
        for row in data["themes"]:
            if row["theme"] is None:
                row["name"] = _("No theme yet")
        data["generated_at"] = timezone.now().isoformat()
        cache.set(key, data, CACHE_SECONDS)
    return data


def _short(url: str) -> str:
    """``url`` as people type it: without its scheme or its last slash."""
    return url.split("://", 1)[-1].rstrip("/")


def wall(request, *, page):
    """The wall's page, rendered whole on the server."""
    form_url = request.build_absolute_uri(page.url or "/")
    response = TemplateResponse(
        request,
        "cms/event_wall.html",
        {
            "page": page,
            "self": page,
            "wall": wall_data(page),
            "data_url": (page.url or "") + page.reverse_subpage("wall_data"),
            "poll_ms": POLL_MS,
            "short_link": _short(form_url),
            # segno's own markup: no text of ours in it but the title, escaped.
            "form_qr": mark_safe(
                _qr_svg(
                    form_url + "#submit",
                    title=_("QR code of the link to the idea form"),
                )
            ),
        },
    )
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def wall_data_view(request, *, page):
    """The wall's data as JSON: counts, the latest public ideas, the clusters."""
    response = JsonResponse(wall_data(page), json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
