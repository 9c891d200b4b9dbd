import copy
import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import after_start
from pressroom.drafting import date_phrases, draft_texts
from pressroom.models import ReleaseTemplate
from transliteration import to_latin

from .conftest import import_document

pytestmark = pytest.mark.django_db

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


def test_seed_conference_draft_has_every_fact_in_the_house_style(seed_conference):
    texts = draft_texts(conference=seed_conference)
    assert texts["title_cyrl"] == (
        "2020 йил 28 августда “Эл-юрт умиди” жамғармаси томонидан ташкил этилган онлайн "
        "видеоконференциянинг ПРЕСС-РЕЛИЗИ"
    )
    body = paragraphs(texts["body_cyrl"])
    assert body[1] == (
        "“Эл-юрт умиди” жамғармасининг навбатдаги онлайн видеоконференцияси 2020 йил 28 август "
        "куни Республика олий таълим кенгаши билан биргаликда Жамғарма қошида хориждаги "
        "ватандошлар иштирокида ташкил этилган Халқаро экспертлар кенгаши томонидан “Олий "
        "таълим тизимида онлайн курслар ва масофавий таълим” мавзусида ташкил этилди."
    )
    assert body[2].startswith(
        "Мазкур онлайн видеоконференция қимматли илмий амалий тажрибага эга АҚШдаги "
        "ватандошларимизнинг “ЗиёТек” компанияси раҳбарлари Маъмуржон Азимов ва Зафарбек "
        "Рустамовлар томонидан ZOOM конференц алоқа тизими орқали ташкил этилди."
    )
    assert body[3] == (
        "Тадбирда АҚШ, Канада, Австралия, Бельгия, Германия ва Жанубий Кореяда фаолият "
        "юритаётган жами 20 нафар ватандош олим экспертлар иштирок этди."
    )
    assert body[4] == (
        "Шунингдек, вазирлик ходимлари, олий таълим муассасалари ректорлари, проректорлари, "
        "факультет деканлари, кафедра мудирлари ва профессор-ўқитувчилари, жами 1000 га яқин "
        "иштирокчилар масофадан ZOOM конференц алоқа тизими орқали уланиб қатнашдилар."
    )
    assert body[5] == (
        "Мазкур видеоконференцияда Халқаро экспертлар кенгаши аъзолари, хорижда истиқомат "
        "қилаётган ватандош экспертлардан Россия Федерациясининг Корпоратив университет "
        "Муҳандислик экспертизасини ривожлантириш маркази эксперти Одилбек Каттаев ҳамда Буюк "
        "Британиянинг Hult International Business School профессор-ассистенти Ҳамид "
        "Иргашевлар ўз тақдимотлари билан иштирок этишди."
    )
    assert body[6] == (
        "Видеоконференция тақдимоти икки қисмдан иборат бўлди, уларда “Оммавий очиқ онлайн "
        "курслар: Coursera ва бошқа онлайн платформалар” ҳамда “Масофавий таълимни жорий "
        "этишнинг долзарб масалалари: Буюк Британия университетлари мисолида” каби мавзулар "
        "юзасидан тақдимотлар бўлиб ўтди."
    )
    assert body[7] == (
        "Ушбу ZOOM алоқа тизими орқали ташкил этилган видеоконференцияда иштирокчилар "
        "томонидан берилган саволларга Жамғарма раҳбарияти ва Халқаро экспертлар кенгаши "
        "аъзолари томонидан тегишли жавоблар қайтарилди."
    )
    assert body[8] == (
        "2020 йилнинг 28 августида “Эл-юрт умиди” жамғармаси томонидан ташкил этилган онлайн "
        "видеоконференция барча иштирокчилар учун анча самарали тадбир бўлди деган умиддамиз."
    )
    assert body[9] == "Маълумот учун:"
    assert body[10].startswith("“Эл-юрт умиди” жамғармаси мутахассисларни хорижда тайёрлаш")
    assert body[11] == (
        "“Эл-юрт умиди” жамғармаси ҳузурида ташкил этилган Халқаро экспертлар кенгаши "
        "таркибида Буюк Британия, Россия Федерацияси давлатларида истиқомат қилаётган, катта "
        "илмий ва амалий тажрибага эга 2 нафар ватандош олимлар фаолият юритмоқда."
    )
    assert body[12].startswith(
        "Кенгашнинг асосий мақсади – мамлакатимиз олий таълим тизимини ривожлантиришга"
    )
    assert body[12].endswith("оширишга кўмаклашишдан иборат.")
    assert body[13] == (
        "Ушбу тадбир Халқаро экспертлар кенгашининг 2020 йилдаги биринчи видеоконференцияси бўлди."
    )
    assert body[14] == "Жамғарма Матбуот хизмати"
    assert len(body) == 15


def test_latin_body_is_the_transliteration_of_the_cyrillic(seed_conference):
    texts = draft_texts(conference=seed_conference)
    assert texts["body_latn"] == to_latin(texts["body_cyrl"])
    assert texts["title_latn"] == (
        "2020-yil 28-avgustda “El-yurt umidi” jamgʻarmasi tomonidan tashkil etilgan onlayn "
        "videokonferensiyaning PRESS-RELIZI"
    )
    assert (
        "Tadbirda AQSH, Kanada, Avstraliya, Belgiya, Germaniya va Janubiy Koreyada faoliyat "
        "yuritayotgan jami 20 nafar vatandosh olim ekspertlar ishtirok etdi."
    ) in paragraphs(texts["body_latn"])


def _second_document(seed_document) -> dict:
    """Another event: other date, topic, co-organiser, audience, presenter; exact count."""
    doc = copy.deepcopy(seed_document)
    doc.update(
        {
            "external_id": "iec-2021-03-05-accreditation",
            "title": "Олий таълимда аккредитация",
            "starts_at": "2021-03-05T15:00:00+05:00",
            "qa": False,
            "expert_summary": {"count": 7, "countries": ["FR", "JP"]},
            "participants": {"count": 750, "approximate": False, "groups": ["dean", "student"]},
        }
    )
    doc["organizations"] = [
        doc["organizations"][0],
        {
            "name": "Олий ва ўрта махсус таълим вазирлиги",
            "kind": "ministry",
            "country": "UZ",
            "role": "co_organizer",
        },
    ]
    doc["presentations"] = [
        {
            "order": 1,
            "title": "Аккредитация жараёни",
            "presenter": {
                "name": "Нодира Каримова",
                "country": "JP",
                "position": "катта илмий ходим",
                "organization": "Токио университети",
            },
        }
    ]
    return doc


def test_a_different_conference_yields_its_own_facts_not_the_seeds(seed_conference, seed_document):
    other = import_document(_second_document(seed_document))
    texts = draft_texts(conference=other)
    body = texts["body_cyrl"]
    assert texts["title_cyrl"].startswith("2021 йил 5 мартда “Эл-юрт умиди” жамғармаси")
    assert (
        "видеоконференцияси 2021 йил 5 март куни Олий ва ўрта махсус таълим вазирлиги билан "
        "биргаликда"
    ) in body
    assert "“Олий таълимда аккредитация” мавзусида ташкил этилди." in body
    assert (
        "Тадбирда Франция ва Японияда фаолият юритаётган жами 7 нафар ватандош олим экспертлар "
        "иштирок этди." in paragraphs(body)
    )
    assert (
        "Шунингдек, олий таълим муассасалари факультет деканлари ва талабалари, жами 750 нафар "
        "иштирокчилар масофадан ZOOM конференц алоқа тизими орқали уланиб қатнашдилар."
    ) in paragraphs(body)
    assert (
        "Мазкур видеоконференцияда хорижда истиқомат қилаётган ватандош экспертлардан Япониянинг "
        "Токио университети катта илмий ходими Нодира Каримова ўз тақдимоти билан иштирок этди."
    ) in paragraphs(body)
    assert "Видеоконференцияда “Аккредитация жараёни” мавзусида тақдимот бўлиб ўтди." in body
    for seed_fact in ("ЗиёТек", "Каттаев", "Иргашев", "1000", "АҚШ", "Республика олий", "саволлар"):
        assert seed_fact not in body
    # The council's year: 2021 had no earlier held conference of this council.
    assert (
        "Ушбу тадбир Халқаро экспертлар кенгашининг 2021 йилдаги биринчи видеоконференцияси "
        "бўлди." in paragraphs(body)
    )


def test_recorded_attendance_wins_and_is_written_exactly(seed_conference):
    Conference.objects.filter(pk=seed_conference.pk).update(participants_count_recorded=987)
    seed_conference.refresh_from_db()
    body = draft_texts(conference=seed_conference)["body_cyrl"]
    assert "жами 987 нафар иштирокчилар" in body
    assert "1000 га яқин" not in body


def test_year_so_far_counts_the_councils_held_conferences_of_that_year(
    seed_conference, seed_document
):
    def held(external_id, title, starts_at, status="held"):
        doc = copy.deepcopy(seed_document)
        doc.update(
            {"external_id": external_id, "title": title, "starts_at": starts_at, "status": status}
        )
        return import_document(doc)

    held("c-2020-03", "Кредит-модуль тизими", "2020-03-10T10:00:00+05:00")
    held("c-2020-06", "Молиявий мустақил ОТМ", "2020-06-01T10:00:00+05:00")
    held("c-2019-12", "Ўтган йил мавзуси", "2019-12-31T10:00:00+05:00")  # another year
    held("c-2020-10", "Кейинги мавзу", "2020-10-01T10:00:00+05:00")  # after this one
    held("c-2020-07", "Бекор қилинган", "2020-07-01T10:00:00+05:00", status="cancelled")
    body = draft_texts(conference=seed_conference)["body_cyrl"]
    assert (
        "Жумладан, Халқаро экспертлар кенгаши 2020 йилда ушбу тадбир билан жами 3 та "
        "видеоконференция ўтказди. Олдинги видеоконференцияларда “Кредит-модуль тизими” ва "
        "“Молиявий мустақил ОТМ” мавзулари муҳокама этилган эди."
    ) in paragraphs(body)


def test_date_phrases_use_uzbek_month_names_and_tashkent_time():
    # 21:30 UTC on 31 December is already 1 January in Tashkent.
    moment = datetime.datetime(2021, 12, 31, 21, 30, tzinfo=datetime.UTC)
    phrases = date_phrases(moment)
    assert (phrases.locative, phrases.kuni, phrases.genitive) == (
        "2022 йил 1 январда",
        "1 январь куни",
        "2022 йилнинг 1 январида",
    )
    september = date_phrases(datetime.datetime(2020, 9, 3, 10, tzinfo=TASHKENT))
    assert september.locative == "2020 йил 3 сентябрда"
    assert to_latin(september.locative) == "2020-yil 3-sentabrda"
    assert to_latin(phrases.genitive) == "2022-yilning 1-yanvarida"
    assert to_latin(phrases.kuni) == "1-yanvar kuni"


def test_the_press_service_edits_the_wording_in_the_database(seed_conference):
    template = ReleaseTemplate.objects.get(language="uz-Cyrl", active=True)
    template.title = "{{ date.kuni }}: {{ topic }}"
    template.body = "{{ experts.count }} нафар эксперт.\n\n\n{% if qa %}Саволлар.{% endif %}"
    template.save()
    texts = draft_texts(conference=seed_conference)
    assert (
        texts["title_cyrl"]
        == "28 август куни: Олий таълим тизимида онлайн курслар ва масофавий таълим"
    )
    assert texts["body_cyrl"] == "20 нафар эксперт.\n\nСаволлар."


def test_a_script_tag_in_the_data_stays_text_in_the_draft(seed_conference):
    Conference.objects.filter(pk=seed_conference.pk).update(title="<b>Мавзу</b> & бошқа")
    seed_conference.refresh_from_db()
    body = draft_texts(conference=seed_conference)["body_cyrl"]
    # No HTML escaping in the stored text; the public page escapes and sanitises on output.
    assert "“<b>Мавзу</b> & бошқа” мавзусида" in body


def test_command_prints_the_draft_without_saving(seed_conference, capsys):
    call_command("draft_release", "iec-2020-08-28-online-courses")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "2020 йил 28 августда “Эл-юрт умиди” жамғармаси томонидан ташкил этилган онлайн "
        "видеоконференциянинг ПРЕСС-РЕЛИЗИ"
    )
    assert out.rstrip().endswith("Жамғарма Матбуот хизмати")
    call_command("draft_release", "iec-2020-08-28-online-courses", "--script", "latn")
    latin = capsys.readouterr().out
    assert latin.splitlines()[0].startswith("2020-yil 28-avgustda “El-yurt umidi” jamgʻarmasi")
    assert latin.rstrip().endswith("Jamgʻarma Matbuot xizmati")
    from pressroom.models import PressRelease

    assert PressRelease.objects.count() == 0


def test_command_refuses_unknown_id_and_conference_not_held(seed_conference, seed_document):
    with pytest.raises(CommandError) as unknown:
        call_command("draft_release", "no-such-conference")
    assert (
        str(unknown.value) == "external_id: no conference with the external id 'no-such-conference'"
    )
    doc = _second_document(seed_document)
    doc["status"] = "scheduled"
    import_document(doc)
    with pytest.raises(CommandError) as not_held:
        call_command("draft_release", "iec-2021-03-05-accreditation")
    assert str(not_held.value) == "external_id: conference iec-2021-03-05-accreditation is not held"
    with pytest.raises(CommandError):
        call_command("draft_release", "iec-2020-08-28-online-courses", "--script", "greek")


def test_conference_becoming_held_queues_the_draft_on_commit(
    seed_document, django_capture_on_commit_callbacks
):
    doc = copy.deepcopy(seed_document)
    doc["status"] = "scheduled"
    conference = import_document(doc)
    from pressroom.models import PressRelease

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with after_start(conference):
            conference_set_status(conference=conference, status="held")
    assert len(callbacks) >= 1
    release = PressRelease.objects.get(conference=conference)
    assert release.status == "draft"
    assert release.versions.count() == 1
    assert release.title_cyrl.startswith("2020 йил 28 августда")


def test_a_template_that_does_not_compile_is_refused_naming_the_field(seed_conference):
    from pressroom.drafting import DraftingError
    from pressroom.forms import ReleaseTemplateForm

    form = ReleaseTemplateForm(
        data={
            "language": "ru",
            "name": "x",
            "title": "{{ topic }}",
            "body": "{% if qa %}без конца",
            "active": "on",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["body"]
    assert form.errors["body"][0].startswith("The template does not compile:")
    # One already stored (written before the check, or in the shell) stops the draft cleanly.
    ReleaseTemplate.objects.filter(language="uz-Cyrl").update(body="{% if qa %}")
    with pytest.raises(DraftingError):
        draft_texts(conference=seed_conference)


def test_the_drafting_task_logs_and_returns_when_drafting_is_impossible(seed_conference, caplog):
    from conferences.tests.factories import ConferenceFactory
    from pressroom.models import PressRelease
    from pressroom.tasks import draft_release_task

    not_held = ConferenceFactory()
    draft_release_task.run(conference_id=not_held.pk)
    draft_release_task.run(conference_id=999999)
    assert PressRelease.objects.count() == 0
    assert f"conference {not_held.external_id} is not held" in caplog.text


def test_without_an_active_template_the_shipped_wording_drafts(seed_conference):
    from pressroom import default_template
    from pressroom.drafting import active_template

    shipped = importlib.import_module("pressroom.migrations.0003_default_release_template")
    # The migration keeps its own copy; the two must stay the same text.
    assert (shipped.TITLE, shipped.BODY) == (default_template.TITLE, default_template.BODY)
    expected = draft_texts(conference=seed_conference)
    ReleaseTemplate.objects.all().delete()
    assert draft_texts(conference=seed_conference) == expected
    from pressroom.drafting import DraftingError

    with pytest.raises(DraftingError):
        active_template("ru")


@pytest.mark.parametrize("active", ["en", "ru", "uz-latn"])
def test_a_country_outside_the_house_table_is_named_in_the_releases_language(active):
    from django.utils import translation

    from pressroom.drafting import country_name

    with translation.override(active):
        # Portugal is in the house table; Chile and Côte d'Ivoire come from CLDR.
        assert [country_name(code) for code in ("PT", "CL", "CI")] == [
            "Португалия",
            "Чили",
            "Кот-д’Ивуар",
        ]


def test_the_release_gives_the_recorded_audience_by_kind_when_the_template_asks():
    """Issue 15: "750 нафар, шулардан 64 нафари ректор", from the matched participant report."""
    from conferences.invitations import invitations_add
    from conferences.invitees import Invitee
    from conferences.models import Invitation
    from conferences.tests.factories import ConferenceFactory
    from integrations.attendance import attendance_import_rows

    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="scheduled")
    positions = ["Ректор", "Ректор", "Проректор", "Профессор", "Вазирлик бош мутахассиси"]
    invitations_add(
        conference=conference,
        invitees=[
            Invitee(name=f"Киши {i}", email=f"p{i}@example.uz", position=position)
            for i, position in enumerate(positions)
        ],
        source=Invitation.Source.MANUAL,
        send=False,
    )
    rows = [{"name": f"Киши {i}", "email": f"p{i}@example.uz"} for i in range(5)]
    rows += [{"name": "Guest", "email": ""}, {"name": "Another", "email": "x@example.uz"}]
    attendance_import_rows(conference=conference, rows=rows)
    with after_start(conference):
        conference_set_status(conference=conference, status="held")
    template = ReleaseTemplate.objects.get(language="uz-Cyrl", active=True)
    template.body = (
        "{{ attendance.breakdown }}.\n\n{{ attendance.by_kind.rector }} ректор; "
        "{% for kind in attendance.kinds %}{{ kind.kind }}={{ kind.count }} {% endfor %}"
    )
    template.save()

    body = draft_texts(conference=conference)["body_cyrl"]

    assert paragraphs(body) == [
        "7 нафар, шулардан 1 нафари вазирлик ходими, 2 нафари ректор, 1 нафари проректор, "
        "1 нафари профессор-ўқитувчи.",
        "2 ректор; ministry=1 rector=2 vice_rector=1 professor=1 other=2",
    ]
