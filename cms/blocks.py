"""StreamField blocks of the framework document (FrameworkPage)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from ideas.selectors.public import readable_ideas
from strategy import selectors
from strategy.models import year_label


class SectionHeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Section heading")
        form_classname = "title"
        template = "cms/blocks/section_heading.html"


class MeasureBlock(blocks.StructBlock):
    """A measure of the framework, shown with its indicators and the ideas it cites.

    Rendered from the measure as it is now, so the document follows the
    framework's edits; the ideas are cited by number, with no author.
    """

    measure = SnippetChooserBlock("strategy.Measure", label=_("Measure"))
    show_ideas = blocks.BooleanBlock(
        label=_("List the cited ideas' titles"), required=False, default=True
    )

    class Meta:
        icon = "tasks"
        label = _("Measure")
        template = "cms/blocks/measure_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        measure = value.get("measure")
        node = selectors.measure_node(measure=measure) if measure else None
        context["node"] = node
        if node is not None:
            # An idea rejected after it was cited, or whose event was
            # unpublished, stays off public pages.
            ideas = readable_ideas(node.ideas)
            context["ideas"] = ideas
            context["citation"] = " ".join(f"[#{idea.number}]" for idea in ideas)
            years = measure.goal.issue.framework.years
            context["year_labels"] = [year_label(year) for year in years]
            context["rows"] = [
                (
                    indicator.name,
                    indicator.indicator.unit,
                    [indicator.target_for(year) for year in years],
                )
                for indicator in node.indicators
            ]
        return context


class FrameworkDocumentBlock(blocks.StreamBlock):
    heading = SectionHeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=["bold", "italic", "link", "ol", "ul", "h3", "h4"]
    )
    measure = MeasureBlock()
