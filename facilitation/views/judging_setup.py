"""Preparing a judging round: its criteria, its judges and their conflicts.

What is typed is kept when it is refused (a 400 with the message); the round
can be changed only while it is being prepared, which the services enforce.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import EventView, error_text, event_context
from ideas import access
from ideas.models import Idea
from ideas.numbers import whole_number
from judging import services
from judging.models import Criterion, Judge, Round


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "scale_max", "assignment", "judges_per_idea"]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name_th", "name_en", "levels_th", "levels_en", "weight"]
        widgets = {
            "levels_th": forms.Textarea(attrs={"rows": 5}),
            "levels_en": forms.Textarea(attrs={"rows": 5}),
        }


class JudgeForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Account's username"), required=False, max_length=150
    )
    name = forms.CharField(
        label=gettext_lazy("Or the name of a person without an account"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("They get a link that works once, for 14 days."),
    )


class JudgingNewRoundView(EventView):
    """Start preparing a round of the event."""

    edits = True
    page_title = gettext_lazy("New judging round")

    def get(self, request, event_id: int):
        return self._page(RoundForm())

    def _page(self, form, status=200):
        return self.render(
            "facilitation/workbench/judging_new.html",
            {**event_context(self.request, self.event), "form": form},
            status=status,
        )

    def post(self, request, event_id: int):
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round = services.round_create(
                    event=self.event, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                return redirect(
                    "workbench:judging_setup", event_id=self.event.pk, round_id=round.pk
                )
        return self._page(form, status=400)


class JudgingSetupView(EventView):
    """A round's criteria and judges, for its event's facilitators."""

    edits = True
    page_title = gettext_lazy("Prepare the judging round")

    def _round(self, round_id) -> Round:
        return get_object_or_404(
            Round.objects.filter(event=self.event), pk=whole_number(str(round_id)) or 0
        )

    def _page(self, round, *, criterion_form=None, judge_form=None, status=200):
        judges = list(round.judges.prefetch_related("conflict_ideas"))
        return self.render(
            "facilitation/workbench/judging_setup.html",
            {
                **event_context(self.request, self.event),
                "round": round,
                "criteria": list(round.criteria.all()),
                "judges": judges,
                "criterion_form": criterion_form or CriterionForm(),
                "judge_form": judge_form or JudgeForm(),
                "total_weight": sum(c.weight for c in round.criteria.all()),
            },
            status=status,
        )

    def get(self, request, event_id: int, round_id: int):
        return self._page(self._round(round_id))

    def post(self, request, event_id: int, round_id: int):
        access.require(self.can_edit)
        round = self._round(round_id)
        here = reverse("workbench:judging_setup", args=[self.event.pk, round.pk])
        action = request.POST.get("action", "")
        handler = {
            "criterion": self._add_criterion,
            "judge": self._add_judge,
            "conflicts": self._conflicts,
        }.get(action)
        try:
            if "delete_criterion" in request.POST:
                criterion = get_object_or_404(
                    round.criteria,
                    pk=whole_number(request.POST["delete_criterion"]) or 0,
                )
                services.criterion_delete(criterion=criterion, actor=request.user)
            elif "remove_judge" in request.POST:
                judge = self._judge(round, request.POST["remove_judge"])
                services.judge_remove(judge=judge, actor=request.user)
            elif handler is not None:
                refused = handler(request, round)
                if refused is not None:
                    return refused
        except ValidationError as error:
            messages.error(request, error_text(error))
            return self._page(round, status=400)
        return redirect(here)

    def _judge(self, round, value) -> Judge:
        return get_object_or_404(round.judges, pk=whole_number(str(value)) or 0)

    def _add_criterion(self, request, round):
        form = CriterionForm(request.POST)
        if not form.is_valid():
            return self._page(round, criterion_form=form, status=400)
        try:
            services.criterion_save(
                round=round, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._page(round, criterion_form=form, status=400)
        return None

    def _add_judge(self, request, round):
        form = JudgeForm(request.POST)
        if not form.is_valid():
            return self._page(round, judge_form=form, status=400)
        username, name = form.cleaned_data["username"], form.cleaned_data["name"]
        try:
            if username:
                user = get_user_model().objects.filter(username=username).first()
                if user is None:
                    raise ValidationError(
                        _("No account has the username “%(username)s”.")
                        % {"username": username}
                    )
                services.judge_add_account(round=round, actor=request.user, user=user)
            elif name:
                judge, token = services.judge_invite(
                    round=round, actor=request.user, name=name
                )
                link = request.build_absolute_uri(reverse("judging:join", args=[token]))
                messages.success(
                    request,
                    _(
                        "Send this link to %(name)s; it is shown only once and "
                        "works once: %(link)s"
                    )
                    % {"name": judge.name, "link": link},
                )
            else:
                raise ValidationError(_("Give an account's username or a name."))
        except ValidationError as error:
            form.add_error(None, error_text(error))
            return self._page(round, judge_form=form, status=400)
        return None

    def _conflicts(self, request, round):
        judge = self._judge(round, request.POST.get("judge"))
        typed = request.POST.get("ideas", "")
        parts = [part.strip() for part in typed.split(",") if part.strip()]
        numbers = [whole_number(part.lstrip("#")) for part in parts]
        if None in numbers:
            raise ValidationError(
                _("Give the ideas' numbers separated by commas, e.g. 3, 8.")
            )
        ideas = list(Idea.objects.filter(event=self.event, number__in=numbers))
        if len(ideas) != len(set(numbers)):
            found = {idea.number for idea in ideas}
            missing = ", ".join(str(n) for n in numbers if n not in found)
            raise ValidationError(
                _("This event has no idea numbered %(numbers)s.") % {"numbers": missing}
            )
        services.judge_set_conflicts(
            judge=judge,
            actor=request.user,
            teams=request.POST.get("teams", ""),
            ideas=ideas,
        )
        return None
