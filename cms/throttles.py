"""Limits on how fast ideas may be submitted, per browser session and per address."""

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

SESSION_GROUP = "ideas.submit.browser"
IP_GROUP = "ideas.submit.ip"


def client_ip(request) -> str:
    """The visitor's address; behind our proxy, the one it saw (right-most)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def browser_key(request) -> str:
    """A stable, anonymous key for this browser: a hash of its CSRF cookie.

    Every accepted POST carries that cookie, so participants need no database
    session (a write per visitor) to be told apart. Without one (a client that
    skips CSRF), the address stands in.
    """
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME) or client_ip(request)
    return hashlib.sha256(f"browser:{secret}".encode()).hexdigest()


def _browser_key(group, request) -> str:
    return browser_key(request)


def submission_refused(request) -> bool:
    """Count this POST against the address, and say whether to refuse it.

    The session's count is only read here: it grows by successful submissions
    (see :func:`count_submission`), so a participant correcting a form's errors
    is never locked out.
    """
    by_ip = get_usage(
        request,
        group=IP_GROUP,
        key="ip",
        rate=settings.IDEAS_SUBMIT_RATE_IP,
        increment=True,
    )
    if by_ip is not None and by_ip["should_limit"]:
        return True
    by_session = get_usage(
        request,
        group=SESSION_GROUP,
        key=_browser_key,
        rate=settings.IDEAS_SUBMIT_RATE_SESSION,
    )
    return by_session is not None and by_session["count"] >= by_session["limit"]


def count_submission(request) -> None:
    get_usage(
        request,
        group=SESSION_GROUP,
        key=_browser_key,
        rate=settings.IDEAS_SUBMIT_RATE_SESSION,
        increment=True,
    )


HINTS_GROUP = "ideas.hints.browser"


def hints_refused(request) -> bool:
    """Count a request for hints against this browser, and say whether to refuse it.

    Each one runs the model, so a script typing as fast as it can must not
    take the machine from the participants.
    """
    usage = get_usage(
        request,
        group=HINTS_GROUP,
        key=_browser_key,
        rate=getattr(settings, "IDEAS_HINTS_RATE", "30/m"),
        increment=True,
    )
    return usage is not None and usage["should_limit"]
