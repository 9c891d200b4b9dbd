"""What recommendations cost at a council's scale and beyond: making, the reminder scan, the
partner API's list, the public tracker (uncached) and /api/v1/stats/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME SECRET_KEY=x \\
        .venv/bin/python bench/recommendations.py [--rows 2000]

Creates a database of its own beside NAME (NAME_bench, dropped at the end), migrates it, makes
`--rows` recommendations through the service (100 a batch, to one ministry with 3 contacts,
half of them sent and overdue), then times each read 20 times and prints the median in
milliseconds with its query count. The reads' query counts must not depend on --rows.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")


def _median_ms(call, times: int = 20) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent = []
    for _ in range(times):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call()
            spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench"
    test.setdefault("CHARSET", None)
    test.setdefault("TEMPLATE", None)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(args.rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(rows: int) -> None:
    from django.test import Client

    from conferences.tests.factories import ConferenceFactory
    from experts.tests.factories import ExpertFactory, OrganizationFactory
    from partners.models import Scope
    from partners.services import api_key_create
    from pressroom import public_cache
    from recommendations.models import Recommendation
    from recommendations.services import (
        recommendation_reminders_queue,
        recommendation_set_public,
        recommendations_make,
        recommendations_send,
    )

    ministry = OrganizationFactory(kind="ministry")
    for _ in range(3):
        ExpertFactory(organization=ministry)
    conference = ConferenceFactory()
    due = datetime.date(2020, 1, 1)
    start = time.perf_counter()
    for batch in range(0, rows, 100):
        recommendations_make(
            source=conference,
            items=[
                {"text": f"Тавсия {n}", "addressee": ministry, "due_on": due}
                for n in range(batch, min(rows, batch + 100))
            ],
            by=None,
        )
    made_s = time.perf_counter() - start
    half = list(Recommendation.objects.order_by("pk")[: rows // 2])
    start = time.perf_counter()
    sent = recommendations_send(recommendations=half, by=None)
    send_s = time.perf_counter() - start
    for r in half[:200]:
        recommendation_set_public(recommendation=r, public=True, by=None)
    start = time.perf_counter()
    reminded = recommendation_reminders_queue()
    scan_s = time.perf_counter() - start
    start = time.perf_counter()
    again = recommendation_reminders_queue()
    rescan_s = time.perf_counter() - start

    _key, raw = api_key_create(
        organization=ministry, scopes=[Scope.RECOMMENDATIONS_READ, Scope.CONFERENCES_READ]
    )
    api = Client(headers={"authorization": f"Bearer {raw}"})
    public = Client()

    def tracker():
        public_cache.clear_local()
        public_cache.invalidate()
        assert public.get("/recommendations/").status_code == 200

    print(f"rows: {rows}; made in {made_s:.2f} s ({rows / made_s:.0f}/s, 100 a batch)")
    print(f"sent {sent.sent} with {sent.letters} letters in {send_s:.2f} s")
    print(f"reminder scan: {reminded} letters queued in {scan_s:.2f} s; "
          f"again: {again} in {rescan_s * 1000:.0f} ms")  # fmt: skip
    for label, call in (
        ("GET /api/v1/recommendations/ (page of 50)",
         lambda: api.get("/api/v1/recommendations/")),
        ("GET /api/v1/recommendations/?status=sent&year=2030",
         lambda: api.get("/api/v1/recommendations/?status=sent&year=2030")),
        ("GET /recommendations/ (uncached, page of 20)", tracker),
    ):  # fmt: skip
        ms, queries = _median_ms(call)
        print(f"{label}: median {ms:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
