"""Similar ideas and a suggested theme, shown while a participant types."""

from django.http import HttpResponse


def hints(request, *, page):
    return HttpResponse(status=501)
