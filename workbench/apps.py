from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = _("Workbench")

    def ready(self):
        from django.apps import apps

        from workbench import logins  # noqa: F401 (connects its receiver)
        from workbench.roles import sync_roles_after_migrate

        # Roles must exist on every installation, not only where the demo is
        # seeded, so they follow each migrate the way Django's own permissions
        # do. post_migrate is sent only for apps with models; this one has none.
        post_migrate.connect(
            sync_roles_after_migrate,
            sender=apps.get_app_config("ideas"),
            dispatch_uid="workbench.roles",
        )
        # The throttles' and lockouts' shared cache is a table when there is no
        # Redis (settings.CACHES); it follows migrate so no step is forgotten.
        post_migrate.connect(
            create_cache_table,
            sender=apps.get_app_config("ideas"),
            dispatch_uid="workbench.cache_table",
        )


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    call_command("createcachetable", database=using, verbosity=verbosity)
