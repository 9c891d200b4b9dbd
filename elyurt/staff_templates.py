"""Templates that staff write (the press service's release wording) and how they are rendered.

Such a template is Django template syntax typed by a user who must not read more than the
page they edit shows. Django's engine walks any attribute and calls any method without
arguments, so a model in the context opens every related row (`conference.invitations.all`)
and a manager's queries. These templates therefore render with an engine of their own:

- the context is plain data only (dicts with string keys, lists, strings, numbers, booleans,
  None, dates); anything else (a model, a queryset, a manager, a function, a dataclass) raises
  UnsafeContextError when the template renders, whoever calls it, so a change that passes a
  model fails in tests instead of leaking. The data is frozen on the way in, so a template
  cannot call `.clear` or `.pop` on it either;
- no context processors (no `request`, `user`, `perms`), no loaders, no tag libraries, and
  `{% load %}`, `{% include %}`, `{% extends %}` and `{% debug %}` (which prints the context and
  every loaded module) are refused when the template compiles (TemplateNotAllowed);
- a missing variable renders as "".
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import MappingProxyType

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Exact types: a subclass (a TextChoices member, a lazy string, a model field's value class)
# may carry attributes of its own, so the drafting code converts to these first.
PLAIN_LEAVES = (
    str,
    SafeString,
    int,
    float,
    bool,
    Decimal,
    datetime.date,
    datetime.datetime,
    datetime.time,
    type(None),
)

# Tags a staff template may not use. `load` would bring tag libraries (none is needed: the
# shipped wording uses built-in tags only), `include` and `extends` other templates, `debug`
# the whole context and sys.modules. Refused by the tag's name before parsing, so `{% load x %}`
# gets this refusal rather than the parser's list of libraries; one inside {% comment %} or
# {% verbatim %} is refused too, which costs nothing.
REFUSED_TAGS = ("load", "include", "extends", "debug")


class UnsafeContextError(TypeError):
    """The context holds something other than plain data: a programming error, never shown."""


class TemplateNotAllowed(TemplateSyntaxError):
    """The template compiles but uses a tag staff templates may not use."""


def plain_data(value, *, path: str = "context"):
    """A frozen copy of `value`: dicts become read-only mappings, lists and tuples tuples.

    Raises UnsafeContextError naming the path (`context.host.name`) of the first value that is
    not plain data.
    """
    if type(value) in PLAIN_LEAVES:
        return value
    if type(value) is dict or type(value) is MappingProxyType:
        frozen = {}
        for key, item in value.items():
            if type(key) is not str:
                raise UnsafeContextError(f"{path} has a key that is not a string: {key!r}")
            frozen[key] = plain_data(item, path=f"{path}.{key}")
        return MappingProxyType(frozen)
    if type(value) in (list, tuple):
        return tuple(plain_data(item, path=f"{path}.{i}") for i, item in enumerate(value))
    raise UnsafeContextError(
        f"{path} is a {type(value).__module__}.{type(value).__qualname__}, not plain data"
    )


class PlainDataTemplate(Template):
    """A template that renders only plain data, whatever context it is given."""

    def render(self, context=None):
        if isinstance(context, Context):
            context = context.flatten()
        data = plain_data(dict(context or {}))
        return super().render(Context(dict(data), autoescape=self.engine.autoescape))


class PlainDataEngine(Engine):
    def from_string(self, template_code: str) -> PlainDataTemplate:
        """Raises TemplateSyntaxError, or TemplateNotAllowed naming a refused tag."""
        for token in Lexer(template_code).tokenize():
            words = token.split_contents() if token.token_type == TokenType.BLOCK else []
            if words and words[0] in REFUSED_TAGS:
                raise TemplateNotAllowed(
                    _("the tag {%% %(tag)s %%} cannot be used here") % {"tag": words[0]}
                )
        return PlainDataTemplate(template_code, engine=self)

    def get_template(self, template_name):
        raise TemplateDoesNotExist(template_name)


def staff_engine(*, autoescape: bool) -> PlainDataEngine:
    """An engine for one kind of staff template; `autoescape` as its output needs."""
    return PlainDataEngine(
        dirs=[],
        app_dirs=False,
        context_processors=[],
        debug=False,
        loaders=[],
        string_if_invalid="",
        autoescape=autoescape,
        libraries={},
        builtins=[],
    )
