"""The partner API for draft regulations (scope reviews:write): a ministry sends a draft and
new versions, reads their status and, once sent, the council's opinion as JSON or .docx.

A ministry is the key's organisation and sees only its own drafts: another's answer 404.
A staff session (with regulations.add_draft) sees every draft and names the ministry.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from elyurt.api import ApiPagination, ErrorSerializer
from experts.models import Organization
from partners.models import ApiKey
from partners.permissions import ReviewsWrite

from .models import Draft
from .opinion import DOCX_TYPE, opinion_docx, opinion_filename, opinion_json
from .selectors import draft_list, version_counts
from .services import draft_create, version_add

h = gettext_lazy


class DraftSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The draft's id."))
    title = serializers.CharField(help_text=h("The draft's title."))
    deadline = serializers.DateField(help_text=h("Last day for comments (Tashkent), YYYY-MM-DD."))
    status = serializers.ChoiceField(
        choices=Draft.Status.choices,
        help_text=h("received, in_review, opinion_drafted, approved or sent."),
    )
    versions = serializers.IntegerField(source="version_count", help_text=h("Versions sent."))
    sent_at = serializers.DateTimeField(
        allow_null=True, help_text=h("When the opinion was sent; null before.")
    )
    created_at = serializers.DateTimeField(help_text=h("When the draft was received."))

    class Meta:
        model = Draft
        fields = ["id", "title", "deadline", "status", "versions", "sent_at", "created_at"]


class DraftUploadSerializer(serializers.Serializer):
    """The request's documented shape; the service validates (and names the field at fault)."""

    file = serializers.FileField(help_text=h("The draft as a .docx file."))
    title = serializers.CharField(max_length=500, help_text=h("The draft's title."))
    deadline = serializers.CharField(help_text=h("Last day for comments, YYYY-MM-DD."))
    contact_email = serializers.EmailField(
        required=False, help_text=h("Where the opinion is mailed once approved.")
    )
    contact_name = serializers.CharField(
        required=False, max_length=200, help_text=h("The contact's name.")
    )
    organization = serializers.IntegerField(
        required=False, help_text=h("Staff sessions only: the ministry's organisation id.")
    )


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=h("The new version as a .docx file."))


class ReceivedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=h("The draft's id."))
    version = serializers.IntegerField(help_text=h("The version's number, from 1."))
    units = serializers.IntegerField(help_text=h("Articles found in the file."))
    unchanged = serializers.IntegerField(help_text=h("Articles as in the last version."))
    changed = serializers.IntegerField(help_text=h("Articles changed since the last version."))
    new = serializers.IntegerField(help_text=h("Articles not in the last version."))
    removed = serializers.IntegerField(help_text=h("Articles of the last version now gone."))


class ExpertNameSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=h("Name in Cyrillic as stored."))
    name_latin = serializers.CharField(help_text=h("Name in Latin script."))


class OpinionRowSerializer(serializers.Serializer):
    article_id = serializers.IntegerField(help_text=h("The article's identity across versions."))
    number = serializers.CharField(help_text=h("The article's number in the latest version."))
    current_wording = serializers.CharField(help_text=h("The article as the ministry wrote it."))
    proposed_wording = serializers.CharField(help_text=h("The council's proposed wording."))
    justification = serializers.CharField(help_text=h("Why."))
    experts = ExpertNameSerializer(many=True, help_text=h("Experts who support it."))


class OpinionSerializer(serializers.Serializer):
    draft = serializers.IntegerField(help_text=h("The draft's id."))
    title = serializers.CharField(help_text=h("The draft's title."))
    status = serializers.CharField(help_text=h("Always sent here."))
    rows = OpinionRowSerializer(many=True, help_text=h("One row per article with a proposal."))


class DocxRenderer(BaseRenderer):
    """The opinion as .docx when Accept asks for it; an error still answers in JSON."""

    media_type = DOCX_TYPE
    format = "docx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class NotSent(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The council's opinion has not been sent yet.")
    default_code = "not_sent"


def _files_and_fields(request) -> tuple[bytes | None, str]:
    upload = request.FILES.get("file")
    if upload is None:
        raise exceptions.ValidationError({"file": [_("Send the draft as a multipart field file.")]})
    return upload.read(), upload.name or ""


_BAD = OpenApiResponse(ErrorSerializer, description=h("A field is missing or not valid."))


class DraftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A ministry's draft regulations: its own only."""

    serializer_class = DraftSerializer
    permission_classes = [ReviewsWrite]
    pagination_class = ApiPagination
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    # Every write here sends a file; nothing takes JSON.
    parser_classes = [MultiPartParser]

    def caller_organization_id(self) -> int | None:
        if isinstance(self.request.auth, ApiKey):
            return self.request.auth.organization_id
        return None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Draft.objects.none()
        return draft_list(organization_id=self.caller_organization_id()).order_by("-pk")

    def _by(self):
        return self.request.user if self.request.user.pk else self.request.auth

    def _organization(self) -> Organization:
        if isinstance(self.request.auth, ApiKey):
            return self.request.auth.organization
        value = self.request.data.get("organization")
        try:
            return Organization.objects.get(pk=int(value))
        except (TypeError, ValueError, Organization.DoesNotExist):
            raise exceptions.ValidationError(
                {"organization": [_("Staff name the ministry by its organisation id.")]}
            ) from None

    @extend_schema(
        request={"multipart/form-data": DraftUploadSerializer},
        responses={201: ReceivedSerializer, 400: _BAD},
        description=h(
            "Send a draft regulation (.docx) for the council's review. It is split into "
            "articles by their headings (1-modda., 1-модда., Статья 1., 1., 1.1.); the answer "
            "says how many were found. A file that is not a .docx, is empty or has no "
            "recognisable article answers 400 naming `file`."
        ),
    )
    def create(self, request, *args, **kwargs):
        content, name = _files_and_fields(request)
        draft = draft_create(
            organization=self._organization(),
            title=request.data.get("title", ""),
            deadline=request.data.get("deadline", ""),
            contact_email=request.data.get("contact_email", ""),
            contact_name=request.data.get("contact_name", ""),
            content=content,
            name=name,
            by=self._by(),
        )
        body = {"id": draft.pk, "version": 1, **version_counts(version=draft.versions.get())}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": VersionUploadSerializer},
        responses={201: ReceivedSerializer, 400: _BAD},
        description=h(
            "Send a new version. Its articles are matched to the last version's by number and "
            "text: comments stay on unchanged articles; changed and removed ones are flagged."
        ),
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        draft = self.get_object()
        content, name = _files_and_fields(request)
        version = version_add(draft=draft, content=content, name=name, by=self._by())
        body = {"id": draft.pk, "version": version.number, **version_counts(version=version)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/json"): OpinionSerializer,
            (200, DOCX_TYPE): OpenApiTypes.BINARY,
            409: OpenApiResponse(ErrorSerializer, description=h("Not sent yet.")),
        },
        # The format is chosen by Accept; DRF's ?format= is not part of the contract.
        parameters=[OpenApiParameter("format", exclude=True)],
        description=h(
            "The council's opinion once sent: the comparative table as JSON, or as a .docx "
            "(A4 landscape, Uzbek Cyrillic and Latin) when the request's Accept names "
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document."
        ),
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, DocxRenderer])
    def opinion(self, request, pk=None):
        draft = get_object_or_404(self.get_queryset(), pk=pk)
        if draft.status != Draft.Status.SENT:
            raise NotSent()
        if request.accepted_renderer.format == "docx":
            filename = opinion_filename(draft=draft)
            return Response(
                opinion_docx(draft=draft),
                content_type=DOCX_TYPE,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(opinion_json(draft=draft))
