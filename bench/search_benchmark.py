"""Search benchmark (not a test): 20,000 pages and 20,000 documents, 50 queries as a plain member.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/intranet_bench .venv/bin/python bench/search_benchmark.py

Fills the database on the first run (generate_scale_data, about 20,000 pages and 20,000
documents), then times 50 searches through the whole Django stack (middleware, permission
filtering, facets, excerpts, template), in process, with production settings, and prints
the median and the 95th percentile.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.production")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 30)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DOCUMENTS_ROOT", str(ROOT / "artifacts" / "bench-documents"))
os.environ.setdefault("STATIC_ROOT", str(ROOT / "artifacts" / "bench-static"))


def ensure_database():
    """Create the benchmark database if it does not exist yet (PostgreSQL only)."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    server = {
        k: v
        for k, v in {
            "host": config["HOST"],
            "port": config["PORT"],
            "user": config["USER"],
            "password": config["PASSWORD"],
        }.items()
        if v
    }
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    finally:
        connection.close()


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

from documents.models import LibraryDocument  # noqa: E402
from workinggroups.models import MeetingReportPage, RecommendationPage  # noqa: E402

QUERIES = [
    "charte",
    "éthique",
    "ethique",
    "gouvernance",
    "transparence",
    "recommandation",
    "recommandations",
    "formation",
    "finances",
    "budget",
    "comptes",
    "sociétaires",
    "assemblée",
    "conseil",
    "audit",
    "données",
    "participation",
    "coopérative",
    "solidarité",
    "accessibilité",
    "consultation",
    "indicateurs",
    "investissement",
    "antenne",
    "délégation",
    "mandat",
    "expertise",
    "juridique",
    "numériques",
    "outils",
    "charte éthique",
    "gouvernance partagée",
    "transparence financière",
    "outils numériques",
    "assemblée conseil",
    "budget comptes",
    "formation antenne",
    "données accessibilité",
    "mandat délégation",
    "réunion",
    "PV",
    "groupe",
    "mutualisation",
    "feuille route",
    "réserve",
    "partenaires utilisateurs",
    "représentation",
    "éthique gouvernance transparence",
    "zzzintrouvable",
    "l'éthique",
]


def ensure_data():
    pages = MeetingReportPage.objects.count() + RecommendationPage.objects.count()
    documents = LibraryDocument.objects.count()
    if pages >= 20_000 and documents >= 20_000:
        return
    print(f"Filling the database ({pages} pages, {documents} documents so far)…", flush=True)
    call_command(
        "generate_scale_data",
        "--force",
        users=2_000,
        programmes=10,
        groups=100,
        members_per_group=12,
        reports=15_000,
        recommendations=5_000,
        documents=20_000,
        pending=0,
        requests=1_000,
        downloads=0,
    )


def main():
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), (
        "run it on PostgreSQL (DATABASE_URL)"
    )
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve hashed names
    ensure_data()
    User = get_user_model()
    member = (
        User.objects.filter(
            username__startswith="scale-user-", working_group_memberships=None, groups__name="Membres"
        )
        .exclude(groups__name__in=["Conseil d'administration", "Éditeurs"])
        .order_by("username")
        .first()
    )
    client = Client()
    client.force_login(member)
    client.get("/search/", {"q": "échauffement"})  # warm caches and connections once
    timings, counts = [], []
    for query in QUERIES:
        started = time.perf_counter()
        response = client.get("/search/", {"q": query})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (query, response.status_code)
        counts.append(response.content.decode().count('class="search-result"'))
    timings.sort()
    p95 = timings[round(0.95 * len(timings)) - 1]
    print(
        f"Search as a member over {Page.objects.count()} pages and "
        f"{LibraryDocument.objects.count()} documents, "
        f"{len(QUERIES)} queries: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
        f"max {timings[-1]:.0f} ms (results shown per page: {min(counts)}–{max(counts)})."
    )


if __name__ == "__main__":
    main()
