"""Draft regulations: the list and upload, a draft's page (versions, reviewers, actions),
versions side by side, comments per article with decisions, and the opinion editor."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from regulations import forms, services
from regulations.models import Article, Comment, Draft
from regulations.opinion import DOCX_TYPE, opinion_docx, opinion_filename, opinion_rows
from regulations.selectors import (
    article_rows,
    draft_list,
    drafts_reviewed,
    reviewer_list,
    version_units,
)

from ._common import StaffView, _form_errors_from

Status = Draft.Status


def _draft(pk) -> Draft:
    return get_object_or_404(Draft.objects.select_related("organization", "council"), pk=pk)


class DraftListView(StaffView, ListView):
    permission_required = "regulations.view_draft"
    template_name = "dashboard/regulation_list.html"
    paginate_by = 50
    context_object_name = "drafts"

    def get_queryset(self):
        # ?year=YYYY: the drafts reviewed that year (the year report's figure links here).
        year = self.request.GET.get("year", "")
        if year.isdigit() and 2000 <= int(year) <= 2100:
            return drafts_reviewed(year=int(year))
        return draft_list()


class DraftCreateView(StaffView, FormView):
    permission_required = "regulations.add_draft"
    template_name = "dashboard/regulation_form.html"
    form_class = forms.DraftUploadForm

    def form_valid(self, form):
        data = form.cleaned_data
        upload = data["file"]
        try:
            draft = services.draft_create(
                organization=data["organization"],
                title=data["title"],
                deadline=data["deadline"],
                contact_email=data["contact_email"],
                contact_name=data["contact_name"],
                show_others_comments=data["show_others_comments"],
                content=upload.read(),
                name=upload.name,
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.form_invalid(form)
        return redirect("dashboard:regulation_detail", pk=draft.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DraftDetailView(StaffView, TemplateView):
    permission_required = "regulations.view_draft"
    template_name = "dashboard/regulation_detail.html"

    def get_context_data(self, **kwargs):
        draft = _draft(kwargs["pk"])
        return super().get_context_data(
            draft=draft,
            versions=list(draft.versions.order_by("-number")),
            reviewers=list(reviewer_list(draft=draft)),
            version_form=kwargs.get("version_form") or forms.VersionUploadForm(),
            reviewer_form=kwargs.get("reviewer_form") or forms.ReviewerAddForm(),
            Status=Status,
            **{k: v for k, v in kwargs.items() if k not in ("version_form", "reviewer_form")},
        )


class VersionAddView(StaffView, View):
    permission_required = "regulations.add_version"

    def post(self, request, pk):
        draft = _draft(pk)
        form = forms.VersionUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = services.version_add(
                    draft=draft, content=upload.read(), name=upload.name, by=request.user
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                return redirect("dashboard:regulation_version", pk=pk, number=version.number)
        view = DraftDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(pk=pk, version_form=form)
        return view.render_to_response(context, status=400)


class ReviewerAddView(StaffView, View):
    permission_required = "regulations.add_reviewer"

    def post(self, request, pk):
        draft = _draft(pk)
        form = forms.ReviewerAddForm(request.POST)
        if form.is_valid():
            try:
                services.reviewer_add(
                    draft=draft, expert=form.cleaned_data["expert"], by=request.user
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                return redirect("dashboard:regulation_detail", pk=pk)
        view = DraftDetailView(request=request, kwargs={"pk": pk})
        return view.render_to_response(view.get_context_data(pk=pk, reviewer_form=form), status=400)


# action slug -> (permission, what it does, success message)
ACTIONS = {
    "start": ("regulations.change_draft", gettext_lazy("The review has started.")),
    "drafted": ("regulations.change_draft", gettext_lazy("The opinion is marked drafted.")),
    "reopen": ("regulations.change_draft", gettext_lazy("The review is open again.")),
    "approve": ("regulations.approve_opinion", gettext_lazy("The opinion is approved.")),
    "send": ("regulations.approve_opinion", gettext_lazy("The opinion is sent to the ministry.")),
}


def _act(action: str, draft: Draft, user) -> None:
    if action == "start":
        services.review_start(draft=draft, by=user)
    elif action == "send":
        services.opinion_send(draft=draft, by=user)
    else:
        status = {"drafted": Status.OPINION_DRAFTED, "approve": Status.APPROVED,
                  "reopen": Status.IN_REVIEW}[action]  # fmt: skip
        services.draft_set_status(draft=draft, status=status, by=user)


class DraftActionView(StaffView, View):
    """POST only: one status action; a refusal comes back as a message naming why."""

    def get_permission_required(self):
        action = self.kwargs["action"]
        if action not in ACTIONS:
            raise Http404
        return (ACTIONS[action][0],)

    def post(self, request, pk, action):
        draft = _draft(pk)
        try:
            _act(action, draft, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, ACTIONS[action][1])
        return redirect("dashboard:regulation_detail", pk=pk)


def _diff_html(old: str, new: str) -> tuple[str, str]:
    """The two texts as HTML with removed words in <del> and added ones in <ins>."""
    a, b = old.split(), new.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_words, new_words = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(old_words)
            right.append(new_words)
            continue
        if old_words:
            left.append(f"<del>{old_words}</del>")
        if new_words:
            right.append(f"<ins>{new_words}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (escaped above)


class VersionCompareView(StaffView, TemplateView):
    """A version beside the one before it, unit by unit, changes highlighted."""

    permission_required = "regulations.view_draft"
    template_name = "dashboard/regulation_version.html"

    def get_context_data(self, **kwargs):
        draft = _draft(kwargs["pk"])
        version = get_object_or_404(draft.versions, number=kwargs["number"])
        previous = draft.versions.filter(number=version.number - 1).first()
        old = {u.article_id: u for u in version_units(version=previous)} if previous else {}
        rows = []
        for unit in version_units(version=version):
            before = old.pop(unit.article_id, None)
            left, right = _diff_html(before.text if before else "", unit.text)
            rows.append({"unit": unit, "before": before, "left": left, "right": right})
        removed = list(old.values())
        return super().get_context_data(
            draft=draft, version=version, previous=previous, rows=rows, removed=removed, **kwargs
        )


class CommentListView(StaffView, TemplateView):
    """Comments per article, flagged when the text changed since or the article was removed."""

    permission_required = "regulations.view_comment"
    template_name = "dashboard/regulation_comments.html"

    def get_context_data(self, **kwargs):
        draft = _draft(kwargs["pk"])
        return super().get_context_data(
            draft=draft,
            rows=article_rows(draft=draft),
            Decision=Comment.Decision,
            **kwargs,
        )


class CommentDecideView(StaffView, View):
    permission_required = "regulations.change_comment"

    def post(self, request, pk, comment_pk):
        comment = get_object_or_404(Comment, pk=comment_pk, reviewer__draft_id=pk)
        form = forms.DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose accepted, merged, rejected or pending."))
        else:
            services.comment_decide(
                comment=comment, decision=form.cleaned_data["decision"], by=request.user
            )
        url = reverse("dashboard:regulation_comments", kwargs={"pk": pk})
        return redirect(f"{url}#article-{comment.article_id}")


class OpinionView(StaffView, TemplateView):
    """The opinion editor: each article with accepted comments, the council's wording."""

    permission_required = "regulations.view_opinionarticle"
    template_name = "dashboard/regulation_opinion.html"

    def get_context_data(self, **kwargs):
        draft = _draft(kwargs["pk"])
        rows = opinion_rows(draft=draft)
        articles = Article.objects.select_related("opinion").in_bulk(
            [r["article_id"] for r in rows]
        )
        for row in rows:
            opinion = getattr(articles[row["article_id"]], "opinion", None)
            row["form"] = forms.OpinionArticleForm(
                initial={"wording": opinion.wording if opinion else "",
                         "justification": opinion.justification if opinion else ""},
                prefix=f"a{row['article_id']}",
            )  # fmt: skip
        return super().get_context_data(draft=draft, rows=rows, Status=Status, **kwargs)

    def post(self, request, pk):
        if not request.user.has_perm("regulations.change_opinionarticle"):
            return HttpResponse(status=403)
        draft = _draft(pk)
        article = get_object_or_404(Article, pk=request.POST.get("article"), draft=draft)
        form = forms.OpinionArticleForm(request.POST, prefix=f"a{article.pk}")
        if form.is_valid():
            try:
                services.opinion_article_save(article=article, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Saved."))
        return redirect("dashboard:regulation_opinion", pk=pk)


class OpinionDownloadView(StaffView, View):
    permission_required = "regulations.view_opinionarticle"

    def get(self, request, pk):
        draft = _draft(pk)
        response = HttpResponse(opinion_docx(draft=draft), content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{opinion_filename(draft=draft)}"'
        return response
