"""Factories whose free text carries markup, so every page is tested for escaping."""

import hashlib
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory
from wagtail.models import Page

from cms.models import EventIndexPage, EventPage, HomePage
from ideas.models import Idea, Theme
from strategy.models import Framework, Goal, Indicator, Measure, StrategicIssue

SCRIPT = "<script>alert('x')</script>"
# Every factory-made user's password, for tests that log in through a form.
PASSWORD = "correct horse 2565"

# Three topics the lexical encoder tells apart, in the words participants use:
# clustering tests expect one cluster per topic.
TOPICS = {
    "digital": [
        "Open data portal for government datasets",
        "Digital ID app for online government services",
        "Government data exchange platform open data",
    ],
    "people": [
        "Civil servant training and career paths",
        "Recruit young civil servants with fair pay",
        "Career training for civil servants in provinces",
    ],
    "queue": [
        "Online queue booking at district offices",
        "Book a queue online to renew an ID card",
        "District office queue booking by phone app",
    ],
}


class PageFactory(DjangoModelFactory):
    """Creates a page as a child of ``parent`` (a treebeard node)."""

    class Meta:
        abstract = True

    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        parent = parent or Page.get_first_root_node()
        return parent.add_child(instance=model_class(**kwargs))


class HomePageFactory(PageFactory):
    class Meta:
        model = HomePage

    title = "หน้าแรก"
    english_title = "Home"
    slug = factory.Sequence(lambda n: f"home-{n}")


class EventIndexPageFactory(PageFactory):
    class Meta:
        model = EventIndexPage

    title = "กิจกรรม"
    english_title = "Events"
    slug = factory.Sequence(lambda n: f"events-{n}")


class EventPageFactory(PageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"แฮกกาธอน {n} {SCRIPT}")
    english_title = factory.Sequence(lambda n: f"Hackathon {n} {SCRIPT}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    start_date = date(2022, 6, 11)
    location = "ออนไลน์"
    english_location = "Online"
    organiser = "สำนักงาน ก.พ.ร."
    english_organiser = "OPDC"
    submissions_open = True


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"theme-{n}")
    name_th = factory.Sequence(lambda n: f"ธีมที่ {n} {SCRIPT}")
    name_en = factory.Sequence(lambda n: f"Theme {n} {SCRIPT}")
    description_th = f"คำอธิบาย {SCRIPT}"
    description_en = f"Description {SCRIPT}"


class IdeaFactory(DjangoModelFactory):
    class Meta:
        model = Idea

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"ไอเดีย {n} {SCRIPT}")
    problem = f"ปัญหาคือเอกสารซ้ำซ้อน {SCRIPT}"
    solution = f"เชื่อมข้อมูลระหว่างหน่วยงาน {SCRIPT}"
    benefit = "ประชาชนประหยัดเวลา"
    language = Idea.Language.THAI
    tracking_token_hash = factory.Sequence(
        lambda n: hashlib.sha256(f"factory-token-{n}".encode()).hexdigest()
    )
    fingerprint = factory.Sequence(lambda n: f"fingerprint-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = f"ผู้ใช้ {SCRIPT}"
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
            self.save()


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    title = factory.Sequence(lambda n: f"กรอบยุทธศาสตร์ {n} {SCRIPT}")
    english_title = factory.Sequence(lambda n: f"Framework {n} {SCRIPT}")
    slug = factory.Sequence(lambda n: f"framework-{n}")
    start_year = 2023
    end_year = 2027
    vision = f"ราชการไทยทันสมัย {SCRIPT}"
    english_vision = f"A modern public sector {SCRIPT}"


class StrategicIssueFactory(DjangoModelFactory):
    class Meta:
        model = StrategicIssue

    framework = factory.SubFactory(FrameworkFactory)
    title = factory.Sequence(lambda n: f"ประเด็นยุทธศาสตร์ {n} {SCRIPT}")
    english_title = factory.Sequence(lambda n: f"Strategic issue {n} {SCRIPT}")
    sort_order = factory.Sequence(lambda n: n)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    issue = factory.SubFactory(StrategicIssueFactory)
    title = factory.Sequence(lambda n: f"เป้าประสงค์ {n} {SCRIPT}")
    english_title = factory.Sequence(lambda n: f"Goal {n} {SCRIPT}")
    sort_order = factory.Sequence(lambda n: n)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"มาตรการ {n} {SCRIPT}")
    english_title = factory.Sequence(lambda n: f"Measure {n} {SCRIPT}")
    description = f"รายละเอียดมาตรการ {SCRIPT}"
    lead_agency = "สำนักงาน ก.พ.ร."
    supporting_agencies = "กรมการปกครอง\nสำนักงานพัฒนารัฐบาลดิจิทัล"
    pilot_scope = f"5 จังหวัดนำร่อง {SCRIPT}"
    estimated_budget = Decimal("1500000.00")
    sort_order = factory.Sequence(lambda n: n)


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    measure = factory.SubFactory(MeasureFactory)
    name = factory.Sequence(lambda n: f"ตัวชี้วัด {n} {SCRIPT}")
    english_name = factory.Sequence(lambda n: f"Indicator {n} {SCRIPT}")
    unit = "ร้อยละ"
    baseline = Decimal("10")
    baseline_year = 2022
    sort_order = factory.Sequence(lambda n: n)
