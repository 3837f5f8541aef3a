"""Take an event's public ideas out as open data, now or in the background."""

import time
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from facilitation.forms import ExportForm
from facilitation.views.base import StaffView, event_model
from ideas import access, exporting, selectors, services, tasks

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "polis": "text/csv; charset=utf-8",
    "provenance": "text/csv; charset=utf-8",
}


_EXTENSIONS = {"polis": "comments.csv", "provenance": "decisions.csv"}


_SESSION_EXPORTS = "idea_export_jobs"


def _export_filename(event, fmt: str) -> str:
    # The event's slug and the format: nothing about who asked for it.
    extension = _EXTENSIONS.get(fmt, fmt)
    return f"{slugify(event.slug) or 'event'}-ideas.{extension}"


class ExportView(StaffView):
    """Download an event's public ideas as open data (never any personal data).

    Events with more than ``IDEAS_EXPORT_BACKGROUND_IDEAS`` public ideas are
    written by the background worker; the request returns at once.
    """

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request):
        form = ExportForm(request.GET or None, user=request.user)
        if not request.GET or not form.is_valid():
            return self.render(
                "facilitation/admin/export_ideas.html",
                {"form": form, "threshold": settings.IDEAS_EXPORT_BACKGROUND_IDEAS},
            )
        event, fmt = form.cleaned_data["event"], form.cleaned_data["format"]
        if (
            selectors.ideas_public(event=event).count()
            > settings.IDEAS_EXPORT_BACKGROUND_IDEAS
        ):
            return _export_in_background(request, event, fmt)
        content = exporting.export_ideas_to_bytes(event=event, format=fmt)
        response = HttpResponse(content, content_type=_CONTENT_TYPES[fmt])
        filename = _export_filename(event, fmt)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _export_in_background(request, event, fmt):
    result_id = services.ideas_export_request(
        event=event, format=fmt, actor=request.user
    )
    # Remembered so that whoever asked can still read why it failed should the
    # event be deleted meanwhile (nobody facilitates a deleted event).
    jobs = request.session.get(_SESSION_EXPORTS, [])
    request.session[_SESSION_EXPORTS] = [*jobs[-19:], result_id]
    return redirect("ideas_export_status", result_id=result_id)


def _export_job(request, result_id: str):
    """The export task's result and its event, if ``request.user`` may see it."""
    try:
        result = tasks.export_ideas_file.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404 from None
    event = event_model().objects.filter(pk=result.kwargs.get("event_id")).first()
    if event is None:
        allowed = result_id in request.session.get(_SESSION_EXPORTS, [])
    else:
        allowed = access.can_facilitate(request.user, event)
    if not allowed:
        # The same answer as for an unknown id: it tells nothing about others.
        raise Http404
    return result, event


def _export_file(result) -> Path | None:
    """The finished export's file, if it is still there (housekeeping deletes
    old ones) and where exports are kept."""
    if result.status != TaskResultStatus.SUCCESSFUL:
        return None
    path = Path(result.kwargs.get("path", ""))
    folder = exporting.export_dir().resolve()
    if path.resolve().parent != folder or not path.is_file():
        return None
    return path


def _export_failure(result) -> str:
    """Why the worker could not write the export, in the reader's language."""
    error = result.errors[-1] if result.errors else None
    if error is None:
        return _("The worker stopped the export without saying why.")
    if error.exception_class_path.endswith(".DoesNotExist"):
        return _("The event was deleted before its ideas could be exported.")
    # The last line of the traceback is the exception and its message.
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    detail = lines[-1][:300] if lines else error.exception_class_path
    return _("The worker stopped with an error: %(error)s") % {"error": detail}


def _export_stalled(result) -> bool:
    """Whether a running export's worker has gone: its half-written file (or,
    before the first byte, the task) has been silent too long."""
    if result.status != TaskResultStatus.RUNNING or result.started_at is None:
        return False
    last = result.started_at.timestamp()
    path = result.kwargs.get("path", "")
    partial = exporting.partial_path(Path(path)) if path else None
    if partial is not None and partial.is_file():
        last = max(last, partial.stat().st_mtime)
    return time.time() - last > settings.IDEAS_EXPORT_STALE_SECONDS


class ExportStatusView(StaffView):
    """Where a background export stands: waiting, running, failed (and why)
    or done, with the download link.
    """

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request, result_id: str):
        result, event = _export_job(request, result_id)
        context = {
            "result": result,
            "event": event,
            "format": result.kwargs.get("format", ""),
            "finished": result.is_finished,
            "waiting": result.status == TaskResultStatus.READY,
            "stalled": _export_stalled(result),
        }
        if result.status == TaskResultStatus.FAILED:
            context["failure"] = _export_failure(result)
        elif result.status == TaskResultStatus.SUCCESSFUL:
            context["outcome"] = result.return_value
            context["available"] = _export_file(result) is not None
        return self.render("facilitation/admin/export_status.html", context)


class ExportDownloadView(StaffView):
    """The file a background export wrote, to those who may export the event."""

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request, result_id: str):
        result, event = _export_job(request, result_id)
        path = _export_file(result) if event is not None else None
        if path is None:
            raise Http404
        fmt = result.kwargs["format"]
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=_export_filename(event, fmt),
            content_type=_CONTENT_TYPES.get(fmt, "application/octet-stream"),
        )
