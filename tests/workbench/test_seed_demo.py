from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.models import EventPage
from ideas import access
from ideas.models import (
    AnswerTemplate,
    Cluster,
    ClusteringRun,
    Contact,
    Idea,
    IdeaDecision,
    IdeaEmbedding,
    Theme,
)
from judging.models import Assignment, Judge, Round, Score
from judging.selectors.results import round_results
from ml.text import normalize_text
from workbench.demo import loader


@pytest.fixture(autouse=True)
def _fast_encoder(settings):
    settings.ML_ENCODER = "lexical"


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return (
        EventPage.objects.count(),
        Theme.objects.count(),
        Idea.objects.count(),
        IdeaDecision.objects.count(),
        Contact.objects.count(),
        get_user_model().objects.count(),
        ClusteringRun.objects.count(),
        Cluster.objects.count(),
        IdeaEmbedding.objects.count(),
        EventPage.facilitators.through.objects.count(),
        AnswerTemplate.objects.count(),
        Round.objects.count(),
        Judge.objects.count(),
        Assignment.objects.count(),
        Score.objects.count(),
        # Suggestions refreshed again would show here.
        tuple(
            Idea.objects.order_by("pk").values_list(
                "theme_id", "suggested_theme_id", "suggested_at"
            )
        ),
    )


@pytest.mark.django_db
def test_seed_demo_builds_the_hackathon(client):
    seed()
    event = EventPage.objects.get(slug="hackathon-11")
    assert str(event.start_date) == "2022-06-11"
    assert set(event.themes.values_list("code", flat=True)) == {
        "services",
        "structure",
        "digital",
        "people",
    }
    ideas = Idea.objects.filter(event=event)
    assert ideas.count() >= 64
    assert set(ideas.values_list("language", flat=True)) >= {"th", "en"}
    shortlisted = ideas.filter(status=Idea.Status.SHORTLISTED)
    titles = " ".join(shortlisted.values_list("title", flat=True))
    assert shortlisted.count() == 4
    for name in ("SGSIC", "Single Platform", "PMQA", "ซุปเปอร์ฮีโร่"):
        assert name in titles
    assert {
        ideas.filter(theme__code=code).count() >= 10 for code in ("services", "people")
    } == {True}
    body = client.get(event.url).content.decode()
    assert "สำนักงาน ก.พ.ร." in body and "11 มิถุนายน 2565" in body


@pytest.mark.django_db
def test_seed_demo_populates_the_workbench():
    output = seed()
    event = EventPage.objects.get(slug="hackathon-11")
    users = get_user_model().objects
    for username in ("facilitator", "privacy"):
        assert access.can_facilitate(users.get(username=username), event)
    assert not access.can_facilitate(users.get(username="writer"), event)

    ideas = Idea.objects.filter(event=event)
    # Every idea without a theme got the model's word (a theme or "can't
    # decide"); the accepted ones among them were confirmed by a facilitator.
    awaiting = ideas.filter(theme__isnull=True).exclude(status="rejected")
    assert awaiting.exists()
    assert not awaiting.filter(suggested_at__isnull=True).exists()
    confirmed = ideas.filter(theme_source=Idea.ThemeSource.MODEL)
    assert confirmed.exists()
    assert set(confirmed.values_list("status", flat=True)) == {"accepted"}
    assert (
        IdeaDecision.objects.filter(
            idea__in=confirmed, field="theme", actor__username="facilitator"
        ).count()
        == confirmed.count()
    )

    run = ClusteringRun.objects.get(event=event)
    assert (run.status, run.scope) == (ClusteringRun.Status.DONE, "")
    assert run.n_ideas == ideas.exclude(status="rejected").count()
    clusters = Cluster.objects.filter(event=event, is_active=True)
    assert run.n_clusters == clusters.count() >= 2
    assert all(cluster.label for cluster in clusters)
    assert f"clustering run {run.pk}" in output
    # Facilitators find answers ready to give, in both languages.
    templates = AnswerTemplate.objects.filter(event=event)
    assert {"accepted", "rejected"} <= set(templates.values_list("status", flat=True))
    assert all(template.text_th and template.text_en for template in templates)


READY = ("SGSIC", "Single Platform", "PMQA", "ซุปเปอร์ฮีโร่")


@pytest.mark.django_db
def test_seed_demo_judges_the_ideas_ready_to_implement():
    output = seed()
    event = EventPage.objects.get(slug="hackathon-11")
    judging_round = Round.objects.get(event=event)
    assert judging_round.name == "รอบตัดสินไอเดียพร้อมนำไปปฏิบัติ"
    assert judging_round.results_public
    criteria = list(judging_round.criteria.all())
    assert [c.weight for c in criteria] == [3, 2, 1, 2]
    assert all(c.name_th and c.name_en for c in criteria)
    assert all(len(c.levels_th.splitlines()) == 5 for c in criteria)
    assert all(len(c.levels_en.splitlines()) == 5 for c in criteria)
    assert judging_round.judges.filter(user__isnull=False).count() == 5
    assert "judging round" in output

    rows = round_results(round=judging_round).rows
    accepted = Idea.objects.filter(event=event, status__in=["accepted", "shortlisted"])
    assert len(rows) == accepted.count()
    assert all(row.n_judges == 5 for row in rows)
    top = rows[:4]
    assert [row.rank for row in top] == [1, 2, 3, 4]
    assert rows[4].rank == 5 and rows[4].aggregate < top[3].aggregate
    # The rest spread over the scale, not all alike.
    assert len({round(row.aggregate, 2) for row in rows[4:]}) >= 10
    titles = [row.key.title for row in top]
    assert sorted(next(n for n in READY if n in t) for t in titles) == sorted(READY)
    for row in top:
        idea = Idea.objects.get(pk=row.key.pk)
        assert idea.status == Idea.Status.SHORTLISTED
        decision = IdeaDecision.objects.filter(
            idea=idea, field="status", new_value="shortlisted"
        ).get()
        assert f"อันดับ {row.rank} จาก {len(rows)}" in decision.reason
        assert f"({row.aggregate:.1f} จาก 5)" in decision.reason


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "Created: nothing" in output
    # Not a second judging round.
    assert Round.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    before = counts()
    output = seed("--dry-run")
    assert counts() == before
    assert "Dry run" in output
    assert "was not loaded" in output


@pytest.mark.django_db
def test_passwords_are_printed_only_in_debug(settings):
    settings.DEBUG = False
    assert "demo-facilitator-2565" not in seed()
    assert (
        not get_user_model()
        .objects.get(username="facilitator")
        .check_password("demo-facilitator-2565")
    )


@pytest.mark.django_db
def test_debug_demo_users_can_log_in_with_printed_passwords(settings, client):
    settings.DEBUG = True
    output = seed()
    assert "demo-facilitator-2565" in output
    response = client.post(
        "/admin/login/",
        {"username": "facilitator", "password": "demo-facilitator-2565"},
    )
    assert response.status_code == 302
    assert client.get("/admin/snippets/ideas/idea/").status_code == 200


def test_demo_data_is_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert loader.site()["event"]["slug"] == "hackathon-11"
    assert loader.ideas() and loader.framework()["issues"]


def test_demo_data_refers_only_to_what_it_defines():
    # The command skips a cited idea or a theme it cannot find: a title edited
    # in one JSON file and not the other would drop out of the demo silently.
    site, ideas = loader.site(), loader.ideas()
    codes = {theme["code"] for theme in site["themes"]}
    citable = {
        normalize_text(idea["title"], multiline=False)
        for idea in ideas
        if idea.get("status") in {Idea.Status.ACCEPTED, Idea.Status.SHORTLISTED}
    }
    issues = loader.framework()["issues"]
    assert {idea["theme"] for idea in ideas if idea.get("theme")} <= codes
    assert {issue["theme"] for issue in issues} <= codes
    for measure in (m for issue in issues for m in issue["measures"]):
        cited = {normalize_text(t, multiline=False) for t in measure["ideas"]}
        assert cited <= citable, measure["title"]
    assert set(site["event_facilitators"]) <= set(site["users"])


def test_a_demo_user_in_no_role_is_refused(monkeypatch):
    read = loader.read

    def misspelt(name):
        data = read(name)
        data["users"]["writer"]["role"] = "Policy writers"
        return data

    monkeypatch.setattr(loader, "read", misspelt)
    with pytest.raises(ValueError, match="Policy writers"):
        loader.site()
