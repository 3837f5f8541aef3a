"""Theme suggestions from the offline model, kept apart from people's choices."""

import pytest
from django.urls import reverse

from ideas import services, tasks
from ideas.models import Idea, IdeaDecision, IdeaEmbedding
from tests.factories import IdeaFactory, ThemeFactory


@pytest.fixture(autouse=True)
def _fast_model(settings):
    # The lexical encoder: deterministic and quick; the default model's quality
    # is measured by `python -m ml evaluate` (docs/evaluation.md).
    settings.ML_ENCODER = "lexical"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }


@pytest.fixture
def event_themes(event):
    return [
        ThemeFactory(
            event=event,
            code="digital",
            name_th="รัฐบาลดิจิทัล",
            name_en="Digital government and open data",
            description_th="ข้อมูลเปิด ระบบดิจิทัล แอปพลิเคชัน",
            description_en="open data, digital services, apps, data exchange",
        ),
        ThemeFactory(
            event=event,
            code="people",
            name_th="บุคลากรภาครัฐ",
            name_en="Public-sector people and careers",
            description_th="ข้าราชการ การสรรหา ค่าตอบแทน",
            description_en="civil servants, recruitment, pay, careers, training",
        ),
    ]


def idea(event, title, problem, **extra):
    return IdeaFactory(
        event=event, title=title, problem=problem, solution=problem, **extra
    )


def test_a_suggestion_is_stored_beside_the_theme(event, event_themes):
    new = idea(event, "Open data portal app", "digital services and open data exchange")
    services.idea_suggest_theme(idea=new)
    new.refresh_from_db()
    assert new.suggested_theme.code == "digital"
    assert 0 < new.suggestion_confidence <= 1
    assert new.suggestion_model.startswith("lexical")
    assert new.theme is None  # a suggestion is not a decision


def test_a_persons_theme_is_never_overwritten(event, event_themes):
    chosen = idea(
        event,
        "Open data portal app",
        "digital services and open data exchange",
        theme=event_themes[1],
        theme_source=Idea.ThemeSource.PARTICIPANT,
    )
    services.idea_suggest_theme(idea=chosen)
    chosen.refresh_from_db()
    assert chosen.theme == event_themes[1]
    assert chosen.suggested_theme is not None


def test_embeddings_are_cached_per_encoder(event, event_themes):
    new = idea(event, "Careers for young civil servants", "recruitment and training")
    services.idea_suggest_theme(idea=new)
    services.idea_suggest_theme(idea=new)
    assert IdeaEmbedding.objects.filter(idea=new).count() == 1


def test_submitting_an_idea_asks_the_worker_for_a_suggestion(
    client, event, event_themes
):
    client.get(event.url)
    client.post(
        event.url,
        {
            "title": "Open data portal app",
            "problem": "digital services and open data exchange",
            "solution": "an app for open data",
            "theme": "not-sure",
        },
    )
    submitted = Idea.objects.get()
    assert submitted.suggestion_model  # the (immediate) worker ran
    assert submitted.theme is None


def test_accepting_a_suggestion_is_a_recorded_decision(
    client, event, event_themes, facilitator
):
    new = idea(event, "Open data portal app", "digital services and open data exchange")
    other = idea(event, "อื่น ๆ", "ไม่มีข้อเสนอแนะ")
    services.idea_suggest_theme(idea=new)
    client.force_login(facilitator)
    url = reverse("wagtail_bulk_action", args=["ideas", "idea", "accept_suggestion"])
    client.post(f"{url}?id={new.pk}&id={other.pk}", {})
    new.refresh_from_db()
    assert (new.theme.code, new.theme_source) == ("digital", Idea.ThemeSource.MODEL)
    decision = IdeaDecision.objects.get(idea=new)
    assert decision.actor == facilitator and "lexical" in decision.reason
    assert Idea.objects.get(pk=other.pk).theme is None
    listing = client.get(reverse("wagtailsnippets_ideas_idea:list")).content.decode()
    assert "%)" in listing  # the suggestion column shows a confidence


def test_the_task_ignores_a_vanished_idea(db):
    assert tasks.suggest_theme.call(idea_id=999_999) == ""


def test_the_provenance_export_names_the_model_and_its_confidence(
    event, event_themes, facilitator, tmp_path
):
    import csv
    import io

    from ideas import exporting

    new = idea(event, "Open data portal app", "digital services and open data exchange")
    Idea.objects.filter(pk=new.pk).update(status=Idea.Status.ACCEPTED)
    services.idea_suggest_theme(idea=new)
    services.idea_accept_suggestion(idea=new, actor=facilitator)
    stream = io.StringIO()
    exporting.export_ideas(event=event, format="provenance", stream=stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))
    suggestion, decision = rows
    assert suggestion["field"] == "theme_suggestion" and suggestion["to"] == "digital"
    assert suggestion["decided_by"].startswith("lexical")
    assert suggestion["reason"].startswith("confidence ")
    assert (decision["to"], decision["decided_by"]) == ("digital", "facilitator")
