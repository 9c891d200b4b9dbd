"""The home page: conferences coming up, work waiting, and this year's figures."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_countries import countries

from conferences.models import Conference, OutboundMessage
from experts.models import Expert
from pressroom.models import PressRelease

from ..selectors import upcoming_conferences
from ._common import MONTH_ABBR, StaffView

Status = Conference.Status


class HomeView(StaffView, TemplateView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        held = Conference.objects.filter(status=Status.HELD, starts_at__year=year)
        participants = held.aggregate(
            total=Sum(Coalesce("participants_count_recorded", "participants_count_declared"))
        )["total"]
        # Experts who took part: those ticked on the audience page, and the presenters.
        by_country = (
            Expert.objects.filter(
                Q(pk__in=held.values("experts")) | Q(pk__in=held.values("presentations__presenter"))
            )
            .values("country")
            .annotate(n=Count("pk"))
            .order_by("-n", "country")
        )
        by_month = dict(
            held.annotate(month=ExtractMonth("starts_at"))
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        )
        country_rows = [(countries.name(row["country"]) or "—", row["n"]) for row in by_country]
        context.update(
            year=year,
            upcoming=upcoming_conferences(limit=8),
            held_count=held.count(),
            participants_total=participants or 0,
            experts_total=sum(n for _name, n in country_rows),
            experts_by_country=country_rows,
            chart_data={
                "countries": {
                    "labels": [name for name, _n in country_rows],
                    "values": [n for _name, n in country_rows],
                    "label": _("Experts"),
                },
                "months": {
                    "labels": [str(label) for label in MONTH_ABBR],
                    "values": [by_month.get(m, 0) for m in range(1, 13)],
                    "label": _("Conferences held"),
                },
            },
            releases_to_review=_releases_to_review(user),
            failed_invitations=_failed_invitations(user),
        )
        return context


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
