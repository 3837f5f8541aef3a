"""Public views: the submission form on an event page and the private tracking page."""

import hashlib
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from cms import throttles
from cms.forms import HONEYPOT_FIELD, IdeaSubmissionForm
from ideas import selectors, services

_SESSION_TOKENS = "recent_tracking_tokens"


def _submitter_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(
        f"submitter:{request.session.session_key}".encode()
    ).hexdigest()


def _remember_token(request, idea_pk: int, token: str) -> None:
    """Keep a new idea's token in the session just long enough to answer a double click.

    Only its hash is stored with the idea; the plain token lives here for the
    double-submit window and is then dropped.
    """
    now = time.time()
    window = settings.IDEAS_DOUBLE_SUBMIT_SECONDS
    recent = {
        pk: entry
        for pk, entry in request.session.get(_SESSION_TOKENS, {}).items()
        if now - entry[1] <= window
    }
    recent[str(idea_pk)] = [token, now]
    request.session[_SESSION_TOKENS] = recent


def _remembered_token(request, idea_pk: int) -> str | None:
    entry = request.session.get(_SESSION_TOKENS, {}).get(str(idea_pk))
    return entry[0] if entry else None


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def event_page(request, *, page, context, template):
    """Show an event; on POST, take an idea and send its author to its tracking page."""
    status = 200
    form = IdeaSubmissionForm(event=page)
    if request.method == "POST":
        form = IdeaSubmissionForm(request.POST, event=page)
        if request.POST.get(HONEYPOT_FIELD):
            # Only bots fill the hidden field: store nothing and answer like a
            # success, with a link that leads nowhere.
            fake = reverse("idea_track", kwargs={"token": secrets.token_urlsafe(24)})
            return redirect(f"{fake}?submitted=1#main")
        if not page.accepts_submissions:
            # Shown instead of the form; nothing of the POST is stored.
            status = 403
        elif throttles.submission_refused(request):
            form.add_error(
                None,
                _(
                    "You have sent several ideas in the last minute. Please wait a "
                    "minute, then send this one again: what you typed is kept below."
                ),
            )
            context["form"] = form
            return TemplateResponse(request, template, context, status=429)
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
                    submitter_key=_submitter_key(request),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                token = submission.tracking_token or _remembered_token(
                    request, submission.idea.pk
                )
                if token:
                    if submission.created:
                        _remember_token(request, submission.idea.pk, token)
                        throttles.count_submission(request)
                    url = reverse("idea_track", kwargs={"token": token})
                    # Our own fragment, or the browser would carry the form's over.
                    return redirect(f"{url}?submitted=1#main")
                form.add_error(None, _("This idea was received a moment ago."))
        if form.errors:
            status = 400
    context["form"] = form
    return TemplateResponse(request, template, context, status=status)


def idea_track(request, token: str):
    """The participant's private page for one idea, reached only by its token."""
    idea = selectors.idea_get_by_tracking_token(token=token)
    if idea is None:
        raise Http404
    response = render(
        request,
        "cms/idea_track.html",
        {
            "idea": idea,
            "history": selectors.idea_history(idea=idea),
            "just_submitted": request.GET.get("submitted") == "1",
            "tracking_url": request.build_absolute_uri(request.path),
        },
    )
    # The URL is the only key to this page: keep it out of referrers, caches
    # and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response
