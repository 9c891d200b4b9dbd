"""The conference import format (docs/conference-import.md), declared as serializers.

Each field of a document is a serializer field whose limits come from the model it fills
(`max_length`, choices, the Min/MaxValueValidators of a number, the model's validators of a
date), so the import refuses what the forms and the services refuse. A refusal names the field
by its path in the document and the rule, in the format's own words: lower case, no full stop,
such as ``presentations[1].presenter.country: 'UKK' is not an ISO 3166-1 code``. The fields
are strict where JSON is loose: "90" is not a number, "yes" is not true.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    EmailValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from rest_framework import serializers
from rest_framework.settings import api_settings

from experts.models import Council, Expert, Organization
from experts.names import name_key

from .models import (
    EXTERNAL_ID_VALIDATOR,
    STARTS_AT_MAX,
    STARTS_AT_MIN,
    Conference,
    ConferenceOrganization,
    ParticipantGroup,
)
from .models import Presentation as PresentationModel

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _choices(model: type[models.Model], name: str) -> list[str]:
    return [value for value, _label in model._meta.get_field(name).choices]


def _bounds(model: type[models.Model], name: str) -> tuple[Any, Any]:
    """The narrowest range the model field's validators allow (a number's column range
    included)."""
    validators = model._meta.get_field(name).validators
    return (
        max(v.limit_value for v in validators if isinstance(v, MinValueValidator)),
        min(v.limit_value for v in validators if isinstance(v, MaxValueValidator)),
    )


class _Strict:
    """The format's messages for a missing or null value. A subclass words its refusal of a
    wrong value in `refusal`, at refusal time, in the active language."""

    default_error_messages = {"required": gettext_lazy("is required")}

    def refusal(self, value: Any) -> str:
        raise NotImplementedError

    def validate_empty_values(self, data):
        if data is None and not self.allow_null:
            raise serializers.ValidationError(self.refusal(data))
        return super().validate_empty_values(data)


class Text(_Strict, serializers.CharField):
    """Text for `model`'s field `name`: its max_length; required unless the field may be blank
    (then null is taken as empty)."""

    default_error_messages = {
        "blank": gettext_lazy("must not be empty"),
        "max_length": gettext_lazy("must be at most {max_length} characters"),
    }

    def __init__(self, model: type[models.Model], name: str, **kwargs):
        field = model._meta.get_field(name)
        options = {
            "max_length": field.max_length,
            "required": not field.blank,
            "allow_blank": field.blank,
            "allow_null": field.blank,
        }
        super().__init__(**{**options, **kwargs})

    def refusal(self, value):
        return _("must be a string")

    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return (True, "")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(self.refusal(data))
        return super().to_internal_value(data)


class Email(Text):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            EmailValidator()(value)
        except DjangoValidationError:
            raise serializers.ValidationError(
                _("%(value)r is not an email address") % {"value": value}
            ) from None
        return value


class HttpsUrl(Text):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            URLValidator(schemes=["https"])(value)
        except DjangoValidationError:
            raise serializers.ValidationError(self.refusal(value)) from None
        return value

    def refusal(self, value):
        return _("must be an https URL")


class ExternalId(_Strict, serializers.Field):
    """The key: the model's own pattern (1–100 characters)."""

    def refusal(self, value):
        return _("must be 1–100 characters of a-z, 0-9, '-', '_' and '.'")

    def to_internal_value(self, data):
        if not isinstance(data, str) or not EXTERNAL_ID_VALIDATOR.regex.search(data):
            raise serializers.ValidationError(self.refusal(data))
        return data


class Choice(_Strict, serializers.Field):
    def __init__(self, choices: list[str], **kwargs):
        self.values = list(choices)
        super().__init__(**kwargs)

    def refusal(self, value):
        return _("%(value)s is not one of %(choices)s") % {
            "value": json.dumps(value, ensure_ascii=False),
            "choices": ", ".join(self.values),
        }

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.values:
            raise serializers.ValidationError(self.refusal(data))
        return data


class Integer(_Strict, serializers.Field):
    """A whole number within the model field's range."""

    def __init__(self, model: type[models.Model], name: str, **kwargs):
        self.low, self.high = _bounds(model, name)
        super().__init__(**kwargs)

    def refusal(self, value):
        return _("must be an integer")

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(self.refusal(data))
        if not self.low <= data <= self.high:
            raise serializers.ValidationError(
                _("must be between %(low)d and %(high)d") % {"low": self.low, "high": self.high}
            )
        return data


class Boolean(_Strict, serializers.Field):
    def refusal(self, value):
        return _("must be true or false")

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(self.refusal(data))
        return data


class Country(_Strict, serializers.Field):
    def refusal(self, value):
        shown = repr(value) if isinstance(value, str) else json.dumps(value)
        return _("%(value)s is not an ISO 3166-1 code") % {"value": shown}

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) != 2 or data not in countries:
            raise serializers.ValidationError(self.refusal(data))
        return data


class OffsetDateTime(_Strict, serializers.Field):
    """ISO 8601 with an offset, as an aware datetime within the model field's range."""

    def __init__(self, model: type[models.Model], name: str, **kwargs):
        self.low, self.high = _bounds(model, name)
        super().__init__(**kwargs)

    def refusal(self, value):
        return _("must be an ISO 8601 date and time with an offset")

    def to_internal_value(self, data):
        try:
            parsed = datetime.datetime.fromisoformat(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError(self.refusal(data)) from None
        if parsed.tzinfo is None:
            raise serializers.ValidationError(self.refusal(data))
        if not self.low <= parsed <= self.high:
            raise serializers.ValidationError(
                _("must be between %(low)s and %(high)s")
                % {"low": self.low.date().isoformat(), "high": self.high.date().isoformat()}
            )
        return parsed


class Date(_Strict, serializers.Field):
    """A calendar date, ISO 8601 (YYYY-MM-DD), between 2000 and 2100 as a start is."""

    def refusal(self, value):
        return _("must be a date as YYYY-MM-DD")

    def to_internal_value(self, data):
        try:
            parsed = datetime.date.fromisoformat(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError(self.refusal(data)) from None
        if not isinstance(data, str) or len(data) != 10:
            raise serializers.ValidationError(self.refusal(data))
        if not STARTS_AT_MIN.date() <= parsed < STARTS_AT_MAX.date():
            raise serializers.ValidationError(
                _("must be between %(low)s and %(high)s")
                % {
                    "low": STARTS_AT_MIN.date().isoformat(),
                    "high": STARTS_AT_MAX.date().isoformat(),
                }
            )
        return parsed


class Values(_Strict, serializers.ListField):
    default_error_messages = {"not_a_list": gettext_lazy("must be a list")}

    def refusal(self, value):
        return _("must be a list")


class _List(serializers.ListSerializer):
    default_error_messages = {
        "required": gettext_lazy("is required"),
        "null": gettext_lazy("must be a list"),
        "not_a_list": gettext_lazy("must be a list"),
    }


class Entry(serializers.Serializer):
    """An object of the format: a field it does not know is refused (a typo must not pass
    silently)."""

    default_error_messages = {
        "required": gettext_lazy("is required"),
        "null": gettext_lazy("must be an object"),
    }

    class Meta:
        list_serializer_class = _List

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({NON_FIELD: [_("must be an object")]})
        errors = {key: [_("unknown field")] for key in sorted(set(data) - set(self.fields))}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return values


class Person(Entry):
    name = Text(Expert, "full_name")
    name_latin = Text(Expert, "full_name_latin")
    country = Country(required=False)
    organization = Text(Organization, "name", required=False, allow_blank=True, allow_null=True)
    position = Text(Expert, "position")
    email = Email(Expert, "email")


class OrganizationEntry(Entry):
    name = Text(Organization, "name")
    name_latin = Text(Organization, "name_latin")
    kind = Choice(_choices(Organization, "kind"))
    country = Country()
    role = Choice(_choices(ConferenceOrganization, "role"))
    representatives = Person(many=True, required=False)


class PresentationEntry(Entry):
    order = Integer(PresentationModel, "order")
    title = Text(PresentationModel, "title")
    presenter = Person()


class ExpertSummary(Entry):
    count = Integer(Conference, "expert_count_declared")
    countries = Values(child=Country(), required=False)


class Participants(Entry):
    count = Integer(Conference, "participants_count_declared")
    approximate = Boolean(required=False)
    groups = Values(child=Choice(ParticipantGroup.values), required=False)


# A recommendation's text, as recommendations.models.Recommendation holds it.
RECOMMENDATION_TEXT_MAX = 5000


class RequiredText(Text):
    """Text that no model field of conferences declares: required, at most `max_length`."""

    def __init__(self, *, max_length: int, **kwargs):
        super(Text, self).__init__(
            max_length=max_length, required=True, allow_blank=False, allow_null=False, **kwargs
        )


class RecommendationEntry(Entry):
    text = RequiredText(max_length=RECOMMENDATION_TEXT_MAX)
    addressee = Text(Organization, "name")
    due = Date()


class ConferenceDocument(Entry):
    external_id = ExternalId()
    language = Choice(_choices(Conference, "language"))
    council = Text(Council, "name")
    title = Text(Conference, "title")
    starts_at = OffsetDateTime(Conference, "starts_at")
    duration_minutes = Integer(Conference, "duration_minutes", required=False)
    platform = Choice(_choices(Conference, "platform"), required=False)
    join_url = HttpsUrl(Conference, "join_url", required=False)
    status = Choice(_choices(Conference, "status"))
    organizations = OrganizationEntry(many=True, required=False)
    presentations = PresentationEntry(many=True, required=False)
    experts = Person(many=True, required=False)
    expert_summary = ExpertSummary(required=False)
    participants = Participants(required=False)
    qa = Boolean(required=False)
    recommendations = RecommendationEntry(many=True, required=False)

    def validate_presentations(self, talks: list[dict]) -> list[dict]:
        orders = [talk["order"] for talk in talks]
        errors = [
            {"order": [_("%(n)d is used twice") % {"n": order}]} if order in orders[:i] else {}
            for i, order in enumerate(orders)
        ]
        if any(errors):
            raise serializers.ValidationError(errors)
        return talks

    def validate(self, attrs: dict) -> dict:
        """A recommendation's addressee is an organisation the document names or one already
        known (matched as organisations are, after folding): a typo must not create one."""
        named = {name_key(org["name"]) for org in attrs.get("organizations", [])}
        wanted = {name_key(r["addressee"]) for r in attrs.get("recommendations", [])} - named
        known = set(
            Organization.objects.filter(name_key__in=wanted).values_list("name_key", flat=True)
        )
        errors = [
            {"addressee": [_("no organisation named %(name)r") % {"name": r["addressee"]}]}
            if name_key(r["addressee"]) not in named | known
            else {}
            for r in attrs.get("recommendations", [])
        ]
        if any(errors):
            raise serializers.ValidationError({"recommendations": errors})
        return attrs


def _lines(detail, path: str = "") -> list[str]:
    """A serializer's nested errors as 'path: rule' lines, in the document's order."""
    if isinstance(detail, Mapping):
        lines = []
        for key, value in detail.items():
            if key == NON_FIELD:
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            lines += _lines(value, sub)
        return lines
    if isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        return [f"{path}: {message}" for message in detail]
    if isinstance(detail, list):
        return [line for i, item in enumerate(detail) for line in _lines(item, f"{path}[{i}]")]
    return [f"{path}: {detail}"]


def conference_document_validate(document: Any) -> tuple[dict, list[str]]:
    """The document's values (``starts_at`` an aware datetime, texts trimmed) and every rule it
    breaks as 'field: rule' lines; the values are empty when a rule is broken."""
    if not isinstance(document, Mapping):
        return {}, [_("document: must be a JSON object")]
    serializer = ConferenceDocument(data=document)
    if serializer.is_valid():
        return serializer.validated_data, []
    return {}, _lines(serializer.errors)
