"""Site search over pages and public ideas, for Thai as well as English.

Thai is written without spaces between words, so a full-text index holds whole
runs of text as single tokens and finds nothing inside them. The query is
segmented into words instead, and each word is looked for as a substring.
"""

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import Page, get_page_models
from wagtail.search import index

from ideas import selectors
from ml.collation import thai_sort_key
from ml.text import normalize_text, segment

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PAGE_RESULTS = 50


def query_words(query: str) -> list[str]:
    """The words to look for: segmented, without punctuation, at most eight."""
    # Normalised as stored text is: ำ typed as ํ + า, zero-width spaces.
    query = normalize_text(query[:MAX_QUERY_LENGTH], multiline=False)
    words = []
    for word in segment(query):
        word = word.strip(".,;:!?()[]{}\"'«»“”‘’-–—/\\|*+=<>#%&@^~`_")
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words[:MAX_WORDS]


def _text_fields(model) -> list[str]:
    """The model's SearchFields that are text columns (not methods)."""
    fields = []
    for search_field in model.search_fields:
        if not isinstance(search_field, index.SearchField):
            continue
        try:
            field = model._meta.get_field(search_field.field_name)
        except FieldDoesNotExist:
            continue
        if field.get_internal_type() in {"CharField", "TextField"}:
            fields.append(field.name)
    return fields


def pages_matching(words: list[str]) -> list:
    """Live, public pages whose searchable text fields contain every word."""
    found = {}
    for model in get_page_models():
        fields = _text_fields(model)
        if model is Page or not fields:
            continue
        query = Q()
        for word in words:
            alternatives = Q()
            for field in fields:
                alternatives |= Q(**{f"{field}__icontains": word})
            query &= alternatives
        for page in model.objects.live().public().filter(query)[:PAGE_RESULTS]:
            found.setdefault(page.pk, page)
    return sorted(found.values(), key=lambda page: thai_sort_key(page.title))


def search(request):
    query = request.GET.get("q", "")
    words = query_words(query) if query.strip() else []
    pages = pages_matching(words) if words else []
    ideas = selectors.ideas_public_search(words=words) if words else []
    paginator = Paginator(ideas, 20)
    ideas_page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {
            "query": query[:MAX_QUERY_LENGTH],
            "words": words,
            "pages": pages,
            "ideas": ideas_page,
            "searched": "q" in request.GET,
            "title": _("Search"),
        },
    )
