# ruff: noqa: E501 — the template's lines are the press service's, not code
"""The wording a release is drafted with when the press service has no active template of its
own for Uzbek Cyrillic (a fresh or emptied table). Migration 0003 stored a copy of it."""

TITLE = "{{ date.locative }} {{ organizer.name }} томонидан ташкил этилган онлайн видеоконференциянинг ПРЕСС-РЕЛИЗИ"

BODY = """Маълумки, {{ organizer.name }} хорижий давлатларда истиқомат қилаётган ватандошлар билан
видеомулоқотлар, масофадан турли мавзуларда видеоконференциялар ўтказиб, дунё мамлакатлари ва
Ўзбекистонда бўлаётган воқеаларни кенг таҳлил қилиб келмоқда.

{{ organizer.genitive }} навбатдаги онлайн видеоконференцияси {{ date.full_kuni }}
{% if co_organizers %}{{ co_organizers }} билан биргаликда{% endif %}
{% if host %}{% if host.is_organizer %}Жамғарма{% else %}{{ host.name }}{% endif %} қошида хориждаги ватандошлар иштирокида ташкил этилган{% endif %}
{{ council.name }} томонидан “{{ topic }}” мавзусида ташкил этилди.

{% if technical %}
Мазкур онлайн видеоконференция
{% if technical.country_adjective %}қимматли илмий амалий тажрибага эга {{ technical.country_adjective }} ватандошларимизнинг{% endif %}
{{ technical.name }}
{% if technical.representatives %}{{ technical.representatives_title }} {{ technical.representatives }}{% endif %}
томонидан {% if platform %}{{ platform }} конференц алоқа тизими орқали{% else %}онлайн{% endif %} ташкил этилди.
Шуни алоҳида таъкидлаш жоизки, видеоконференцияни юқори савияда ташкил этиш ва уни мақсадга
мувофиқ руҳда ўтказишда {{ technical.genitive }} ўрни беқиёс.
{% endif %}

{% if experts.count %}
Тадбирда {% if experts.countries_locative %}{{ experts.countries_locative }} фаолият юритаётган{% endif %}
жами {{ experts.count }} нафар ватандош олим экспертлар иштирок этди.
{% endif %}

{% if audience.count %}
Шунингдек, {% if audience.groups %}{{ audience.groups }},{% endif %} жами {{ audience.count_phrase }}
иштирокчилар масофадан {% if platform %}{{ platform }} конференц алоқа тизими орқали{% endif %}
уланиб қатнашдилар.
{% endif %}

{% if presentations %}
Мазкур видеоконференцияда
{% if presenters_are_members %}{{ council.name }} аъзолари,{% endif %}
{% if presenters_abroad %}хорижда истиқомат қилаётган ватандош экспертлардан{% endif %}
{{ presenters }} ўз
{% if presentations|length > 1 %}тақдимотлари билан иштирок этишди.{% else %}тақдимоти билан иштирок этди.{% endif %}

{% if presentations|length > 1 %}
Видеоконференция тақдимоти {{ presentations_count_word }} қисмдан иборат бўлди, уларда
{{ presentation_titles }} каби мавзулар юзасидан тақдимотлар бўлиб ўтди.
{% else %}
Видеоконференцияда {{ presentation_titles }} мавзусида тақдимот бўлиб ўтди.
{% endif %}

{% if qa %}
Ушбу {% if platform %}{{ platform }} алоқа тизими орқали ташкил этилган{% endif %} видеоконференцияда
иштирокчилар томонидан берилган саволларга
{% if host %}{% if host.is_organizer %}Жамғарма{% else %}{{ host.name }}{% endif %} раҳбарияти ва{% endif %}
{{ council.name }} аъзолари томонидан тегишли жавоблар қайтарилди.
{% endif %}
{% elif qa %}
Видеоконференцияда иштирокчилар томонидан берилган саволларга {{ council.name }} аъзолари
томонидан тегишли жавоблар қайтарилди.
{% endif %}

{{ date.genitive }} {{ organizer.name }} томонидан ташкил этилган онлайн видеоконференция
барча иштирокчилар учун анча самарали тадбир бўлди деган умиддамиз.

Маълумот учун:

{% if host.mission %}{{ host.mission }}{% endif %}

{% if council.members_count %}
{% if host %}{{ host.name }} ҳузурида ташкил этилган{% endif %} {{ council.name }} таркибида
{% if council.members_countries %}{{ council.members_countries }} давлатларида истиқомат қилаётган,{% endif %}
катта илмий ва амалий тажрибага эга {{ council.members_count }} нафар ватандош олимлар
фаолият юритмоқда.
{% endif %}

{% if council.mission %}Кенгашнинг асосий мақсади – {{ council.mission }}.{% endif %}

{% if year.earlier_count %}
Жумладан, {{ council.name }} {{ date.year }} йилда ушбу тадбир билан жами {{ year.count }} та
видеоконференция ўтказди. Олдинги видеоконференцияларда {{ year.earlier_topics }}
мавзулари муҳокама этилган эди.
{% else %}
Ушбу тадбир {{ council.genitive }} {{ date.year }} йилдаги биринчи видеоконференцияси бўлди.
{% endif %}

Жамғарма Матбуот хизмати
"""
