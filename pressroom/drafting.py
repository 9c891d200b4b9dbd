"""Drafting a press release from a held conference's data, in the house style.

The wording lives in the database (ReleaseTemplate, one active per language, editable by the
press service); this module only gathers the facts and the grammatical forms an Uzbek editor
would write (date phrases, genitive and locative suffixes, country names) into a context, and
renders the active template with a restricted engine (elyurt.staff_templates) against plain
data only: the press service may read what the context help lists, never a model behind it.
Nothing about any one event is written here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.db.models import Prefetch
from django.template import TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conferences.models import Conference, ConferenceOrganization, ParticipantGroup, Presentation
from elyurt.staff_templates import staff_engine
from experts.models import Expert, Language, Organization
from integrations.figures import attendance_figures
from transliteration import dates, to_latin

from . import default_template
from .models import ReleaseTemplate

# Country names as an editor writes them, per language. Anything missing falls back to the
# ISO code's English name, which an editor will notice and fix.
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    Language.UZ_CYRL: {
        "US": "АҚШ", "CA": "Канада", "AU": "Австралия", "BE": "Бельгия", "DE": "Германия",
        "KR": "Жанубий Корея", "GB": "Буюк Британия", "RU": "Россия Федерацияси",
        "FR": "Франция", "JP": "Япония", "CN": "Хитой", "IT": "Италия", "ES": "Испания",
        "NL": "Нидерландия", "CH": "Швейцария", "AT": "Австрия", "SE": "Швеция",
        "FI": "Финляндия", "NO": "Норвегия", "DK": "Дания", "PL": "Польша", "CZ": "Чехия",
        "TR": "Туркия", "KZ": "Қозоғистон", "KG": "Қирғизистон", "TJ": "Тожикистон",
        "TM": "Туркманистон", "AF": "Афғонистон", "IN": "Ҳиндистон", "MY": "Малайзия",
        "SG": "Сингапур", "AE": "Бирлашган Араб Амирликлари", "SA": "Саудия Арабистони",
        "IL": "Исроил", "UA": "Украина", "BY": "Беларусь", "LV": "Латвия", "LT": "Литва",
        "EE": "Эстония", "HU": "Венгрия", "RO": "Руминия", "NZ": "Янги Зеландия",
        "IE": "Ирландия", "PT": "Португалия", "GR": "Греция", "IR": "Эрон", "PK": "Покистон",
        "UZ": "Ўзбекистон", "AZ": "Озарбайжон", "GE": "Грузия", "EG": "Миср",
        "QA": "Қатар", "KW": "Қувайт", "ID": "Индонезия", "BR": "Бразилия", "MX": "Мексика",
    },
    Language.RU: {
        "US": "США", "CA": "Канада", "AU": "Австралия", "BE": "Бельгия", "DE": "Германия",
        "KR": "Южная Корея", "GB": "Великобритания", "RU": "Российская Федерация",
        "FR": "Франция", "JP": "Япония", "CN": "Китай", "UZ": "Узбекистан",
    },
    Language.EN: {
        "US": "the USA", "CA": "Canada", "AU": "Australia", "BE": "Belgium", "DE": "Germany",
        "KR": "South Korea", "GB": "the United Kingdom", "RU": "the Russian Federation",
        "FR": "France", "JP": "Japan", "CN": "China", "UZ": "Uzbekistan",
    },
}  # fmt: skip

# The order an editor lists countries in: this table's order, the rest alphabetically.
_COUNTRY_ORDER = list(COUNTRY_NAMES[Language.UZ_CYRL])

# The month names and date forms are transliteration's (transliteration.dates), shared with
# the mail; the Latin release gets its hyphenated ordinals (2020-yil 28-avgustda) from to_latin.
MONTHS_CYRL = dates.MONTHS_CYRL

NUMBER_WORDS_CYRL = {
    1: "бир", 2: "икки", 3: "уч", 4: "тўрт", 5: "беш",
    6: "олти", 7: "етти", 8: "саккиз", 9: "тўққиз", 10: "ўн",
}  # fmt: skip

# Kinds of participant, as they follow one another in a sentence. Staff of a university
# share one "олий таълим муассасалари" in front of them.
UNIVERSITY_GROUPS_CYRL = {
    ParticipantGroup.RECTOR: "ректорлари",
    ParticipantGroup.VICE_RECTOR: "проректорлари",
    ParticipantGroup.DEAN: "факультет деканлари",
    ParticipantGroup.HEAD_OF_DEPARTMENT: "кафедра мудирлари",
    ParticipantGroup.PROFESSOR: "профессор-ўқитувчилари",
    ParticipantGroup.STUDENT: "талабалари",
}
OTHER_GROUPS_CYRL = {
    ParticipantGroup.MINISTRY: "вазирлик ходимлари",
    ParticipantGroup.OTHER: "бошқа қизиқувчилар",
}

# One person of each kind, as the breakdown names them ("64 нафари ректор").
KIND_NAMES_CYRL = {
    ParticipantGroup.MINISTRY: "вазирлик ходими",
    ParticipantGroup.RECTOR: "ректор",
    ParticipantGroup.VICE_RECTOR: "проректор",
    ParticipantGroup.DEAN: "факультет декани",
    ParticipantGroup.HEAD_OF_DEPARTMENT: "кафедра мудири",
    ParticipantGroup.PROFESSOR: "профессор-ўқитувчи",
    ParticipantGroup.STUDENT: "талаба",
}

_CYRILLIC_END = re.compile(r"[\u0400-\u04ff]$")
_VOWEL_END = re.compile(r"[аеёиоуэюяў]$", re.IGNORECASE)


class DraftingError(Exception):
    """The conference lacks what a release needs, or no template is active."""


def country_name(code: str, language: str = Language.UZ_CYRL) -> str:
    code = str(code or "").upper()
    names = COUNTRY_NAMES.get(language) or COUNTRY_NAMES[Language.UZ_CYRL]
    if code in names:
        return names[code]
    from django_countries import countries

    # A country the house table lacks: CLDR's name (locale-countries/) in the release's
    # language, whatever language the request or worker happens to run in.
    with translation.override(str(language).lower()):
        return str(countries.name(code)) or code


def _country_sort_key(code: str):
    code = str(code).upper()
    if code in _COUNTRY_ORDER:
        return (0, _COUNTRY_ORDER.index(code), "")
    return (1, 0, country_name(code))


# Uzbek suffixes. They attach to the last word; a name ending in a closing quote or a Latin
# letter takes them too (“ЗиёТек”нинг, Schoolнинг), as editors write.
def genitive(text: str) -> str:
    return f"{text}нинг" if text else text


def locative(text: str) -> str:
    return f"{text}да" if text else text


def locative_adjective(text: str) -> str:
    return f"{text}даги" if text else text


def possessive(noun: str, *, plural: bool = False) -> str:
    """эксперт → эксперти, раҳбар → раҳбарлари (plural), ходим → ходими; Latin left alone."""
    if not noun or not _CYRILLIC_END.search(noun):
        return noun
    if plural:
        return f"{noun}лари"
    return f"{noun}си" if _VOWEL_END.search(noun) else f"{noun}и"


def join_uz(items: list[str], *, last: str = "ва") -> str:
    """A, B ва C."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def people_plural(names: list[str], *, last: str = "ва") -> str:
    """Editors mark several people with -лар on the last name: Азимов ва Рустамовлар."""
    joined = join_uz(names, last=last)
    return f"{joined}лар" if len(names) > 1 else joined


def quoted(text: str) -> str:
    return f"“{text}”"


def number_word(n: int) -> str:
    return NUMBER_WORDS_CYRL.get(n, str(n))


@dataclass(frozen=True)
class DatePhrases:
    locative: str  # 2020 йил 28 августда
    kuni: str  # 28 август куни
    full_kuni: str  # 2020 йил 28 август куни
    genitive: str  # 2020 йилнинг 28 августида
    year: int


def date_phrases(moment) -> DatePhrases:
    day = timezone.localtime(moment).date()
    month = MONTHS_CYRL[day.month - 1]
    stem = month.removesuffix("ь")
    return DatePhrases(
        locative=f"{day.year} йил {day.day} {stem}да",
        kuni=f"{day.day} {month} куни",
        full_kuni=f"{day.year} йил {day.day} {month} куни",
        genitive=f"{day.year} йилнинг {day.day} {stem}ида",
        year=day.year,
    )


def organization_phrase(org: Organization) -> str:
    """How an organisation reads in a sentence: a company gets quotes and «компанияси»."""
    name = org.name
    if org.kind == Organization.Kind.COMPANY and "компания" not in name.lower():
        if not name.startswith(("“", "«", '"')):
            name = quoted(name)
        return f"{name} компанияси"
    return name


def _load_conference(conference: Conference) -> Conference:
    presenter_rows = Presentation.objects.select_related("presenter__organization").order_by(
        "order"
    )
    # Representatives in the order they were entered, as the organiser listed them.
    roles = ConferenceOrganization.objects.select_related("organization").prefetch_related(
        Prefetch("representatives", queryset=Expert.objects.order_by("pk"))
    )
    return (
        Conference.objects.select_related("council__host_organization")
        .prefetch_related(
            Prefetch("presentations", queryset=presenter_rows),
            Prefetch("organization_roles", queryset=roles),
            "experts",
        )
        .get(pk=conference.pk)
    )


def _org_context(org: Organization | None) -> dict | None:
    if org is None:
        return None
    phrase = organization_phrase(org)
    return {
        "name": phrase,
        "genitive": genitive(phrase),
        "mission": org.mission.strip(),
        "country": country_name(org.country.code) if org.country else "",
    }


def _technical_context(role: ConferenceOrganization | None) -> dict | None:
    if role is None:
        return None
    org = role.organization
    context = _org_context(org)
    reps = list(role.representatives.all())
    positions = {r.position for r in reps}
    title = ""
    if len(positions) == 1 and next(iter(positions)):
        title = possessive(next(iter(positions)), plural=len(reps) > 1)
    abroad = bool(org.country) and org.country.code != "UZ"
    context.update(
        {
            "country_adjective": locative_adjective(context["country"]) if abroad else "",
            "representatives": people_plural([r.full_name for r in reps]),
            "representatives_title": title,
            "representatives_count": len(reps),
        }
    )
    return context


def _experts_context(conference: Conference) -> dict:
    experts = list(conference.experts.all())
    # Who actually took part (the expert list) wins over the figure declared in advance.
    if experts:
        count = len(experts)
        codes = {e.country.code for e in experts if e.country}
    else:
        count = conference.expert_count_declared or 0
        codes = {str(c).upper() for c in conference.expert_countries_declared or []}
    if conference.expert_countries_declared and not experts:
        ordered = [str(c).upper() for c in conference.expert_countries_declared]
    else:
        ordered = sorted(codes, key=_country_sort_key)
    names = [country_name(c) for c in ordered]
    return {
        "count": count,
        "countries": ", ".join(names),
        "countries_locative": locative(join_uz(names)) if names else "",
    }


def _audience_context(conference: Conference) -> dict:
    groups = [g for g in conference.participant_groups or []]
    university = [UNIVERSITY_GROUPS_CYRL[g] for g in UNIVERSITY_GROUPS_CYRL if g in groups]
    parts = []
    if ParticipantGroup.MINISTRY in groups:
        ministries = [
            r.organization.name
            for r in conference.organization_roles.all()
            if r.organization.kind == Organization.Kind.MINISTRY
        ]
        parts.append(
            f"{join_uz(ministries)} ходимлари" if ministries else OTHER_GROUPS_CYRL["ministry"]
        )
    if university:
        parts.append(f"олий таълим муассасалари {join_uz(university)}")
    if ParticipantGroup.OTHER in groups:
        parts.append(OTHER_GROUPS_CYRL["other"])
    # The university list already holds a «ва»; the parts are separated by commas only.
    if len(parts) > 1 and not university:
        groups_phrase = join_uz(parts)
    else:
        groups_phrase = ", ".join(parts)
    count = conference.participants_count
    approximate = conference.participants_count_is_approximate
    if count is None:
        count_phrase = ""
    elif approximate:
        count_phrase = f"{count} га яқин"
    else:
        count_phrase = f"{count} нафар"
    return {
        "groups": groups_phrase,
        "count": count,
        "approximate": approximate,
        "count_phrase": count_phrase,
    }


def _attendance_context(conference: Conference) -> dict:
    """Who took part, by kind and organisation (integrations.figures): recorded where a
    participant report exists, else declared."""
    figures = attendance_figures(conference=conference)
    total = figures["total"]
    kinds = [
        {"kind": kind, "name": KIND_NAMES_CYRL.get(kind, ""), "count": count}
        for kind, count in figures["by_kind"].items()
    ]
    named = [f"{k['count']} нафари {k['name']}" for k in kinds if k["name"]]
    breakdown = f"{total} нафар" if total is not None else ""
    if breakdown and named and figures["source"] == "recorded":
        breakdown += ", шулардан " + ", ".join(named)
    return {
        "source": figures["source"],
        "total": total,
        "breakdown": breakdown,
        "by_kind": dict(figures["by_kind"]),
        "kinds": kinds,
        "organizations": [
            {"name": name, "count": count}
            for name, count in figures["by_organization"].items()
            if name
        ],
    }


def _presentations_context(conference: Conference, council_members: set[int]) -> dict:
    presentations = list(conference.presentations.all())
    people, described = [], []
    for item in presentations:
        presenter = item.presenter
        parts = []
        if presenter.country:
            parts.append(genitive(country_name(presenter.country.code)))
        if presenter.organization:
            parts.append(presenter.organization.name)
        if presenter.position:
            parts.append(possessive(presenter.position))
        described.append(" ".join([*parts, presenter.full_name]))
        people.append(
            {
                "name": presenter.full_name,
                "position": presenter.position,
                "organization": presenter.organization.name if presenter.organization else "",
                "country": country_name(presenter.country.code) if presenter.country else "",
                "title": item.title,
                "description": described[-1],
            }
        )
    presenters = [p.presenter for p in presentations]
    return {
        "presentations": people,
        "presenters": people_plural(described, last="ҳамда"),
        "presenters_are_members": bool(presenters)
        and all(p.pk in council_members for p in presenters),
        "presenters_abroad": bool(presenters)
        and all(p.country and p.country.code != "UZ" for p in presenters),
        "presentation_titles": join_uz([quoted(p.title) for p in presentations], last="ҳамда"),
        "presentations_count_word": number_word(len(presentations)),
    }


def _council_context(conference: Conference) -> dict:
    council = conference.council
    day = timezone.localtime(conference.starts_at).date()
    memberships = council.memberships.select_related("expert").filter(start_date__lte=day)
    members = [m.expert for m in memberships if m.end_date is None or m.end_date >= day]
    codes = sorted({m.country.code for m in members if m.country}, key=_country_sort_key)
    # The council's year so far: held conferences of the same calendar year (Tashkent time),
    # up to and including this one.
    year_rows = [
        c
        for c in Conference.objects.filter(
            council=council,
            status=Conference.Status.HELD,
            starts_at__lte=conference.starts_at,
        )
        .exclude(pk=conference.pk)
        .order_by("starts_at", "pk")
        if timezone.localtime(c.starts_at).year == day.year
    ]
    return {
        "council": {
            "name": council.name,
            "genitive": genitive(council.name),
            "mission": council.mission.strip().rstrip("."),
            "members_count": len(members),
            "members_countries": ", ".join(country_name(c) for c in codes),
        },
        "member_ids": {m.pk for m in members},
        "year": {
            "count": len(year_rows) + 1,
            "count_word": number_word(len(year_rows) + 1),
            "earlier_count": len(year_rows),
            "earlier_topics": join_uz([quoted(c.title) for c in year_rows]),
        },
    }


def release_context(*, conference: Conference) -> dict:
    """Every fact the templates may use, already in the forms a sentence needs.

    Plain data only (dicts, lists, strings, numbers, booleans, None): the template is the
    press service's, and a model here would let it walk to invitations, tokens and users.
    """
    conference = _load_conference(conference)
    roles = list(conference.organization_roles.all())

    def with_role(role):
        return [r for r in roles if r.role == role]

    council = conference.council
    host = council.host_organization
    organizers = with_role(ConferenceOrganization.Role.ORGANIZER)
    organizer_org = organizers[0].organization if organizers else host
    co_organizers = [
        organization_phrase(r.organization)
        for r in with_role(ConferenceOrganization.Role.CO_ORGANIZER)
    ]
    technical = with_role(ConferenceOrganization.Role.TECHNICAL_ORGANIZER)
    council_part = _council_context(conference)
    host_context = _org_context(host)
    if host_context is not None:
        host_context["is_organizer"] = organizer_org is not None and organizer_org.pk == host.pk
    organizer = _org_context(organizer_org) or {
        "name": council.name,
        "genitive": genitive(council.name),
        "mission": "",
        "country": "",
    }
    platform = "ZOOM" if conference.platform == Conference.Platform.ZOOM else ""
    return {
        "topic": conference.title,
        "date": asdict(date_phrases(conference.starts_at)),
        "platform": platform,
        "organizer": organizer,
        "host": host_context,
        "co_organizers": join_uz(co_organizers),
        "technical": _technical_context(technical[0] if technical else None),
        "experts": _experts_context(conference),
        "audience": _audience_context(conference),
        "attendance": _attendance_context(conference),
        "qa": conference.qa_held,
        "council": council_part["council"],
        "year": council_part["year"],
        **_presentations_context(conference, council_part["member_ids"]),
    }


# What the templates can use, shown next to the template editor: every name release_context
# gives and nothing else (a test holds the two together). ".x" continues the name before it.
CONTEXT_HELP: list[tuple[str, str]] = [
    ("topic", "Олий таълим тизимида онлайн курслар ва масофавий таълим"),
    ("date.locative / date.kuni / date.full_kuni / date.genitive / date.year",
     "2020 йил 28 августда / 28 август куни / 2020 йил 28 август куни / "
     "2020 йилнинг 28 августида / 2020"),
    ("platform", "ZOOM (empty for other platforms)"),
    ("organizer.name / .genitive / .mission / .country",
     "“Эл-юрт умиди” жамғармаси / …жамғармасининг / its mission / its country"),
    ("host.name / .genitive / .mission / .country / .is_organizer",
     "the council's host organisation (empty when the council has none)"),
    ("co_organizers", "Республика олий таълим кенгаши (joined with «ва»)"),
    ("technical.name / .genitive / .mission / .country / .country_adjective / "
     ".representatives / .representatives_title / .representatives_count",
     "“ЗиёТек” компанияси / … / АҚШдаги / Маъмуржон Азимов ва Зафарбек Рустамовлар / "
     "раҳбарлари / 2 (empty without a technical organiser)"),
    ("experts.count / experts.countries / experts.countries_locative",
     "20 / АҚШ, Канада… / АҚШ, Канада … ва Жанубий Кореяда"),
    ("audience.groups / audience.count / audience.count_phrase / audience.approximate",
     "олий таълим муассасалари ректорлари… / 1000 / 1000 га яқин or 750 нафар"),
    ("attendance.source / .total / .breakdown / .by_kind / .kinds / .organizations",
     "recorded or declared / 750 / 750 нафар, шулардан 64 нафари ректор / "
     "{rector: 64, …} (ministry, rector, vice_rector, dean, head_of_department, professor, "
     "student, other) / [{kind, name, count}] / [{name, count}] by organisation"),
    ("presentations (list: name, position, organization, country, title, description)", ""),
    ("presenters / presenters_are_members / presenters_abroad", "described, joined with «ҳамда»"),
    ("presentation_titles / presentations_count_word", "“…” ҳамда “…” / икки"),
    ("qa", "true when questions were answered"),
    ("council.name / .genitive / .mission / .members_count / .members_countries", ""),
    ("year.count / year.count_word / year.earlier_count / year.earlier_topics",
     "held conferences of the council that calendar year, this one included"),
]  # fmt: skip


def release_context_help() -> list[tuple[str, str]]:
    return CONTEXT_HELP


# Plain text out: no HTML escaping; the public pages sanitise bodies on the way out.
_ENGINE = staff_engine(autoescape=False)
_PARAGRAPH = "\u2029"
_SOURCE_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_BLANK_LINES = re.compile(r"\n\s*\n|\u2029")
_SPACES = re.compile(r"\s+")


def prepare_source(source: str) -> str:
    """A blank line in the template is a paragraph break; any other line break is a space.

    Lets the press service wrap template lines and put {% if %} tags on lines of their own
    without leaving stray breaks where a condition is false.
    """
    source = _SOURCE_BLANK_LINES.sub(_PARAGRAPH, source.replace("\r\n", "\n").strip())
    return source.replace("\n", " ")


def tidy_text(text: str) -> str:
    """Paragraphs separated by one blank line, spaces folded, no space before punctuation."""
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        line = _SPACES.sub(" ", block).strip()
        line = line.replace(" ,", ",").replace(" .", ".").replace("..", ".")
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def active_template(language: str = Language.UZ_CYRL) -> ReleaseTemplate:
    """The press service's active template, else (for Uzbek Cyrillic) the shipped wording."""
    template = ReleaseTemplate.objects.filter(language=language, active=True).first()
    if template is not None:
        return template
    if language == Language.UZ_CYRL:
        return ReleaseTemplate(
            language=language, name="default", title=default_template.TITLE,
            body=default_template.BODY,
        )  # fmt: skip
    raise DraftingError(_("no active release template for %(language)s") % {"language": language})


def compile_template(source: str):
    """Raises TemplateSyntaxError for a template the press service mistyped."""
    return _ENGINE.from_string(prepare_source(source))


def render_release(*, template: ReleaseTemplate, context: dict) -> tuple[str, str]:
    """The title on one line and the tidied body. Raises DraftingError for a template that does
    not compile, UnsafeContextError (a programming error) for a context that is not plain data.
    """
    try:
        title = compile_template(template.title).render(context)
        body = compile_template(template.body).render(context)
    except TemplateSyntaxError as exc:
        raise DraftingError(
            _("release template %(pk)s does not compile: %(error)s")
            % {"pk": template.pk, "error": exc}
        ) from None
    return " ".join(title.split()), tidy_text(body)


def draft_texts(*, conference: Conference) -> dict:
    """The drafted title and body in Uzbek Cyrillic and, derived from it, Latin."""
    if conference.status != Conference.Status.HELD:
        raise DraftingError(_("conference %(id)s is not held") % {"id": conference.external_id})
    context = release_context(conference=conference)
    title, body = render_release(template=active_template(Language.UZ_CYRL), context=context)
    return {
        "title_cyrl": title,
        "body_cyrl": body,
        "title_latn": to_latin(title),
        "body_latn": to_latin(body),
    }
