"""Random values for every query parameter of every GET: none answers a 500.

The URLs are the access matrix's (tests/workbench/test_access_matrix.py): every
pattern the resolver knows, its arguments filled in with the objects of one
event, so a screen added later is fuzzed without a line here. Each URL is asked
by who may read it: the public pages and the API by an anonymous visitor, the
staff screens by a superuser and by a facilitator of event A.

The parameters a view reads are found twice over: ``DECLARED`` lists those the
project's own views read (``test_every_parameter_the_project_reads_is_declared``
keeps it complete), and a first request to each URL records every key the view
asks ``request.GET`` for, which finds Wagtail's (``p``, ``ordering``, ``q``,
each filter of a listing) too. Hypothesis then sends lists of (name, value)
pairs, names repeated at times: digits that ``str.isdigit`` accepts and ``int``
refuses (², ①), Thai and Arabic digits, numbers past any database integer,
negative ones, empty strings, NUL bytes, bytes that are not UTF-8, markup,
very long text. Path arguments that take free text (``chosen/<str:pk>/``,
``track/<str:token>/``, slugs, a page path) are fuzzed too, and every integer
argument is sent once far past a 64-bit integer. Besides the generated
examples, each parameter of the project's screens gets each value of ``CORE``.

``KNOWN`` lists the 500s whose root is out of reach (Wagtail's own screens, or
a file being changed elsewhere): the fuzz leaves those values out, and
``test_known_500s_are_still_there`` fails once one is fixed.

Runs are reproducible: each URL has its own fixed seed. ``FUZZ_EXAMPLES``
multiplies the number of generated examples (say 4 to search harder locally;
``FUZZ_NO_SHRINK=1`` skips shrinking, ``FUZZ_VERBOSE=1`` times each URL).
"""

import fnmatch
import os
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, Phase, example, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.log_actions import log

from cms.models import FrameworkIndexPage, FrameworkPage
from ideas.numbers import whole_number
from strategy.models import Framework
from tests.workbench.test_access_matrix import (
    LOGIN,
    World,
    build_rules,
    generic_url,
    rule_for,
    url_patterns,
)

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))

# What the project's own views read from the query string (grep request.GET in
# cms/, facilitation/, strategy/, ideas/), by URL name; fnmatch patterns.
DECLARED = {
    # The home page, an event's page and its ideas/ tracker.
    "wagtail_serve": ["page", "idea", "sort", "submitted"],
    "idea_track": ["submitted"],
    "search": ["q", "page"],
    "api_events": ["page"],
    "api_frameworks": ["page"],
    "api_event_ideas": ["page", "theme"],
    "api_event_clusters": ["page", "theme"],
    "workbench:event": ["page"],
    "workbench:clusters": ["scope"],
    "workbench:map": ["scope", "colour"],
    "workbench:triage": ["status", "theme", "language", "idea", "from"],
    "workbench:answers": ["edit"],
    # The merge's confirmation step: the pair and the page's stamp of it.
    "duplicates:merge": ["first", "second", "stamp"],
    "ideas_export": ["event", "format"],
    # New nodes open with their parent filled in (strategy.viewsets).
    "wagtailsnippets_strategy_strategicissue:add": ["framework"],
    "wagtailsnippets_strategy_goal:add": ["issue"],
    "wagtailsnippets_strategy_measure:add": ["goal"],
    "wagtailsnippets_strategy_indicator:add": ["measure"],
    # Wagtail's listings and choosers, as the project's snippets configure them.
    "wagtailsnippets_ideas_idea:list*": ["event", "theme", "status", "language"],
    "wagtailsnippets_strategy_framework:list*": ["status"],
    "wagtailsnippets_strategy_strategicissue:list*": ["framework"],
    "wagtailsnippets_strategy_goal:list*": ["issue__framework"],
    "wagtailsnippets_strategy_measure:list*": ["goal__issue__framework"],
    "wagtailsnippets_strategy_indicator:list*": ["measure__goal__issue__framework"],
    "wagtailsnippets_strategy_nationalmilestone:list*": ["plan"],
    "wagtailsnippetchoosers_*:chosen_multiple": ["id"],
    "wagtail_bulk_action": ["id", "next", "childOf"],
}

# Read by Wagtail's listings nearly everywhere: sent to every URL.
COMMON = ["p", "page", "q", "ordering", "export", "id", "next", "locale", "multiple"]

# Values that broke, or could break, a view that trusts its input.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e9",
    "0x1f",
    "²",
    "①",
    "٣",
    "๓๒",
    "Ⅻ",
    "½",
    "9" * 19,
    "9" * 40,
    str(2**63),
    "-" + "9" * 30,
    "\x00",
    "1\x00",
    "\u202e",
    "\ufeff1",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "%",
    "%00",
    "../../etc/passwd",
    "ไอเดีย",
    "null",
    "true",
    "[]",
    "{}",
    "x" * 3000,
    "ก" * 1000,
    "-pk",
    "__class__",
    "\n",
]
# Sent to each parameter in turn by the explicit examples.
CORE = ["²", "9" * 40, "\x00", "-1", "", "①"]
DIGITS = "0123456789²³¹①②⑩٠١٢٣๐๑๒๓०१२੩߁٫,.-+ e"
HUGE = "9" * 40
VENDOR = (
    "sqlite"
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    else "postgresql"
)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def not_whole(value) -> bool:
    return whole_number(_text(value)) is None


def past_int64(value) -> bool:
    try:
        number = int(_text(value))
    except ValueError:
        return False
    return not -(2**63) <= number < 2**63


def anything(value) -> bool:
    return True


@dataclass(frozen=True)
class Known:
    """A 500 whose root is out of this project's reach (Wagtail) or in a file
    being changed elsewhere: the fuzz leaves such values out, and
    ``test_known_500s_are_still_there`` shows each one still answers 500, so
    that the entry goes once its root is fixed."""

    names: str  # fnmatch pattern of URL names
    param: str  # a query key, or "path:<argument>"
    breaks: object  # the values that answer 500
    example: str
    why: str
    only_on: str = ""  # "sqlite" or "postgresql" where only one database fails


KNOWN = [
    Known(
        "wagtailadmin_choose_page_*",
        "target_pages[]",
        not_whole,
        "null",
        "Wagtail: int() in wagtail/admin/views/chooser.py BrowseView (ValueError)",
    ),
    Known(
        "wagtailadmin_choose_page_chosen_multiple",
        "id",
        anything,
        "1",
        "Wagtail: the root page has no parent, page.get_parent().pk in "
        "wagtail/admin/views/chooser.py ChosenMultipleView (AttributeError); "
        "past a database integer, OverflowError on SQLite",
    ),
    Known(
        "wagtailadmin_choose_page_*_link",
        "parent_page_id",
        not_whole,
        "1e9",
        "Wagtail: reverse('wagtailadmin_choose_page_child') of the raw value in "
        "wagtail/admin/views/chooser.py (NoReverseMatch)",
    ),
    *(
        Known(
            f"{listing}:index*",
            param,
            anything,
            "1&q=x",
            "Wagtail: a search with the usage count filter, in "
            "modelsearch/backends/base.py _get_filters_from_where_node "
            "(AttributeError: 'Coalesce' object has no attribute 'target')",
        )
        for listing in ("wagtailimages", "wagtaildocs")
        for param in ("usage_count_min", "usage_count_max")
    ),
    Known(
        "wagtailimages_chooser:choose*",
        "tag",
        anything,
        "x&q=y",
        "Wagtail: a search with the tag filter, in modelsearch/backends/base.py "
        '(FilterFieldError: Cannot filter search results with field "name")',
    ),
    Known(
        "wagtailadmin_api:*:find",
        "id",
        not_whole,
        "abc",
        "Wagtail: queryset.get(id=request.GET['id']) in wagtail/api/v2/views.py "
        "find_object (ValueError)",
    ),
    *(
        Known(
            "wagtailadmin_workflows:add_task",
            f"path:{arg}",
            lambda value: "\x00" in _text(value),
            "abc\x00",
            "Wagtail: the content type looked up by a name holding NUL, in "
            "wagtail/admin/views/workflows.py (DataError: PostgreSQL text fields "
            "cannot contain NUL)",
            only_on="postgresql",
        )
        for arg in ("app_label", "model_name")
    ),
    *(
        Known(
            f"{chooser}:chosen",
            "path:pk",
            not_whole,
            "abc",
            "Wagtail: objects.get(pk=...) in wagtail/admin/views/generic/"
            "chooser.py ChosenViewMixin (ValueError: Field 'id' expected a number)",
        )
        for chooser in ("wagtaildocs_chooser", "wagtailimages_chooser")
    ),
    *(
        Known(
            f"{chooser}:chosen_multiple",
            "id",
            not_whole,
            "abc",
            "Wagtail: filter(pk__in=...) in wagtail/admin/views/generic/"
            "chooser.py ChosenMultipleViewMixin (ValueError)",
        )
        for chooser in ("wagtaildocs_chooser", "wagtailimages_chooser")
    ),
]


def known_for(name: str) -> list[Known]:
    return [
        known
        for known in KNOWN
        if fnmatch.fnmatchcase(name, known.names) and known.only_on in ("", VENDOR)
    ]


def leave_out_known(target, path: dict, query: list) -> tuple[dict, list]:
    """The example without the values that answer a known 500."""
    known = known_for(target.name)
    if not known:
        return path, query
    query = [
        (key, value)
        for key, value in query
        if not any(k.param == key and k.breaks(value) for k in known)
    ]
    path = {
        arg: value
        for arg, value in path.items()
        if not any(k.param == f"path:{arg}" and k.breaks(value) for k in known)
    }
    return path, query


@dataclass
class Target:
    """One concrete URL of a pattern, asked by one role."""

    name: str
    route: str
    url: str
    role: str
    ours: bool
    template: list | None = None  # literal text and (kind, name) placeholders
    kwargs: dict = field(default_factory=dict)
    params: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.name or self.route} {self.url} as {self.role}"

    def free(self) -> dict:
        """The placeholders that take free text, with their converter."""
        if self.template is None:
            return {}
        return {
            name: kind
            for kind, name in (p for p in self.template if isinstance(p, tuple))
            if kind in ("str", "slug", "path", "tail")
        }

    def numbers(self) -> list:
        if self.template is None:
            return []
        return [
            name
            for kind, name in (p for p in self.template if isinstance(p, tuple))
            if kind == "int"
        ]

    def path(self, overrides: dict) -> str:
        if self.template is None:
            return self.url
        parts = []
        for part in self.template:
            if isinstance(part, str):
                parts.append(part)
                continue
            kind, name = part
            if kind == "tail":
                tail = overrides.get(name, "")
                parts.append(encode(tail) + "/" if tail else "")
            elif name in overrides:
                parts.append(encode(overrides[name]))
            else:
                parts.append(quote(str(self.kwargs[name]), safe=""))
        return "".join(parts)


# --- the URLs ----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


def template_of(route: str) -> list | None:
    """The route as text and placeholders, or None where it holds a regex."""
    route = route.replace("^", "").replace("$", "")
    if any(c in route for c in "()[]\\|*+?"):
        return None
    parts, last = ["/"], 0
    for match in _PLACEHOLDER.finditer(route):
        parts.append(route[last : match.start()])
        parts.append((match.group(1) or "str", match.group(2)))
        last = match.end()
    parts.append(route[last:])
    return [p for p in parts if p != ""]


def is_ours(name: str) -> bool:
    """The project's screens, Wagtail's generic views over its models included."""
    if not name:
        return False  # Wagtail's unnamed admin/test404/ and catch-all
    if not name.startswith("wagtail"):
        return True
    return name in ("wagtail_serve", "wagtail_bulk_action") or bool(
        re.match(r"wagtailsnippet(s|choosers)_(ideas|strategy)_", name)
    )


def declared(name: str) -> list:
    found = []
    for pattern, params in DECLARED.items():
        if fnmatch.fnmatchcase(name, pattern):
            found += params
    return found


def targets_of(world) -> list[Target]:
    rules = build_rules()
    found = []
    for route, name in url_patterns():
        rule = rule_for(rules, name, route)
        if name == "wagtailadmin_error_test":
            continue  # answers 500 on purpose, to show the error page
        if rule.cases is None:
            url = generic_url(route, world)
            cases = [url] if url else []
        else:
            cases = [c.url for c in rule.cases(world) if c.event in (None, "A")]
        if name == "wagtail_serve":
            cases += world.extra_pages
        anyone = rule.public or rule.anonymous != {LOGIN}
        roles = ["anonymous"] if anyone else ["admin", "fac_a"]
        for url in dict.fromkeys(cases):
            template, kwargs = template_of(route), {}
            if template is not None:
                kwargs = resolve(urlsplit(url).path).kwargs
                if set(kwargs) != {p[1] for p in template if isinstance(p, tuple)}:
                    template = None
            if name == "wagtail_serve":
                # A page's path is free text: what follows it is fuzzed.
                template = [url, ("tail", "segment")]
            for role in roles:
                found.append(
                    Target(name, route, url, role, is_ours(name), template, kwargs)
                )
    return found


# --- what a view reads -------------------------------------------------------


class _Recording(QueryDict):
    """A query string that remembers which keys the view asked it for.

    Reads from within the dictionary itself (``items()``, ``copy()``) are no
    view asking for a key.
    """

    seen: set = set()

    def _note(self, key):
        caller = sys._getframe(2).f_code.co_filename
        if not caller.endswith(_OWN_FILES):
            self.seen.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


_OWN_FILES = (
    os.path.join("django", "utils", "datastructures.py"),
    os.path.join("django", "http", "request.py"),
    __file__,
)


def keys_read(client, url, monkeypatch) -> set:
    """The keys of ``request.GET`` the view asks for on ``url``."""
    seen = set()
    recording = type("Recording", (_Recording,), {"seen": seen})
    with monkeypatch.context() as patch:
        patch.setattr("django.core.handlers.wsgi.QueryDict", recording)
        try:
            with transaction.atomic():
                send(client, url)
        except Exception:
            pass  # what was read until then counts; the fuzz will find the 500
    return seen


# --- the values --------------------------------------------------------------


def encode(value) -> str:
    if isinstance(value, bytes):
        return quote_from_bytes(value, safe="")
    return quote(value, safe="")


def query_string(pairs) -> str:
    if not pairs:
        return ""
    return "?" + "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs)


def texts(good) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(good),
        st.integers().map(str),
        st.text(alphabet=DIGITS, min_size=1, max_size=30),
        st.text(max_size=40),
    )


def values(good) -> st.SearchStrategy:
    # Bytes that are no UTF-8 at all, as a browser may send them.
    return st.one_of(texts(good), st.binary(min_size=1, max_size=8))


def path_values(kind, real, good) -> st.SearchStrategy:
    if kind == "slug":
        return st.one_of(
            st.just(str(real)), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"), texts(good)
        )
    if kind == "tail":
        # Mostly the page itself, whose parameters are the point.
        return st.one_of(
            st.just(""), st.just(""), st.from_regex(r"\A[\w-]{1,40}\Z"), texts(good)
        )
    return st.one_of(st.just(str(real)), values(good))


def good_values(world) -> list[str]:
    """Values a view may recognise, so that the fuzz reaches past its first check."""
    pks = [world.events["A"].pk, world.secret["A"].pk, world.public["A"].pk]
    pks += [world.cluster["A"].pk, world.framework.pk, world.measure.pk]
    pks += [world.secret["A"].number, world.public["A"].number]
    pks += [world.public["A"].theme_id, world.users["fac_a"].pk]
    names = ["title", "number", "status", "created_at", "pk", "event", "theme"]
    return sorted(
        {str(pk) for pk in pks}
        | set(names)
        | {f"-{name}" for name in names}
        | {"digital", "submitted", "accepted", "csv", "xlsx", "json", "cluster", "1"}
        | {world.events["A"].slug, world.framework.slug}
    )


def examples_for(target: Target) -> int:
    """Generated examples, besides the explicit ones (``CORE`` for each
    parameter, a huge id, an odd path): the public pages get the most, then
    the superuser's screens; Wagtail's own screens a few."""
    n = len(target.params)
    if target.role == "anonymous":
        count = 10 + 4 * n if target.ours else 3
    elif target.role == "admin":
        count = 2 + n if target.ours else 2
    else:
        count = 1 + n // 2 if target.ours else 1
    return max(1, round(min(count, 40) * SCALE))


# --- asking ------------------------------------------------------------------


def send(client, url):
    response = client.get(url)
    if getattr(response, "streaming", False):
        # A download that fails half-way fails here, not in a browser.
        b"".join(response.streaming_content)
    return response


def fuzz(target: Target, client, good) -> int:
    """Hypothesis's examples for one URL; raises the first 500 it finds, or
    says how many explicit examples it sent."""
    names = target.params or ["q"]
    name = st.one_of(
        st.sampled_from(names),
        st.sampled_from(names),
        st.sampled_from(COMMON),
        st.text(max_size=8),
    )
    query = st.lists(st.tuples(name, values(good)), max_size=6)
    path = st.fixed_dictionaries(
        {
            arg: path_values(kind, target.kwargs.get(arg, ""), good)
            for arg, kind in target.free().items()
        }
    )

    @hypothesis_settings(
        max_examples=examples_for(target),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate]
        if os.environ.get("FUZZ_NO_SHRINK")
        else [Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
    )
    @seed(zlib.crc32(f"{target.name} {target.route} {target.role}".encode()))
    @given(path=path, query=query)
    def probe(path, query):
        path, query = leave_out_known(target, path, query)
        url = target.path(path) + query_string(query)
        # A savepoint: a query the database refuses must not spoil the
        # transaction the rest of the test's requests run in.
        try:
            with transaction.atomic():
                response = send(client, url)
        except Exception as error:
            error.add_note(f"GET {url}")
            raise
        assert response.status_code < 500, f"GET {url}: {response.status_code}"

    for path_example, query_example in explicit_examples(target):
        probe = example(path=path_example, query=query_example)(probe)
    try:
        probe()
    except Exception as error:
        raise Failure(target, error) from error
    return len(explicit_examples(target))


def explicit_examples(target: Target) -> list[tuple[dict, list]]:
    """What every run sends besides the generated examples."""
    found = []
    # Each parameter gets each value that broke something once, in turn.
    if target.params and target.ours:
        for turn in range(len(CORE)):
            pairs = [
                (p, CORE[(turn + i) % len(CORE)]) for i, p in enumerate(target.params)
            ]
            found.append(({}, pairs))
    # An id past any database integer, in the path.
    if target.numbers():
        found.append((dict.fromkeys(target.numbers(), HUGE), []))
    # A free-text argument that is not what it should be.
    if target.free():
        found.append((dict.fromkeys(target.free(), "²"), []))
        found.append((dict.fromkeys(target.free(), "abc\x00"), []))
    return found


class Failure(Exception):
    def __init__(self, target, error):
        self.target, self.error = target, error
        super().__init__(self.describe())

    def describe(self) -> str:
        error = self.error
        while isinstance(error, BaseExceptionGroup):
            error = error.exceptions[0]
        frame = ""
        tb = error.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if "/hypothesis/" not in code.co_filename:
                frame = f"{code.co_filename}:{tb.tb_lineno} in {code.co_name}"
            tb = tb.tb_next
        message = str(error).splitlines()[0][:300] if str(error) else ""
        urls = [n for n in getattr(error, "__notes__", []) if n.startswith("GET ")]
        url = urls[-1] if urls else f"GET {self.target.url}"
        return (
            f"{self.target.key}\n    {url[:400]}\n"
            f"    {type(error).__name__}: {message}\n    at {frame}"
        )


# --- the world ---------------------------------------------------------------


@pytest.fixture
def fuzz_world(event_index, home, lexical_model):
    world = World(event_index)
    # Published, so that its public pages and API answer with its tree.
    Framework.objects.filter(pk=world.framework.pk).update(
        status=Framework.Status.PUBLISHED
    )
    section = home.add_child(
        instance=FrameworkIndexPage(title="ยุทธศาสตร์", slug="strategy")
    )
    document = section.add_child(
        instance=FrameworkPage(
            title="เอกสาร <script>",
            slug="document",
            framework=world.framework,
            body=[("measure", {"measure": world.measure, "show_ideas": True})],
        )
    )
    document.save_revision().publish()
    # A history with someone in it: its filter by user has choices.
    log(instance=world.framework, action="wagtail.edit", user=world.users["writer"])
    world.extra_pages = [section.url, document.url]
    return world


def clients_of(world) -> dict:
    clients = {"anonymous": Client()}
    for role in ("admin", "fac_a"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    return clients


# The keys each URL pattern reads, found once per session.
_READ: dict = {}


def prepare(world, monkeypatch, roles) -> tuple[list, dict]:
    clients = clients_of(world)
    found = [t for t in targets_of(world) if t.role in roles]
    read = _READ
    for target in found:
        # Who may read the most asks: the facilitator's screens read what the
        # superuser's do.
        asker = "admin" if target.role == "fac_a" else target.role
        key = (target.name, target.route, urlsplit(target.url).path, asker)
        if key not in read:
            client = clients[asker]
            if asker != "anonymous":
                # A GET to the logout screen drops the session cookie.
                client.force_login(world.users[asker])
            first = keys_read(client, target.url, monkeypatch)
            # Some keys are read only once others are there (a search's filters).
            then = dict.fromkeys(first | set(declared(target.name)) | set(COMMON), "1")
            more = keys_read(
                client, target.url + query_string(then.items()), monkeypatch
            )
            read[key] = first | more
        target.params = sorted(set(declared(target.name)) | read[key])
    return found, clients


def run(world, monkeypatch, roles) -> None:
    """Fuzz every URL the roles ask; fail listing each URL that answered 500,
    the first one's traceback chained below."""
    found, clients = prepare(world, monkeypatch, roles)
    good = good_values(world)
    failures, explicit = [], 0
    for target in found:
        client = clients[target.role]
        if target.role != "anonymous":
            # A screen that ends the session must not leave the rest anonymous.
            client.force_login(world.users[target.role])
        started = time.monotonic()
        try:
            explicit += fuzz(target, client, good)
        except Failure as failure:
            failures.append(failure)
        if os.environ.get("FUZZ_VERBOSE"):
            print(
                f"{time.monotonic() - started:6.2f}s {examples_for(target):3} "
                f"{target.key} {target.params}"
            )
    params = sum(len(t.params) for t in found)
    patterns = len({t.route for t in found})
    generated = sum(examples_for(t) for t in found)
    print(
        f"\nfuzz as {'/'.join(roles)}: {len(found)} URLs of {patterns} patterns, "
        f"{params} parameters, {generated} generated and {explicit} explicit examples"
    )
    if failures:
        raise AssertionError(
            f"{len(failures)} URLs answered 500:\n"
            + "\n".join(failure.describe() for failure in failures)
        ) from failures[0].error


@pytest.mark.django_db
def test_public_gets_never_answer_500(fuzz_world, monkeypatch):
    run(fuzz_world, monkeypatch, ["anonymous"])


@pytest.mark.django_db
def test_staff_gets_never_answer_500_for_a_superuser(fuzz_world, monkeypatch):
    run(fuzz_world, monkeypatch, ["admin"])


@pytest.mark.django_db
def test_staff_gets_never_answer_500_for_a_facilitator(fuzz_world, monkeypatch):
    """A facilitator of event A: the screens that filter by what they may read."""
    run(fuzz_world, monkeypatch, ["fac_a"])


def known_url(world, known: Known) -> str:
    target = next(
        t for t in targets_of(world) if fnmatch.fnmatchcase(t.name, known.names)
    )
    if known.param.startswith("path:"):
        return target.path({known.param.removeprefix("path:"): known.example})
    return f"{target.url}?{quote(known.param, safe='')}={known.example}"


@pytest.mark.django_db
def test_known_500s_are_still_there(fuzz_world):
    """Each value the fuzz leaves out still breaks its URL: once its root is
    fixed, this fails, and the entry in ``KNOWN`` goes."""
    client = Client()
    client.force_login(fuzz_world.users["admin"])
    fixed = []
    for known in KNOWN:
        if known.only_on not in ("", VENDOR):
            continue
        url = known_url(fuzz_world, known)
        try:
            with transaction.atomic():
                response = send(client, url)
        except Exception:
            continue
        if response.status_code < 500:
            fixed.append(f"GET {url}: {response.status_code} ({known.why})")
    assert not fixed, "Fixed, to take out of KNOWN:\n" + "\n".join(fixed)


# --- the parameters ----------------------------------------------------------

# request.GET.get("x"), .getlist("x"), ["x"], "x" in request.GET
_READS = re.compile(
    r"""\bGET(?:\.get|\.getlist|\.pop)\(\s*["']([\w-]+)["']"""
    r"""|\bGET\[\s*["']([\w-]+)["']\s*\]"""
    r"""|["']([\w-]+)["']\s+(?:not\s+)?in\s+(?:self\.)?request\.GET\b"""
)


def test_every_parameter_the_project_reads_is_declared():
    """A parameter the project's code reads by name is in ``DECLARED``."""
    root = Path(settings.BASE_DIR)
    everything = {p for params in DECLARED.values() for p in params} | set(COMMON)
    missing = []
    for app in ("cms", "facilitation", "strategy", "judging", "ideas", "workbench"):
        for path in sorted((root / app).rglob("*.py")):
            for match in _READS.finditer(path.read_text()):
                param = next(group for group in match.groups() if group)
                if param not in everything:
                    missing.append(f"{path.relative_to(root)}: {param}")
    assert not missing, "Parameters read but not fuzzed:\n" + "\n".join(missing)
