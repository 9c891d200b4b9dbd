"""The partner API's conferences: list, detail, statistics and the staff import."""

import datetime

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from elyurt.api import (
    ApiFilterBackend,
    ConditionalGetMixin,
    ErrorSerializer,
    IdFilter,
    StableOrderingFilter,
    StrictFilterSet,
)
from elyurt.script_text import CYRILLIC, LATIN, both_scripts, uzbek_latin_row
from experts.models import Expert, Organization
from partners.permissions import ConferencesRead, StaffImport

from .imports import ConferenceImportError, conference_import
from .models import Conference, ConferenceOrganization, Presentation
from .selectors import conference_figures_by_year

h = gettext_lazy


class PublicPersonSerializer(serializers.Serializer):
    """A person as the agenda names them; the profile id only when the profile is public."""

    id = serializers.SerializerMethodField(
        help_text=h("The expert's id in /api/v1/experts/ when the profile is public, else null.")
    )
    full_name = serializers.CharField(help_text=h("Full name as written in the source language."))
    full_name_latin = serializers.CharField(
        help_text=h("Full name in Latin script, where it differs from transliteration.")
    )
    country = CountryField(help_text=h("Country of residence, ISO 3166-1 alpha-2; may be empty."))
    organization = serializers.SerializerMethodField(
        help_text=h("Name of the person's organisation; empty if unknown.")
    )
    position = serializers.CharField(help_text=h("Position held; may be empty."))

    def get_id(self, expert: Expert) -> int | None:
        return expert.pk if expert.is_public else None

    def get_organization(self, expert: Expert) -> str:
        return expert.organization.name if expert.organization_id else ""


class PresentationSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(help_text=h("Place in the agenda, from 1."))
    title = serializers.CharField(help_text=h("Title of the presentation, as typed."))
    title_cyrl = serializers.CharField(
        help_text=h("The title in Cyrillic script: a stored correction, else derived.")
    )
    title_latn = serializers.CharField(
        help_text=h("The title in Latin script: a stored correction, else derived.")
    )
    presenter = PublicPersonSerializer(help_text=h("Who presents (public details only)."))

    class Meta:
        model = Presentation
        fields = ["order", "title", "title_cyrl", "title_latn", "presenter"]


class ConferenceOrganizationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="organization.id", help_text=h("The organisation's id."))
    name = serializers.CharField(source="organization.name", help_text=h("Organisation's name."))
    name_latin = serializers.CharField(
        source="organization.name_latin", help_text=h("Name in Latin script; may be empty.")
    )
    name_cyrl = serializers.CharField(
        help_text=h("The name in Cyrillic script: a stored correction, else derived.")
    )
    name_latn = serializers.CharField(
        help_text=h("The name in Latin script: name_latin where stored, else derived.")
    )
    kind = serializers.CharField(
        source="organization.kind",
        help_text=h("foundation, ministry, council, university, company or other."),
    )
    role = serializers.ChoiceField(
        choices=ConferenceOrganization.Role.choices,
        help_text=h("Part the organisation plays in this conference."),
    )

    class Meta:
        model = ConferenceOrganization
        fields = ["id", "name", "name_latin", "name_cyrl", "name_latn", "kind", "role"]


class CouncilRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=h("The council's id."))
    name = serializers.CharField(help_text=h("The council's name, as typed."))
    name_cyrl = serializers.CharField(help_text=h("The name in Cyrillic script."))
    name_latn = serializers.CharField(help_text=h("The name in Latin script."))


class FiguresSerializer(serializers.Serializer):
    participants = serializers.IntegerField(
        source="participants_count",
        allow_null=True,
        help_text=h("Participants: recorded attendance where it exists, else the declared figure."),
    )
    participants_approximate = serializers.BooleanField(
        source="participants_count_is_approximate",
        help_text=h("True when the participant figure is an estimate ('about 1000')."),
    )
    participant_groups = serializers.ListField(
        child=serializers.CharField(),
        help_text=h("Kinds of participant: ministry, rector, dean, professor, ..."),
    )
    experts = serializers.SerializerMethodField(
        help_text=h("Experts who took part: those listed one by one, else the declared count.")
    )
    expert_countries = serializers.SerializerMethodField(
        help_text=h("Countries (ISO 3166-1 alpha-2) the experts took part from.")
    )
    qa_held = serializers.BooleanField(help_text=h("Whether a question-and-answer part was held."))

    def get_experts(self, conference: Conference) -> int | None:
        return _figures_experts(conference)

    def get_expert_countries(self, conference: Conference) -> list[str]:
        return _figures_expert_countries(conference)


def _figures_experts(conference: Conference) -> int | None:
    listed = conference.expert_country_rows
    return len(listed) if listed else conference.expert_count_declared


def _figures_expert_countries(conference: Conference) -> list[str]:
    listed = conference.expert_country_rows
    if listed:
        return sorted({country for country in listed if country})
    return list(conference.expert_countries_declared)


def _iso(value: datetime.datetime, zone) -> str:
    """What DRF's DateTimeField gives (ISO 8601 in the current zone, 'Z' for UTC), cheaper."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ConferenceSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The conference's id in this API."))
    external_id = serializers.CharField(
        help_text=h("The conference's stable key, as in the import format.")
    )
    title = serializers.CharField(help_text=h("The topic, as typed."))
    title_cyrl = serializers.CharField(
        help_text=h(
            "The topic in Uzbek Cyrillic: a stored correction, else the topic itself when typed "
            "in Cyrillic, else derived from the Latin (see the README's 'Two scripts')."
        )
    )
    title_latn = serializers.CharField(
        help_text=h("The topic in Uzbek Latin: a stored correction, else derived (never Cyrillic).")
    )
    language = serializers.CharField(
        help_text=h("Language of the texts: uz-Cyrl, uz-Latn, ru, en.")
    )
    starts_at = serializers.DateTimeField(help_text=h("Start, ISO 8601 with offset."))
    ends_at = serializers.DateTimeField(help_text=h("End, ISO 8601 with offset."))
    duration_minutes = serializers.IntegerField(help_text=h("Length in minutes."))
    status = serializers.ChoiceField(
        choices=Conference.Status.choices,
        help_text=h("draft, scheduled, held or cancelled."),
    )
    council = CouncilRefSerializer(source="*", help_text=h("The council holding the conference."))
    platform = serializers.CharField(help_text=h("zoom or other."))
    organizations = ConferenceOrganizationSerializer(
        source="organization_roles", many=True, help_text=h("Organisations taking part.")
    )
    agenda = PresentationSerializer(
        source="presentations", many=True, help_text=h("The presentations, in order.")
    )
    figures = FiguresSerializer(source="*", help_text=h("Attendance figures."))
    recording_url = serializers.CharField(
        help_text=h("Link (URL) to the recording once published; empty until then.")
    )
    updated_at = serializers.DateTimeField(help_text=h("When the conference last changed."))

    class Meta:
        model = Conference
        fields = [
            "id", "external_id", "title", "title_cyrl", "title_latn", "language", "starts_at",
            "ends_at", "duration_minutes", "status", "council", "platform", "organizations",
            "agenda", "figures", "recording_url", "updated_at",
        ]  # fmt: skip

    def to_representation(self, c: Conference) -> dict:
        # Written out by hand: this is the API's busiest answer, and DRF's field machinery
        # (copying the declared fields, a lookup per attribute) cost more than the queries.
        # The declared fields above still describe it in the schema; the tests pin the output.
        zone = timezone.get_current_timezone()
        uzbek = uzbek_latin_row(c.language)
        title = both_scripts(c.title, latn=c.title_latn, cyrl=c.title_cyrl, uzbek=uzbek)
        council = both_scripts(c.council_name, latn=c.council_name_latin, cyrl=c.council_name_cyrl)
        return {
            "id": c.pk,
            "external_id": c.external_id,
            "title": c.title,
            "title_cyrl": title[CYRILLIC],
            "title_latn": title[LATIN],
            "language": c.language,
            "starts_at": _iso(c.starts_at, zone),
            "ends_at": _iso(c.ends_at, zone),
            "duration_minutes": c.duration_minutes,
            "status": c.status,
            "council": {
                "id": c.council_id,
                "name": c.council_name,
                "name_cyrl": council[CYRILLIC],
                "name_latn": council[LATIN],
            },
            "platform": c.platform,
            "organizations": [
                {
                    "id": row["organization_id"],
                    "name": row["organization__name"],
                    "name_latin": row["organization__name_latin"],
                    **_scripts(
                        "name",
                        row["organization__name"],
                        row["organization__name_latin"],
                        row["organization__name_cyrl"],
                    ),
                    "kind": row["organization__kind"],
                    "role": row["role"],
                }
                for row in c.organization_rows
            ],
            "agenda": [
                {
                    "order": row["order"],
                    "title": row["title"],
                    **_scripts("title", row["title"], row["title_latn"], row["title_cyrl"], uzbek),
                    "presenter": {
                        "id": row["presenter_id"] if row["presenter__is_public"] else None,
                        "full_name": row["presenter__full_name"],
                        "full_name_latin": row["presenter__full_name_latin"],
                        "country": row["presenter__country"],
                        "organization": row["presenter__organization__name"] or "",
                        "position": row["presenter__position"],
                    },
                }
                for row in c.agenda_rows
            ],
            "figures": {
                "participants": c.participants_count,
                "participants_approximate": c.participants_count_is_approximate,
                "participant_groups": list(c.participant_groups),
                "experts": _figures_experts(c),
                "expert_countries": _figures_expert_countries(c),
                "qa_held": c.qa_held,
            },
            "recording_url": c.recording_url,
            "updated_at": _iso(c.updated_at, zone),
        }


def _scripts(
    name: str, text: str, latn: str, cyrl: str, uzbek: bool | None = None
) -> dict[str, str]:
    """`name`_cyrl and `name`_latn of a nested row (elyurt/script_text.py)."""
    texts = both_scripts(text, latn=latn, cyrl=cyrl, uzbek=uzbek)
    return {f"{name}_cyrl": texts[CYRILLIC], f"{name}_latn": texts[LATIN]}


AGENDA_COLUMNS = (
    "order", "title", "title_latn", "title_cyrl", "presenter_id", "presenter__is_public",
    "presenter__full_name",
    "presenter__full_name_latin", "presenter__country", "presenter__position",
    "presenter__organization__name",
)  # fmt: skip
ORGANIZATION_COLUMNS = (
    "role", "organization_id", "organization__name", "organization__name_latin",
    "organization__name_cyrl", "organization__kind",
)  # fmt: skip


def conference_list_public():
    """Conferences partners may see (not drafts); conferences_related_load adds their nested
    rows once the page is known."""
    return Conference.objects.exclude(status=Conference.Status.DRAFT).annotate(
        council_name=F("council__name"),
        council_name_latin=F("council__name_latin"),
        council_name_cyrl=F("council__name_cyrl"),
    )


# One statement for the nested rows of any number of conferences, written out because the ORM
# spent three times longer compiling the equivalent (JSONObject in ArraySubquery) than
# PostgreSQL spent running it. Rows come as arrays in the order of AGENDA_COLUMNS and
# ORGANIZATION_COLUMNS (shorter to build, send and parse than objects).
_RELATED_SQL = """
SELECT c.id, COALESCE(a.agenda, '[]'), COALESCE(r.organizations, '[]'),
  COALESCE(x.countries, '[]'), GREATEST(a.updated_at, r.updated_at)
FROM {conference} c
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_array(
      p."order", p.title, p.title_latn, p.title_cyrl, e.id, e.is_public, e.full_name,
      e.full_name_latin, e.country, e.position, o.name) ORDER BY p."order") AS agenda,
    max(e.updated_at) AS updated_at
  FROM {presentation} p JOIN {expert} e ON e.id = p.presenter_id
  LEFT JOIN {organization} o ON o.id = e.organization_id
  WHERE p.conference_id = c.id) a ON true
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_array(r.role, o.id, o.name, o.name_latin, o.name_cyrl, o.kind)
    ORDER BY r."order", r.id) AS organizations, max(o.updated_at) AS updated_at
  FROM {role} r JOIN {organization} o ON o.id = r.organization_id
  WHERE r.conference_id = c.id) r ON true
LEFT JOIN LATERAL (
  SELECT json_agg(e.country ORDER BY x.id) AS countries
  FROM {attended} x JOIN {expert} e ON e.id = x.expert_id
  WHERE x.conference_id = c.id) x ON true
WHERE c.id = ANY(%s)
"""


def _related_sql() -> str:
    return _RELATED_SQL.format(
        presentation=Presentation._meta.db_table,
        expert=Expert._meta.db_table,
        organization=Organization._meta.db_table,
        role=ConferenceOrganization._meta.db_table,
        attended=Conference.experts.through._meta.db_table,
        conference=Conference._meta.db_table,
    )


def related_rows_postgresql(ids: list[int]) -> dict[int, tuple]:
    """Per conference id: (agenda rows, organisation rows, expert countries, the latest
    `updated_at` of the presenters and organisations shown, or None)."""
    with connection.cursor() as cursor:
        cursor.execute(_related_sql(), [list(ids)])
        return {
            pk: (
                [dict(zip(AGENDA_COLUMNS, row, strict=True)) for row in agenda],
                [dict(zip(ORGANIZATION_COLUMNS, row, strict=True)) for row in organizations],
                countries,
                updated_at,
            )
            for pk, agenda, organizations, countries, updated_at in cursor.fetchall()
        }


def related_rows_portable(ids: list[int]) -> dict[int, tuple]:
    """The same as related_rows_postgresql in three ORM queries, for other databases."""
    agenda, organizations, countries = ({pk: [] for pk in ids} for _n in range(3))
    stamps: dict[int, list] = {pk: [] for pk in ids}
    for row in (
        Presentation.objects.filter(conference_id__in=ids)
        .order_by("order")
        .values("conference_id", "presenter__updated_at", *AGENDA_COLUMNS)
    ):
        stamps[row["conference_id"]].append(row.pop("presenter__updated_at"))
        agenda[row.pop("conference_id")].append(row)
    for row in (
        ConferenceOrganization.objects.filter(conference_id__in=ids)
        .order_by("order", "pk")
        .values("conference_id", "organization__updated_at", *ORGANIZATION_COLUMNS)
    ):
        stamps[row["conference_id"]].append(row.pop("organization__updated_at"))
        organizations[row.pop("conference_id")].append(row)
    for conference_id, country in (
        Conference.experts.through.objects.filter(conference_id__in=ids)
        .order_by("pk")
        .values_list("conference_id", "expert__country")
    ):
        countries[conference_id].append(country)
    return {
        pk: (agenda[pk], organizations[pk], countries[pk], max(stamps[pk], default=None))
        for pk in ids
    }


def conferences_related_load(conferences: list[Conference]) -> list[Conference]:
    """Attach agenda, organisations and expert countries to each conference as plain rows.

    No model instances for the nested rows (about twenty per conference); one query on
    PostgreSQL, three elsewhere, for any number of conferences.
    """
    ids = [c.pk for c in conferences]
    if not ids:
        return conferences
    load = related_rows_postgresql if connection.vendor == "postgresql" else related_rows_portable
    rows = load(ids)
    for c in conferences:
        (c.agenda_rows, c.organization_rows, c.expert_country_rows, c.related_updated_at) = rows[
            c.pk
        ]
    return conferences


class ConferenceFilter(StrictFilterSet):
    starts_after = filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        help_text=h("Only conferences starting on or after this date (YYYY-MM-DD)."),
    )
    starts_before = filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        help_text=h("Only conferences starting on or before this date (YYYY-MM-DD)."),
    )
    status = filters.ChoiceFilter(
        choices=[c for c in Conference.Status.choices if c[0] != Conference.Status.DRAFT],
        help_text=h("Only conferences in this status."),
    )
    council = IdFilter(
        field_name="council_id", help_text=h("Only conferences of the council with this id.")
    )
    co_organizer = IdFilter(
        method="filter_co_organizer",
        help_text=h("Only conferences the organisation with this id co-organises."),
    )
    organization = IdFilter(
        method="filter_organization",
        help_text=h("Only conferences the organisation with this id takes part in (any role)."),
    )
    external_id = filters.CharFilter(help_text=h("Only the conference with this external id."))

    class Meta:
        model = Conference
        fields = []

    def filter_co_organizer(self, queryset, name, value):
        return queryset.filter(
            organization_roles__organization_id=value,
            organization_roles__role=ConferenceOrganization.Role.CO_ORGANIZER,
        ).distinct()

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization_roles__organization_id=value).distinct()


class ConferenceViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Conferences that are scheduled, held or cancelled (drafts stay inside)."""

    serializer_class = ConferenceSerializer
    permission_classes = [ConferencesRead]
    cache_resource = "conferences"
    filter_backends = [ApiFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = ConferenceFilter
    search_fields = ["title", "council__name"]
    ordering_fields = ["starts_at", "title", "id"]
    ordering = ["-starts_at", "-id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return conference_list_public()

    def paginate_queryset(self, queryset):
        return conferences_related_load(super().paginate_queryset(queryset))

    def get_object(self):
        return conferences_related_load([super().get_object()])[0]

    def row_last_modified(self, conference):
        return max(conference.updated_at, conference.related_updated_at or conference.updated_at)


class YearStatsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=h("Calendar year (Tashkent time)."))
    conferences = serializers.IntegerField(help_text=h("Conferences held that year."))
    participants = serializers.IntegerField(
        help_text=h("Participants of those conferences, summed (declared where not recorded).")
    )
    experts_by_country = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=h(
            "Experts who took part that year, by country (ISO 3166-1 alpha-2), counted as the "
            "press releases count them: the experts listed on a conference, each once in the "
            "year, and for a conference without a list its declared number, under its country "
            "when it declared a single one, else under ''. '' also holds listed experts without "
            "a country."
        ),
    )


class StatsViewSet(ConditionalGetMixin, viewsets.GenericViewSet, mixins.ListModelMixin):
    """Figures per year of held conferences."""

    serializer_class = YearStatsSerializer
    permission_classes = [ConferencesRead]
    cache_resource = "conferences"
    filter_backends: list = []

    def get_queryset(self):
        return conference_figures_by_year()


class ImportResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["created", "updated", "unchanged"],
        help_text=h("created, updated, or unchanged when the same document was imported before."),
    )
    id = serializers.IntegerField(source="conference.id", help_text=h("The conference's id."))
    external_id = serializers.CharField(
        source="conference.external_id", help_text=h("The conference's external id.")
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=h(
            "What was taken other than as given, as 'field: note' (a line break folded into a "
            "space)."
        ),
    )


class ConferenceImportView(APIView):
    """Staff only: create or update a conference from one document in the import format."""

    permission_classes = [StaffImport]

    @extend_schema(
        operation_id="conferences_import",
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={
            201: OpenApiResponse(ImportResultSerializer, description=h("Conference created.")),
            200: OpenApiResponse(
                ImportResultSerializer, description=h("Conference updated or unchanged.")
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description=h("The document is refused; `fields` lists each broken rule."),
            ),
        },
        description=h(
            "The document format is described in docs/conference-import.md. A refused "
            "document stores nothing."
        ),
    )
    def post(self, request):
        try:
            result = conference_import(document=request.data, by=request.user)
        except ConferenceImportError as exc:
            fields: dict[str, list[str]] = {}
            for line in exc.errors:
                path, _sep, rule = line.partition(": ")
                fields.setdefault(path, []).append(rule)
            raise serializers.ValidationError(
                {"non_field_errors": [_("The document is refused; nothing was stored.")], **fields}
            ) from None
        code = status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
        return Response(ImportResultSerializer(result).data, status=code)
