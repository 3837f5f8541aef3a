import json
import logging
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import EventIndexPage, EventPage, HomePage
from ideas import services
from ideas.models import Idea, Theme
from ml.text import normalize_text
from workbench import roles

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "hackathon11_ideas.json"
EVENT_SLUG = "hackathon-11"

HOME = {
    "title": "เวิร์กเบนช์ปฏิรูประบบราชการ",
    "english_title": "Reform Workbench",
    "intro": (
        "<p>ส่งไอเดียพัฒนาระบบราชการในกิจกรรมระดมความคิด ติดตามว่าไอเดียของคุณไปถึงไหน "
        "และดูว่าข้อเสนอของประชาชนกลายเป็นมาตรการในกรอบยุทธศาสตร์อย่างไร</p>"
    ),
    "english_intro": (
        "<p>Submit ideas to improve the public sector at ideation events, follow what "
        "happens to yours, and see how citizens' proposals become measures of the "
        "reform strategy.</p>"
    ),
}

EVENT = {
    "title": "MY BETTER COUNTRY HACKATHON ครั้งที่ 11: อนาคตที่ออกแบบได้กับราชการไทยที่อยากเห็น",
    "english_title": (
        "MY BETTER COUNTRY HACKATHON #11: a future we can design for the Thai "
        "public service we want"
    ),
    "slug": EVENT_SLUG,
    "start_date": date(2022, 6, 11),
    "location": "ออนไลน์",
    "english_location": "Online",
    "organiser": "สำนักงานคณะกรรมการพัฒนาระบบราชการ (สำนักงาน ก.พ.ร.)",
    "english_organiser": "Office of the Public Sector Development Commission (OPDC)",
    "intro": (
        "<p>เวทีเปิดให้ประชาชน ภาคเอกชน และบุคลากรภาครัฐร่วมกันคิดและออกแบบราชการไทยในอนาคต "
        "ตลอดหนึ่งวันเต็มแบบออนไลน์ ผู้เข้าร่วมแบ่งทีมระดมไอเดียตามโจทย์หลักสี่ด้าน "
        "แล้วนำเสนอต่อผู้บริหาร ก.พ.ร. ไอเดียที่พร้อมนำไปปฏิบัติจะถูกคัดเลือก "
        "และผลทั้งหมดจะนำไปประกอบการจัดทำกรอบยุทธศาสตร์การพัฒนาระบบราชการ พ.ศ. 2566–2570</p>"
    ),
    "english_intro": (
        "<p>A day-long online forum where citizens, the private sector and civil "
        "servants design the Thai public service of the future together. Teams work "
        "on four challenge themes and pitch to OPDC's executives; ideas ready to "
        "implement are shortlisted, and all results feed the public-sector "
        "development strategy framework 2023–2027.</p>"
    ),
    "submissions_open": True,
}

THEMES = [
    {
        "code": "services",
        "name_th": "การบริการภาครัฐที่ตอบโจทย์ประชาชน",
        "name_en": "Public services that meet people's needs",
        "description_th": (
            "บริการที่เข้าถึงง่าย เชื่อมต่อกันระหว่างหน่วยงาน ลดขั้นตอนและเอกสาร "
            "และออกแบบจากความต้องการของผู้รับบริการทุกกลุ่ม"
        ),
        "description_en": (
            "Services that are easy to reach, joined up across agencies, with fewer "
            "steps and documents, designed around the needs of every group of users."
        ),
    },
    {
        "code": "structure",
        "name_th": "การบริหารจัดการและโครงสร้างภาครัฐที่รองรับการเปลี่ยนแปลง",
        "name_en": "Management and structures that can adapt to change",
        "description_th": (
            "องค์กรภาครัฐที่ปรับตัวได้เร็ว ทำงานข้ามหน่วยงาน กระจายอำนาจ "
            "และใช้เกณฑ์คุณภาพการบริหารจัดการเพื่อยกระดับการทำงาน"
        ),
        "description_en": (
            "Agile public organisations that work across agencies, decentralise, and "
            "use management quality criteria to raise performance."
        ),
    },
    {
        "code": "digital",
        "name_th": "รัฐบาลดิจิทัลและการใช้ข้อมูลเพื่อพัฒนาประเทศ",
        "name_en": "Digital government and data for national development",
        "description_th": (
            "การเชื่อมโยงและเปิดเผยข้อมูลภาครัฐ บริการดิจิทัลครบวงจร "
            "และการตัดสินใจเชิงนโยบายบนฐานข้อมูล"
        ),
        "description_en": (
            "Linking and opening government data, end-to-end digital services, and "
            "policy decisions grounded in data."
        ),
    },
    {
        "code": "people",
        "name_th": "ระบบบริหารคนภาครัฐที่ดึงดูดคนเก่งและรักษาคนดี",
        "name_en": "People management that attracts talent and keeps good people",
        "description_th": (
            "การสรรหา พัฒนา และรักษากำลังคนภาครัฐ ด้วยระบบที่โปร่งใส ยืดหยุ่น "
            "และสภาพแวดล้อมการทำงานที่ตอบโจทย์คนทุกรุ่น"
        ),
        "description_en": (
            "Recruiting, developing and keeping public-sector staff through "
            "transparent, flexible systems and a workplace that suits every generation."
        ),
    },
]

# Username → (first name, last name, role group, extra groups).
USERS = {
    "facilitator": ("สมหญิง", "ผู้ดำเนินกิจกรรม", roles.FACILITATOR, []),
    "privacy": ("วิภา", "ผู้ดูแลข้อมูลส่วนบุคคล", roles.FACILITATOR, [roles.CONTACT_ACCESS]),
    "writer": ("ประพันธ์", "นักวิเคราะห์นโยบาย", roles.POLICY_WRITER, []),
    "admin": ("อดิศร", "ผู้ดูแลระบบ", roles.ADMINISTRATOR, [roles.CONTACT_ACCESS]),
}

BANGKOK = ZoneInfo("Asia/Bangkok")


class DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


class Command(BaseCommand):
    help = (
        "Create the demo site: home page, events index, the MY BETTER COUNTRY "
        "HACKATHON #11 event with its four themes and sample ideas, and a demo user "
        "for each role. Idempotent: what exists already is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, then roll everything back.",
        )

    def handle(self, *args, dry_run=False, **options):
        self.created = []
        # One log line per seeded idea would bury this command's own report.
        logging.getLogger("ideas").setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                roles.roles_sync()
                users = self._users()
                home = self._home()
                index = self._event_index(home)
                event = self._event(index)
                self._ideas(event, actor=users["facilitator"][0])
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        self.stdout.write(
            "Created: "
            + (", ".join(self.created) if self.created else "nothing, all present")
        )
        if not dry_run:
            self._report_logins(users, event)

    # Pages

    def _home(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's placeholder welcome page makes way for ours.
            for page in root.get_children():
                if page.specific_class is Page and not page.get_children().exists():
                    page.delete()
            slug = (
                "home"
                if not root.get_children().filter(slug="home").exists()
                else "workbench"
            )
            home = root.add_child(instance=HomePage(slug=slug, **HOME))
            self.created.append("home page")
        # Deleting the welcome page took its Site along; point the default site
        # at our home page, on the address the demo is served from.
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or site.root_page_id != home.pk:
            base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
            site = site or Site(is_default_site=True)
            site.root_page = home
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.hostname = base.hostname or "localhost"
            site.port = base.port or (443 if base.scheme == "https" else 80)
            site.save()
            Site.clear_site_root_paths_cache()
        return home

    def _event_index(self, home: HomePage) -> EventIndexPage:
        index = EventIndexPage.objects.child_of(home).first()
        if index is None:
            index = home.add_child(
                instance=EventIndexPage(
                    title="กิจกรรม",
                    english_title="Events",
                    slug="events",
                    intro="<p>กิจกรรมระดมไอเดียเพื่อพัฒนาระบบราชการ</p>",
                    english_intro=(
                        "<p>Ideation events to improve the public sector.</p>"
                    ),
                )
            )
            self.created.append("events index")
        return index

    def _event(self, index: EventIndexPage) -> EventPage:
        event = EventPage.objects.filter(slug=EVENT_SLUG).first()
        if event is None:
            event = index.add_child(instance=EventPage(**EVENT))
            self.created.append("event")
        existing = set(event.themes.values_list("code", flat=True))
        for order, theme in enumerate(THEMES):
            if theme["code"] not in existing:
                Theme.objects.create(event=event, sort_order=order, **theme)
                self.created.append(f"theme {theme['code']}")
        return event

    # Ideas

    def _ideas(self, event: EventPage, *, actor) -> None:
        data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["ideas"]
        themes = {theme.code: theme for theme in event.themes.all()}
        existing = set(Idea.objects.filter(event=event).values_list("title", flat=True))
        start = datetime(2022, 6, 11, 9, 0, tzinfo=BANGKOK)
        count = 0
        for position, item in enumerate(data):
            if normalize_text(item["title"], multiline=False) in existing:
                continue
            contact = item.get("contact") or {}
            theme = themes.get(item["theme"]) if item.get("theme") else None
            submission = services.idea_submit(
                event=event,
                title=item["title"],
                problem=item["problem"],
                solution=item["solution"],
                benefit=item.get("benefit", ""),
                agencies=item.get("agencies", ""),
                team_name=item.get("team", ""),
                theme=theme,
                contact_name=contact.get("name", ""),
                contact_email=contact.get("email", ""),
                contact_phone=contact.get("phone", ""),
                consent=bool(contact),
            )
            idea = submission.idea
            # Spread submissions over the event day, as they arrived in 2022.
            Idea.objects.filter(pk=idea.pk).update(
                created_at=start + timedelta(minutes=6 * position)
            )
            status = item.get("status", Idea.Status.SUBMITTED)
            if status != Idea.Status.SUBMITTED:
                if status == Idea.Status.SHORTLISTED:
                    services.idea_set_status(
                        idea=idea, status=Idea.Status.ACCEPTED, actor=actor
                    )
                services.idea_set_status(
                    idea=idea,
                    status=status,
                    actor=actor,
                    reason=item.get("reject_reason", ""),
                )
            services.idea_add_tags(idea=idea, tags=item.get("tags", []))
            count += 1
        if count:
            self.created.append(f"{count} ideas")

    # Users

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, (first, last, role, extra) in USERS.items():
            user = User.objects.filter(username=username).first()
            password = None
            if user is None:
                # Known passwords only where debug is on (a developer's machine);
                # elsewhere a random one that nobody sees: set it with changepassword.
                password = (
                    f"demo-{username}-2565"
                    if settings.DEBUG
                    else secrets.token_urlsafe()
                )
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    is_superuser=role == roles.ADMINISTRATOR,
                )
                user.groups.set(Group.objects.filter(name__in=[role, *extra]))
                self.created.append(f"user {username}")
            users[username] = (user, role, extra)
        return users

    def _report_logins(self, users, event) -> None:
        self.stdout.write(f"Event page: {event.full_url or event.url}")
        self.stdout.write(f"Admin: {settings.WAGTAILADMIN_BASE_URL}/admin/")
        if not settings.DEBUG:
            self.stdout.write(
                "Demo users exist; their passwords are shown only with DJANGO_DEBUG on "
                "(set one with: python manage.py changepassword USERNAME)."
            )
            return
        self.stdout.write("Demo logins (DJANGO_DEBUG is on):")
        for username, (user, role, extra) in users.items():
            password = f"demo-{username}-2565"
            if not user.check_password(password):
                password = "(changed since the demo was seeded)"
            groups = ", ".join([role, *extra])
            self.stdout.write(f"  {username:<12} {password}   ({groups})")
