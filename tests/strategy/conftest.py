from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.users.models import UserProfile

from cms.models import FrameworkIndexPage
from ideas.models import Contact, Idea
from strategy import services
from tests.factories import FrameworkFactory, IdeaFactory, UserFactory
from workbench import roles


@pytest.fixture(autouse=True)
def _english(_thai):
    # Messages are asserted by their English msgids, which stay put while the
    # Thai translations change; Thai output is checked through gettext (th()).
    with translation.override("en"):
        yield


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def policy_writer(policy_writer):
    return in_english(policy_writer)


@pytest.fixture
def facilitator(facilitator):
    return in_english(facilitator)


@pytest.fixture
def ideas(event, themes):
    """Accepted, shortlisted, submitted and rejected ideas; one with a contact."""
    services_theme, digital_theme = themes
    made = {
        "copies": IdeaFactory(
            event=event,
            number=12,
            title="ยกเลิกสำเนาบัตรประชาชน",
            status=Idea.Status.SHORTLISTED,
            theme=services_theme,
        ),
        "portal": IdeaFactory(
            event=event,
            number=3,
            title="One-stop service portal",
            status=Idea.Status.ACCEPTED,
            theme=services_theme,
            language="en",
        ),
        "data": IdeaFactory(
            event=event,
            number=7,
            title="เชื่อมโยงข้อมูลระหว่างกระทรวง",
            status=Idea.Status.ACCEPTED,
            theme=digital_theme,
        ),
        "open_data": IdeaFactory(
            event=event,
            number=8,
            title="ข้อมูลเปิดที่เครื่องอ่านได้",
            status=Idea.Status.ACCEPTED,
            theme=digital_theme,
        ),
        "unthemed": IdeaFactory(
            event=event, number=9, title="สำนักงานสีเขียว", status=Idea.Status.ACCEPTED
        ),
        "submitted": IdeaFactory(
            event=event,
            number=20,
            title="ไอเดียที่ยังรอการคัดกรอง",
            theme=services_theme,
        ),
        "rejected": IdeaFactory(
            event=event,
            number=21,
            title="โฆษณาขายของที่ถูกปฏิเสธ",
            status=Idea.Status.REJECTED,
            status_reason="สแปม",
            theme=digital_theme,
        ),
    }
    Contact.objects.create(
        idea=made["copies"],
        name="สมชาย ใจดี",
        email="somchai@example.org",
        phone="080-000-0101",
        consent_at="2022-06-11T09:00:00+07:00",
        consent_text_version="2022-06",
    )
    return made


@pytest.fixture
def framework(event, themes, ideas):
    """A framework of two issues, a goal each, three measures with indicators."""
    services_theme, digital_theme = themes
    framework = FrameworkFactory(slug="reform-2566-2570")
    framework.source_events.set([event])
    framework.save()
    issue1 = services.issue_create(
        framework=framework, title="การบริการภาครัฐ", theme=services_theme
    )
    issue2 = services.issue_create(
        framework=framework, title="รัฐบาลดิจิทัล", theme=digital_theme
    )
    goal1 = services.goal_create(issue=issue1, title="บริการสะดวก รวดเร็ว")
    goal2 = services.goal_create(issue=issue2, title="ข้อมูลเชื่อมโยงกัน")
    one_stop = services.measure_create(
        goal=goal1,
        title="ศูนย์บริการแบบไร้รอยต่อ",
        english_title="Seamless service centre",
        lead_agency="สำนักงาน ก.พ.ร.",
        supporting_agencies=["กรมการปกครอง"],
        pilot_scope="5 จังหวัด",
        estimated_budget=Decimal("45000000"),
        ideas=[ideas["copies"], ideas["portal"]],
    )
    services.indicator_create(
        measure=one_stop,
        name="จำนวนบริการเบ็ดเสร็จ",
        unit="บริการ",
        baseline=Decimal("0"),
        baseline_year=2022,
        targets={2023: 10, 2024: 25, 2025: 50, 2026: 80, 2027: 120},
    )
    no_copies = services.measure_create(
        goal=goal1, title="ยกเลิกสำเนาเอกสาร", ideas=[ideas["copies"]]
    )
    services.indicator_create(
        measure=no_copies,
        name="ร้อยละของบริการที่ไม่ใช้สำเนา",
        unit="ร้อยละ",
        targets={2023: Decimal("30"), 2027: Decimal("100")},
    )
    exchange = services.measure_create(
        goal=goal2, title="แลกเปลี่ยนข้อมูลระหว่างหน่วยงาน", ideas=[ideas["data"]]
    )
    return {
        "framework": framework,
        "issues": [issue1, issue2],
        "goals": [goal1, goal2],
        "measures": [one_stop, no_copies, exchange],
    }


@pytest.fixture
def approver(db):
    return in_english(UserFactory(username="approver", groups=[roles.APPROVER]))


@pytest.fixture
def section(home):
    """The strategy section of the site, where framework documents are written."""
    section = home.add_child(
        instance=FrameworkIndexPage(title="ยุทธศาสตร์", slug="strategy")
    )
    roles.strategy_pages_sync()
    return section
