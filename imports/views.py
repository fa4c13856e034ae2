"""The imports in the Wagtail admin: choose an import, upload a file, see the preview, confirm.

Thin: the form is read here, the file kept in ``imports.staging``, and the work done by
``imports.services.run``; the preview runs the import without keeping anything, and confirming runs
it again on the kept file (the edition may have changed meanwhile), keeping it only if every row is good.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from festival.editions import current_festival
from festival.models import FestivalPage
from imports import staging
from imports.files import MAX_BYTES
from imports.services.run import KINDS, run_import


class UploadForm(forms.Form):
    edition = forms.ModelChoiceField(
        queryset=FestivalPage.objects.order_by("-start_date"), label=gettext_lazy("Edition"), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8, comma separated) or Excel (.xlsx), at most %(mb)s MB, the first row naming the columns."
        )
        % {"mb": MAX_BYTES // 2**20},  # fmt: skip
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={
            "required": gettext_lazy("Choose a file to import."),
            "empty": gettext_lazy(
                "The file is empty. Choose a CSV or Excel file with a heading row and one row per line."
            ),
        },
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish"),
        required=False,
        help_text=gettext_lazy("Leave unticked to bring them in as drafts. Published sessions must not clash."),
    )


def refuse(request) -> TemplateResponse:
    """A 403 page (Wagtail turns PermissionDenied in its admin views into a redirect, a 302)."""
    return TemplateResponse(request, "festival/not_for_your_role.html", status=403)


def _kind(request, kind: str):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    return spec


def index_view(request):
    allowed = {key: spec for key, spec in KINDS.items() if request.user.has_perm(spec.permission)}
    if not allowed:
        return refuse(request)
    return TemplateResponse(request, "imports/index.html", {"kinds": allowed})


def upload_view(request, kind: str):
    """GET: the form. POST: the preview of the uploaded file, with the confirm button if every row is good."""
    spec = _kind(request, kind)
    if not request.user.has_perm(spec.permission):
        return refuse(request)
    required, optional = spec.headings()
    context = {"kind": kind, "spec": spec, "required": required, "optional": optional}
    if request.method != "POST":
        form = UploadForm(initial={"edition": current_festival()})
        return TemplateResponse(request, "imports/upload.html", {**context, "form": form})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(request, "imports/upload.html", {**context, "form": form}, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read(MAX_BYTES + 1)
    edition, publish = form.cleaned_data["edition"], form.cleaned_data["publish"] and spec.publishes
    result = run_import(kind, festival=edition, content=content, filename=upload.name, user=request.user,
                        publish=publish, commit=False)  # fmt: skip
    token = None
    if result.ok:
        token = staging.keep(request, kind=kind, edition_id=edition.pk, publish=publish, filename=upload.name,
                             content=content)  # fmt: skip
    elif not result.rows:  # the file itself is the trouble: say so on its field
        for problem in result.problems:
            form.add_error("file", problem)
        return TemplateResponse(request, "imports/upload.html", {**context, "form": form}, status=400)
    return TemplateResponse(request, "imports/preview.html", {
        **context, "form": UploadForm(initial={"edition": edition, "publish": publish}), "result": result,
        "token": token, "edition": edition, "publish": publish, "filename": upload.name,
    })  # fmt: skip


def confirm_view(request, kind: str):
    """POST only: run the kept file's import for real, checked again; all or nothing."""
    spec = _kind(request, kind)
    if not request.user.has_perm(spec.permission):
        return refuse(request)
    if request.method != "POST":
        return redirect("imports_upload", kind=kind)
    staged = staging.load(request, token=request.POST.get("token", ""), kind=kind)
    edition = FestivalPage.objects.filter(pk=staged.edition_id).first() if staged else None
    if staged is None or edition is None:
        messages.error(request, _("That preview has expired or was replaced by another. Upload the file again."))
        return redirect("imports_upload", kind=kind)
    result = run_import(kind, festival=edition, content=staged.content, filename=staged.filename,
                        user=request.user, publish=staged.publish, commit=True)  # fmt: skip
    if result.committed:
        staging.discard(request)
        messages.success(request, _("Imported %(file)s into %(edition)s: %(created)s created, %(updated)s updated.")
                         % {"file": staged.filename, "edition": edition.title, "created": result.created,
                            "updated": result.updated})  # fmt: skip
        return redirect("imports_upload", kind=kind)
    staging.discard(request)
    return TemplateResponse(request, "imports/preview.html", {
        "kind": kind, "spec": spec, "result": result, "token": None, "edition": edition, "publish": staged.publish,
        "filename": staged.filename, "changed": True,
        "form": UploadForm(initial={"edition": edition, "publish": staged.publish}),
    }, status=409)  # fmt: skip
