"""Measures drafted from clusters: citation, coverage, merged clusters, exports."""

import io

import docx
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from ideas.models import Cluster, ClusterMembership
from strategy import exporters, selectors, services
from strategy.models import Framework, Measure, MeasureCluster
from tests.factories import SCRIPT, EventPageFactory
from tests.strategy.helpers import measure_data, th

OPEN_DATA = f"ข้อมูลเปิด {SCRIPT}"


def make_cluster(event, *, scope, number, label, ideas=(), **fields):
    cluster = Cluster.objects.create(
        event=event, scope=scope, number=number, label=label, size=len(ideas), **fields
    )
    for idea in ideas:
        ClusterMembership.objects.create(cluster=cluster, idea=idea, scope=scope)
    return cluster


@pytest.fixture
def clusters(event, themes, ideas):
    services_theme, digital_theme = themes
    return {
        "paperwork": make_cluster(
            event,
            scope=services_theme.code,
            number=1,
            label="ลดสำเนาเอกสาร",
            keywords=["สำเนา", "บัตรประชาชน"],
            ideas=[ideas["copies"], ideas["portal"], ideas["submitted"]],
        ),
        "open": make_cluster(
            event,
            scope=digital_theme.code,
            number=1,
            label=OPEN_DATA,
            keywords=["ข้อมูล", "API"],
            ideas=[ideas["data"], ideas["open_data"], ideas["rejected"]],
        ),
        "green": make_cluster(
            event, scope="", number=1, label="สำนักงานสีเขียว", ideas=[ideas["unthemed"]]
        ),
        # Nothing in it can be cited yet: coverage leaves it out.
        "pending": make_cluster(
            event, scope="", number=2, label="รอคัดกรอง", ideas=[ideas["submitted"]]
        ),
    }


def merge(cluster, into):
    cluster.is_active = False
    cluster.merged_into = into
    cluster.save()
    ClusterMembership.objects.filter(cluster=cluster).update(cluster=into)


def from_open_data(framework, clusters, **kwargs):
    return services.measure_create_from_cluster(
        cluster=clusters["open"], goal=framework["goals"][1], **kwargs
    )


def test_a_measure_from_a_cluster_cites_it_and_its_accepted_ideas(
    framework, clusters, ideas
):
    measure = from_open_data(framework, clusters)

    assert measure.title == OPEN_DATA
    assert measure.goal == framework["goals"][1]
    assert "ข้อมูล, API" in measure.description
    assert f"[#7] {ideas['data'].solution}" in measure.description
    assert f"[#8] {ideas['open_data'].solution}" in measure.description
    assert "[#21]" not in measure.description
    citations = {c.idea.number: c.note for c in measure.cited_ideas.all()}
    assert citations == {
        7: f"from cluster “{OPEN_DATA}”",
        8: f"from cluster “{OPEN_DATA}”",
    }
    assert [c.label for c in selectors.measure_clusters(measure=measure)] == [OPEN_DATA]
    assert selectors.cluster_citable_ideas(cluster=clusters["open"])[1] == 1


def test_a_title_given_wins_over_the_cluster_label(framework, clusters):
    measure = from_open_data(framework, clusters, title="ศูนย์ข้อมูลเปิดภาครัฐ")
    assert measure.title == "ศูนย์ข้อมูลเปิดภาครัฐ"


def test_the_ideas_cited_stay_put_when_the_cluster_changes(framework, clusters, ideas):
    measure = from_open_data(framework, clusters)
    ClusterMembership.objects.filter(idea=ideas["open_data"]).update(
        cluster=clusters["paperwork"], scope=clusters["paperwork"].scope
    )
    ClusterMembership.objects.create(
        cluster=clusters["open"], idea=ideas["unthemed"], scope="digital"
    )

    node = selectors.measure_node(measure=measure)
    assert [idea.number for idea in node.ideas] == [7, 8]


def test_a_cluster_without_citable_ideas_gives_no_measure(framework, clusters):
    with pytest.raises(ValidationError) as error:
        services.measure_create_from_cluster(
            cluster=clusters["pending"], goal=framework["goals"][0]
        )
    assert "has no accepted or shortlisted idea" in error.value.messages[0]
    assert not Measure.objects.filter(title="รอคัดกรอง").exists()


def test_only_a_draft_framework_of_the_clusters_event_takes_it(
    framework, clusters, superuser, event_index
):
    target = framework["framework"]
    services.framework_set_status(
        framework=target, status=Framework.Status.APPROVED, actor=superuser
    )
    with pytest.raises(ValidationError) as error:
        from_open_data(framework, clusters)
    assert error.value.code == "not_draft"

    target.status = Framework.Status.DRAFT
    target.save()
    target.source_events.set([EventPageFactory(parent=event_index)])
    target.save()
    with pytest.raises(ValidationError) as error:
        from_open_data(framework, clusters)
    assert error.value.code == "other_event"
    assert Measure.objects.count() == 3


def test_only_a_writer_may_draft_a_measure_from_a_cluster(
    framework, clusters, facilitator, approver
):
    for user in (facilitator, approver):
        with pytest.raises(PermissionDenied):
            from_open_data(framework, clusters, actor=user)
    assert Measure.objects.count() == 3


def test_a_merged_cluster_stays_cited_with_a_note(framework, clusters):
    measure = from_open_data(framework, clusters)
    renamed = make_cluster(
        clusters["open"].event, scope="digital", number=2, label="ข้อมูลภาครัฐ"
    )
    merge(clusters["open"], into=renamed)

    [citation] = selectors.measure_node(measure=measure).clusters
    assert citation.label == OPEN_DATA
    assert citation.state == "merged into “ข้อมูลภาครัฐ”"
    markdown = exporters.export_markdown(
        framework=framework["framework"], language="en"
    )
    assert "(merged into “ข้อมูลภาครัฐ”)" in markdown
    # Saving the measure again keeps the citation of the merged cluster.
    saved = services.measure_save(measure=Measure.objects.get(pk=measure.pk))
    assert saved.cited_clusters.get().cluster == clusters["open"]


def test_a_merged_cluster_cannot_be_cited_anew(framework, clusters):
    merge(clusters["open"], into=clusters["paperwork"])
    with pytest.raises(ValidationError) as error:
        from_open_data(framework, clusters)
    assert error.value.code == "merged"
    assert "merged into “ลดสำเนาเอกสาร”" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.measure_cite_cluster(
            measure=framework["measures"][2], cluster=clusters["open"]
        )
    assert not MeasureCluster.objects.exists()


def test_a_cited_cluster_cannot_be_deleted(framework, clusters):
    measure = from_open_data(framework, clusters)
    with pytest.raises(ProtectedError):
        clusters["open"].delete()
    assert Cluster.objects.filter(pk=clusters["open"].pk).exists()
    [adoption] = selectors.cluster_measures(cluster=clusters["open"])
    assert adoption.measure_id == measure.pk

    measure.delete()
    clusters["open"].delete()
    assert not Cluster.objects.filter(pk=clusters["open"].pk).exists()


def test_coverage_lists_the_clusters_no_measure_cites(framework, clusters, themes):
    coverage = selectors.framework_coverage(framework=framework["framework"])
    by_theme = {
        item.theme.code if item.theme else None: item for item in coverage.themes
    }
    [paperwork] = by_theme["services"].clusters
    assert (paperwork.cluster, paperwork.ideas, paperwork.cited_ideas) == (
        clusters["paperwork"],
        2,
        2,
    )
    [open_data] = by_theme["digital"].clusters
    assert (open_data.ideas, open_data.cited_ideas) == (2, 1)
    # Clusters of all the event's ideas; the one with nothing citable is left out.
    assert [item.cluster for item in coverage.event_clusters] == [clusters["green"]]
    assert coverage.uncovered_cluster_count == 3

    from_open_data(framework, clusters)
    merge(clusters["green"], into=clusters["paperwork"])
    coverage = selectors.framework_coverage(framework=framework["framework"])
    assert coverage.uncovered_cluster_count == 1
    [paperwork] = coverage.themes[0].clusters
    assert (paperwork.cluster, paperwork.ideas) == (clusters["paperwork"], 3)


def test_coverage_page_offers_a_measure_from_each_uncited_cluster(
    client, policy_writer, approver, framework, clusters
):
    address = reverse("strategy_coverage", args=[framework["framework"].pk])
    client.force_login(policy_writer)
    page = client.get(address).content.decode()
    assert SCRIPT not in page
    assert "ข้อมูลเปิด &lt;script&gt;" in page
    assert "สำนักงานสีเขียว" in page
    assert "รอคัดกรอง" not in page
    assert "3 clusters feed no measure yet." in page
    link = reverse("strategy_measure_from_cluster", args=[clusters["open"].pk])
    assert link in page

    client.force_login(approver)
    page = client.get(address).content.decode()
    assert "ลดสำเนาเอกสาร" in page
    assert link not in page


def test_writer_creates_a_measure_from_a_cluster_in_the_admin(
    client, policy_writer, framework, clusters
):
    client.force_login(policy_writer)
    address = reverse("strategy_measure_from_cluster", args=[clusters["open"].pk])
    page = client.get(address).content.decode()
    assert SCRIPT not in page
    assert "ข้อมูลเปิด &lt;script&gt;" in page
    assert "เชื่อมโยงข้อมูลระหว่างกระทรวง" in page
    assert "โฆษณาขายของที่ถูกปฏิเสธ" not in page
    assert "1 idea of the cluster was left out" in page

    response = client.post(address, {"goal": framework["goals"][1].pk, "title": ""})

    measure = Measure.objects.get(title=OPEN_DATA)
    assert response.status_code == 302
    assert response.url == reverse(
        "wagtailsnippets_strategy_measure:edit", args=[measure.pk]
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "citing 2 ideas" in message
    assert "1 idea of the cluster was left out" in message
    edit = client.get(response.url).content.decode()
    assert "ข้อมูลเปิด &lt;script&gt;" in edit


def test_the_admin_offers_only_goals_of_draft_frameworks(
    client, policy_writer, framework, clusters, superuser
):
    services.framework_set_status(
        framework=framework["framework"],
        status=Framework.Status.APPROVED,
        actor=superuser,
    )
    client.force_login(policy_writer)
    address = reverse("strategy_measure_from_cluster", args=[clusters["open"].pk])
    page = client.get(address).content.decode()
    assert "No draft framework draws on this cluster" in page

    response = client.post(address, {"goal": framework["goals"][1].pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Measure.objects.count() == 3


def test_the_admin_explains_a_merged_cluster(
    client, policy_writer, framework, clusters
):
    merge(clusters["open"], into=clusters["paperwork"])
    client.force_login(policy_writer)
    address = reverse("strategy_measure_from_cluster", args=[clusters["open"].pk])
    page = client.get(address).content.decode()
    assert "was merged into “ลดสำเนาเอกสาร”" in page
    assert (
        reverse("strategy_measure_from_cluster", args=[clusters["paperwork"].pk])
        in page
    )

    response = client.post(address, {"goal": framework["goals"][1].pk})

    assert response.status_code == 200
    assert "was merged into “ลดสำเนาเอกสาร”" in response.content.decode()
    assert Measure.objects.count() == 3


def test_only_writers_reach_the_measure_from_cluster_screen(
    client, facilitator, approver, clusters
):
    address = reverse("strategy_measure_from_cluster", args=[clusters["open"].pk])
    for user in (facilitator, approver):
        client.force_login(user)
        for response in (client.get(address), client.post(address, {})):
            # Wagtail sends a refused admin user home with a message.
            assert response.status_code == 302
            assert response.url == reverse("wagtailadmin_home")
    assert Measure.objects.count() == 0


def test_a_cluster_added_on_the_measure_form_brings_its_ideas(
    client, policy_writer, framework, clusters
):
    measure = framework["measures"][2]
    client.force_login(policy_writer)
    response = client.post(
        reverse("wagtailsnippets_strategy_measure:edit", args=[measure.pk]),
        measure_data(
            measure,
            **{
                "cited_clusters-TOTAL_FORMS": 1,
                "cited_clusters-0-id": "",
                "cited_clusters-0-cluster": clusters["open"].pk,
                "cited_clusters-0-note": "",
                "cited_clusters-0-ORDER": 1,
                "cited_clusters-0-DELETE": "",
            },
        ),
    )

    assert response.status_code == 302
    notes = {c.idea.number: c.note for c in measure.cited_ideas.all()}
    assert notes == {7: "", 8: f"from cluster “{OPEN_DATA}”"}
    assert measure.cited_clusters.get().cluster == clusters["open"]


def test_exports_name_the_clusters_each_measure_cites(framework, clusters):
    measure = from_open_data(framework, clusters)
    data = exporters.export_docx(framework=framework["framework"], language="th")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert f"{th('Clusters cited')}: “{OPEN_DATA}”" in text
    assert text.count(th("Clusters cited")) == 1
    markdown = exporters.export_markdown(
        framework=framework["framework"], language="en"
    )
    assert "**Clusters cited:** “ข้อมูลเปิด &lt;script&gt;" in markdown
    assert measure.title in text


def test_existing_measures_are_linked_to_the_clusters_their_ideas_came_from(
    framework, clusters
):
    before = {
        m.pk: sorted(c.idea_id for c in m.cited_ideas.all())
        for m in framework["measures"]
    }
    assert services.framework_link_clusters(framework=framework["framework"]) == 3
    one_stop, no_copies, exchange = framework["measures"]
    assert one_stop.cited_clusters.get().cluster == clusters["paperwork"]
    assert no_copies.cited_clusters.get().cluster == clusters["paperwork"]
    assert exchange.cited_clusters.get().cluster == clusters["open"]
    assert {
        m.pk: sorted(c.idea_id for c in m.cited_ideas.all())
        for m in framework["measures"]
    } == before
    assert services.framework_link_clusters(framework=framework["framework"]) == 0
