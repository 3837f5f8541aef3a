"""Indicators of a measure and their yearly targets, within the framework's period."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from strategy.models import (
    Indicator,
    IndicatorTarget,
    Measure,
    target_outside_period_message,
)
from strategy.services._common import _next_order, check_node_open


def _check_targets(*, indicator: Indicator, targets: list[IndicatorTarget]) -> None:
    framework = indicator.framework()
    errors = []
    seen = set()
    for target in targets:
        if framework and not framework.start_year <= target.year <= framework.end_year:
            errors.append(
                target_outside_period_message(year=target.year, framework=framework)
            )
        if target.year in seen:
            errors.append(
                _("There are two targets for %(year)s.") % {"year": target.year}
            )
        seen.add(target.year)
    if errors:
        raise ValidationError({"targets": errors}, code="target_outside_period")


def indicator_create(
    *,
    measure: Measure,
    name: str,
    unit: str,
    english_name: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    targets: Mapping[int, Decimal] | None = None,
) -> Indicator:
    """Add an indicator to a measure with a target per year.

    Parameters
    ----------
    unit : str
        Required: per cent, days, agencies...
    targets : mapping of int to Decimal, optional
        Year (Common era) → target. Every year must fall within the
        framework's period.

    Raises
    ------
    ValidationError
        When the unit is missing or a target's year is outside the period.
    """
    with transaction.atomic():
        check_node_open(Indicator(measure=measure))
        indicator = Indicator(
            measure=measure,
            name=name,
            english_name=english_name,
            unit=unit,
            baseline=baseline,
            baseline_year=baseline_year,
            sort_order=_next_order(measure.indicators.all()),
        )
        indicator.full_clean()
        rows = [
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(value))
            for year, value in sorted((targets or {}).items())
        ]
        _check_targets(indicator=indicator, targets=rows)
        for row in rows:
            row.full_clean(exclude=["indicator"])
        indicator.targets.add(*rows)
        indicator.save()
    return indicator
