import json
import logging
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from cms.models import (
    EventIndexPage,
    EventPage,
    FrameworkIndexPage,
    FrameworkPage,
    HomePage,
)
from ideas import services
from ideas.models import ClusteringRun, Idea, Theme
from ml.text import normalize_text
from strategy import services as strategy_services
from strategy.models import Framework, NationalMilestone
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

# Demo users named on the hackathon's page as its facilitators.
EVENT_FACILITATORS = ["facilitator", "privacy"]

# Username → (first name, last name, role group, extra groups).
USERS = {
    "facilitator": ("สมหญิง", "ผู้ดำเนินกิจกรรม", roles.FACILITATOR, []),
    "privacy": ("วิภา", "ผู้ดูแลข้อมูลส่วนบุคคล", roles.FACILITATOR, [roles.CONTACT_ACCESS]),
    "writer": ("ประพันธ์", "นักวิเคราะห์นโยบาย", roles.POLICY_WRITER, []),
    "approver": ("สุนีย์", "ผู้อำนวยการกอง", roles.APPROVER, [roles.POLICY_WRITER]),
    "admin": ("อดิศร", "ผู้ดูแลระบบ", roles.ADMINISTRATOR, [roles.CONTACT_ACCESS]),
}

BANGKOK = ZoneInfo("Asia/Bangkok")


class DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


class Command(BaseCommand):
    help = (
        "Create the demo site: home page, events index, the MY BETTER COUNTRY "
        "HACKATHON #11 event with its four themes, facilitators and sample ideas, "
        "a demo user for each role and the draft framework; then suggest themes "
        "for the ideas that have none and run the event's first clustering, so "
        "the workbench is populated. Idempotent: what exists already is left as "
        "it is."
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
                self._facilitators(event, users)
                new_ideas = self._ideas(event, actor=users["facilitator"][0])
                framework = self._framework(event)
                self._framework_document(home, framework)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
            self.stdout.write(
                "The model was not loaded: a real run also suggests themes and "
                "clusters the event's ideas."
            )
        else:
            # After the pages and ideas are saved, so that a model that cannot
            # load leaves a working site (the workbench then says what is missing).
            self._suggestions(event, new_ideas, actor=users["facilitator"][0])
            self._clustering(event)
            self._framework_clusters(framework)
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

    def _facilitators(self, event: EventPage, users: dict) -> None:
        """Name the demo facilitators on the event; one named since stays."""
        through = EventPage.facilitators.through
        named = set(
            through.objects.filter(eventpage=event).values_list("user_id", flat=True)
        )
        added = []
        for username in EVENT_FACILITATORS:
            user = users[username][0]
            if user.pk not in named:
                through.objects.create(eventpage=event, user=user)
                added.append(username)
        if added:
            self.created.append(f"event facilitators {'/'.join(added)}")

    # Ideas

    def _ideas(self, event: EventPage, *, actor) -> list[Idea]:
        """Submit the demo ideas not there yet and moderate them as in 2022.

        Returns the ideas created now.
        """
        data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["ideas"]
        themes = {theme.code: theme for theme in event.themes.all()}
        existing = set(Idea.objects.filter(event=event).values_list("title", flat=True))
        start = datetime(2022, 6, 11, 9, 0, tzinfo=BANGKOK)
        created = []
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
            services.idea_add_tags(idea=idea, tags=item.get("tags", []), actor=actor)
            created.append(idea)
        if created:
            self.created.append(f"{len(created)} ideas")
        return created

    def _suggestions(self, event: EventPage, new_ideas: list[Idea], *, actor) -> None:
        """Suggest themes for the ideas that have none, and confirm some.

        The model runs here, at once, rather than in the worker, so the
        workbench shows its suggestions as soon as the demo opens. A facilitator
        moderated the accepted ideas of 2022, so those new ones take the model's
        suggestion; the others wait in the workbench for a decision.
        """
        from ideas.services.suggestions import ideas_suggest_themes

        awaiting = Idea.objects.filter(
            event=event, theme__isnull=True, duplicate_of__isnull=True
        ).exclude(status=Idea.Status.REJECTED)
        # Only what was never suggested: refreshing would change a seeded demo.
        if not awaiting.filter(suggested_at__isnull=True).exists():
            return
        suggested = ideas_suggest_themes(event_id=event.pk)
        self.created.append(f"theme suggestions for {suggested} ideas")
        confirmed = 0
        for idea in Idea.objects.filter(
            pk__in=[idea.pk for idea in new_ideas],
            status=Idea.Status.ACCEPTED,
            theme__isnull=True,
            suggested_theme__isnull=False,
        ):
            services.idea_accept_suggestion(idea=idea, actor=actor)
            confirmed += 1
        if confirmed:
            self.created.append(f"{confirmed} suggested themes confirmed")

    def _clustering(self, event: EventPage) -> None:
        """Run the event's first clustering (all themes), unless one finished."""
        from ideas.services.clusters import (
            clustering_run_execute,
            clustering_run_request,
        )

        finished = ClusteringRun.objects.filter(
            event=event, scope="", status=ClusteringRun.Status.DONE
        )
        if finished.exists():
            return
        try:
            run = clustering_run_request(
                event=event, scope="", actor=None, enqueue=False
            )
        except ValidationError as error:
            # A run in progress (the worker has it) or too few ideas: the site
            # works without clusters, and the workbench says why there are none.
            self.stdout.write(self.style.WARNING(" ".join(error.messages)))
            return
        run = clustering_run_execute(run=run)
        if run.status != ClusteringRun.Status.DONE:
            self.stdout.write(
                self.style.WARNING(f"Clustering failed: {run.error or run.status}")
            )
            return
        self.created.append(
            f"clustering run {run.pk} ({run.n_clusters} clusters of "
            f"{run.n_ideas} ideas, {run.seconds:.1f} s)"
        )

    # Strategy

    def _framework_clusters(self, framework: Framework) -> None:
        """Cite, on each demo measure, the cluster its ideas fell into."""
        linked = strategy_services.framework_link_clusters(framework=framework)
        if linked:
            self.created.append(f"{linked} measures linked to their clusters")

    def _framework(self, event: EventPage) -> Framework:
        # All or nothing: a framework already there, even edited since, is the
        # writers' and is left alone.
        existing = Framework.objects.filter(slug=FRAMEWORK["slug"]).first()
        if existing is not None:
            return existing
        ideas = {
            idea.title: idea
            for idea in Idea.objects.filter(
                event=event, status__in=[Idea.Status.ACCEPTED, Idea.Status.SHORTLISTED]
            )
        }
        themes = {theme.code: theme for theme in event.themes.all()}
        framework = strategy_services.framework_create(
            source_events=[event],
            milestones=NationalMilestone.objects.filter(
                number__in=FRAMEWORK_MILESTONES, plan__contains="13"
            ),
            **FRAMEWORK,
        )
        for item in FRAMEWORK_TREE:
            issue = strategy_services.issue_create(
                framework=framework,
                title=item["title"],
                english_title=item["english_title"],
                theme=themes.get(item["theme"]),
            )
            goal_th, goal_en = item["goal"]
            goal = strategy_services.goal_create(
                issue=issue, title=goal_th, english_title=goal_en
            )
            for spec in item["measures"]:
                titles = [normalize_text(t, multiline=False) for t in spec["ideas"]]
                measure = strategy_services.measure_create(
                    goal=goal,
                    title=spec["title"],
                    english_title=spec["english_title"],
                    description=spec["description"],
                    lead_agency=spec["lead_agency"],
                    supporting_agencies=spec["supporting_agencies"],
                    pilot_scope=spec["pilot_scope"],
                    estimated_budget=Decimal(spec["budget"]),
                    ideas=[ideas[title] for title in titles if title in ideas],
                )
                name, english_name, unit, baseline, targets = spec["indicator"]
                strategy_services.indicator_create(
                    measure=measure,
                    name=name,
                    english_name=english_name,
                    unit=unit,
                    baseline=Decimal(baseline),
                    baseline_year=2022,
                    targets=dict(
                        zip(FRAMEWORK_YEARS, map(Decimal, targets), strict=True)
                    ),
                )
        self.created.append("framework")
        return framework

    def _framework_document(self, home: HomePage, framework: Framework) -> None:
        section = FrameworkIndexPage.objects.child_of(home).first()
        if section is None:
            section = home.add_child(
                instance=FrameworkIndexPage(
                    title="ยุทธศาสตร์การพัฒนาระบบราชการ",
                    english_title="Public sector development strategy",
                    slug="strategy",
                )
            )
            self.created.append("strategy section")
        roles.strategy_pages_sync()
        if FrameworkPage.objects.filter(framework=framework).exists():
            return
        body = []
        for issue in framework.issues.prefetch_related("goals__measures"):
            body.append(("heading", issue.title))
            for goal in issue.goals.all():
                body.append(
                    ("paragraph", RichText(f"<p><b>{escape(goal.title)}</b></p>"))
                )
                body += [
                    ("measure", {"measure": measure, "show_ideas": True})
                    for measure in goal.measures.all()
                ]
        # A draft, as the framework is: a writer submits it for approval.
        document = section.add_child(
            instance=FrameworkPage(
                title=framework.title,
                english_title=framework.english_title,
                slug=framework.slug,
                framework=framework,
                body=body,
                live=False,
            )
        )
        document.save_revision()
        self.created.append("framework document")

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


# The draft framework built from the hackathon's ideas. Each strategic issue
# answers one theme; measures cite ideas by their demo titles.
FRAMEWORK = {
    "title": "กรอบยุทธศาสตร์การพัฒนาระบบราชการ พ.ศ. 2566–2570",
    "english_title": "Public Sector Development Strategy Framework 2023–2027",
    "slug": "reform-2566-2570",
    "start_year": 2023,
    "end_year": 2027,
    "vision": (
        "ราชการไทยทันสมัย เปิดกว้าง ยึดประชาชนเป็นศูนย์กลาง และออกแบบร่วมกับประชาชนที่ใช้บริการ"
    ),
    "english_vision": (
        "A modern, open Thai public sector centred on people and designed with "
        "those who use its services."
    ),
}
FRAMEWORK_MILESTONES = (12, 13)
FRAMEWORK_YEARS = range(2023, 2028)

FRAMEWORK_TREE = [
    {
        "theme": "services",
        "title": "การบริการภาครัฐที่ตอบโจทย์ประชาชน",
        "english_title": "Public services that meet people's needs",
        "goal": (
            "ประชาชนได้รับบริการภาครัฐที่สะดวก รวดเร็ว และไร้รอยต่อ",
            "People get convenient, fast and seamless public services",
        ),
        "measures": [
            {
                "title": "ศูนย์บูรณาการการบริการภาครัฐแบบไร้รอยต่อและแพลตฟอร์มเดียว",
                "english_title": "Seamless service integration centre and single "
                "platform",
                "description": (
                    "รวมบริการที่เกี่ยวข้องกันของหลายหน่วยงานไว้ในจุดเดียว ทั้งที่เคาน์เตอร์"
                    "และออนไลน์ เริ่มจากเหตุการณ์สำคัญในชีวิตและการเริ่มต้นธุรกิจขนาดเล็ก"
                ),
                "lead_agency": "สำนักงาน ก.พ.ร.",
                "supporting_agencies": ["สำนักงานพัฒนารัฐบาลดิจิทัล", "กรมการปกครอง"],
                "pilot_scope": "ศูนย์ราชการสะดวก 5 จังหวัดนำร่อง",
                "budget": "45000000",
                "ideas": [
                    "SGSIC (Seamless Government Service Integration Center) "
                    "หน่วยงานบูรณาการการบริการภาครัฐแบบไร้รอยต่อ",
                    "ปฏิรูปโครงสร้างระบบบริการสาธารณสุข: ระบบสุขภาพปฐมภูมิและ Single Platform",
                    "ขออนุญาตเปิดร้านอาหารเล็ก ๆ ได้ในจุดเดียว",
                    "แจ้งครั้งเดียวเมื่อเกิดเหตุการณ์สำคัญในชีวิต",
                ],
                "indicator": (
                    "จำนวนบริการที่ให้ได้เบ็ดเสร็จ ณ จุดเดียว",
                    "Services completed at a single point",
                    "บริการ",
                    "0",
                    ["10", "25", "50", "80", "120"],
                ),
            },
            {
                "title": "ยกเลิกสำเนาเอกสารและติดตามคำขอได้ทุกขั้นตอน",
                "english_title": "No more photocopies, and every request tracked",
                "description": (
                    "หน่วยงานเลิกเรียกสำเนาเอกสารที่รัฐมีอยู่แล้ว และผู้ยื่นคำขอหรือเรื่องร้องเรียน"
                    "ติดตามสถานะได้ทุกขั้นตอนผ่านช่องทางที่ใช้อยู่ทุกวัน"
                ),
                "lead_agency": "สำนักงาน ก.พ.ร.",
                "supporting_agencies": ["กรมการปกครอง", "สำนักงานพัฒนารัฐบาลดิจิทัล"],
                "pilot_scope": "บริการที่มีผู้ใช้มากที่สุด 20 บริการ",
                "budget": "12000000",
                "ideas": [
                    "ยกเลิกการเรียกสำเนาบัตรประชาชนและสำเนาทะเบียนบ้านจากประชาชน",
                    "ติดตามเรื่องร้องเรียนได้ทุกขั้นตอนเหมือนติดตามพัสดุ",
                    "LINE Official Account กลางสำหรับแจ้งเตือนและติดตามสถานะคำขอบริการภาครัฐ",
                ],
                "indicator": (
                    "ร้อยละของคำขอที่ติดตามสถานะออนไลน์ได้",
                    "Share of requests whose status can be followed online",
                    "ร้อยละ",
                    "10",
                    ["25", "40", "60", "80", "95"],
                ),
            },
        ],
    },
    {
        "theme": "structure",
        "title": "การบริหารจัดการและโครงสร้างภาครัฐที่รองรับการเปลี่ยนแปลง",
        "english_title": "Management and structures that can adapt to change",
        "goal": (
            "ภาครัฐมีโครงสร้างและการบริหารจัดการที่คล่องตัว ปรับตัวทันการเปลี่ยนแปลง",
            "Agile public management and structures that keep up with change",
        ),
        "measures": [
            {
                "title": "ยกระดับเกณฑ์คุณภาพการบริหารจัดการภาครัฐ (PMQA 4.0) ด้วยดิจิทัล",
                "english_title": "Digital PMQA 4.0 for every agency",
                "description": (
                    "ปรับเกณฑ์คุณภาพการบริหารจัดการภาครัฐให้ทันสมัย ใช้ข้อมูลดิจิทัลประเมินตนเอง "
                    "และลดรายงานซ้ำซ้อนที่ส่วนกลางขอจากจังหวัด"
                ),
                "lead_agency": "สำนักงาน ก.พ.ร.",
                "supporting_agencies": ["สำนักงานปลัดสำนักนายกรัฐมนตรี"],
                "pilot_scope": "ส่วนราชการระดับกรม 30 แห่ง",
                "budget": "8500000",
                "ideas": [
                    "นำเกณฑ์คุณภาพการบริหารจัดการภาครัฐ (PMQA) มาปรับใช้และปรับให้ทันสมัย"
                    "ด้วยดิจิทัล ตามหลัก 4 ใช่",
                    "ยุบรวมรายงานที่ส่วนกลางขอจากจังหวัดซ้ำกันหลายฉบับ",
                ],
                "indicator": (
                    "ร้อยละของส่วนราชการที่ผ่านเกณฑ์ PMQA 4.0 ระดับพื้นฐาน",
                    "Share of agencies meeting the PMQA 4.0 basic level",
                    "ร้อยละ",
                    "15",
                    ["20", "35", "50", "65", "80"],
                ),
            },
            {
                "title": "ทีมข้ามหน่วยงานและพื้นที่ทดลองนวัตกรรมภาครัฐ",
                "english_title": "Cross-agency teams and a regulatory sandbox",
                "description": (
                    "ตั้งทีมข้ามหน่วยงานสำหรับปัญหาเร่งด่วนของประเทศ เปิดพื้นที่ทดลองนวัตกรรม"
                    "บริการภาครัฐภายใต้กฎเกณฑ์ที่ผ่อนปรน และมอบอำนาจลงไปที่จังหวัด"
                ),
                "lead_agency": "สำนักงาน ก.พ.ร.",
                "supporting_agencies": ["สำนักงานคณะกรรมการกฤษฎีกา", "กระทรวงมหาดไทย"],
                "pilot_scope": "ปัญหาเร่งด่วน 3 เรื่องและจังหวัดนำร่อง 4 จังหวัด",
                "budget": "20000000",
                "ideas": [
                    "Cross-agency agile teams for national priority problems",
                    "Regulatory Sandbox สำหรับทดลองนวัตกรรมบริการภาครัฐ",
                    "มอบอำนาจอนุมัติอนุญาตลงไปที่จังหวัดให้มากขึ้น",
                ],
                "indicator": (
                    "จำนวนโครงการที่ทดลองในพื้นที่ทดลองนวัตกรรม",
                    "Projects tried in the sandbox",
                    "โครงการ",
                    "0",
                    ["2", "4", "6", "8", "10"],
                ),
            },
        ],
    },
    {
        "theme": "digital",
        "title": "รัฐบาลดิจิทัลและการใช้ข้อมูลเพื่อพัฒนาประเทศ",
        "english_title": "Digital government and data for national development",
        "goal": (
            "ภาครัฐเชื่อมโยงและใช้ข้อมูลร่วมกัน ประชาชนไม่ต้องยื่นเอกสารซ้ำ",
            "Agencies share data, so people never hand in the same document twice",
        ),
        "measures": [
            {
                "title": "เชื่อมโยงข้อมูลระหว่างหน่วยงานและยืนยันตัวตนดิจิทัล",
                "english_title": "Data exchange between agencies and digital identity",
                "description": (
                    "หน่วยงานแลกเปลี่ยนข้อมูลกันผ่านระบบกลาง และประชาชนยืนยันตัวตนครั้งเดียว"
                    "ใช้ได้กับบริการออนไลน์ของทุกหน่วยงาน"
                ),
                "lead_agency": "สำนักงานพัฒนารัฐบาลดิจิทัล",
                "supporting_agencies": ["กรมการปกครอง", "สำนักงาน ก.พ.ร."],
                "pilot_scope": "กระทรวงนำร่อง 5 กระทรวง",
                "budget": "60000000",
                "ideas": [
                    "เชื่อมโยงข้อมูลระหว่างกระทรวงเพื่อให้ประชาชนไม่ต้องถือเอกสารไปเอง",
                    "บัตรประชาชนดิจิทัลบนโทรศัพท์มือถือที่ใช้ยืนยันตัวตนได้ทุกหน่วยงาน",
                    "บัญชีผู้ใช้เดียว (Single Sign-On) สำหรับ e-Service ทุกหน่วยงานภาครัฐ",
                ],
                "indicator": (
                    "ร้อยละของบริการที่ไม่ต้องใช้สำเนาเอกสาร",
                    "Share of services that need no photocopies",
                    "ร้อยละ",
                    "20",
                    ["30", "50", "70", "85", "100"],
                ),
            },
            {
                "title": "ข้อมูลเปิดภาครัฐที่เครื่องอ่านได้และประชาชนเข้าใจง่าย",
                "english_title": "Open government data, machine-readable and plain",
                "description": (
                    "เปิดเผยข้อมูลภาครัฐในรูปแบบที่เครื่องอ่านได้ พร้อมบัญชี API "
                    "และนำเสนองบประมาณรายจังหวัดให้ประชาชนเข้าใจง่าย"
                ),
                "lead_agency": "สำนักงานพัฒนารัฐบาลดิจิทัล",
                "supporting_agencies": ["สำนักงบประมาณ"],
                "pilot_scope": "ข้อมูลงบประมาณและบริการของ 76 จังหวัด",
                "budget": "15000000",
                "ideas": [
                    "ข้อมูลเปิดภาครัฐต้องอยู่ในรูปแบบที่เครื่องอ่านได้",
                    "เปิดเผยข้อมูลงบประมาณรายจังหวัดในรูปแบบที่ประชาชนเข้าใจง่าย",
                    "A public catalogue of government APIs for developers",
                ],
                "indicator": (
                    "จำนวนชุดข้อมูลเปิดที่เครื่องอ่านได้",
                    "Machine-readable open datasets",
                    "ชุดข้อมูล",
                    "300",
                    ["500", "1000", "1500", "2000", "2500"],
                ),
            },
        ],
    },
    {
        "theme": "people",
        "title": "ระบบบริหารคนภาครัฐที่ดึงดูดคนเก่งและรักษาคนดี",
        "english_title": "People management that attracts talent and keeps good people",
        "goal": (
            "ภาครัฐดึงดูด พัฒนา และรักษาคนเก่งคนดีไว้ได้",
            "The public sector attracts, develops and keeps talented people",
        ),
        "measures": [
            {
                "title": "โครงการซุปเปอร์ฮีโร่: สร้าง ดึงดูด และรักษาคนเก่ง",
                "english_title": "Superhero programme: grow, attract and keep talent",
                "description": (
                    "เส้นทางความก้าวหน้าแบบเร่งรัดสำหรับผู้มีผลงานโดดเด่น การแลกเปลี่ยนบุคลากร"
                    "กับภาคเอกชน และการรักษาคนเก่งไว้ในองค์กร"
                ),
                "lead_agency": "สำนักงาน ก.พ.",
                "supporting_agencies": ["สำนักงาน ก.พ.ร."],
                "pilot_scope": "ส่วนราชการนำร่อง 10 แห่ง",
                "budget": "30000000",
                "ideas": [
                    "โครงการซุปเปอร์ฮีโร่: สร้างคน ดึงดูดคนเก่ง และรักษาคนดีไว้ในองค์กร",
                    "เส้นทางความก้าวหน้าแบบเร่งรัดสำหรับข้าราชการรุ่นใหม่ที่มีผลงานโดดเด่น",
                    "Two-way secondments between government and the private sector",
                ],
                "indicator": (
                    "อัตราการลาออกของบุคลากรกลุ่มผู้มีผลงานสูง",
                    "Resignation rate of high performers",
                    "ร้อยละ",
                    "12.5",
                    ["12", "11", "10", "9", "8"],
                ),
            },
            {
                "title": "การทำงานที่ยืดหยุ่นและที่ทำงานที่ตอบโจทย์คนทุกรุ่น",
                "english_title": "Flexible work and a workplace for every generation",
                "description": (
                    "วางระเบียบการทำงานนอกสำนักงาน จัดศูนย์เลี้ยงเด็กเล็กใกล้ที่ทำงาน "
                    "และระบบพี่เลี้ยงสำหรับผู้บรรจุใหม่"
                ),
                "lead_agency": "สำนักงาน ก.พ.",
                "supporting_agencies": ["กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"],
                "pilot_scope": "หน่วยงานในกรุงเทพมหานครและปริมณฑล",
                "budget": "10000000",
                "ideas": [
                    "วางระบบให้ข้าราชการทำงานนอกสำนักงานได้อย่างเป็นทางการ",
                    "ศูนย์เลี้ยงเด็กเล็กในหรือใกล้สถานที่ทำงานของหน่วยงานราชการ",
                    "ระบบพี่เลี้ยงสำหรับข้าราชการบรรจุใหม่",
                ],
                "indicator": (
                    "ร้อยละของส่วนราชการที่มีระเบียบการทำงานนอกสำนักงาน",
                    "Share of agencies with rules for working away from the office",
                    "ร้อยละ",
                    "5",
                    ["20", "40", "60", "80", "90"],
                ),
            },
        ],
    },
]
