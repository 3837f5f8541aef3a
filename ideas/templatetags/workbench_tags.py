from django import template

from ideas.dates import format_date

register = template.Library()


@register.filter
def local_date(value, arg=""):
    """Buddhist-era date in Thai: ``{{ d|local_date }}``, ``:"long"``, ``:"time"``."""
    options = set(arg.split(",")) if arg else set()
    return format_date(value, long="long" in options, with_time="time" in options)
