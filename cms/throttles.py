"""Limits on how fast ideas and hints may be asked for, per browser and per address.

A browser is told apart by an id the server issues it (a signed cookie, set by
the event page): a client cannot invent one, as it could a CSRF cookie, and a
script that throws its id away must fetch a new one, which counts against its
address. Every limit per browser has a cap per address beside it; the caps are
generous, since a whole event room shares one Wi-Fi address.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django_ratelimit.core import get_usage

SESSION_GROUP = "ideas.submit.browser"
IP_GROUP = "ideas.submit.ip"
HINTS_GROUP = "ideas.hints.browser"
HINTS_IP_GROUP = "ideas.hints.ip"
ISSUED_GROUP = "ideas.browser.issued"

BROWSER_COOKIE = "workbench_browser"
_BROWSER_SALT = "cms.throttles.browser"
# An event lasts a day or two; a browser keeps its id a little longer.
BROWSER_MAX_AGE = 30 * 24 * 3600

# Why a submission is refused: too many, or from a browser without an id.
TOO_MANY = "too-many"
UNKNOWN_BROWSER = "unknown-browser"


def client_ip(request) -> str:
    """The visitor's address; behind our proxy, the one it saw (right-most)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def _browser_id(request) -> str | None:
    try:
        return request.get_signed_cookie(
            BROWSER_COOKIE, salt=_BROWSER_SALT, max_age=BROWSER_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None


def browser_key(request) -> str:
    """A stable, anonymous key for this browser, from the id the server issued it.

    Empty when the browser has none (or a forged one). Participants need no
    database session (a write per visitor) to be told apart.
    """
    browser = _browser_id(request)
    if not browser:
        return ""
    return hashlib.sha256(f"browser:{browser}".encode()).hexdigest()


def _browser_key(group, request) -> str:
    return browser_key(request)


def _limited(request, *, group: str, key, rate: str) -> bool:
    """Count this request in ``group`` and say whether it is over ``rate``."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    return usage is not None and usage["should_limit"]


def issue_browser_id(request, response) -> None:
    """Give a browser without an id one, unless its address has had too many.

    Called on every event page response: the form a participant fills in
    always comes with an id. A script fetching a fresh id for each submission
    runs into ``IDEAS_BROWSER_IDS_RATE_IP``.
    """
    if _browser_id(request) or _limited(
        request, group=ISSUED_GROUP, key="ip", rate=settings.IDEAS_BROWSER_IDS_RATE_IP
    ):
        return
    response.set_signed_cookie(
        BROWSER_COOKIE,
        secrets.token_urlsafe(18),
        salt=_BROWSER_SALT,
        max_age=BROWSER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def submission_refusal(request) -> str:
    """Count this POST against the address, and say why to refuse it, if at all.

    Returns ``TOO_MANY``, ``UNKNOWN_BROWSER`` or "". The browser's count is
    only read here: it grows by successful submissions (see
    :func:`count_submission`), so a participant correcting a form's errors is
    never locked out.
    """
    if _limited(request, group=IP_GROUP, key="ip", rate=settings.IDEAS_SUBMIT_RATE_IP):
        return TOO_MANY
    if not browser_key(request):
        return UNKNOWN_BROWSER
    by_browser = get_usage(
        request,
        group=SESSION_GROUP,
        key=_browser_key,
        rate=settings.IDEAS_SUBMIT_RATE_SESSION,
    )
    if by_browser is not None and by_browser["count"] >= by_browser["limit"]:
        return TOO_MANY
    return ""


def count_submission(request) -> None:
    get_usage(
        request,
        group=SESSION_GROUP,
        key=_browser_key,
        rate=settings.IDEAS_SUBMIT_RATE_SESSION,
        increment=True,
    )


def hints_refused(request) -> bool:
    """Count a request for hints against this browser and its address; refuse?

    Each one runs the model, so a script typing as fast as it can, or
    throwing its id away, must not take the machine from the participants.
    """
    if _limited(
        request, group=HINTS_IP_GROUP, key="ip", rate=settings.IDEAS_HINTS_RATE_IP
    ):
        return True
    if not browser_key(request):
        return True
    return _limited(
        request, group=HINTS_GROUP, key=_browser_key, rate=settings.IDEAS_HINTS_RATE
    )


def link_mail_refused(request, *, idea_pk: int) -> bool:
    """Whether one idea's tracking page has mailed its link too often lately.

    Counted per idea, not per browser: whoever holds the link could otherwise
    fill the author's mailbox.
    """
    return _limited(
        request,
        group="cms.link_mail",
        key=lambda group, request: f"idea:{idea_pk}",
        rate=settings.IDEAS_LINK_MAIL_RATE,
    )
