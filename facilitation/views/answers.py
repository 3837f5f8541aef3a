"""An event's answer templates: what facilitators tell many authors at once."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.forms import AnswerTemplateForm
from facilitation.views.base import EventView, event_context
from ideas import access, services
from ideas.models import AnswerTemplate
from ideas.numbers import whole_number

_FIELDS = ("name", "status", "text_th", "text_en")


class AnswerTemplatesView(EventView):
    """List the event's templates; its facilitators add, change and delete them.

    ``?edit=<id>`` opens one in the form; a form refused keeps what was typed.
    """

    page_title = gettext_lazy("Answer templates")

    def _templates(self):
        return AnswerTemplate.objects.filter(event=self.event)

    def _template(self, value) -> AnswerTemplate:
        # Strictly a number: past a database integer, a lookup was a 500.
        return get_object_or_404(self._templates(), pk=whole_number(value) or 0)

    def _page(self, form, editing, *, status=200):
        return self.render(
            "facilitation/workbench/answers.html",
            {
                **event_context(self.request, self.event),
                "templates": list(self._templates()),
                "form": form,
                "editing": editing,
            },
            status=status,
        )

    def get(self, request, event_id: int):
        editing = None
        if "edit" in request.GET:
            editing = self._template(request.GET["edit"])
        initial = {name: getattr(editing, name) for name in _FIELDS} if editing else {}
        return self._page(AnswerTemplateForm(initial=initial), editing)

    def post(self, request, event_id: int):
        access.require(self.can_edit)
        here = reverse("workbench:answers", args=[self.event.pk])
        if "delete" in request.POST:
            template = self._template(request.POST["delete"])
            services.answer_template_delete(template=template, actor=request.user)
            messages.success(
                request,
                _("The answer template “%(name)s” was deleted.")
                % {"name": template.name},
            )
            return redirect(here)
        editing = None
        if request.POST.get("template"):
            editing = self._template(request.POST["template"])
        form = AnswerTemplateForm(request.POST)
        if form.is_valid():
            try:
                saved = services.answer_template_save(
                    event=self.event,
                    actor=request.user,
                    template=editing,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("The answer template “%(name)s” was saved.")
                    % {"name": saved.name},
                )
                return redirect(here)
        return self._page(form, editing, status=400)
