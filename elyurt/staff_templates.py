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
- a missing variable renders as "";
- what a template may cost is bounded (TemplateTooCostly): its source to TEMPLATE_MAX_CHARS,
  a filter's literal numbers to three digits and padding filters to literal widths (so
  `ljust:"99999999"` cannot build a huge string), and at render time the loop iterations to
  RENDER_MAX_ITERATIONS and the text written to RENDER_MAX_CHARS, counted as it is written, so
  nested loops over long lists or strings stop early instead of holding a worker for minutes.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import MappingProxyType

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, Node, TokenType
from django.template.defaulttags import TemplateLiteral
from django.template.smartif import TokenBase
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


TEMPLATE_MAX_CHARS = 200_000
RENDER_MAX_ITERATIONS = 50_000
RENDER_MAX_CHARS = 1_000_000
# Filters whose work grows with their argument: only a literal (bounded) argument.
SIZED_FILTERS = frozenset(
    {"ljust", "rjust", "center", "wordwrap", "stringformat", "floatformat", "truncatechars",
     "truncatewords", "truncatechars_html", "truncatewords_html", "slice", "get_digit"}
)  # fmt: skip
_LONG_NUMBER = re.compile(r"\d{4,}")


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


class TemplateTooCostly(TemplateSyntaxError):
    """The template is too long, asks a filter for too much, or ran out of its render budget."""


class BudgetContext(Context):
    """A Context that counts loop iterations (each sets the loop variable) and text written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iterations = 0
        self.chars = 0

    def __setitem__(self, key, value):
        self._iterate()
        super().__setitem__(key, value)

    def update(self, other_dict):
        self._iterate()
        return super().update(other_dict)

    def _iterate(self) -> None:
        self.iterations += 1
        if self.iterations > RENDER_MAX_ITERATIONS:
            raise TemplateTooCostly(
                _("the template loops more than %(n)s times") % {"n": RENDER_MAX_ITERATIONS}
            )

    def spend(self, text: str) -> str:
        self.chars += len(text)
        if self.chars > RENDER_MAX_CHARS:
            raise TemplateTooCostly(
                _("the template writes more than %(n)s characters") % {"n": RENDER_MAX_CHARS}
            )
        return text


class PlainDataTemplate(Template):
    """A template that renders only plain data, whatever context it is given."""

    def render(self, context=None):
        if isinstance(context, Context):
            context = context.flatten()
        data = plain_data(dict(context or {}))
        return super().render(BudgetContext(dict(data), autoescape=self.engine.autoescape))


def _nodes(nodelist):
    for node in nodelist:
        yield node
        for name in node.child_nodelists:
            yield from _nodes(getattr(node, name, None) or ())


def _expressions(value, depth: int = 0):
    """The FilterExpressions in a node's attributes, through lists and {% if %}'s conditions."""
    if isinstance(value, FilterExpression):
        yield value
    elif depth < 6 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _expressions(item, depth + 1)
    elif depth < 6 and isinstance(value, (TokenBase, TemplateLiteral)):
        for item in vars(value).values():
            yield from _expressions(item, depth + 1)


def _filters(node: Node):
    """(name, args) of every filter a node applies: {{ x|f }}, {% for x in y|f %}, {% if %}…"""
    for value in vars(node).values():
        for expression in _expressions(value):
            for func, args in expression.filters:
                yield getattr(func, "_filter_name", func.__name__), args


def _check_cost(template: Template) -> None:
    for node in _nodes(template.nodelist):
        for name, args in _filters(node):
            for lookup, value in args:
                if lookup and name in SIZED_FILTERS:
                    raise TemplateTooCostly(
                        _("the filter %(name)s takes a written number here, not a variable")
                        % {"name": name}
                    )
                if not lookup and _LONG_NUMBER.search(str(value)):
                    raise TemplateTooCostly(
                        _("a number given to the filter %(name)s has more than 3 digits")
                        % {"name": name}
                    )
        if not node.child_nodelists:
            _count_output(node)


def _count_output(node: Node) -> None:
    """Make a leaf node (text, a variable, a tag without a body) count what it writes."""
    render = node.render

    def counted(context):
        out = render(context)
        return context.spend(out) if isinstance(context, BudgetContext) else out

    node.render = counted


class PlainDataEngine(Engine):
    def from_string(self, template_code: str) -> PlainDataTemplate:
        """Raises TemplateSyntaxError, TemplateNotAllowed naming a refused tag, or
        TemplateTooCostly."""
        if len(template_code) > TEMPLATE_MAX_CHARS:
            raise TemplateTooCostly(
                _("the template is longer than %(n)s characters") % {"n": TEMPLATE_MAX_CHARS}
            )
        for token in Lexer(template_code).tokenize():
            words = token.split_contents() if token.token_type == TokenType.BLOCK else []
            if words and words[0] in REFUSED_TAGS:
                raise TemplateNotAllowed(
                    _("the tag {%% %(tag)s %%} cannot be used here") % {"tag": words[0]}
                )
        template = PlainDataTemplate(template_code, engine=self)
        _check_cost(template)
        return template

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
