"""The idea chooser offers, and returns, only the ideas the user may read."""

from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from ideas import access
from ideas.models import Idea
from ideas.numbers import whole_number, whole_numbers


class ReadableIdeasMixin:
    """A chooser that offers, and returns, only the ideas the user may read."""

    def get_object_list(self):
        return access.ideas_readable(self.request.user, super().get_object_list())

    def get_object(self, pk):
        # Wagtail answers 404 for what does not exist; "abc", "²" or 40 digits
        # would be a 500.
        number = whole_number(pk)
        if number is None:
            raise Idea.DoesNotExist
        ideas = access.ideas_readable(self.request.user, Idea.objects.all())
        return ideas.get(pk=number)

    def get_objects(self, pks):
        # ?id=abc or ?id=<40 digits> would be a 500: such ids choose nothing.
        return access.ideas_readable(
            self.request.user, super().get_objects(whole_numbers(pks))
        )


class IdeaChooseView(ReadableIdeasMixin, ChooseView):
    pass


class IdeaChooseResultsView(ReadableIdeasMixin, ChooseResultsView):
    pass


class IdeaChosenView(ReadableIdeasMixin, SnippetChosenView):
    pass


class IdeaChosenMultipleView(ReadableIdeasMixin, SnippetChosenMultipleView):
    pass


class IdeaChooserViewSet(SnippetChooserViewSet):
    choose_view_class = IdeaChooseView
    choose_results_view_class = IdeaChooseResultsView
    chosen_view_class = IdeaChosenView
    chosen_multiple_view_class = IdeaChosenMultipleView
