"""Golden list for Uzbek Cyrillic to Latin; each expected spelling was checked by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transliteration import to_latin

DATA = Path(__file__).parent / "data"

GOLDEN = [
    # е: ye at a word start, after a vowel, ъ or ь, after a hyphen, quote or digit; else e
    ("ер", "yer"),
    ("Ер", "Yer"),
    ("ЕР", "YER"),
    ("Европа", "Yevropa"),
    ("ЕВРОПА", "YEVROPA"),
    ("эксперт", "ekspert"),
    ("келмоқда", "kelmoqda"),
    ("поезд", "poyezd"),
    ("Мирзиёев", "Mirziyoyev"),
    ("Каттаев", "Kattayev"),
    ("Корея", "Koreya"),
    ("премьер", "premyer"),
    ("5-есептан", "5-yeseptan"),
    ("10ер", "10yer"),
    ("Ўзбекистон-Европа", "Oʻzbekiston-Yevropa"),
    ("“ер”", "“yer”"),
    ("«Ер»", "«Yer»"),
    # ъ: ʼ (U+02BC), dropped before е
    ("маълумот", "maʼlumot"),
    ("Маълумот учун:", "Maʼlumot uchun:"),
    ("МАЪЛУМОТ", "MAʼLUMOT"),
    ("таълим", "taʼlim"),
    ("шеър", "sheʼr"),
    ("эътибор", "eʼtibor"),
    ("меъёрий-ҳуқуқий", "meʼyoriy-huquqiy"),
    ("маъюс", "maʼyus"),
    ("Маъмуржон", "Maʼmurjon"),
    ("объект", "obyekt"),
    ("ОБЪЕКТ", "OBYEKT"),
    ("съезд", "syezd"),
    ("субъект", "subyekt"),
    # ь: dropped, y before о
    ("Бельгия", "Belgiya"),
    ("факультет", "fakultet"),
    ("Кредит-модуль", "Kredit-modul"),
    ("батальон", "batalyon"),
    ("почтальон", "pochtalyon"),
    ("БАТАЛЬОН", "BATALYON"),
    # ц: s at a word start and after a consonant, ts after a vowel
    ("цирк", "sirk"),
    ("Цирк", "Sirk"),
    ("ЦИРК", "SIRK"),
    ("концерт", "konsert"),
    ("Франция", "Fransiya"),
    ("конференц алоқа", "konferens aloqa"),
    ("концепцияси", "konsepsiyasi"),
    ("лицей", "litsey"),
    ("ЛИЦЕЙ", "LITSEY"),
    ("милиция", "militsiya"),
    ("Федерациясининг", "Federatsiyasining"),
    ("революция", "revolyutsiya"),
    # сҳ is sʼh; сх and plain ҳ are not
    ("Исҳоқ", "Isʼhoq"),
    ("ИСҲОҚ", "ISʼHOQ"),
    ("асҳоб", "asʼhob"),
    ("схема", "sxema"),
    ("таҳлил", "tahlil"),
    # months: сентябрь and октябрь are spelled from Russian, the rest letter by letter
    ("сентябрь", "sentabr"),
    ("Сентябрь", "Sentabr"),
    ("СЕНТЯБРЬ", "SENTABR"),
    ("сентябрда", "sentabrda"),
    ("1-сентябрдан", "1-sentabrdan"),
    ("октябрь", "oktabr"),
    ("октябрнинг", "oktabrning"),
    ("Октябрда", "Oktabrda"),
    ("ноябрь", "noyabr"),
    ("январь", "yanvar"),
    ("июнь", "iyun"),
    ("2020 йил 28 августда", "2020-yil 28-avgustda"),
    # letters with a fixed spelling
    ("ёш", "yosh"),
    ("тайёрлаш", "tayyorlash"),
    ("юрт", "yurt"),
    ("яқин", "yaqin"),
    ("Эл", "El"),
    ("поэзия", "poeziya"),
    ("чет эл", "chet el"),
    ("жамғарма", "jamgʻarma"),
    ("ўз-ўзини", "oʻz-oʻzini"),
    ("Халқаро", "Xalqaro"),
    ("ҳамда", "hamda"),
    ("борщ", "borsh"),
    # case: title-case digraphs in a capitalised word, all caps in an all-caps word
    ("Шаҳар", "Shahar"),
    ("ШАҲАР", "SHAHAR"),
    ("Чорсу", "Chorsu"),
    ("ЧОРСУ", "CHORSU"),
    ("Ёшлар", "Yoshlar"),
    ("ЁШЛАР", "YOSHLAR"),
    ("Юрт", "Yurt"),
    ("Яна", "Yana"),
    ("Ўзбекистон", "Oʻzbekiston"),
    ("ЎЗБЕКИСТОН", "OʻZBEKISTON"),
    ("Ғалаба", "Gʻalaba"),
    ("ҒАЛАБА", "GʻALABA"),
    ("АҚШ", "AQSH"),
    ("АҚШ, Канада", "AQSH, Kanada"),
    ("ПРЕСС-РЕЛИЗИ", "PRESS-RELIZI"),
    ("Ш. Мирзиёев", "Sh. Mirziyoyev"),
    # mixed case: a capital after lowercase starts a title-case part; a capital run stays caps
    ("ЗиёТек", "ZiyoTek"),
    ("“ЗиёТек” компанияси", "“ZiyoTek” kompaniyasi"),
    ("АҚШдаги", "AQSHdagi"),
    ("ОТМлар", "OTMlar"),
    ("ЎзМУ", "OʻzMU"),
    # phrases from the domain notes
    ("Эл-юрт", "El-yurt"),
    ("“Эл-юрт умиди” жамғармаси", "“El-yurt umidi” jamgʻarmasi"),
    ("Олий таълим", "Oliy taʼlim"),
    ("Халқаро экспертлар кенгаши", "Xalqaro ekspertlar kengashi"),
    ("Ҳамид Иргашев", "Hamid Irgashev"),
    ("Жанубий Корея", "Janubiy Koreya"),
    ("Олий ва ўрта махсус таълим вазирлиги", "Oliy va oʻrta maxsus taʼlim vazirligi"),
    ("Жамғарма Матбуот хизмати", "Jamgʻarma Matbuot xizmati"),
    # quotation marks, Latin words, digits, URLs and e-mail addresses are kept as they are
    ("«Олий таълим»", "«Oliy taʼlim»"),
    ("‘ёш’ олим", "‘yosh’ olim"),
    ("„Эл-юрт“", "„El-yurt“"),
    ('"Эл-юрт"', '"El-yurt"'),
    ("ZOOM конференц алоқа тизими", "ZOOM konferens aloqa tizimi"),
    ("Coursera ва edX", "Coursera va edX"),
    ("Hult International Business School", "Hult International Business School"),
    ("ZOOMда", "ZOOMda"),
    ("жами 1000 га яқин", "jami 1000 ga yaqin"),
    ("https://elyurt.uz/янгиликлар/", "https://elyurt.uz/янгиликлар/"),
    ("Сайт: http://example.uz/?q=шаҳар.", "Sayt: http://example.uz/?q=шаҳар."),
    ("www.elyurt.uz сайтида", "www.elyurt.uz saytida"),
    ("info@elyurt.uz манзилига", "info@elyurt.uz manziliga"),
    ("(матбуот@elyurt.uz)", "(матбуот@elyurt.uz)"),
    # whitespace and line breaks are kept exactly
    ("“Эл-\n\nюрт умиди”\t \r\n", "“El-\n\nyurt umidi”\t \r\n"),
    ("  ПРЕСС-РЕЛИЗИ  \n", "  PRESS-RELIZI  \n"),
    ("", ""),
]


@pytest.mark.parametrize(("cyrillic", "latin"), GOLDEN)
def test_golden_list(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic) == latin


def test_golden_list_has_no_duplicates() -> None:
    sources = [cyrillic for cyrillic, _ in GOLDEN]
    assert len(sources) == len(set(sources))


def test_apostrophes_are_the_modifier_letters() -> None:
    assert to_latin("ў ғ аъ") == "o\u02bb g\u02bb a\u02bc"


def read(name: str) -> str:
    # newline="" so that the fixtures' line endings are compared too
    with open(DATA / name, encoding="utf-8", newline="") as fixture:
        return fixture.read()


def test_seed_release_matches_the_proofread_latin() -> None:
    assert to_latin(read("seed_release.uz-Cyrl.txt")) == read("seed_release.uz-Latn.txt")


def test_no_cyrillic_letter_survives_in_the_seed_release() -> None:
    assert re.findall(r"[\u0400-\u04ff]", to_latin(read("seed_release.uz-Cyrl.txt"))) == []


def test_latin_text_is_left_unchanged() -> None:
    latin = "ZOOM, Coursera va edX: https://elyurt.uz/ru, info@elyurt.uz; 2020-08-28 “AQSH”.\n"
    assert to_latin(latin) == latin


def test_seed_release_in_latin_is_left_unchanged() -> None:
    latin = read("seed_release.uz-Latn.txt")
    assert to_latin(latin) == latin
