"""The partner API's press releases: published only, in both Uzbek scripts and where written."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.filters import SearchFilter

from elyurt.api import ConditionalGetMixin, StableOrderingFilter
from partners.permissions import ReleasesRead
from transliteration import to_latin

from .models import PressRelease
from .rendering import body_html
from .selectors import press_release_list_public

h = gettext_lazy

LANGUAGES = [("uz-Cyrl", "cyrl"), ("uz-Latn", "latn"), ("ru", "ru"), ("en", "en")]


class ReleaseTextSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[code for code, _suffix in LANGUAGES],
        help_text=h("uz-Cyrl, uz-Latn, ru or en."),
    )
    title = serializers.CharField(help_text=h("Title in this language."))
    body = serializers.CharField(help_text=h("Body in this language, sanitised HTML."))


class PressReleaseSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The release's id."))
    slug = serializers.SlugField(help_text=h("The release's address on the portal."))
    conference = serializers.IntegerField(
        source="conference_id", help_text=h("Id of the conference in /api/v1/conferences/.")
    )
    conference_external_id = serializers.CharField(
        source="conference.external_id", help_text=h("External id of the conference.")
    )
    published_at = serializers.DateTimeField(help_text=h("When the release was published."))
    texts = serializers.SerializerMethodField(
        help_text=h(
            "The release in each language: always both Uzbek scripts (uz-Cyrl, uz-Latn), then "
            "Russian and English where written."
        )
    )

    class Meta:
        model = PressRelease
        fields = ["id", "slug", "conference", "conference_external_id", "published_at", "texts"]

    @extend_schema_field(ReleaseTextSerializer(many=True))
    def get_texts(self, release: PressRelease) -> list[dict]:
        texts = []
        for code, suffix in LANGUAGES:
            title = getattr(release, f"title_{suffix}")
            body = getattr(release, f"body_{suffix}")
            if suffix == "latn" and not (title and body):
                title = title or to_latin(release.title_cyrl)
                body = body or to_latin(release.body_cyrl)
            if title or body:
                texts.append({"language": code, "title": title, "body": body_html(body)})
        return texts


class PressReleaseViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Published press releases, newest first."""

    serializer_class = PressReleaseSerializer
    permission_classes = [ReleasesRead]
    cache_resource = "releases"
    filter_backends = [SearchFilter, StableOrderingFilter]
    search_fields = ["title_cyrl", "title_latn", "title_ru", "title_en"]
    ordering_fields = ["published_at", "id"]
    ordering = ["-published_at", "-id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return press_release_list_public()
