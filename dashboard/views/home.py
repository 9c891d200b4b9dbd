"""The home page: conferences coming up, work waiting, and this year's figures."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_countries import countries

from conferences.models import Conference, OutboundMessage
from conferences.selectors import conference_figures_by_year
from ops.selectors import outbox_stall
from pressroom.models import PressRelease
from recommendations.selectors import (
    NO_FIGURES,
    recommendation_figures_by_year,
    recommendations_overdue,
)

from ..selectors import conferences_held_by_month, upcoming_conferences
from ._common import MONTH_ABBR, StaffView

Status = Conference.Status

# A year without a held conference.
_NO_FIGURES = {"conferences": 0, "participants": 0, "experts": 0, "experts_by_country": {}}


class HomeView(StaffView, TemplateView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        # The same figures as /api/v1/stats/ serves for the year, from the same selector.
        [figures] = conference_figures_by_year(year=year) or [_NO_FIGURES]
        by_country = sorted(
            figures["experts_by_country"].items(), key=lambda item: (-item[1], item[0])
        )
        country_rows = [(countries.name(code) or "—", n) for code, n in by_country]
        by_month = conferences_held_by_month(year=year)
        context.update(
            year=year,
            upcoming=upcoming_conferences(limit=8),
            held_count=figures["conferences"],
            participants_total=figures["participants"],
            experts_total=figures["experts"],
            experts_by_country=country_rows,
            chart_data={
                "countries": {
                    "labels": [name for name, _n in country_rows],
                    "values": [n for _name, n in country_rows],
                    "label": _("Experts"),
                },
                "months": {
                    "labels": [str(label) for label in MONTH_ABBR],
                    "values": by_month,
                    "label": _("Conferences held"),
                },
            },
            new_drafts=_new_drafts(user),
            releases_to_review=_releases_to_review(user),
            failed_invitations=_failed_invitations(user),
            overdue_recommendations=_overdue_recommendations(user),
            # The same figures as /api/v1/stats/'s `recommendations` for the year.
            recommendation_figures=recommendation_figures_by_year(year=year).get(year, NO_FIGURES),
            # Messages due and no worker alive: staff who follow invitations are told.
            outbox_stall=outbox_stall() if user.has_perm("conferences.view_invitation") else None,
        )
        return context


def _new_drafts(user):
    """Releases drafted and not yet sent for review, newest first: the press service's next
    work (None for a user who cannot edit releases)."""
    if not user.has_perm("pressroom.change_pressrelease"):
        return None
    return list(
        PressRelease.objects.filter(status=PressRelease.Status.DRAFT).order_by(
            "-created_at", "-pk"
        )[:10]
    )


def _overdue_recommendations(user):
    """Open recommendations past their due date, the longest overdue first (None for a user
    who cannot see recommendations)."""
    if not user.has_perm("recommendations.view_recommendation"):
        return None
    return recommendations_overdue(limit=10)


def _releases_to_review(user):
    if not user.has_perm("pressroom.view_pressrelease"):
        return None
    return list(
        PressRelease.objects.filter(status=PressRelease.Status.IN_REVIEW)
        .select_related("conference")
        .order_by("updated_at")[:10]
    )


def _failed_invitations(user):
    """Conferences with invitations whose last message failed, and how many."""
    if not user.has_perm("conferences.view_invitation"):
        return None
    failed = OutboundMessage.objects.filter(state=OutboundMessage.State.FAILED)
    return list(
        Conference.objects.filter(invitations__messages__in=failed)
        .annotate(
            failed=Count(
                "invitations",
                filter=Q(invitations__messages__state=OutboundMessage.State.FAILED),
                distinct=True,
            )
        )
        .order_by("starts_at")[:10]
    )
