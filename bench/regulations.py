"""How fast a draft regulation is split and the council's opinion is built, against python-docx
merely opening and saving the same file in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elyurt .venv/bin/python bench/regulations.py

Builds a throwaway test database (TEST_DATABASE_NAME, default test_bench_regulations) and
measures, each as the median of REPEAT runs:

- splitting a 200-article .docx into units (regulations.splitting.units_parse), and receiving it
  whole (draft_create: split, match, store 200 units);
- building the opinion .docx of 40 commented articles, each with two accepted comments
  (regulations.opinion.opinion_docx: the reads, both scripts, the table);

each beside its baseline: python-docx opening and saving that very file (the 200-article draft,
the opinion it built), the least any code that reads or writes Word must spend.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-production-elyurt")
os.environ.setdefault("TEST_DATABASE_NAME", "test_bench_regulations")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ARTICLES = 200
COMMENTED = 40
REPEAT = 7


def median_seconds(fn) -> float:
    times = []
    for _n in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def open_and_save(content: bytes) -> None:
    import docx

    docx.Document(io.BytesIO(content)).save(io.BytesIO())


def commented_draft(content: bytes):
    """A draft of ARTICLES articles, COMMENTED of them with two accepted comments each."""
    import datetime

    from django.utils import timezone

    from experts.tests.factories import ExpertFactory, OrganizationFactory
    from regulations import services
    from regulations.models import Reviewer
    from regulations.selectors import version_latest

    draft = services.draft_create(
        organization=OrganizationFactory(kind="ministry"),
        title="Олий таълим тўғрисидаги низом лойиҳаси",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        content=content,
        name="bench.docx",
    )
    for _n in range(2):
        services.reviewer_add(draft=draft, expert=ExpertFactory(), by="bench")
    services.review_start(draft=draft, by="bench")
    units = list(version_latest(draft=draft).units.order_by("position"))[:COMMENTED]
    for reviewer in Reviewer.objects.filter(draft=draft):
        for unit in units:
            comment = services.comment_save(
                reviewer=reviewer, article_id=unit.article_id,
                remark="Аниқлаштириш керак.", proposed_wording=unit.text + " (таҳрир)",
                justification="Амалиётда ишлатиладиган атамага мослаштириш.",
            )  # fmt: skip
            services.comment_decide(comment=comment, decision="accepted", by="bench")
    return draft


def main() -> None:
    from regulations.opinion import opinion_docx
    from regulations.services import draft_create
    from regulations.splitting import units_parse
    from regulations.tests.documents import articles_docx

    content = articles_docx(ARTICLES, chapters=10)
    assert len(units_parse(content=content, name="bench.docx")) == ARTICLES
    draft = commented_draft(content)
    opinion = opinion_docx(draft=draft)

    def receive():
        draft_create(organization=draft.organization, title="Bench", deadline=draft.deadline,
                     content=content, name="bench.docx")  # fmt: skip

    rows = [
        (f"split a {ARTICLES}-article .docx", lambda: units_parse(content=content, name="b.docx"),
         content),
        (f"receive it (split and store {ARTICLES} units)", receive, content),
        (f"opinion .docx of {COMMENTED} commented articles", lambda: opinion_docx(draft=draft),
         opinion),
    ]  # fmt: skip
    print(f"draft: {len(content):,} bytes; opinion: {len(opinion):,} bytes; median of {REPEAT}")
    for name, fn, same_file in rows:
        seconds = median_seconds(fn)
        base = median_seconds(lambda f=same_file: open_and_save(f))
        print(
            f"  {name:48s} {seconds * 1000:8.1f} ms   baseline (open+save that file) "
            f"{base * 1000:7.1f} ms   x{seconds / base:5.2f}"
        )


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
