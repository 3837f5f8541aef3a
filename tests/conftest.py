import time
import types

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
def _fresh_counts(db, monkeypatch):
    # Throttles and login lockouts count in the cache (a database table, as in
    # production without Redis); each test starts at zero.
    cache.clear()
    # A throttle counts per window of its period, whose edge falls anywhere in
    # the minute: on a slow machine a test's requests could straddle one and
    # be counted in two windows. Within a test, the throttles' clock stands still.
    now = time.time()
    monkeypatch.setattr(
        "django_ratelimit.core.time", types.SimpleNamespace(time=lambda: now)
    )


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
def _fast_passwords(settings):
    # A real hash costs most of a second per user, and tests create many
    # users; what they test is who may do what, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def name_facilitator(event, user):
    """Name ``user`` among the facilitators of ``event``, as its edit form does."""
    event.facilitators.through.objects.get_or_create(eventpage=event, user=user)


def _on_event(request, user):
    # Facilitators work only on the events that name them: a test that has an
    # event names its facilitators there, and one without creates no page.
    if "event" in request.fixturenames:
        name_facilitator(request.getfixturevalue("event"), user)
    return user


@pytest.fixture
def facilitator(db, request):
    return _on_event(
        request, UserFactory(username="facilitator", groups=[roles.FACILITATOR])
    )


@pytest.fixture
def privacy_officer(db, request):
    return _on_event(
        request,
        UserFactory(
            username="privacy", groups=[roles.FACILITATOR, roles.CONTACT_ACCESS]
        ),
    )


@pytest.fixture
def other_event(event_index):
    """A second event, with facilitators of its own."""
    return EventPageFactory(parent=event_index)


@pytest.fixture
def facilitator_other_event(db, other_event):
    """A facilitator named on another event only, not on ``event``."""
    user = UserFactory(username="facilitator-elsewhere", groups=[roles.FACILITATOR])
    name_facilitator(other_event, user)
    return user


@pytest.fixture
def administrator(db):
    """A member of the Administrator group: facilitates every event, unnamed."""
    return UserFactory(username="administrator", groups=[roles.ADMINISTRATOR])


@pytest.fixture
def policy_writer(db):
    return UserFactory(username="writer", groups=[roles.POLICY_WRITER])


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return user


@pytest.fixture
def lexical_model(settings):
    """The lexical encoder: deterministic and quick. The default model's quality
    is measured by `python -m ml evaluate` (docs/evaluation.md)."""
    from ml.encoders import get_encoder

    settings.ML_ENCODER = "lexical"
    # Loaded, as a web process has it once started: hints do not wait for a
    # model still loading (tests/cms/test_hints.py shows what they do then).
    get_encoder("lexical")


@pytest.fixture
def fast_model(lexical_model, settings):
    """The lexical encoder, and background tasks finished within the call."""
    from ideas.selectors.hints import hints_forget

    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    settings.TASKS = {"default": immediate, "background": immediate}
    # The per-process hint indexes are keyed by event id: an earlier test's
    # event, in a database since rolled back or flushed, may have had this
    # one's id (the live server shares this process's indexes too).
    hints_forget()
    yield
    hints_forget()


@pytest.fixture
def db_worker(settings, monkeypatch):
    """The real database task worker: call the returned function to run, in this
    process, every background task waiting."""
    from django.core.management import call_command

    # It must not close the connection that holds the test's transaction, as
    # it does between tasks in its own process.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }

    def run():
        call_command(
            "db_worker",
            "--batch",
            "--backend",
            "background",
            "--no-startup-delay",
            verbosity=0,
        )

    return run


@pytest.fixture
def digital(event):
    """A digital-government theme whose words the lexical encoder recognises."""
    return ThemeFactory(
        event=event,
        code="digital",
        name_th="รัฐบาลดิจิทัลและข้อมูลเปิด",
        name_en="Digital government and open data",
        description_th="ข้อมูลเปิด ระบบดิจิทัล แอปพลิเคชัน",
        description_en="open data, digital services, apps",
    )


@pytest.fixture
def people(event):
    """A public-sector people theme, far from ``digital`` in words."""
    return ThemeFactory(
        event=event,
        code="people",
        name_th="บุคลากรภาครัฐ",
        name_en="Public-sector people",
        description_th="ข้าราชการ การสรรหา ค่าตอบแทน การฝึกอบรม",
        description_en="civil servants, recruitment, pay, training",
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # The access matrix says how many cases it checked (tests/workbench).
    from tests.workbench.test_access_matrix import MATRIX

    summary = config.stash.get(MATRIX, None)
    if summary:
        terminalreporter.write_line(summary)
