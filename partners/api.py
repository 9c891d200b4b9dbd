"""The partner API's registrations: partners register their staff for a scheduled conference.

Registration goes through conferences.registrations and the invitation pipeline, so a registered
person gets the same invitation mail, answer link and reminders as anyone invited by staff.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from conferences.models import Conference, Invitation
from conferences.registrations import RegistrationConflict, registrations_add
from elyurt.api import ConditionalGetMixin, ErrorSerializer
from experts.models import Language

from .models import ApiKey
from .permissions import RegistrationsWrite
from .selectors import SENT_FIELDS, registration_list

h = gettext_lazy
MAX_ROWS = 1000


class RegistrationRowSerializer(serializers.Serializer):
    """One person to register; only documents the row (the invitation pipeline validates)."""

    name = serializers.CharField(max_length=200, help_text=h("Full name."))
    email = serializers.CharField(
        max_length=254, help_text=h("Email address; the key: registering it again updates the row.")
    )
    organization = serializers.CharField(
        max_length=300, required=False, help_text=h("The person's organisation.")
    )
    position = serializers.CharField(
        max_length=300, required=False, help_text=h("The person's position.")
    )
    language = serializers.ChoiceField(
        choices=Language.values,
        required=False,
        help_text=h("Language of the invitation: uz-Cyrl (default), uz-Latn, ru or en."),
    )
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        help_text=h("IANA time zone for the times in the invitation; default Asia/Tashkent."),
    )


class RegistrationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The registration's id."))
    name = serializers.CharField(help_text=h("Full name."))
    email = serializers.EmailField(help_text=h("Email address as registered by the partner."))
    organization = serializers.CharField(help_text=h("The person's organisation; may be empty."))
    position = serializers.CharField(help_text=h("The person's position; may be empty."))
    language = serializers.CharField(help_text=h("Language of the invitation."))
    timezone = serializers.CharField(help_text=h("Time zone of the invitation."))
    answer = serializers.ChoiceField(
        choices=Invitation.Answer.choices, help_text=h("none, accepted or declined.")
    )
    cancelled = serializers.SerializerMethodField(
        help_text=h("True when staff cancelled this registration.")
    )
    created_at = serializers.DateTimeField(help_text=h("When the person was first registered."))
    updated_at = serializers.DateTimeField(help_text=h("When the registration last changed."))
    attended = serializers.SerializerMethodField(
        help_text=h(
            "After the conference: true when the person was present long enough to count as "
            "attending, false when present less or not at all; null before a participant "
            "report was imported."
        )
    )
    minutes = serializers.SerializerMethodField(
        help_text=h("Whole minutes present (rejoins and two devices counted once); null as above.")
    )

    class Meta:
        model = Invitation
        fields = ["id", "name", "email", "organization", "position", "language", "timezone",
                  "answer", "cancelled", "attended", "minutes", "created_at",
                  "updated_at"]  # fmt: skip

    def get_cancelled(self, invitation: Invitation) -> bool:
        return invitation.cancelled_at is not None

    def _recorded(self, invitation: Invitation) -> bool:
        return invitation.conference.participants_count_recorded is not None

    def get_attended(self, invitation: Invitation) -> bool | None:
        if not self._recorded(invitation):
            return None
        return bool(getattr(invitation, "attended_flag", None))

    def get_minutes(self, invitation: Invitation) -> int | None:
        if not self._recorded(invitation):
            return None
        return (getattr(invitation, "seconds_present", None) or 0) // 60

    def to_representation(self, invitation: Invitation) -> dict:
        """A partner sees the details it sent (partners.selectors.registration_list annotates
        them as `sent_*`), not what someone else who invited the person wrote."""
        data = super().to_representation(invitation)
        if hasattr(invitation, "sent_name"):
            for name in (*SENT_FIELDS, "created_at"):
                data[name] = self.fields[name].to_representation(
                    getattr(invitation, f"sent_{name}")
                )
            data["updated_at"] = self.fields["updated_at"].to_representation(
                registration_changed_at(invitation)
            )
        return data


def registration_changed_at(invitation: Invitation):
    """When a partner's registration last changed as the partner sees it: when it sent it again
    or the person answered; never when whoever else invited them edited their invitation."""
    if not hasattr(invitation, "sent_updated_at"):
        return invitation.updated_at
    return max(filter(None, [invitation.sent_updated_at, invitation.answered_at]))


class RegistrationBatchSerializer(serializers.Serializer):
    """The request's shape: a list of 1 to MAX_ROWS rows (registrations_add checks each row)."""

    rows = serializers.ListField(
        error_messages={
            key: h("Send a JSON list of rows (objects with name, email, ...).")
            for key in ("not_a_list", "null", "required")
        }
    )

    def validate_rows(self, rows: list) -> list:
        if not 1 <= len(rows) <= MAX_ROWS:
            raise serializers.ValidationError(
                _("Send from 1 to %(max)d rows a request.") % {"max": MAX_ROWS}
            )
        return rows


class AcceptedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=h("0-based position of the row in the request."))
    id = serializers.IntegerField(
        source="invitation_id",
        help_text=h(
            "The registration's id. A person already invited another way is answered the same "
            "way: their invitation is left as it is, and your list shows them as you sent them."
        ),
    )


class RefusedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=h("0-based position of the row in the request."))
    field = serializers.CharField(help_text=h("The field at fault, or 'row'."))
    message = serializers.CharField(help_text=h("Why the row was refused."))


class RegistrationResultSerializer(serializers.Serializer):
    accepted = AcceptedRowSerializer(
        many=True, help_text=h("Rows registered (new or updated); each gets the invitation.")
    )
    refused = RefusedRowSerializer(
        many=True, help_text=h("Refused rows, one entry per reason; nothing of them is stored.")
    )


class RegistrationViewSet(
    ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A partner's registrations for one conference: its own, never another partner's."""

    serializer_class = RegistrationSerializer
    permission_classes = [RegistrationsWrite]
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def row_last_modified(self, row):
        return registration_changed_at(row)

    def caller_organization_id(self) -> int | None:
        """The caller's organisation's id; None for a staff session (every registration)."""
        if isinstance(self.request.auth, ApiKey):
            return self.request.auth.organization_id
        return None

    def caller_organization(self):
        """The caller's organisation; None for a staff session, which sees every registration."""
        if isinstance(self.request.auth, ApiKey):
            return self.request.auth.organization
        return None

    def get_conference(self) -> Conference:
        if not hasattr(self, "_conference"):
            self._conference = get_object_or_404(
                Conference.objects.exclude(status=Conference.Status.DRAFT),
                pk=self.kwargs["conference_pk"],
            )
        return self._conference

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return registration_list(
            conference=self.get_conference(), organization_id=self.caller_organization_id()
        )

    @extend_schema(
        request=RegistrationRowSerializer(many=True),
        responses={
            200: OpenApiResponse(
                RegistrationResultSerializer,
                description=h("Each row accepted or refused, by its index."),
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description=h(
                    "The body is not a list of 1 to 1000 rows, or the conference is not "
                    "scheduled (`fields.conference`)."
                ),
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description=h("A simultaneous request registered the same people; send again."),
            ),
        },
        description=h(
            "Register up to 1000 people. Idempotent by email: sending a person again updates "
            "the registration. Valid rows are registered and invited even when others are "
            "refused."
        ),
    )
    def create(self, request, *args, **kwargs):
        conference = self.get_conference()
        shape = RegistrationBatchSerializer(data={"rows": request.data})
        shape.is_valid(raise_exception=True)
        try:
            result = registrations_add(
                conference=conference,
                organization=self.caller_organization(),
                rows=shape.validated_data["rows"],
                # The key acts (the log names its prefix and organisation), or a staff user.
                by=request.user if request.user.pk else request.auth,
            )
        except RegistrationConflict:
            raise Conflict() from None
        return Response(RegistrationResultSerializer(result).data, status=status.HTTP_200_OK)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "A simultaneous request registered the same people; send the rows again."
    )
    default_code = "conflict"
