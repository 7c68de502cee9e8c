"""Search benchmark (not a test): 50 searches as a plain member on the full-size data.

    make bench-search      # or: .venv/bin/python bench/search_benchmark.py

Fills the benchmark database at full size on the first run (bench/common.py: 25,000 pages
and 40,000 documents among the rest), then times 50 searches through the whole Django stack
(middleware, permission filtering, facets, excerpts, template), in process, with production
settings, and prints the median and the 95th percentile.
"""

import gc
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import configure, ensure_full_size_data

configure("intranet.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

from documents.models import LibraryDocument  # noqa: E402

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


def main():
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), (
        "run it on PostgreSQL (DATABASE_URL)"
    )
    ensure_full_size_data()
    call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve hashed names
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
    gc.freeze()  # as gunicorn's workers do (intranet/gunicorn.conf.py): no full collections mid-request
    timings, counts, by_query = [], [], []
    for query in QUERIES:
        started = time.perf_counter()
        response = client.get("/search/", {"q": query})
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        assert response.status_code == 200, (query, response.status_code)
        html = response.content.decode()
        counts.append(html.count('class="search-result"'))
        total = re.search(r'class="result-count"[^>]*>\s*([\d\s\u202f\xa0]+) résultat', html)
        by_query.append((elapsed, query, re.sub(r"\D", "", total.group(1)) if total else "0"))
    timings.sort()
    p95 = timings[round(0.95 * len(timings)) - 1]
    print(
        f"Search as a member over {Page.objects.count()} pages and "
        f"{LibraryDocument.objects.count()} documents, "
        f"{len(QUERIES)} queries: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
        f"max {timings[-1]:.0f} ms (results shown per page: {min(counts)}–{max(counts)})."
    )
    slowest = sorted(by_query, reverse=True)[:5]
    print("Slowest: " + ", ".join(f"« {q} » {ms:.0f} ms ({n} results)" for ms, q, n in slowest))


if __name__ == "__main__":
    main()
