"""Every URL the project and Wagtail register, for every role, against both events.

The URLs come from the resolver, not from a hand list: a URL added later
without an entry in ``RULES`` fails ``test_every_url_has_a_rule``. Each case
asserts the expected outcome (allowed, refused, sent to log in) and, for every
response, that no text the role may not read is in it: another event's
non-public idea, a contact's name or email. Refused POSTs change nothing.
"""

import fnmatch
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.log_actions import log

from ideas.models import Cluster, ClusteringRun, Contact, Idea, IdeaDecision
from judging.models import Round
from strategy.models import MeasureIdea, NationalMilestone
from tests.conftest import name_facilitator
from tests.factories import (
    EventPageFactory,
    IdeaFactory,
    IndicatorFactory,
    ThemeFactory,
    UserFactory,
)
from workbench import roles

ROLES = ["anonymous", "fac_a", "fac_b", "contact_a", "writer", "approver", "admin"]
STAFF = set(ROLES) - {"anonymous"}
# Who does what, per event (the rule of ideas.access, written out).
FACILITATES = {"A": {"fac_a", "contact_a", "admin"}, "B": {"fac_b", "admin"}}
READS_IDEAS = {x: FACILITATES[x] | {"writer", "approver"} for x in "AB"}
READS_WORKBENCH = {x: FACILITATES[x] | {"writer"} for x in "AB"}
SEES_CONTACTS = {"A": {"contact_a", "admin"}, "B": {"admin"}}
READS_FRAMEWORK = {"writer", "approver", "admin"}
ADDS_MEASURES = {"writer", "admin"}
FACILITATORS = FACILITATES["A"] | FACILITATES["B"]

# What a response may be.
OK, DENY, LOGIN, METHOD = "ok", "deny", "login", "method"
ANYTHING = {OK, DENY, LOGIN, METHOD}


def secret(x):
    return f"SECRETIDEA{x}"


def contact_name(x):
    return f"CONTACTNAME{x}"


def contact_email(x):
    return f"contact-{x.lower()}@example.net"


def may_read(role: str) -> set[str]:
    """The markers ``role`` may meet on a staff screen."""
    allowed = {secret(x) for x in "AB" if role in READS_IDEAS[x]}
    for x in "AB":
        if role in SEES_CONTACTS[x]:
            allowed |= {contact_name(x), contact_email(x)}
    return allowed


# A word of both non-public ideas that the public search must not find.
SEARCHED = "ลับสุดยอด"
ALL_MARKERS = {f(x) for x in "AB" for f in (secret, contact_name, contact_email)}


@dataclass
class Case:
    """One concrete URL of a pattern, about the objects of one event (or none).
    ``writers`` overrides the rule's for this case."""

    url: str
    event: str | None = None
    query: dict = field(default_factory=dict)
    writers: set | None = None


@dataclass
class Rule:
    """What a pattern's URLs answer. ``allowed(event)`` is the set of roles
    that GET them; the other staff are refused and anonymous users sent to log
    in. ``post`` POSTs (empty) as every role not allowed to write, who must be
    refused. ``markers`` None means the staff rule (``may_read``); otherwise
    the markers nobody may meet there (public pages)."""

    cases: object
    allowed: object = None
    get_outcomes: set | None = None
    post: bool = False
    writers: object = None
    post_outcomes: set | None = None
    public: bool = False
    forbidden: set | None = None
    anonymous: set = field(default_factory=lambda: {LOGIN})
    # Roles Wagtail's model permissions let through or not; the rest refused.
    loose: set | None = None

    def writers_of(self, case) -> set:
        if case.writers is not None:
            return case.writers
        if callable(self.writers):
            return self.writers(case.event)
        return self.writers or set()

    def expected(self, role, event, method):
        if self.public:
            return self.get_outcomes or {OK}
        if role == "anonymous":
            return self.anonymous
        if method == "post":
            return self.post_outcomes or {DENY, METHOD}
        if self.get_outcomes is not None:
            return self.get_outcomes
        if self.loose is not None:
            return ANYTHING if role in self.loose else {DENY, METHOD}
        who = self.allowed(event) if callable(self.allowed) else self.allowed
        return {OK, METHOD} if role in who else {DENY, METHOD}


def per_event(build):
    return lambda w: [Case(build(w, x), x) for x in "AB"]


def single(path_name, *args):
    return lambda w: [Case(reverse(path_name, args=args))]


def by_event_id(name):
    return per_event(lambda w, x: reverse(name, args=[w.events[x].pk]))


def by_pk(name, objects):
    return per_event(lambda w, x: reverse(name, args=[getattr(w, objects)[x].pk]))


# --- the world ---------------------------------------------------------------


class World:
    def __init__(self, event_index):
        self.events, self.secret, self.public, self.contact = {}, {}, {}, {}
        self.cluster, self.run, self.users, self.token = {}, {}, {}, {}
        self.round = {}
        for x in "AB":
            event = EventPageFactory(parent=event_index, slug=f"matrix-{x.lower()}")
            theme = ThemeFactory(event=event, code="digital")
            self.events[x] = event
            self.token[x] = f"matrix-token-{x}"
            self.secret[x] = IdeaFactory(
                event=event,
                title=f"{secret(x)} {SEARCHED} <script>",
                status=Idea.Status.SUBMITTED,
                tracking_token_hash=hashlib.sha256(self.token[x].encode()).hexdigest(),
            )
            self.public[x] = IdeaFactory(
                event=event, status=Idea.Status.ACCEPTED, theme=theme
            )
            self.contact[x] = Contact.objects.create(
                idea=self.secret[x],
                name=contact_name(x),
                email=contact_email(x),
                phone="0812345678",
                consent_at=datetime(2022, 6, 11, tzinfo=UTC),
                consent_text_version="1",
            )
            self.run[x] = ClusteringRun.objects.create(
                event=event, status=ClusteringRun.Status.DONE, encoder_id="lexical"
            )
            self.cluster[x] = Cluster.objects.create(
                event=event, number=1, label=f"Cluster {x}", size=2
            )
            self.cluster[x].memberships.create(idea=self.secret[x])
            self.cluster[x].memberships.create(idea=self.public[x])
            self.round[x] = Round.objects.create(event=event, name=f"Round {x}")
        groups = {
            "fac_a": [roles.FACILITATOR],
            "fac_b": [roles.FACILITATOR],
            "contact_a": [roles.FACILITATOR, roles.CONTACT_ACCESS],
            "writer": [roles.POLICY_WRITER],
            "approver": [roles.APPROVER],
        }
        for role, names in groups.items():
            self.users[role] = UserFactory(username=f"matrix-{role}", groups=names)
        self.users["admin"] = UserFactory(
            username="matrix-admin", is_superuser=True, is_staff=True
        )
        name_facilitator(self.events["A"], self.users["fac_a"])
        name_facilitator(self.events["A"], self.users["contact_a"])
        name_facilitator(self.events["B"], self.users["fac_b"])
        for x, actor in (("A", "fac_a"), ("B", "fac_b")):
            IdeaDecision.objects.create(
                idea=self.secret[x],
                actor=self.users[actor],
                field="status",
                old_value="submitted",
                new_value="submitted",
            )
            # What Wagtail's own edit view writes: its site history lists it.
            log(instance=self.secret[x], action="wagtail.edit", user=self.users[actor])
            log(instance=self.contact[x], action="wagtail.edit", user=None)
        indicator = IndicatorFactory()
        self.measure = indicator.measure
        self.framework = self.measure.goal.issue.framework
        MeasureIdea.objects.create(measure=self.measure, idea=self.public["A"])
        self.strategy = {
            "framework": self.framework,
            "strategicissue": self.measure.goal.issue,
            "goal": self.measure.goal,
            "measure": self.measure,
            "indicator": indicator,
            "nationalmilestone": NationalMilestone.objects.create(
                plan="national", number=1, name_th="หมุดหมาย", name_en="Milestone"
            ),
        }

    def fingerprint(self):
        """What a refused POST must leave as it was."""
        return (
            sorted(
                Idea.objects.values_list("pk", "status", "theme_id", "duplicate_of")
            ),
            sorted(Contact.objects.values_list("pk", "name", "email")),
            sorted(Cluster.objects.values_list("pk", "label", "is_active", "version")),
            ClusteringRun.objects.count(),
            IdeaDecision.objects.count(),
            MeasureIdea.objects.count(),
        )


# --- the table ---------------------------------------------------------------


def snippet_rules(model, readers, changers, deleters):
    """The rules of a snippet viewset's URLs (ideas.idea, ideas.contact, ...)."""
    ns = f"wagtailsnippets_{model}"
    objects = {"ideas_idea": "secret", "ideas_contact": "contact"}[model]
    return {
        f"{ns}:list": Rule(single(f"{ns}:list"), readers("A") | readers("B")),
        f"{ns}:list_results": Rule(
            single(f"{ns}:list_results"), readers("A") | readers("B")
        ),
        f"{ns}:add": Rule(
            single(f"{ns}:add"), changers(None), post=True, writers=changers(None)
        ),
        f"{ns}:inspect": Rule(by_pk(f"{ns}:inspect", objects), readers),
        # Wagtail shows usage and history to who may change the object.
        **{
            f"{ns}:{name}": Rule(by_pk(f"{ns}:{name}", objects), changers)
            for name in ("usage", "history", "history_results")
        },
        f"{ns}:edit": Rule(
            by_pk(f"{ns}:edit", objects), changers, post=True, writers=changers
        ),
        f"{ns}:delete": Rule(
            by_pk(f"{ns}:delete", objects), deleters, post=True, writers=deleters
        ),
    }


def idea_changers(event):
    return set() if event is None else FACILITATES[event]


def contact_readers(event):
    return SEES_CONTACTS[event]


def contact_changers(event):
    return {"admin"}


def strategy_rules(name):
    def cases(view):
        return lambda w: [Case(reverse(view, args=[w.strategy[name].pk]))]

    ns = f"wagtailsnippets_strategy_{name}"
    choose = f"wagtailsnippetchoosers_strategy_{name}"
    # Facilitators hold no right on the framework; writers, approvers and
    # administrators get what Wagtail's model permissions give each.
    rules = {
        f"{ns}:{view}": Rule(
            single(f"{ns}:{view}")
            if view in ("list", "list_results", "add")
            else (cases(f"{ns}:{view}")),
            loose=READS_FRAMEWORK,
        )
        for view in (
            "list",
            "list_results",
            "add",
            "edit",
            "delete",
            "usage",
            "history",
            "history_results",
            "inspect",
        )
    }
    for view in ("choose", "choose_results", "chosen_multiple", "create"):
        rules[f"{choose}:{view}"] = Rule(single(f"{choose}:{view}"), loose=STAFF)
    rules[f"{choose}:chosen"] = Rule(cases(f"{choose}:chosen"), loose=STAFF)
    return rules


def bulk_cases(world):
    cases = []
    app = "ideas"
    for model in ("idea", "contact"):
        for action_class in bulk_action_registry.get_bulk_actions_for_model(app, model):
            action = action_class.action_type
            for x in "AB":
                if model == "idea":
                    target, writers = world.secret[x], FACILITATES[x]
                else:
                    target, writers = world.contact[x], {"admin"}
                url = reverse("wagtail_bulk_action", args=[app, model, action])
                cases.append(Case(url, x, {"id": target.pk}, writers))
    return cases


WAGTAIL_OWN = [
    "wagtailadmin_*",
    "wagtailimages*",
    "wagtaildocs*",
    "wagtailembeds*",
    "wagtailforms*",
    "wagtailredirects*",
    "wagtailsettings*",
    "wagtailsites*",
    "wagtailusers_*",
    "wagtailsnippets:*",
]

PUBLIC_FORBIDDEN = ALL_MARKERS


def public(cases, forbidden=PUBLIC_FORBIDDEN, outcomes=None):
    return Rule(
        cases,
        public=True,
        forbidden=forbidden,
        anonymous=outcomes or {OK},
        get_outcomes=outcomes,
    )


def build_rules():
    rules = {}
    rules.update(
        snippet_rules("ideas_idea", READS_IDEAS.get, idea_changers, lambda event: set())
    )
    rules.update(
        snippet_rules(
            "ideas_contact", contact_readers, contact_changers, contact_changers
        )
    )
    rules["wagtailsnippets_ideas_contact:list"].allowed = SEES_CONTACTS["A"]
    rules["wagtailsnippets_ideas_contact:list_results"].allowed = SEES_CONTACTS["A"]
    rules["wagtailsnippets_ideas_contact:add"].allowed = {"admin"}
    rules["wagtailsnippets_ideas_idea:list"].allowed = STAFF
    rules["wagtailsnippets_ideas_idea:list_results"].allowed = STAFF
    choose = "wagtailsnippetchoosers_ideas_idea"
    for view in ("choose", "choose_results", "chosen_multiple"):
        rules[f"{choose}:{view}"] = Rule(single(f"{choose}:{view}"), STAFF)
    rules[f"{choose}:chosen"] = Rule(
        lambda w: [
            *per_event(lambda w, x: reverse(f"{choose}:chosen", args=[w.secret[x].pk]))(
                w
            ),
            # Not an id at all: refused like an unknown one, never a 500.
            Case(reverse(f"{choose}:chosen", args=["²"]), "none"),
            Case(reverse(f"{choose}:chosen", args=["abc"]), "none"),
        ],
        lambda event: set() if event == "none" else READS_IDEAS[event],
    )
    rules[f"{choose}:chosen_multiple"] = Rule(
        lambda w: [
            Case(reverse(f"{choose}:chosen_multiple"), query={"id": ["abc", "²"]})
        ],
        STAFF,
    )
    rules[f"{choose}:create"] = Rule(single(f"{choose}:create"), set(), post=True)
    rules["wagtailsnippets_ideas_idea:add"].allowed = set()
    for name in STRATEGY_SNIPPETS:
        rules.update(strategy_rules(name))
    # The workbench: facilitators of the event and readers (policy writers).
    for name in ("event", "clusters", "map", "shortlist"):
        rules[f"workbench:{name}"] = Rule(
            by_event_id(f"workbench:{name}"), READS_WORKBENCH.get
        )
    for name in ("themes", "refresh_suggestions", "shortlist_change", "run", "triage"):
        rules[f"workbench:{name}"] = Rule(
            by_event_id(f"workbench:{name}"),
            FACILITATES.get,
            post=True,
            writers=FACILITATES.get,
        )
    rules["workbench:answers"] = Rule(
        by_event_id("workbench:answers"),
        READS_WORKBENCH.get,
        post=True,
        writers=FACILITATES.get,
    )
    rules["workbench:judging_new"] = Rule(
        by_event_id("workbench:judging_new"),
        FACILITATES.get,
        post=True,
        writers=FACILITATES.get,
    )
    rules["workbench:judging_setup"] = Rule(
        per_event(
            lambda w, x: reverse(
                "workbench:judging_setup", args=[w.events[x].pk, w.round[x].pk]
            )
        ),
        FACILITATES.get,
        post=True,
        writers=FACILITATES.get,
    )
    # Judging: the rounds' list for readers, results and exports for runners.
    rules["workbench:judging"] = Rule(
        by_event_id("workbench:judging"), READS_WORKBENCH.get
    )
    rules["workbench:judging_results"] = Rule(
        per_event(
            lambda w, x: reverse(
                "workbench:judging_results", args=[w.events[x].pk, w.round[x].pk]
            )
        ),
        FACILITATES.get,
        post=True,
        writers=FACILITATES.get,
    )
    rules["workbench:judging_export"] = Rule(
        per_event(
            lambda w, x: reverse(
                "workbench:judging_export",
                args=[w.events[x].pk, w.round[x].pk, "csv"],
            )
        ),
        FACILITATES.get,
    )
    rules["workbench:index"] = Rule(
        single("workbench:index"), FACILITATORS | {"writer"}
    )
    rules["workbench:run_status"] = Rule(
        per_event(
            lambda w, x: reverse(
                "workbench:run_status", args=[w.events[x].pk, w.run[x].pk]
            )
        ),
        READS_WORKBENCH.get,
    )
    rules["workbench:cluster"] = Rule(
        per_event(
            lambda w, x: reverse(
                "workbench:cluster", args=[w.events[x].pk, w.cluster[x].pk]
            )
        ),
        READS_WORKBENCH.get,
        post=True,
        writers=FACILITATES.get,
    )
    rules["duplicates:index"] = Rule(
        single("duplicates:index"), FACILITATORS | {"writer"}
    )
    rules["duplicates:queue"] = Rule(
        by_event_id("duplicates:queue"), READS_WORKBENCH.get
    )
    for name in ("merge", "unmerge", "dismiss", "undismiss"):
        rules[f"duplicates:{name}"] = Rule(
            by_event_id(f"duplicates:{name}"),
            FACILITATES.get,
            post=True,
            writers=FACILITATES.get,
        )
    # Files in and out: facilitators choose among their own events.
    for name in ("ideas_import", "ideas_export"):
        rules[name] = Rule(single(name), FACILITATORS, post=True, writers=FACILITATORS)
    for name in ("ideas_import_status", "ideas_export_status", "ideas_export_download"):
        rules[name] = Rule(
            lambda w, n=name: [Case(reverse(n, args=["0" * 32]))],
            set(),
        )
    rules["personal_data"] = Rule(
        single("personal_data"), {"admin"}, post=True, writers={"admin"}
    )
    rules["strategy_coverage_index"] = Rule(
        single("strategy_coverage_index"), READS_FRAMEWORK
    )
    rules["strategy_coverage"] = Rule(
        lambda w: [Case(reverse("strategy_coverage", args=[w.framework.pk]))],
        READS_FRAMEWORK,
    )
    rules["strategy_export"] = Rule(
        lambda w: [Case(reverse("strategy_export", args=[w.framework.pk, "md"]))],
        READS_FRAMEWORK,
    )
    rules["strategy_measure_from_cluster"] = Rule(
        per_event(
            lambda w, x: reverse(
                "strategy_measure_from_cluster", args=[w.cluster[x].pk]
            )
        ),
        lambda x: ADDS_MEASURES,
        post=True,
        writers=lambda x: ADDS_MEASURES,
    )
    # The confirmation page may be shown; the marker check and the refused
    # POSTs (nothing changes) do the work.
    rules["wagtail_bulk_action"] = Rule(
        bulk_cases, get_outcomes=ANYTHING, post=True, post_outcomes=ANYTHING
    )
    # Wagtail's own screens: not about ideas, but they must not leak them.
    for pattern in WAGTAIL_OWN:
        rules[pattern] = Rule(None, None, get_outcomes=ANYTHING)
    for name in (
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
    ):
        rules[name] = Rule(None, None, get_outcomes=ANYTHING, anonymous=ANYTHING)
    # Wagtail's pages that answer 404 and 500 on purpose, for error pages.
    rules["route:admin/test404/"] = Rule(None, get_outcomes=ANYTHING)
    rules["route:admin/^.*/$"] = Rule(None, get_outcomes={DENY})
    rules["wagtailadmin_error_test"] = Rule(lambda w: [])
    # The public site and API: what anyone reads, and never a secret.
    rules["wagtail_serve"] = public(
        lambda w: [
            Case("/"),
            Case(w.events["A"].url),
            Case(w.events["A"].url + "ideas/"),
            Case(w.events["B"].url + "ideas/"),
            # The projector's wall and its data: counts and public ideas only.
            Case(w.events["A"].url + "wall/"),
            Case(w.events["A"].url + "wall/data/"),
            Case(w.events["B"].url + "wall/data/"),
        ]
    )
    rules["search"] = public(lambda w: [Case(reverse("search"), query={"q": SEARCHED})])
    for name in ("api_index", "api_events", "api_frameworks"):
        rules[name] = public(single(name))
    for name in ("api_event", "api_event_ideas", "api_event_clusters"):
        rules[name] = public(
            per_event(lambda w, x, n=name: reverse(n, args=[w.events[x].slug]))
        )
    # A framework is public once published; this one is a draft.
    rules["api_framework"] = public(
        lambda w: [Case(reverse("api_framework", args=[w.framework.slug]))],
        outcomes={DENY},
    )
    # A tracking link shows its own idea to whoever holds it, never a contact.
    rules["idea_track"] = public(
        per_event(lambda w, x: reverse("idea_track", args=[w.token[x]])),
        forbidden={contact_name(x) for x in "AB"} | {contact_email(x) for x in "AB"},
    )
    # Mailing a tracking link takes a POST from its own page; a GET is refused.
    rules["idea_track_mail"] = public(
        per_event(lambda w, x: reverse("idea_track_mail", args=[w.token[x]])),
        outcomes={METHOD},
    )
    # Judges are named in a round, not by a role: every role is refused a
    # round's screens, and an invitation link asks before it is used.
    rules["judging:join"] = public(
        lambda w: [Case(reverse("judging:join", args=["not-a-judging-link"]))]
    )
    rules["judging:worklist"] = public(single("judging:worklist", 1), outcomes={DENY})
    for name in ("sheet", "panel"):
        rules[f"judging:{name}"] = public(
            lambda w, n=name: [
                Case(reverse(f"judging:{n}", args=[1, w.secret[x].pk])) for x in "AB"
            ],
            outcomes={DENY},
        )
    rules["judging:conflict"] = public(
        lambda w: [Case(reverse("judging:conflict", args=[1, w.secret["A"].pk]))],
        outcomes={METHOD},
    )
    # The link in a mail asks before it stops anything.
    rules["notifications_stop"] = public(
        lambda w: [Case(reverse("notifications_stop", args=["not-a-signed-link"]))]
    )
    for name in (
        "set_language",
        "wagtaildocs_serve",
        "wagtaildocs_authenticate_with_password",
        "wagtailcore_authenticate_with_password",
        "wagtailcore_login",
    ):
        rules[name] = Rule(None, None, get_outcomes=ANYTHING, anonymous=ANYTHING)
    return rules


STRATEGY_SNIPPETS = [
    "framework",
    "strategicissue",
    "goal",
    "measure",
    "indicator",
    "nationalmilestone",
]

# Contacts are reached from their idea only: these must not exist at all.
ABSENT = [
    "/admin/snippets/choose/ideas/contact/",
    "/admin/snippets/choose/ideas/contact/results/",
    "/admin/snippets/choose/ideas/contact/chosen/1/",
]


def url_patterns(resolver=None, prefix="", namespace=None):
    """(route, name) of every URL pattern the resolver knows."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from url_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            if namespace and name:
                name = f"{namespace}:{name}"
            yield prefix + str(pattern.pattern), name


def rule_for(rules, name, route=""):
    # Unnamed patterns are listed by their route.
    name = name or f"route:{route}"
    if name in rules:
        return rules[name]
    for key, rule in rules.items():
        if "*" in key and fnmatch.fnmatchcase(name, key):
            return rule
    return None


def test_every_url_has_a_rule():
    rules = build_rules()
    missing = [
        f"{route} ({name or 'unnamed'})"
        for route, name in url_patterns()
        if rule_for(rules, name, route) is None
    ]
    assert not missing, "URLs without an access rule:\n" + "\n".join(missing)


# --- running it --------------------------------------------------------------

_ARG = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\([^)]*\)")


def generic_url(route, world):
    """A concrete URL for a Wagtail pattern: its ids point at event A's page."""
    route = route.replace("^", "").replace("$", "")
    page = str(world.events["A"].pk)

    def fill(match):
        converter, name = match.group(1) or "str", match.group(2) or ""
        numeric = converter == "int" or name == "pk" or name.endswith("_id")
        return page if numeric or match.group(0).startswith("(") else "x"

    path = _ARG.sub(fill, route)
    return "/" + path if "<" not in path else None


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status in (401, 403, 404, 410):
        return DENY
    if status == 405:
        return METHOD
    if status in (301, 302, 303):
        target = response.headers.get("Location", "")
        if "/login/" in target:
            return LOGIN
        # Wagtail's own refusal sends staff to the dashboard with a message.
        if target.split("?")[0] in ("/admin/", reverse("wagtailadmin_home")):
            return DENY
    return OK


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.fixture
def world(event_index):
    return World(event_index)


@pytest.mark.django_db
def test_every_role_gets_what_the_rule_says_and_nothing_more(world, request):
    rules = build_rules()
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        if role != "anonymous":
            clients[role].force_login(world.users[role])
    before = world.fingerprint()
    failures, counts, patterns = [], Counter(), set()

    def check(role, method, case, rule, route):
        client = clients[role]
        if role != "anonymous":
            # A refused logout or a session flush must not turn the rest anonymous.
            client.force_login(world.users[role])
        send = client.get if method == "get" else client.post
        response = send(case.url, case.query)
        got = outcome(response)
        expected = rule.expected(role, case.event, method)
        where = f"{method.upper()} {case.url} {case.query or ''} as {role}"
        if got not in expected:
            failures.append(f"{where}: {got}, expected {sorted(expected)}")
        body = text_of(response)
        forbidden = (
            rule.forbidden
            if rule.forbidden is not None
            else (ALL_MARKERS - may_read(role))
        )
        leaked = sorted(marker for marker in forbidden if marker in body)
        if leaked:
            failures.append(f"{where}: shows {leaked}")
        counts[method] += 1
        patterns.add(route)

    posts = []
    for route, name in url_patterns():
        rule = rule_for(rules, name, route)
        if rule.cases is None:
            url = generic_url(route, world)
            cases = [Case(url)] if url else []
        else:
            cases = rule.cases(world)
        for case in cases:
            for role in ROLES:
                check(role, "get", case, rule, route)
                if rule.post and role not in rule.writers_of(case):
                    posts.append((role, case, rule, route))
    # Every refused POST after every GET, so the GETs saw the world unchanged.
    for role, case, rule, route in posts:
        check(role, "post", case, rule, route)
    after = world.fingerprint()
    for path in ABSENT:
        for role in ROLES:
            if role != "anonymous":
                clients[role].force_login(world.users[role])
            if clients[role].get(path).status_code not in (404, 302):
                failures.append(f"GET {path} as {role}: exists")
            counts["absent"] += 1
    request.config.stash[MATRIX] = (
        f"access matrix: {counts['get']} GETs and {counts['post']} refused POSTs "
        f"over {len(patterns)} URL patterns, {len(ROLES)} roles, 2 events; "
        f"{counts['absent']} absent contact choosers"
    )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
    assert after == before, "a refused POST changed something"


MATRIX = pytest.StashKey[str]()
