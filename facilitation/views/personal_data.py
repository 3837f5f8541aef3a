"""A personal-data request: find, download or erase what is held about an email."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from facilitation.forms import PersonalDataForm
from facilitation.views.base import StaffView
from ideas import access, selectors, services


class PersonalDataView(StaffView):
    """Find, download or erase everything held about an email address (PDPA)."""

    def check(self, request, **kwargs):
        access.require(access.can_erase_contacts(request.user))

    def get(self, request):
        access.require(access.can_erase_contacts(request.user))
        # POST only: an email address must not end up in URLs and access logs.
        form = PersonalDataForm(request.POST or None)
        context = {"form": form}
        if not form.is_bound or not form.is_valid():
            return self.render("facilitation/admin/personal_data.html", context)
        email = form.cleaned_data["email"]
        action = request.POST.get("action")
        if action == "erase":
            count = services.contacts_erase(email=email, actor=request.user)
            messages.success(
                request,
                _("%(count)d contact records erased; the ideas stay, anonymous.")
                % {"count": count},
            )
            return redirect(reverse("personal_data"))
        report = selectors.personal_data_report(email=email)
        if action == "download":
            response = HttpResponse(
                json.dumps(report, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = (
                'attachment; filename="personal-data.json"'
            )
            return response
        context["report"] = report
        return self.render("facilitation/admin/personal_data.html", context)

    post = get
