"""Clusters as the public may see them: only through the ideas that are public."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ideas.models import Cluster, ClusterMembership, Idea
from ideas.selectors import PUBLIC_STATUSES
from ml.keywords import label_from_keywords
from ml.text import tokenize

# A PositiveIntegerField holds no more on any database; a larger number in a
# URL cannot be an idea's, and asking for it would overflow the query.
_MAX_IDEA_NUMBER = 2_147_483_647


@dataclass
class PublicCluster:
    """A cluster reduced to what its public ideas show."""

    number: int
    scope: str
    label: str
    keywords: list[str]
    idea_numbers: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.idea_numbers)


def _public_words(memberships) -> set[str]:
    words = set()
    for membership in memberships:
        idea = membership.idea
        text = f"{idea.title}\n{idea.problem}\n{idea.solution}"
        words.update(word.casefold() for word in tokenize(text))
    return words


def _word(keyword) -> str:
    # Stored as words, or as (word, score) pairs straight from ml.keywords.
    return keyword[0] if isinstance(keyword, list | tuple) else str(keyword)


def readable_ideas(ideas) -> list[Idea]:
    """Those of ``ideas`` the public may read (``Idea.objects.public()``), in order.

    One query whatever their number, for lists built elsewhere (a measure's
    cited ideas).
    """
    ideas = list(ideas)
    readable = set(
        Idea.objects.public()
        .filter(pk__in=[idea.pk for idea in ideas])
        .values_list("pk", flat=True)
    )
    return [idea for idea in ideas if idea.pk in readable]


def idea_public_get(*, event, number: int) -> Idea | None:
    """The idea numbered ``number`` of ``event`` if the public may read it, else None.

    The same rule as the tracker (``Idea.objects.public()``): an idea waiting
    for moderation, a rejected one, another event's, or one of an event page
    that is unpublished or restricted is None, as is a number no idea has. The
    idea it was merged into comes with it, and its theme.
    """
    if not isinstance(number, int) or not 0 < number <= _MAX_IDEA_NUMBER:
        return None
    return (
        Idea.objects.of_event(event)
        .public()
        .select_related("event", "theme", "duplicate_of", "duplicate_of__event")
        .filter(number=number)
        .first()
    )


def idea_public_merged_in(*, idea: Idea) -> list[Idea]:
    """The public ideas that were merged into ``idea``, by number."""
    return list(Idea.objects.public().filter(duplicate_of=idea).order_by("number"))


def clusters_public(*, event) -> list[PublicCluster]:
    """The event's active clusters that hold at least one public idea.

    Keywords come from every member's text, and a member still waiting for
    moderation (or rejected) is not public: a keyword is shown only when a
    public member uses it, and a label the model made from keywords is made
    again from the keywords shown. A facilitator's name is shown as given.
    """
    memberships = (
        ClusterMembership.objects.filter(idea__status__in=PUBLIC_STATUSES)
        .select_related("idea")
        .order_by("idea__number")
    )
    clusters = (
        Cluster.objects.filter(event=event, is_active=True)
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("scope", "-size", "number")
    )
    result = []
    for cluster in clusters:
        public = list(cluster.memberships.all())
        if not public:
            continue
        words = _public_words(public)
        keywords = [
            _word(keyword)
            for keyword in cluster.keywords
            if _word(keyword).casefold() in words
        ]
        if cluster.label_source == Cluster.LabelSource.FACILITATOR:
            label = cluster.label
        else:
            label = label_from_keywords(keywords) or _("Cluster %(number)s") % {
                "number": cluster.number
            }
        result.append(
            PublicCluster(
                number=cluster.number,
                scope=cluster.scope,
                label=label,
                keywords=keywords,
                idea_numbers=[membership.idea.number for membership in public],
            )
        )
    return result
