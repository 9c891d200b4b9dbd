"""The experts' comment pages: no login, the personal token in the link is the only key."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conferences.mail import format_when
from conferences.views import _invalid, _private

from .models import Comment
from .selectors import article_for_comment, version_latest, version_units
from .services import comment_save
from .tokens import InvalidToken, reviewer_by_token


def _page_context(reviewer) -> dict:
    expert = reviewer.expert
    language = expert.preferred_language.lower()
    return {
        "reviewer": reviewer,
        "draft": reviewer.draft,
        "deadline_local": format_when(reviewer.draft.deadline_at, expert.time_zone, language),
    }


@never_cache
@require_http_methods(["GET"])
def review_home_view(request, token: str) -> HttpResponse:
    """The current version's articles, each marked when this expert has commented it."""
    try:
        reviewer = reviewer_by_token(token=token)
    except InvalidToken:
        return _invalid(request)
    latest = version_latest(draft=reviewer.draft)
    mine = set(reviewer.comments.values_list("article_id", flat=True))
    with translation.override(reviewer.expert.preferred_language.lower()):
        context = {
            **_page_context(reviewer),
            "token": token,
            "units": list(version_units(version=latest)),
            "mine": mine,
        }
        return _private(render(request, "regulations/review_home.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def review_article_view(request, token: str, article_id: int) -> HttpResponse:
    """One article: its text, this expert's comment form, and (once they have commented and
    the draft allows it) the others' comments."""
    try:
        reviewer = reviewer_by_token(token=token)
    except InvalidToken:
        return _invalid(request)
    found = article_for_comment(draft=reviewer.draft, article_id=article_id)
    if found is None:
        return _invalid(request)
    article, unit = found
    errors: dict = {}
    values = {}
    with translation.override(reviewer.expert.preferred_language.lower()):
        if request.method == "POST":
            values = {k: request.POST.get(k, "") for k in
                      ("remark", "proposed_wording", "justification")}  # fmt: skip
            try:
                comment_save(reviewer=reviewer, article_id=article.pk, **values)
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                url = reverse(
                    "regulations:article", kwargs={"token": token, "article_id": article.pk}
                )
                return _private(HttpResponseRedirect(url + "?saved=1"))
        own = Comment.objects.filter(reviewer=reviewer, article=article).first()
        if own and not values:
            values = {"remark": own.remark, "proposed_wording": own.proposed_wording,
                      "justification": own.justification}  # fmt: skip
        others = []
        if own and reviewer.draft.show_others_comments:
            others = list(
                article.comments.exclude(reviewer=reviewer).select_related("reviewer__expert")
            )
        context = {
            **_page_context(reviewer),
            "token": token,
            "article": article,
            "unit": unit,
            "own": own,
            "others": others,
            "values": values,
            "errors": errors,
            "saved": request.GET.get("saved") == "1" and not errors,
        }
        status = 400 if errors else 200
        return _private(render(request, "regulations/review_article.html", context, status=status))
