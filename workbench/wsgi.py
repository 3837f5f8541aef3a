import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

application = get_wsgi_application()

from workbench.safety import refuse_unsafe_settings  # noqa: E402

refuse_unsafe_settings()
