"""The admin home's panels, and labels Wagtail's own widgets lack."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from workbench.home_panels import role_panels


@hooks.register("construct_homepage_panels")
def add_role_panels(request, panels):
    # Ours first: Wagtail's own (recent edits, pages in moderation) follow.
    panels[:0] = role_panels(request.user)


@hooks.register("insert_global_admin_js")
def label_tag_inputs():
    return format_html('<script src="{}" defer></script>', static("js/admin-labels.js"))
