import zoneinfo

from django import template
from django.urls import Resolver404, resolve
from django.utils import dateformat

register = template.Library()

PRESS_PATH = "/dashboard/press/"


@register.simple_tag
def press_url() -> str:
    """The press pages' address when the pressroom's staff pages are installed, else ""."""
    try:
        resolve(PRESS_PATH)
    except Resolver404:
        return ""
    return PRESS_PATH


@register.filter
def in_zone(value, zone: str) -> str:
    """A datetime written as the clock shows it in another IANA time zone (an expert's).

    Returns text: the template engine would convert a datetime back to Tashkent time.
    """
    if not value or not zone:
        return ""
    try:
        local = value.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return dateformat.format(local, "Y-m-d H:i")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
