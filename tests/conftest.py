import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Site

from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    HomePageFactory,
    ThemeFactory,
    UserFactory,
)
from workbench import roles


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    # The test client and the live server speak plain HTTP; production
    # redirects to HTTPS (checked by tests/workbench/test_deploy.py). Set for
    # the session, before the live server loads its middleware.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _fresh_counts():
    # Throttles and login lockouts count in the cache; each test starts at zero.
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses hashed file names from collectstatic; tests render
    # templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _thai(db):
    # Requests pick their language from the cookie or Accept-Language; code
    # run directly in a test (services, selectors) reads Thai like the site.
    with translation.override("th"):
        yield


@pytest.fixture
def home(db):
    home = HomePageFactory()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    Site.clear_site_root_paths_cache()
    return home


@pytest.fixture
def event_index(home):
    return EventIndexPageFactory(parent=home)


@pytest.fixture
def event(event_index):
    return EventPageFactory(parent=event_index)


@pytest.fixture
def themes(event):
    return [
        ThemeFactory(
            event=event, code="services", name_th="บริการภาครัฐ", name_en="Services"
        ),
        ThemeFactory(
            event=event, code="digital", name_th="รัฐบาลดิจิทัล", name_en="Digital"
        ),
    ]


@pytest.fixture
def facilitator(db):
    return UserFactory(username="facilitator", groups=[roles.FACILITATOR])


@pytest.fixture
def privacy_officer(db):
    return UserFactory(
        username="privacy", groups=[roles.FACILITATOR, roles.CONTACT_ACCESS]
    )


@pytest.fixture
def policy_writer(db):
    return UserFactory(username="writer", groups=[roles.POLICY_WRITER])


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return user
