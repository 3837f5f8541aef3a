"""Settings a server must not serve with, refused before the first request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_settings() -> None:
    """Raise ImproperlyConfigured when debug is off and the secret key is the default.

    The default key is in the repository: with it anyone can sign session
    and CSRF cookies. ``runserver`` and gunicorn load the WSGI application,
    which calls this, so neither starts; ``make demo`` runs with debug on.
    """
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set and DJANGO_DEBUG is off: refusing to "
            "serve with the key published in the repository. Set "
            "DJANGO_SECRET_KEY to a long random value (see .env.example)."
        )
