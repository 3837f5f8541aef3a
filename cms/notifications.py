"""Public views of authors' mail: the tracking link by mail, and stopping mails.

Neither needs a login: the tracking page's own URL is the key to the first,
a signed link in every mail the key to the second.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from cms import throttles
from ideas import selectors, services


def _private(response):
    # Both URLs carry a key: keep them out of referrers, caches and indexes.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
def tracking_link_mail(request, token: str):
    """Mail the tracking link to the address the author gave, then go back."""
    idea = selectors.idea_get_by_tracking_token(token=token)
    if idea is None:
        raise Http404
    back = request.path.removesuffix("email/")
    if throttles.link_mail_refused(request, idea_pk=idea.pk):
        return _private(redirect(f"{back}?mailed=later#mail-link"))
    tracking_url = request.build_absolute_uri(back)
    if not services.tracking_link_send(idea=idea, tracking_url=tracking_url):
        raise Http404
    return _private(redirect(f"{back}?mailed=1#mail-link"))


def notifications_stop(request, token: str):
    """Ask, then stop, the mails about an idea: a GET changes nothing, since
    mail scanners open links."""
    state = "ask"
    status = 200
    if request.method == "POST":
        if services.notifications_stop(token=token):
            state = "stopped"
        else:
            state, status = "invalid", 400
    return _private(
        TemplateResponse(
            request, "cms/notifications_stop.html", {"state": state}, status=status
        )
    )
