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


class ReadableIdeasMixin:
    """A chooser that offers, and returns, only the ideas the user may read."""

    def get_object_list(self):
        return access.ideas_readable(self.request.user, super().get_object_list())

    def get_object(self, pk):
        # Wagtail answers 404 for what does not exist; "abc" would be a 500.
        if not str(pk).isascii() or not str(pk).isdecimal():
            raise Idea.DoesNotExist
        return access.ideas_readable(self.request.user, Idea.objects.all()).get(pk=pk)

    def get_objects(self, pks):
        pks = [pk for pk in pks if str(pk).isascii() and str(pk).isdecimal()]
        return access.ideas_readable(self.request.user, super().get_objects(pks))


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
