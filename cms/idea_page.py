"""The public page of one idea: its whole text and what became of it."""

from django.http import Http404
from django.template.response import TemplateResponse

from ideas.selectors.public import idea_public_get, idea_public_merged_in
from judging.selectors import results as judging_selectors
from strategy import selectors as strategy_selectors


def idea_page_url(event, number: int) -> str:
    """The address of the public page of ``event``'s idea numbered ``number``."""
    return (event.url or "") + event.reverse_subpage("idea", args=(number,))


def idea_page(request, *, page, number: int):
    """One public idea of the event ``page``; any other number is a 404.

    Only what the tracker shows anyone, in full: never a contact, never who
    moderated it. What became of it is the measures of approved or published
    frameworks that cite it; drafts stay the office's until approved.
    """
    idea = idea_public_get(event=page, number=number)
    if idea is None:
        raise Http404
    canonical = idea.duplicate_of
    return TemplateResponse(
        request,
        "cms/idea_page.html",
        {
            "page": page,
            "self": page,
            "idea": idea,
            # The idea it was merged into may itself be waiting or rejected:
            # then it is named by number only, without a link.
            "canonical_url": (
                idea_page_url(page, canonical.number)
                if canonical is not None
                and idea_public_get(event=page, number=canonical.number)
                else ""
            ),
            "merged_in": [
                (merged, idea_page_url(page, merged.number))
                for merged in idea_public_merged_in(idea=idea)
            ],
            "judging": judging_selectors.idea_outcome(idea=idea),
            "adoptions": strategy_selectors.ideas_adoptions(ideas=[idea]).get(
                idea.pk, []
            ),
        },
    )
