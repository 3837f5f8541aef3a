from django.utils import translation


def th(message: str, **params) -> str:
    """``message`` as the Thai catalogue has it, with ``params`` filled in."""
    with translation.override("th"):
        text = translation.gettext(message)
    return text % params if params else text


def measure_data(measure, **changes):
    citations = list(measure.cited_ideas.all())
    data = {
        "goal": measure.goal_id,
        "title": measure.title,
        "english_title": measure.english_title,
        "description": measure.description,
        "lead_agency": measure.lead_agency,
        "supporting_agencies": measure.supporting_agencies,
        "pilot_scope": measure.pilot_scope,
        "estimated_budget": measure.estimated_budget or "",
        "sort_order": measure.sort_order,
        "expected_version": measure.version,
        "cited_ideas-TOTAL_FORMS": len(citations),
        "cited_ideas-INITIAL_FORMS": len(citations),
        "cited_ideas-MIN_NUM_FORMS": 0,
        "cited_ideas-MAX_NUM_FORMS": 1000,
        "cited_clusters-TOTAL_FORMS": 0,
        "cited_clusters-INITIAL_FORMS": 0,
        "cited_clusters-MIN_NUM_FORMS": 0,
        "cited_clusters-MAX_NUM_FORMS": 1000,
    }
    for i, citation in enumerate(citations):
        data |= {
            f"cited_ideas-{i}-id": citation.pk,
            f"cited_ideas-{i}-idea": citation.idea_id,
            f"cited_ideas-{i}-note": citation.note,
            f"cited_ideas-{i}-ORDER": i + 1,
            f"cited_ideas-{i}-DELETE": "",
        }
    data.update(changes)
    return data
