"""Bring ideas in from a file: upload, check (a dry run), import.

The upload goes straight to the private upload folder, in chunks, and stops
being written once past the size limit. A file that is refused, or that
cannot be read, is deleted before the response: what a facilitator did not
import (it may hold columns of personal data) does not stay on the server.
"""

import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from facilitation.forms import ImportForm
from facilitation.views.base import StaffView
from ideas import access, import_limits, importing, services, tasks

_SESSION_UPLOADS = "idea_import_uploads"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
# The form's other fields, boundaries and headers: a body larger than the
# size limit by more than this holds a file larger than it.
_FORM_ALLOWANCE = 64 * 1024


class _ReceivedUpload(UploadedFile):
    """The uploaded file, already where it waits for the import."""

    def __init__(self, path: Path, **kwargs):
        super().__init__(file=path.open("rb"), **kwargs)
        self.path = path


class ImportUploadHandler(FileUploadHandler):
    """Write the form's file to the upload folder as it arrives.

    Past ``importing.max_bytes()`` the bytes written are deleted and the rest
    only counted, so that the refusal can say how large the file is; a body
    already past the limit by its length is never written at all. Whatever
    the view does not take is deleted by ``discard``.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = importing.max_bytes()
        self.refused_size: int | None = None
        self._path: Path | None = None
        self._out = None
        self._over = False

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        self._over = content_length > self.limit + _FORM_ALLOWANCE

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != "file" or self._path is not None or self.refused_size:
            raise SkipFile
        if not self._over:
            folder = importing.upload_dir()
            folder.mkdir(parents=True, exist_ok=True)
            self._path = folder / f"{uuid.uuid4().hex}.part"
            self._out = self._path.open("xb")

    def receive_data_chunk(self, raw_data, start):
        if not self._over and start + len(raw_data) > self.limit:
            self._over = True
            self.discard()
        if not self._over:
            self._out.write(raw_data)

    def file_complete(self, file_size):
        if self._over:
            self.refused_size = file_size
            self.discard()
            return None
        self._out.close()
        self._out = None
        return _ReceivedUpload(
            self._path,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self):
        self.discard()

    def discard(self) -> None:
        """Delete the file unless ``_store_upload`` moved it (idempotent)."""
        if self._out is not None:
            self._out.close()
            self._out = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None


def _store_upload(request, uploaded) -> str:
    """Keep the uploaded file between the preview and the confirmation."""
    upload_id = uuid.uuid4().hex
    folder = importing.upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(uploaded.name).suffix.lower()[:6]
    target = folder / f"{upload_id}{suffix}"
    if isinstance(uploaded, _ReceivedUpload):
        # In the same folder: a rename, never a copy.
        os.replace(uploaded.path, target)
    else:
        # Another handler held it (when the body was read before the view).
        try:
            with target.open("xb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    uploads = request.session.get(_SESSION_UPLOADS, {})
    uploads[upload_id] = {"name": uploaded.name, "suffix": suffix}
    request.session[_SESSION_UPLOADS] = uploads
    return upload_id


def _stored_upload(request, upload_id: str) -> tuple[str, Path] | None:
    # Only the session that uploaded a file may import it, and only by the id
    # it was given: nothing from the form becomes part of a path.
    entry = request.session.get(_SESSION_UPLOADS, {}).get(upload_id)
    if not entry or not _UPLOAD_ID.match(upload_id):
        return None
    path = importing.upload_dir() / f"{upload_id}{entry['suffix']}"
    return (entry["name"], path) if path.exists() else None


def _forget_upload(request, upload_id: str) -> None:
    found = _stored_upload(request, upload_id)
    if found:
        found[1].unlink(missing_ok=True)
    uploads = request.session.get(_SESSION_UPLOADS, {})
    uploads.pop(upload_id, None)
    request.session[_SESSION_UPLOADS] = uploads


def _refused_size(handler, uploaded) -> int | None:
    """The size of a file too large to import, or None."""
    if handler is not None and handler.refused_size is not None:
        return handler.refused_size
    if uploaded is not None and uploaded.size > importing.max_bytes():
        return uploaded.size
    return None


@method_decorator(csrf_exempt, name="dispatch")
class ImportView(StaffView):
    """Upload → check (a dry run showing every problem by row and column) → import."""

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().dispatch(request, *args, **kwargs)
        try:
            # Before the body is read: nobody else's upload touches the disk.
            self.check(request)
        except PermissionDenied:
            return super().dispatch(request, *args, **kwargs)  # its refusal page
        handler = ImportUploadHandler(request)
        try:
            request.upload_handlers = [handler]
        except AttributeError:
            handler = None  # the body was read already: _store_upload copes
        self.upload_handler = handler
        try:
            # The CSRF check reads the body, so it runs once the handler is set.
            return csrf_protect(super().dispatch)(request, *args, **kwargs)
        finally:
            if handler is not None:
                handler.discard()

    def get(self, request):
        form = ImportForm(
            request.POST or None, request.FILES or None, user=request.user
        )
        context = {
            "form": form,
            "max_megabytes": importing.max_bytes() // (1024 * 1024),
        }
        if request.method != "POST":
            return self.render("facilitation/admin/import_ideas.html", context)
        refused = _refused_size(
            getattr(self, "upload_handler", None), request.FILES.get("file")
        )
        if refused is not None:
            form.add_error("file", _size_message(refused))
        if not form.is_valid():
            return self.render("facilitation/admin/import_ideas.html", context)

        data = form.cleaned_data
        upload_id = data["upload"]
        if data["file"]:
            if upload_id:
                _forget_upload(request, upload_id)
            upload_id = _store_upload(request, data["file"])
        stored = _stored_upload(request, upload_id) if upload_id else None
        if stored is None:
            form.add_error("file", _("Choose the file to import."))
            return self.render("facilitation/admin/import_ideas.html", context)
        name, path = stored
        confirm = "confirm" in request.POST
        try:
            # Size and an XLSX's zip are judged before anything is parsed, and
            # an XLSX by what it inflates to: that is what reading it costs.
            table_bytes = importing.check_file(path, name=name)
            if table_bytes > settings.IDEAS_IMPORT_BACKGROUND_BYTES:
                return _import_in_background(
                    request, form, upload_id, name, path, confirm
                )
            parsed = importing.read_file(
                path, name=name, column_map=data["column_map"], sheet=data["sheet"]
            )
            result = services.ideas_import(
                event=data["event"],
                rows=parsed.rows,
                skip_invalid=data["skip_invalid"],
                dry_run=not confirm,
                actor=request.user,
            )
        except importing.ImportFileError as error:
            _forget_upload(request, upload_id)
            where = _("row %(row)s") % {"row": error.row} if error.row else ""
            form.add_error(
                None, " ".join(part for part in (name, where, error.message) if part)
            )
            _ask_for_the_file_again(form)
            return self.render("facilitation/admin/import_ideas.html", context)
        except BaseException:
            # A server error too: the file is of no use to anyone now.
            _forget_upload(request, upload_id)
            raise
        imported = confirm and (not result.errors or data["skip_invalid"])
        if imported:
            _forget_upload(request, upload_id)
            messages.success(
                request,
                _(
                    "%(name)s: %(created)d ideas created, %(updated)d updated, "
                    "%(skipped)d skipped."
                )
                % {
                    "name": name,
                    **{
                        k: getattr(result, k) for k in ("created", "updated", "skipped")
                    },
                },
            )
            listing = reverse("wagtailsnippets_ideas_idea:list")
            return redirect(f"{listing}?event={data['event'].pk}")
        form = ImportForm(
            initial={**request.POST.dict(), "upload": upload_id}, user=request.user
        )
        context.update(
            form=form,
            preview=True,
            file_name=name,
            event=data["event"],
            columns=parsed.columns,
            warnings=parsed.warnings,
            result=result,
            row_count=len(parsed.rows),
            can_import=not result.errors or data["skip_invalid"],
        )
        return self.render("facilitation/admin/import_ideas.html", context)

    post = get


def _size_message(size: int) -> str:
    try:
        import_limits.check_size(size)
    except import_limits.ImportFileError as error:
        return error.message
    return ""


def _ask_for_the_file_again(form) -> None:
    """Say the refused file is gone, and post no stale id of it again."""
    form.data = form.data.copy()
    form.data["upload"] = ""
    form.add_error(
        "file",
        _("The file was deleted from the server: choose it again to check it."),
    )


_SESSION_JOBS = "idea_import_jobs"


def _import_in_background(request, form, upload_id, name, path, confirm):
    """Hand a large file to the worker; the status page follows it."""
    data = form.cleaned_data
    result_id = services.ideas_import_request(
        event=data["event"],
        path=path,
        name=name,
        column_map=data["column_map"],
        sheet=data["sheet"],
        skip_invalid=data["skip_invalid"],
        dry_run=not confirm,
        actor=request.user,
    )
    jobs = request.session.get(_SESSION_JOBS, {})
    jobs[result_id] = {
        "upload": upload_id,
        "name": name,
        "form": {
            key: request.POST.get(key, "")
            for key in ("event", "sheet", "column_map", "skip_invalid")
        },
    }
    request.session[_SESSION_JOBS] = jobs
    return redirect("ideas_import_status", result_id=result_id)


class ImportStatusView(StaffView):
    """Where a background check or import stands; failed shows as failed."""

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request, result_id: str):
        job = request.session.get(_SESSION_JOBS, {}).get(result_id)
        if job is None:
            raise Http404
        try:
            result = tasks.import_ideas_file.get_result(result_id)
        except TaskResultDoesNotExist:
            raise Http404 from None
        context = {"job": job, "status": result.status, "finished": result.is_finished}
        if result.status == TaskResultStatus.FAILED or (
            result.status == TaskResultStatus.SUCCESSFUL
            and "file_error" in result.return_value
        ):
            # Nothing more can come of the file: it does not wait for a day.
            _forget_upload(request, job["upload"])
        if result.status == TaskResultStatus.FAILED:
            context["failure"] = _(
                "The worker stopped with an error; nothing was imported."
            )
        elif result.status == TaskResultStatus.SUCCESSFUL:
            outcome = result.return_value
            errors = outcome.get("errors", [])
            skip_invalid = bool(job["form"].get("skip_invalid"))
            imported = (
                not outcome["dry_run"]
                and "file_error" not in outcome
                and (not errors or skip_invalid)
            )
            if imported:
                request.session[_SESSION_UPLOADS] = {
                    key: value
                    for key, value in request.session.get(_SESSION_UPLOADS, {}).items()
                    if key != job["upload"]
                }
            context.update(
                outcome=outcome,
                imported=imported,
                can_import=outcome["dry_run"]
                and "file_error" not in outcome
                and (not errors or skip_invalid),
                form=ImportForm(
                    initial={**job["form"], "upload": job["upload"]}, user=request.user
                ),
            )
        return self.render("facilitation/admin/import_status.html", context)
