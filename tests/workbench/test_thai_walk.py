"""Every admin screen each role reaches, read in Thai and in English.

The URLs come from the resolver, as the access matrix's do
(tests/workbench/test_access_matrix.py): every pattern, its arguments filled
with the objects ``seed_demo`` creates, so a screen added later is walked
without a line here. Each staff role of the demo (facilitator, policy writer,
approver, administrator) GETs each of them in Thai, and the visible interface
text of every HTML page it may read (text outside ``<script>``/``<style>``,
and the title, placeholder, aria-label and alt attributes, and the labels of
buttons) must hold no Latin letters, bar a short allow-list (file formats,
e-mail addresses, ...). What the demo's users wrote (ideas, names, titles) is
user data: text found in the database is left out. The same walk in English
finds no Thai interface text.

The walk prints how many pages and strings it checked. A failure lists each
text with the pages it is on; ``THAI_WALK_REPORT=<file>`` writes every finding
(both languages, all roles) as JSON, for translators.
"""

import html
import json
import os
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client

from cms.models import EventPage, FrameworkPage
from ideas.models import Cluster, ClusteringRun, Contact, Idea
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    Measure,
    NationalMilestone,
    StrategicIssue,
)
from tests.workbench.test_access_matrix import (
    build_rules,
    generic_url,
    rule_for,
    url_patterns,
)

# The demo's users, one per staff role (workbench/demo/hackathon11_site.json).
ROLES = {
    "facilitator": "facilitator",
    "policy writer": "writer",
    "approver": "approver",
    "administrator": "admin",
}
LANGUAGES = ["th", "en"]
# What the walk still finds and issue 19 has yet to fix; anything else fails.
KNOWN_GAPS = json.loads(
    (Path(__file__).with_name("thai_walk_known_gaps.json")).read_text("utf-8")
)

# Screens that are no interface of their own: the public site as a preview,
# files, JSON and the URLs that answer an error on purpose.
SKIPPED = [
    re.compile(pattern)
    for pattern in (
        r"^wagtail_serve$",
        r"^wagtailadmin_error_test$",
        r"preview",
        r"view_draft",
        r"^wagtailadmin_api:",
        r"^wagtailadmin_javascript_catalog$",
        r"^wagtailadmin_sprite$",
        r"^wagtaildocs_serve$",
        r"^wagtailimages_serve$",
        r"^wagtailadmin_logout$",
        r"^api_",
        r"^ideas_export_download$",
        r"^strategy_export$",
        r"^set_language$",
    )
]

# Latin words any Thai office writes as they are.
ALLOWED_WORDS = {
    "PDF",
    "DOCX",
    "CSV",
    "XLSX",
    "JSON",
    "API",
    "LINE",
    "URL",
    "TXT",
    "MD",
    "HTML",
    "ID",
    "QR",
    "JAVASCRIPT",
    # Units and formats, as written in Thai offices.
    "MB",
    "KB",
    "GB",
    "UTF",
    "TSV",
    "AVIF",
    "GIF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    # Products named as they are.
    "EXCEL",
    "WINDOWS",
    "GOOGLE",
    "FORMS",
    "MICROSOFT",
    "MARKDOWN",
    # Keys as keyboards print them.
    "CTRL",
    "ENTER",
    "TAB",
    "ESC",
}
# A placeholder of an answer template, written as the facilitator types it.
_PLACEHOLDER = re.compile(r"\{\w+\}")
# Thai an English screen shows on purpose: the language's own name.
ALLOWED_THAI = {"ภาษาไทย", "ไทย"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_WEB = re.compile(r"(https?://|/)[\w./?=&%#:-]+|\b[\w-]+(?:/[\w.-]+)+")
_LATIN = re.compile(r"[A-Za-z]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_WORD = re.compile(r"[A-Za-z]+")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
# A keyboard shortcut, as keyboards print it: "Ctrl + Shift + v".
_KEYS = re.compile(
    r"^\s*((Ctrl|Cmd|Alt|Option|Shift|Esc|Enter|Tab|[a-z.,/])\s*\+?\s*)+$"
)

# Attributes whose text people read (or hear).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description"}
# Wagtail's Stimulus controllers put texts in data attributes: tooltips,
# confirmations, the unsaved-changes warning.
_READ_DATA = re.compile(r"^data-w-.*(content|text|label|message|confirm\w*)-value$")
# Where what is shown is the stored value, not our words (and the time
# zones' select, whose options are the tz database's names).
USER_VALUE_TAGS = {"textarea"}
# <noscript>: Wagtail's skeleton writes its "JavaScript is required" in English
# with no msgid, so no catalogue can translate it; our staff run JavaScript.
SILENT_TAGS = {"script", "style", "noscript"}


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.silent = 0
        self.values = 0
        self.closes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SILENT_TAGS:
            self.silent += 1
        # data-user-text marks what users wrote, or words drawn from it
        # (a cluster's keywords), where the database holds no such string.
        if (
            tag in USER_VALUE_TAGS
            or "data-user-text" in attrs
            or (tag == "select" and "time_zone" in (attrs.get("name") or ""))
        ):
            self.values += 1
            self.closes.append(tag)
        for name, value in attrs.items():
            if value and (name in READ_ATTRIBUTES or _READ_DATA.match(name)):
                self.found.append(value)
        button = tag == "input" and attrs.get("type") in ("submit", "button", "reset")
        if button and attrs.get("value"):
            self.found.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SILENT_TAGS and self.silent:
            self.silent -= 1
        if self.closes and tag == self.closes[-1]:
            self.closes.pop()
            self.values -= 1

    def handle_data(self, data):
        if not self.silent and not self.values:
            self.found.append(data)


def visible_texts(body: str) -> list[str]:
    parser = _Texts()
    parser.feed(body)
    parser.close()
    texts = (_SPACE.sub(" ", html.unescape(text)).strip() for text in parser.found)
    return [text for text in texts if text]


# --- user data ---------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
# Rows that are the interface, not what users wrote: their names are ours.
# Permission names are stored in English at migrate time ("Can add idea") and
# shown as stored on the group editor: data no catalogue reaches, left out.
INTERFACE_TABLES = {"contenttypes.contenttype"}


def _strings(value):
    if isinstance(value, str):
        if value[:1] in "[{":
            try:
                yield from _strings(json.loads(value))
                return
            except ValueError:
                pass
        yield value
        if "<" in value:
            yield from html.unescape(_TAGS.sub("\n", value)).splitlines()
        yield from value.splitlines()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def user_data() -> set[str]:
    """Every text the database holds, whitespace as the page shows it."""
    found = set()
    for model in apps.get_models():
        if model._meta.label_lower in INTERFACE_TABLES or model._meta.proxy:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
            or field.get_internal_type() in ("StreamField",)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value is None:
                    continue
                if not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False)
                for text in _strings(value):
                    text = _SPACE.sub(" ", text).strip()
                    if len(text) >= 2:
                        found.add(text)
    # Users are shown by full name too.
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.all():
        found.add(f"{user.first_name} {user.last_name}".strip())
    return found


class Judge:
    """Tells the interface text of a page from user data and allowed words."""

    def __init__(self, data: set[str]):
        self.data = data
        # Long values first, so that a title holding a shorter one goes whole;
        # short ones ("ok", "time") would eat our words, not user data.
        self.pieces = sorted((d for d in data if len(d) >= 6), key=len, reverse=True)
        self.cache = {}

    def interface_part(self, text: str) -> str:
        """``text`` less the user data in it."""
        if text not in self.cache:
            self.cache[text] = self._strip(text)
        return self.cache[text]

    def _strip(self, text: str) -> str:
        if text in self.data or text.rstrip("…. ") in self.data:
            return ""
        # A long value cut short: "Title of an idea…".
        stem = text.rstrip("…").rstrip()
        longer = (piece for piece in self.pieces if len(piece) > len(stem))
        if len(stem) >= 12 and stem != text and any(stem in p for p in longer):
            return ""
        rest = text
        for piece in self.pieces:
            if len(piece) <= len(rest) and piece in rest:
                # Whole words only: a name inside a longer word is no name.
                pattern = r"(?<![A-Za-z])" + re.escape(piece) + r"(?![A-Za-z])"
                rest = re.sub(pattern, " ", rest)
        return rest

    def latin(self, text: str) -> bool:
        rest = self.interface_part(text)
        if not _LATIN.search(rest):
            return False
        if _KEYS.match(rest):
            return False
        rest = _EMAIL.sub(" ", rest)
        rest = _WEB.sub(" ", rest)
        rest = _PLACEHOLDER.sub(" ", rest)
        words = [w for w in _WORD.findall(rest) if w.upper() not in ALLOWED_WORDS]
        return bool(words)

    def thai(self, text: str) -> bool:
        rest = self.interface_part(text)
        # Longest first: "ไทย" taken out of "ภาษาไทย" would leave "ภาษา".
        for allowed in sorted(ALLOWED_THAI, key=len, reverse=True):
            rest = rest.replace(allowed, " ")
        return bool(_THAI.search(rest))


# --- the world of the demo ----------------------------------------------------


class DemoWorld:
    """The demo's objects, under the names the access matrix's rules use."""

    def __init__(self):
        event = EventPage.objects.get(slug="hackathon-11")
        idea = Idea.objects.filter(event=event, contact__isnull=False).first()
        idea = idea or Idea.objects.filter(event=event).first()
        contact = Contact.objects.filter(idea__event=event).first()
        cluster = Cluster.objects.filter(event=event).first()
        run = ClusteringRun.objects.filter(event=event).first()
        self.events = {"A": event, "B": event}
        self.secret = {"A": idea, "B": idea}
        self.public = self.secret
        self.contact = {"A": contact, "B": contact}
        self.cluster = {"A": cluster, "B": cluster}
        self.run = {"A": run, "B": run}
        self.token = {"A": "no-such-token", "B": "no-such-token"}
        # A judging round, where the demo has one (an unsaved one answers 404).
        try:
            rounds = apps.get_model("judging", "Round")
        except LookupError:
            rounds = None
        if rounds is not None:
            found = rounds.objects.filter(event=event).first() or rounds(pk=0)
            self.round = {"A": found, "B": found}
        self.framework = Framework.objects.first()
        self.measure = Measure.objects.filter(goal__issue__framework=self.framework)[0]
        milestone = NationalMilestone.objects.first() or NationalMilestone(pk=0)
        self.strategy = {
            "framework": self.framework,
            "strategicissue": StrategicIssue.objects.first(),
            "goal": Goal.objects.first(),
            "measure": self.measure,
            "indicator": Indicator.objects.first(),
            "nationalmilestone": milestone,
        }
        self.document_page = FrameworkPage.objects.first()


def skipped(name: str) -> bool:
    return any(pattern.search(name) for pattern in SKIPPED)


def admin_urls(world) -> list[tuple[str, str]]:
    """(name, url) of every staff screen: the resolver's patterns, filled in."""
    rules = build_rules()
    found = {}
    for route, name in url_patterns():
        if skipped(name or f"route:{route}"):
            continue
        rule = rule_for(rules, name, route)
        if rule is None or rule.public:
            continue
        if rule.cases is None:
            url = generic_url(route, world)
            cases = [url] if url else []
        else:
            cases = []
            for case in rule.cases(world):
                if case.query:
                    continue  # the bulk actions: their own cases below
                cases.append(case.url)
        for url in cases:
            found.setdefault(url, name or route)
    # Pages under the demo's own tree: the event, the framework's document.
    for page in (world.events["A"], world.document_page):
        if page is not None:
            for view in ("edit", "history", "revisions_index", "usage", "copy"):
                found.setdefault(f"/admin/pages/{page.pk}/{view}/", view)
            found.setdefault(f"/admin/pages/{page.get_parent().pk}/", "explore")
    return [(name, url) for url, name in found.items()]


# --- the walk ------------------------------------------------------------------


@contextmanager
def quick_encoder():
    """The lexical encoder with few SVD axes while the demo is seeded.

    Fitting the real one takes most of a minute on a busy machine; the walk
    needs the demo's clusters and suggestions to exist, not to be good. The
    process's own encoder (other tests use it) is put back afterwards.
    """
    from ideas.selectors.hints import hints_forget
    from ml import encoders

    with encoders._cache_lock:
        saved = encoders._cache.pop("lexical", None)
        encoders._cache["lexical"] = encoders.LexicalEncoder(n_components=8).fit()
    try:
        yield "lexical"
    finally:
        with encoders._cache_lock:
            encoders._cache.pop("lexical", None)
            if saved is not None:
                encoders._cache["lexical"] = saved
        hints_forget()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module, rolled back after it."""
    from django.conf import settings

    with django_db_blocker.unblock(), transaction.atomic():
        saved = settings.ML_ENCODER
        try:
            with quick_encoder() as name:
                settings.ML_ENCODER = name
                call_command("seed_demo", stdout=StringIO())
        finally:
            settings.ML_ENCODER = saved
        world = DemoWorld()
        yield world, admin_urls(world), Judge(user_data())
        transaction.set_rollback(True)


def _html(response) -> str | None:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode("utf-8", "replace")


# Screens whose interface differs by role beyond the menu (the dashboard's
# panels, an editor's actions, the workbench's tools): every role reads them.
# Any other screen is read by the first role that reaches it, the
# administrator first; the others' refusals are the access matrix's business.
ROLE_SENSITIVE = re.compile(r"^/admin/$|/edit/|/workbench/|/duplicates/|/account/")
# A listing's results alone are part of the listing page already read.
PARTIAL = re.compile(r"/(history-)?results/$")


def _get(client, url):
    # Rolled back: a GET that writes (a lock, a log entry) changes nothing after.
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    return response


def _client(language, user=None):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if user is not None:
        # The admin follows the user's own language first: none, so the request's.
        profile = getattr(user, "wagtail_userprofile", None)
        if profile is not None and profile.preferred_language:
            profile.preferred_language = ""
            profile.save()
        client.force_login(user)
    return client


def walk(demo, language):
    """Each role's screens in ``language``: {role: (pages, strings)}, findings."""
    from django.contrib.auth import get_user_model

    world, urls, judge = demo
    wrong = judge.latin if language == "th" else judge.thai
    findings = defaultdict(set)
    figures = {}
    read = set()
    users = get_user_model().objects
    walkers = [("anonymous", None)] + [
        (role, users.get(username=username))
        for role, username in sorted(
            ROLES.items(), key=lambda item: item[0] != "administrator"
        )
    ]
    for role, user in walkers:
        client = _client(language, user)
        if user is None:
            screens = ["/admin/login/", "/admin/password_reset/"]
        else:
            screens = [url for name, url in urls]
        pages = strings = 0
        for url in screens:
            if url in read and not ROLE_SENSITIVE.search(url):
                continue
            if PARTIAL.search(url) and url[: PARTIAL.search(url).start() + 1] in read:
                continue
            if user is not None:
                client.force_login(user)  # a logout or flush must not stop the walk
            body = _html(_get(client, url))
            if body is None:
                continue
            pages += 1
            read.add(url)
            for text in visible_texts(body):
                strings += 1
                if wrong(text):
                    findings[judge.interface_part(text).strip() or text].add(url)
        figures[role] = (pages, strings)
    return figures, findings


def report(language, findings):
    path = os.environ.get("THAI_WALK_REPORT")
    if not path:
        return
    try:
        with open(path, encoding="utf-8") as file:
            saved = json.load(file)
    except (OSError, ValueError):
        saved = {}
    saved[language] = {text: sorted(urls) for text, urls in sorted(findings.items())}
    with open(path, "w", encoding="utf-8") as file:
        json.dump(saved, file, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_reads_in_one_language(demo, language, capsys):
    started = time.monotonic()
    figures, findings = walk(demo, language)
    report(language, findings)
    elapsed = time.monotonic() - started
    pages = sum(p for p, s in figures.values())
    strings = sum(s for p, s in figures.values())
    with capsys.disabled():
        each = ", ".join(f"{role} {p}" for role, (p, s) in figures.items())
        print(
            f"\n{language} walk: {pages} pages ({each}), {strings} strings, "
            f"{len(findings)} wrong, {elapsed:.1f}s"
        )
    for role in ROLES:
        assert figures[role][0] >= 5, f"the walk as {role} reached almost no screen"
    other = "Latin" if language == "th" else "Thai"
    # Counts ("6 model log entries") follow the log, not the interface.
    known = {_DIGITS.sub("0", text) for text in KNOWN_GAPS[language]}
    seen = {_DIGITS.sub("0", text) for text in findings}
    new = {
        text: urls
        for text, urls in findings.items()
        if _DIGITS.sub("0", text) not in known
    }
    with capsys.disabled():
        print(
            f"{language}: {len(findings) - len(new)} known gaps still seen, "
            f"{len(known - seen)} known gaps fixed"
        )
    lines = [
        f"{text!r} on {len(urls)} page(s), e.g. {sorted(urls)[0]}"
        for text, urls in sorted(new.items())
    ]
    assert not new, f"{len(new)} new texts in {other} letters:\n" + "\n".join(lines)
