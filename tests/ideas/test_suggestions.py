"""Theme suggestions from the offline model, kept apart from people's choices."""

import pytest
from django.urls import reverse

from ideas import services, tasks
from ideas.models import Idea, IdeaDecision, IdeaEmbedding
from ideas.selectors.triage import suggestion_summary
from tests.factories import IdeaFactory, ThemeFactory

pytestmark = pytest.mark.usefixtures("fast_model")


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
    # The suggestion column says how sure the model is in words, no percentage.
    assert suggestion_summary(new).headline in listing
    assert "%)" not in listing


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


def test_confirmed_themes_including_accepted_suggestions_train_the_next_one(
    event, event_themes
):
    digital, people = event_themes
    text = ("แอปข้อมูลเปิด open data app for snail mail", "open data by snail หอยทาก")
    target = idea(event, *text)
    services.idea_suggest_theme(idea=target)
    target.refresh_from_db()
    assert target.suggested_theme == digital  # from the themes' words alone
    for n in range(3):
        # Suggestions a facilitator accepted: confirmed by a person.
        idea(
            event,
            f"{text[0]} {n}",
            text[1],
            theme=people,
            theme_source=Idea.ThemeSource.MODEL,
            status=Idea.Status.ACCEPTED,
        )
        idea(
            event,
            f"digital services {n}",
            "apps for digital services",
            theme=digital,
            theme_source=Idea.ThemeSource.FACILITATOR,
            status=Idea.Status.ACCEPTED,
        )
    services.idea_suggest_theme(idea=target)
    target.refresh_from_db()
    assert target.suggested_theme == people


def test_the_reasons_name_the_nearest_confirmed_ideas_and_shared_words(
    event, event_themes
):
    digital, people = event_themes
    confirmed = idea(
        event,
        "Open data portal for ministries",
        "open data exchange between ministries",
        theme=digital,
        theme_source=Idea.ThemeSource.PARTICIPANT,
    )
    idea(event, "Open data portal, waiting", "open data exchange")  # no theme yet
    new = idea(event, "Open data app", "digital services and open data exchange")
    services.idea_suggest_theme(idea=new)
    new.refresh_from_db()
    reasons = new.suggestion_reasons
    assert [n["idea"] for n in reasons["nearest"]] == [confirmed.pk]
    nearest = reasons["nearest"][0]
    assert (nearest["number"], nearest["title"], nearest["theme"]) == (
        confirmed.number,
        confirmed.title,
        "digital",
    )
    assert 0 < nearest["similarity"] <= 1
    assert {"open", "data"} <= set(reasons["keywords"])


def test_merged_duplicates_and_rejected_ideas_do_not_train(event, event_themes):
    digital, people = event_themes
    canonical = idea(event, "Careers for young civil servants", "recruitment, pay")
    text = ("แอปข้อมูลเปิด open data app for snail mail", "open data by snail หอยทาก")
    for n in range(3):
        idea(
            event,
            f"{text[0]} {n}",
            text[1],
            theme=people,
            theme_source=Idea.ThemeSource.FACILITATOR,
            duplicate_of=canonical,
        )
        idea(
            event,
            f"{text[0]} rejected {n}",
            text[1],
            theme=people,
            theme_source=Idea.ThemeSource.FACILITATOR,
            status=Idea.Status.REJECTED,
        )
    target = idea(event, *text)
    services.idea_suggest_theme(idea=target)
    target.refresh_from_db()
    assert target.suggested_theme == digital
    assert target.suggestion_reasons["nearest"] == []


def test_refreshing_suggestions_fills_only_ideas_awaiting_a_theme(event, event_themes):
    from ideas.services.suggestions import ideas_suggest_themes

    digital, people = event_themes
    chosen = idea(
        event,
        "Open data portal app",
        "digital services and open data exchange",
        theme=people,
        theme_source=Idea.ThemeSource.PARTICIPANT,
    )
    waiting = [
        idea(event, "Open data portal app", "digital services and open data"),
        idea(event, "Careers for young civil servants", "recruitment and training"),
    ]
    rejected = idea(event, "Open data app", "open data", status=Idea.Status.REJECTED)
    assert ideas_suggest_themes(event_id=event.pk) == 2
    chosen.refresh_from_db()
    assert (chosen.theme, chosen.suggested_theme) == (people, None)
    assert [Idea.objects.get(pk=w.pk).suggested_theme.code for w in waiting] == [
        "digital",
        "people",
    ]
    assert Idea.objects.get(pk=rejected.pk).suggestion_model == ""
    assert all(
        Idea.objects.get(pk=w.pk).suggestion_reasons.get("keywords") for w in waiting
    )
    # Through the task the workbench's button enqueues; only the given ideas.
    Idea.objects.filter(pk=waiting[1].pk).update(suggestion_model="")
    assert ideas_suggest_themes(event_id=event.pk, ideas=[waiting[0]]) == 1
    assert Idea.objects.get(pk=waiting[1].pk).suggestion_model == ""
    assert tasks.suggest_themes.call(event_id=event.pk) == 2


def test_embedding_an_event_embeds_each_text_once_per_encoder(event, event_themes):
    from ideas.services.suggestions import ideas_embed_event

    first = idea(event, "Open data portal app", "digital services")
    idea(event, "Careers for civil servants", "recruitment and training")
    idea(event, "Spam", "spam", status=Idea.Status.REJECTED)
    assert tasks.embed_event_ideas.call(event_id=event.pk) == 2
    assert ideas_embed_event(event_id=event.pk) == 0
    first.title = "Open data portal app, edited"
    first.save()
    assert ideas_embed_event(event_id=event.pk) == 1
    assert IdeaEmbedding.objects.count() == 2


@pytest.fixture
def second_encoder(monkeypatch):
    # The lexical encoder's vectors under another id: a change of model,
    # without loading one.
    from ml import encoders

    lexical = encoders.get_encoder("lexical")

    class Other(encoders.Encoder):
        id = "other-encoder-v1"
        dim = lexical.dim

        def _encode(self, texts):
            return lexical._encode(texts)

    monkeypatch.setitem(encoders._BACKENDS, "other", Other)
    # Loaded, as in a web process that has started (hints do not wait for it).
    monkeypatch.setitem(encoders._cache, "other", Other().fit())
    return "other"


def test_a_new_encoder_is_embedded_by_the_worker_never_by_the_hints(
    settings, client, event, event_themes, second_encoder, monkeypatch
):
    from ideas.selectors.hints import hints_forget
    from ideas.services.suggestions import ideas_embed_event

    hints_forget()
    for n in range(3):
        idea(
            event,
            f"Open data portal app {n}",
            "digital services and open data exchange",
            status=Idea.Status.ACCEPTED,
        )
    ideas_embed_event(event_id=event.pk)
    settings.ML_ENCODER = second_encoder
    queued = []

    class Recorder:
        def enqueue(self, **kwargs):
            queued.append(kwargs)

    draft = {"title": "Open data portal app", "problem": "open data exchange"}
    client.get(event.url)  # the event page gives the browser its id
    with monkeypatch.context() as patch:
        patch.setattr(tasks, "embed_event_ideas", Recorder())
        first = client.post(event.hints_url, draft)
        client.post(event.hints_url, draft)
    assert first.status_code == 200
    assert "Open data portal app 0" not in first.content.decode()
    # Nothing was embedded during the requests; the worker was asked, once.
    assert not IdeaEmbedding.objects.filter(encoder_id="other-encoder-v1").exists()
    assert queued == [{"event_id": event.pk}]
    assert tasks.embed_event_ideas.call(event_id=event.pk) == 3
    after = client.post(event.hints_url, draft).content.decode()
    assert "Open data portal app 0" in after
    hints_forget()
