"""Similar ideas and a suggested theme, shown while a participant types."""

import dataclasses

from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_protect

from cms import throttles
from cms.idea_page import idea_page_url
from ideas import services
from ideas.selectors.hints import Hints, hint_text, idea_hints


def draft_hints(request, *, page) -> Hints:
    """Hints for the draft in ``request.POST``; empty once the event has closed.

    Reads only the title, problem and solution: nothing else of the form
    (contact details above all) reaches the model. Public ideas without a
    vector yet are left to the worker, which this asks to embed them. Each
    similar idea links to its own public page, where it can be read whole.
    """
    if not page.accepts_submissions:
        return Hints()
    text = hint_text(
        title=request.POST.get("title", ""),
        problem=request.POST.get("problem", ""),
        solution=request.POST.get("solution", ""),
    )
    found = idea_hints(event=page, text=text)
    if found.vectors_missing:
        services.ideas_embed_request(event_id=page.pk)
    return dataclasses.replace(
        found,
        similar=[
            {**item, "url": idea_page_url(page, item["number"])}
            for item in found.similar
        ],
    )


@csrf_protect
def hints(request, *, page):
    """The hints fragment for the event page's live region.

    POST only, so that what a participant types never lands in an access
    log's query string; throttled per browser, since each request runs the
    model; never cached, since it answers one draft.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    status = 200
    if throttles.hints_refused(request):
        found, refused, status = Hints(), True, 429
    else:
        found, refused = draft_hints(request, page=page), False
    response = TemplateResponse(
        request,
        "cms/includes/hints.html",
        {"page": page, "hints": found, "refused": refused},
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
