"""JSON from outside, nested no deeper than JSON_MAX_DEPTH.

Python's json module recurses once per level: a body nested about 1,000 deep raises
RecursionError, which no caller expects (DRF's parser catches ValueError only), so the request
answered 500. Code that walks a document afterwards (serializers, the import's folding) recurses
too. A depth of 32 is far beyond any document the portal takes.
"""

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json as drf_json


class JsonTooDeep(ValueError):
    """The document nests arrays and objects deeper than allowed; `str()` says how deep."""


def json_depth(value: Any) -> int:
    """How many arrays and objects deep `value` nests: 0 for a scalar, 1 for `[1]` or `{}`.

    Iterative, so a value built in Python of any depth is measured without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def json_loads_bounded(text: str | bytes, *, max_depth: int | None = None, **options) -> Any:
    """`json.loads(text, **options)`, refusing documents nested deeper than `max_depth`
    (default settings.JSON_MAX_DEPTH).

    Raises json.JSONDecodeError / UnicodeDecodeError as json.loads does, and JsonTooDeep (a
    ValueError) beyond the bound."""
    bound = settings.JSON_MAX_DEPTH if max_depth is None else max_depth
    refusal = _("JSON nested more than %(max)d levels deep") % {"max": bound}
    try:
        data = json.loads(text, **options)
    except RecursionError:
        raise JsonTooDeep(refusal) from None
    if json_depth(data) > bound:
        raise JsonTooDeep(refusal)
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth bound: too deep a body answers 400 (parse_error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            if self.strict:  # as DRF's own: NaN and Infinity are not JSON
                return json_loads_bounded(text, parse_constant=drf_json.strict_constant)
            return json_loads_bounded(text)
        except JsonTooDeep as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
            raise ParseError(_("JSON parse error - %s") % str(exc)) from None
