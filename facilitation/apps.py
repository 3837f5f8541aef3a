from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    """The staff screens: ideas, contacts, the workbench, duplicates, files."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "facilitation"
    verbose_name = _("Facilitation")

    def ready(self):
        from wagtail.models.audit_log import ModelLogEntryManager

        from ideas import access

        # Wagtail's site history, its filters and its user filter list every
        # log entry of a model on which the user holds any permission: for a
        # facilitator, every event's idea titles. It offers no hook, so its
        # one question is narrowed by the access rule.
        everything = ModelLogEntryManager.viewable_by_user

        def viewable_by_user(manager, user):
            return access.log_entries_readable(user, everything(manager, user))

        ModelLogEntryManager.viewable_by_user = viewable_by_user
