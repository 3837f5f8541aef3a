import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import EventIndexPage, EventPage, HomePage
from ideas import services
from ideas.models import Theme
from workbench import roles
from workbench.demo import loader
from workbench.management.commands._seed_framework import (
    link_clusters,
    seed_framework,
    seed_framework_document,
)
from workbench.management.commands._seed_ideas import (
    cluster,
    seed_ideas,
    suggest_themes,
)
from workbench.management.commands._seed_judging import seed_judging


class DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


class Command(BaseCommand):
    help = (
        "Create the demo site: home page, events index, the MY BETTER COUNTRY "
        "HACKATHON #11 event with its four themes, facilitators and sample ideas, "
        "a demo user for each role, the finished judging round that picked the "
        "ideas ready to implement and the draft framework; then suggest themes "
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
        site = loader.site()
        self.created = created = []
        # One log line per seeded idea would bury this command's own report.
        logging.getLogger("ideas").setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                roles.roles_sync()
                users = self._users(site["users"])
                home = self._home(site["home"])
                index = self._event_index(home, site["event_index"])
                event = self._event(index, site["event"], site["themes"])
                self._facilitators(event, users, site["event_facilitators"])
                actor = users["facilitator"][0]
                self._answer_templates(event, site["answer_templates"], actor)
                new_ideas = seed_ideas(
                    event,
                    loader.ideas(),
                    site["ideas_arrival"],
                    actor=actor,
                    created=created,
                )
                seed_judging(
                    event,
                    loader.judging(),
                    {username: user for username, (user, *_) in users.items()},
                    actor=actor,
                    created=created,
                )
                framework = seed_framework(event, loader.framework(), created=created)
                seed_framework_document(
                    home, framework, site["strategy_section"], created=created
                )
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
            suggest_themes(event, new_ideas, actor=actor, created=created)
            cluster(event, created=created, warn=self._warn)
            link_clusters(framework, created=created)
        self.stdout.write(
            "Created: " + (", ".join(created) if created else "nothing, all present")
        )
        if not dry_run:
            self._report_logins(users, event)

    def _warn(self, message: str) -> None:
        self.stdout.write(self.style.WARNING(message))

    # Pages

    def _home(self, fields: dict) -> HomePage:
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
            home = root.add_child(instance=HomePage(slug=slug, **fields))
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

    def _event_index(self, home: HomePage, fields: dict) -> EventIndexPage:
        index = EventIndexPage.objects.child_of(home).first()
        if index is None:
            index = home.add_child(instance=EventIndexPage(**fields))
            self.created.append("events index")
        return index

    def _event(self, index: EventIndexPage, fields: dict, themes: list) -> EventPage:
        event = EventPage.objects.filter(slug=fields["slug"]).first()
        if event is None:
            event = index.add_child(instance=EventPage(**fields))
            self.created.append("event")
        existing = set(event.themes.values_list("code", flat=True))
        for order, theme in enumerate(themes):
            if theme["code"] not in existing:
                Theme.objects.create(event=event, sort_order=order, **theme)
                self.created.append(f"theme {theme['code']}")
        return event

    def _answer_templates(self, event: EventPage, specs: list, actor) -> None:
        """The event's answer templates; one a facilitator changed since stays."""
        existing = set(event.answer_templates.values_list("name", flat=True))
        for spec in specs:
            if spec["name"] not in existing:
                services.answer_template_save(event=event, actor=actor, **spec)
                self.created.append(f"answer template {spec['name']}")

    def _facilitators(self, event: EventPage, users: dict, usernames: list) -> None:
        """Name the demo facilitators on the event; one named since stays."""
        through = EventPage.facilitators.through
        named = set(
            through.objects.filter(eventpage=event).values_list("user_id", flat=True)
        )
        added = []
        for username in usernames:
            user = users[username][0]
            if user.pk not in named:
                through.objects.create(eventpage=event, user=user)
                added.append(username)
        if added:
            self.created.append(f"event facilitators {'/'.join(added)}")

    # Users

    def _users(self, specs: dict) -> dict:
        User = get_user_model()
        users = {}
        for username, spec in specs.items():
            role, extra = spec["role"], spec["extra_groups"]
            user = User.objects.filter(username=username).first()
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
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
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
