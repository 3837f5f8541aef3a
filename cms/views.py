"""Public views: event pages (form, idea tracker) and the private tracking page."""

import secrets

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms import throttles
from cms.forms import HINTS_BUTTON, HONEYPOT_FIELD, IdeaSubmissionForm
from cms.hints import draft_hints
from cms.idea_page import idea_page_url
from ideas import selectors, services, tasks
from ideas.numbers import whole_number
from ideas.selectors.hints import Hints
from ideas.selectors.public import idea_public_get
from judging.selectors import results as judging_selectors
from ml.collation import thai_sort_key
from strategy import selectors as strategy_selectors

TRACKER_PAGE_SIZE = 100
_RECENT_COOKIE = "recent_submission"
_RECENT_SALT = "cms.views.recent_submission"


def _remember_token(response, idea_pk: int, token: str) -> None:
    """Keep a new idea's token in the browser long enough to answer a double click.

    Only its hash is stored with the idea. A signed cookie that expires with
    the double-submit window spares a database session, and its write, per
    participant.
    """
    response.set_signed_cookie(
        _RECENT_COOKIE,
        f"{idea_pk}:{token}",
        salt=_RECENT_SALT,
        max_age=settings.IDEAS_DOUBLE_SUBMIT_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _remembered_token(request, idea_pk: int) -> str | None:
    value = request.get_signed_cookie(
        _RECENT_COOKIE,
        default="",
        salt=_RECENT_SALT,
        max_age=settings.IDEAS_DOUBLE_SUBMIT_SECONDS,
    )
    pk, _sep, token = value.partition(":")
    return token if token and pk == str(idea_pk) else None


_REFUSALS = {
    throttles.TOO_MANY: gettext_lazy(
        "You have sent several ideas in the last minute. Please wait a "
        "minute, then send this one again: what you typed is kept below."
    ),
    # A browser that has not opened the form before (or whose id was
    # refused): the page it gets now carries one.
    throttles.UNKNOWN_BROWSER: gettext_lazy(
        "Please send your idea again: this browser had not opened the form "
        "before. What you typed is kept below."
    ),
}


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _show_hints(request, *, page, context, template):
    """The form again, as typed, with similar ideas: hints without JavaScript.

    Nothing is stored and nothing is validated yet: a draft being checked is
    not a submission, so it earns no error messages and counts against the
    hints' limit, not the submissions'.
    """
    refused = throttles.hints_refused(request)
    context["form"] = IdeaSubmissionForm(initial=request.POST.dict(), event=page)
    context["hints"] = Hints() if refused else draft_hints(request, page=page)
    context["hints_checked"] = True
    context["hints_refused"] = refused
    return TemplateResponse(request, template, context, status=429 if refused else 200)


def event_page(request, *, page, context, template):
    """Show an event; on POST, take an idea and send its author to its tracking page.

    Every answer gives a browser without one the id its limits are counted by.
    """
    response = _event_page(request, page=page, context=context, template=template)
    throttles.issue_browser_id(request, response)
    return response


def _event_page(request, *, page, context, template):
    status = 200
    if request.method != "POST":
        form = IdeaSubmissionForm(event=page)
    else:
        form = IdeaSubmissionForm(request.POST, event=page)
        if request.POST.get(HONEYPOT_FIELD):
            # Only bots fill the hidden field: store nothing and answer like a
            # success, with a link that leads nowhere.
            fake = reverse("idea_track", kwargs={"token": secrets.token_urlsafe(24)})
            return redirect(f"{fake}?submitted=1#main")
        if not page.accepts_submissions:
            # Shown instead of the form; nothing of the POST is stored.
            status = 403
        elif HINTS_BUTTON in request.POST:
            return _show_hints(request, page=page, context=context, template=template)
        elif refusal := throttles.submission_refusal(request):
            form.add_error(None, _REFUSALS[refusal])
            context["form"] = form
            status = 429 if refusal == throttles.TOO_MANY else 400
            return TemplateResponse(request, template, context, status=status)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.idea_submit(
                    event=page,
                    title=data["title"],
                    problem=data["problem"],
                    solution=data["solution"],
                    benefit=data["benefit"],
                    agencies=data["agencies"],
                    team_name=data["team_name"],
                    theme=form.chosen_theme,
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    consent=data["consent"],
                    notify_by_email=data["notify_by_email"],
                    submitter_key=throttles.browser_key(request),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                token = submission.tracking_token or _remembered_token(
                    request, submission.idea.pk
                )
                if token:
                    url = reverse("idea_track", kwargs={"token": token})
                    # Our own fragment, or the browser would carry the form's over.
                    response = redirect(f"{url}?submitted=1#main")
                    if submission.created:
                        _remember_token(response, submission.idea.pk, token)
                        throttles.count_submission(request)
                        # The model's suggestion comes from the worker, so the
                        # participant does not wait for it.
                        tasks.suggest_theme.enqueue(idea_id=submission.idea.pk)
                    return response
                form.add_error(None, _("This idea was received a moment ago."))
        if form.errors:
            status = 400
    context["form"] = form
    return TemplateResponse(request, template, context, status=status)


def _qr_svg(url: str, *, title: str) -> str:
    """``url`` as a QR code in SVG markup, to write into the page itself.

    Made here rather than fetched, so the private link reaches no one else's
    server; ``role="img"`` and the title name it for screen readers.
    """
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, omitsize=True
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def idea_track(request, token: str):
    """The participant's private page for one idea, reached only by its token."""
    idea = selectors.idea_get_by_tracking_token(token=token)
    if idea is None:
        raise Http404
    measures = strategy_selectors.idea_measures(idea=idea)
    tracking_url = request.build_absolute_uri(request.path)
    response = render(
        request,
        "cms/idea_track.html",
        {
            "idea": idea,
            "history": selectors.idea_history(idea=idea),
            "judging": judging_selectors.idea_outcome(idea=idea),
            # Drafts are the office's until approved: their measures are only
            # counted, not named.
            "measures": [m for m in measures if m.adopted],
            "draft_measure_count": sum(1 for m in measures if not m.adopted),
            "just_submitted": request.GET.get("submitted") == "1",
            "tracking_url": tracking_url,
            # segno's own markup: no text of ours in it but the title, escaped.
            "tracking_qr": mark_safe(
                _qr_svg(tracking_url, title=_("QR code of your tracking link"))
            ),
            "public_url": (
                idea_page_url(idea.event, idea.number)
                if idea_public_get(event=idea.event, number=idea.number)
                else ""
            ),
        },
    )
    # The URL is the only key to this page: keep it out of referrers, caches
    # and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def event_ideas(request, *, page):
    """The event's public idea tracker: accepted ideas and what became of them.

    Only ideas_public() ideas, never a contact. An idea shows as adopted when a
    measure of an approved or published framework cites it (any framework,
    whichever events it draws on).
    """
    ideas = list(selectors.ideas_public(event=page))
    by_title = request.GET.get("sort") == "title"
    if by_title:
        # Thai dictionary order, which the database's collation does not know.
        ideas.sort(key=lambda idea: thai_sort_key(idea.title))
    number = request.GET.get("page")
    wanted = whole_number(request.GET.get("idea"))
    if wanted is not None:
        # A link to one idea (from search) opens the page that holds it.
        for position, idea in enumerate(ideas):
            if idea.number == wanted:
                number = position // TRACKER_PAGE_SIZE + 1
                break
    listing = Paginator(ideas, TRACKER_PAGE_SIZE).get_page(number)
    adoptions = strategy_selectors.ideas_adoptions(ideas=list(listing.object_list))
    return TemplateResponse(
        request,
        "cms/event_ideas.html",
        {
            "page": page,
            "self": page,
            "by_title": by_title,
            "listing": listing,
            "sort_query": "sort=title&" if by_title else "",
            "rows": [(idea, adoptions.get(idea.pk, [])) for idea in listing],
        },
    )
