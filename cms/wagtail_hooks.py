"""The public site's pages in Wagtail's admin (the staff screens: facilitation)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from ideas import selectors


@hooks.register("before_delete_page")
def keep_events_that_have_ideas(request, page):
    """Deleting an event would take its participants' ideas with it; refuse."""
    if selectors.ideas_exist_under(page_path=page.path):
        messages.error(
            request,
            _(
                "This page holds an event with submitted ideas, so it cannot be "
                "deleted. Unpublish it to take it off the site; the ideas stay."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
