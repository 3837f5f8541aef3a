import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

application = get_wsgi_application()

from workbench.safety import refuse_unsafe_settings  # noqa: E402

refuse_unsafe_settings()

# A web process loads the text model as it starts, in the background, so the
# first participant typing gets hints and no request waits for it.
from django.conf import settings  # noqa: E402

from ml.encoders import load_in_background  # noqa: E402

load_in_background(settings.ML_ENCODER)
