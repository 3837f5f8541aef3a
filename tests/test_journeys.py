"""One test per user journey, end to end through the public site and the admin."""

from django.urls import reverse

from ideas.models import Idea


def test_participant_submits_and_facilitator_accepts(
    client, event, themes, facilitator
):
    # A participant on the event page submits an idea anonymously.
    page = client.get(event.url)
    assert "ส่งไอเดีย" in page.content.decode()
    response = client.post(
        event.url,
        {
            "title": "แพลตฟอร์มกลางรับเรื่องร้องเรียน",
            "problem": "เรื่องร้องเรียนกระจายอยู่หลายหน่วยงาน",
            "solution": "รวมช่องทางรับเรื่องไว้ที่เดียวและส่งต่ออัตโนมัติ",
            "theme": "services",
        },
    )
    tracking_url = response["Location"].split("?")[0]
    assert "ส่งแล้ว" in client.get(tracking_url).content.decode()

    # A facilitator finds it in the admin listing and accepts it.
    staff = client.__class__()
    staff.force_login(facilitator)
    listing = staff.get(reverse("wagtailsnippets_ideas_idea:list"), {"q": "ร้องเรียน"})
    assert "แพลตฟอร์มกลางรับเรื่องร้องเรียน" in listing.content.decode()
    idea = Idea.objects.get()
    staff.post(
        reverse("wagtailsnippets_ideas_idea:edit", args=[idea.pk]),
        {"status": "accepted", "status_reason": "", "theme": themes[0].pk, "tags": ""},
    )

    # The participant sees the decision on their private page.
    body = client.get(tracking_url).content.decode()
    assert "ผ่านการพิจารณา" in body
    assert "ส่งแล้ว → ผ่านการพิจารณา" in body


def test_facilitator_themes_clusters_and_reruns_keeping_their_edits(
    client, event, facilitator, settings, django_capture_on_commit_callbacks
):
    import re

    from cms.models import EventPage
    from ideas.models import Cluster, ClusteringRun, ClusterMembership
    from tests.factories import IdeaFactory, ThemeFactory

    settings.ML_ENCODER = "lexical"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    digital = ThemeFactory(
        event=event,
        code="digital",
        name_th="รัฐบาลดิจิทัลและข้อมูลเปิด",
        name_en="Digital government and open data",
        description_en="open data, digital services, apps, data exchange",
    )
    people = ThemeFactory(
        event=event,
        code="people",
        name_th="บุคลากรภาครัฐ",
        name_en="Public-sector people and careers",
        description_en="civil servants, recruitment, pay, careers, training",
    )
    EventPage.facilitators.through.objects.get_or_create(
        eventpage=event, user=facilitator
    )
    for title, theme in [
        ("Open data portal for government datasets", digital),
        ("Government data exchange platform with open data", digital),
        ("Digital services app with open data", digital),
        ("Civil servant training and career paths", people),
        ("Recruit young civil servants with fair pay", people),
        ("Career training for civil servants", people),
    ]:
        IdeaFactory(
            event=event,
            title=title,
            problem=title,
            solution=title,
            status=Idea.Status.ACCEPTED,
            theme=theme,
            theme_source=Idea.ThemeSource.FACILITATOR,
        )

    # A participant submits an idea without choosing a theme.
    client.get(event.url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            event.url,
            {
                "title": "Open data app for digital services",
                "problem": "Government data is hard to find in digital services",
                "solution": "An app that exchanges open data between agencies",
                "theme": "not-sure",
            },
        )
    idea = Idea.objects.get(title="Open data app for digital services")
    assert (idea.theme, idea.suggested_theme) == (None, digital)

    # The facilitator sees the model's suggestion on the workbench and confirms it.
    staff = client.__class__()
    staff.force_login(facilitator)
    dashboard = staff.get(reverse("workbench:event", args=[event.pk])).content.decode()
    assert "Open data app for digital services" in dashboard
    assert f'name="accept" value="{idea.pk}"' in dashboard
    assert "รัฐบาลดิจิทัลและข้อมูลเปิด" in dashboard
    staff.post(reverse("workbench:themes", args=[event.pk]), {"accept": idea.pk})
    idea.refresh_from_db()
    assert idea.theme == digital

    # They run clustering: it runs in the (immediate) worker.
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(reverse("workbench:run", args=[event.pk]), {"scope": ""})
        latest = ClusteringRun.objects.filter(event=event).first()
        assert latest.status == ClusteringRun.Status.DONE, latest.error
        return latest

    run()
    cluster = ClusterMembership.objects.get(idea=idea, scope="").cluster
    url = reverse("workbench:cluster", args=[event.pk, cluster.pk])

    # They name the idea's cluster and pin the idea to it.
    staff.post(
        url,
        {
            "action": "rename",
            "rename-label": "ข้อมูลเปิดเพื่อบริการ",
            "rename-version": cluster.version,
        },
    )
    staff.post(
        url,
        {
            "action": "pin",
            "members-ideas": [idea.pk],
            "members-version": cluster.version + 1,  # renamed just now
        },
    )

    # A re-run keeps the name and the pin, and says what changed.
    second = run()
    cluster.refresh_from_db()
    assert cluster.is_active
    assert cluster.label == "ข้อมูลเปิดเพื่อบริการ"
    assert cluster.label_source == Cluster.LabelSource.FACILITATOR
    membership = ClusterMembership.objects.get(idea=idea, scope="")
    assert membership.cluster_id == cluster.pk and membership.pinned
    page = staff.get(reverse("workbench:clusters", args=[event.pk])).content.decode()
    assert "ข้อมูลเปิดเพื่อบริการ" in page
    assert re.search(r"What changed since the run before|เปลี่ยนไป", page)
    assert second.changed_assignments == 0
    assert ClusteringRun.objects.filter(event=event).count() == 2
