"""How fast the dashboard's busiest pages answer with a year's worth of data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elyurt .venv/bin/python bench/dashboard.py

Builds a throwaway test database (TEST_DATABASE_NAME, default test_bench_dashboard) with 500
conferences, a council of 30, 300 experts and one conference with 3,000 invitations, then times
the home page, the conference list, the expert directory and that invitation list through the
full Django stack (middleware, permissions, templates), median of several runs. The baseline,
measured in the same run, is fetching the same page of rows with a bare queryset and no template:
the ratio is what the page costs beyond reading its rows. Targets: every page under 300 ms.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-production-elyurt")
os.environ.setdefault("TEST_DATABASE_NAME", "test_bench_dashboard")
# The test client speaks plain HTTP; production's HTTPS redirect would answer every request.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 7
TARGET_MS = 300.0
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def median_ms(fn) -> float:
    fn()  # warm caches and connections
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def build():
    from django.contrib.auth.models import Group, User

    from conferences.models import Conference, Invitation, OutboundMessage
    from experts.models import CouncilMembership, Expert
    from experts.tests.factories import CouncilFactory

    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    experts = Expert.objects.bulk_create(
        Expert(
            full_name=f"Эксперт {n}",
            name_key=f"expert {n}",
            country=("US", "CA", "AU", "BE", "DE", "KR", "GB")[n % 7],
            email=f"expert{n}@example.org",
            time_zone="America/New_York",
        )
        for n in range(300)
    )
    CouncilMembership.objects.bulk_create(
        CouncilMembership(expert=e, council=council, start_date=datetime.date(2020, 1, 1))
        for e in experts[:30]
    )
    start = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=TASHKENT)
    conferences = Conference.objects.bulk_create(
        Conference(
            council=council,
            external_id=f"bench-{n}",
            slug=f"bench-{n}",
            title=f"Видеоконференция {n}",
            starts_at=start + datetime.timedelta(days=n),
        )
        for n in range(500)
    )
    big = conferences[-1]
    invitations = Invitation.objects.bulk_create(
        Invitation(
            conference=big,
            name=f"Иштирокчи {n}",
            email=f"p{n}@univ.uz",
            email_lower=f"p{n}@univ.uz",
            source="csv",
            token_salt=f"s{n}",
            token_hash=f"h{n}",
            answer=("none", "accepted", "declined")[n % 3],
        )
        for n in range(3000)
    )
    OutboundMessage.objects.bulk_create(
        OutboundMessage(invitation=i, kind="invitation", state="sent") for i in invitations
    )
    user = User.objects.create_user("bench")
    user.groups.add(Group.objects.get(name="council secretary"))
    return user, big


def main() -> None:
    from django.test import Client

    from conferences.models import Conference, Invitation
    from experts.models import Expert

    user, big = build()
    client = Client(headers={"accept-language": "uz-cyrl"})
    client.force_login(user)
    pages = {
        "home": ("/dashboard/", lambda: list(Conference.objects.order_by("starts_at")[:8])),
        "conference list": (
            "/dashboard/conferences/",
            lambda: list(Conference.objects.order_by("-starts_at")[:50]),
        ),
        "expert directory": (
            "/dashboard/experts/",
            lambda: list(Expert.objects.order_by("full_name")[:50]),
        ),
        "invitations (3,000)": (
            f"/dashboard/conferences/{big.pk}/invitations/",
            lambda: list(Invitation.objects.filter(conference=big).order_by("name")[:100]),
        ),
    }
    worst = 0.0
    print(f"dashboard pages, median of {RUNS} runs, secretary logged in, Uzbek Cyrillic")
    for name, (url, bare) in pages.items():
        assert client.get(url).status_code == 200, url
        page = median_ms(lambda url=url: client.get(url))
        base = median_ms(bare)
        worst = max(worst, page)
        print(f"  {name:22s} {page:7.1f} ms   bare rows {base:6.2f} ms   x{page / base:6.1f}")
    verdict = "OK" if worst < TARGET_MS else "TOO SLOW"
    print(f"target: every page under {TARGET_MS:.0f} ms: {verdict} (slowest {worst:.1f} ms)")


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
