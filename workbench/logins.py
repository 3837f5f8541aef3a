"""A brake on failed logins per address, beside django-axes' lockout per account.

Axes locks an account from the address that failed (settings
``AXES_LOCKOUT_PARAMETERS``), so nobody can lock a colleague out from
elsewhere. That leaves password spraying: one address trying a few passwords
on many accounts. Every failed login is counted against its address; past
``WORKBENCH_LOGIN_FAILURES_PER_ADDRESS``, that address's logins are refused
until the window passes, whichever account they name.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse
from django_ratelimit.core import get_usage

GROUP = "workbench.logins.address"


def _usage(request, *, increment: bool):
    return get_usage(
        request,
        group=GROUP,
        key="ip",
        rate=settings.WORKBENCH_LOGIN_FAILURES_PER_ADDRESS,
        increment=increment,
    )


@receiver(user_login_failed, dispatch_uid="workbench.logins.count")
def count_failure(sender, credentials=None, request=None, **kwargs):
    if request is not None:
        _usage(request, increment=True)


def address_braked(request) -> bool:
    """Whether this address has failed too many logins lately."""
    usage = _usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


class LoginBrakeMiddleware:
    """Refuse login attempts from a braked address before a password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == reverse("wagtailadmin_login")
            and address_braked(request)
        ):
            return render(request, "429_login.html", {"by_address": True}, status=429)
        return self.get_response(request)
