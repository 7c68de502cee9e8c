"""The general assembly's PDF benchmark (not a test): how long the document takes, and how much memory.

    make bench-pdf      # or: .venv/bin/python bench/pdf_benchmark.py [sizes...]

On the full-size data (bench/common.py fills the benchmark database once), makes the document of the
first N recommendations of the whole data set, for each N (default 34, the seed's programme; 250,
one scale programme and ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS; 600; 1,000; 5,000, every recommendation).
Each size runs in its own process, so that its peak memory (resident set, from the kernel) is its
own; the figure printed is the process's peak minus its peak before the document. The document is
built exactly as the intranet builds it (workinggroups/exports.py, the reader a board member who may
see everything), then its pages are counted with pypdf.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import configure, ensure_full_size_data

SIZES = (34, 250, 600, 1_000, 5_000)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(size):
    """Make the document of ``size`` recommendations in this process; print a JSON line of figures."""
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from pypdf import PdfReader

    from workinggroups import exports
    from workinggroups.models import ProgrammePage, RecommendationPage, WorkingGroupPage
    from workinggroups.tree import attach_working_groups

    board = get_user_model().objects.filter(groups__name=settings.BOARD_GROUP_NAME).order_by("pk").first()
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    request.user = board
    programme = ProgrammePage.objects.order_by("path").first()
    before = peak_rss_mb()
    started = time.monotonic()
    recommendations = list(
        RecommendationPage.objects.live()
        .order_by("path")
        .select_related("board_decision__merged_into")
        .prefetch_related("tags")[:size]
    )
    recommendations = attach_working_groups(recommendations)
    group_ids = {r.working_group.pk for r in recommendations if r.working_group}
    groups = list(WorkingGroupPage.objects.filter(pk__in=group_ids).order_by("path"))
    queried = time.monotonic()
    pdf = exports.as_pdf(request, programme, recommendations, groups)
    done = time.monotonic()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        json.dumps(
            {
                "size": len(recommendations),
                "groups": len(groups),
                "query_s": round(queried - started, 2),
                "pdf_s": round(done - queried, 2),
                "pages": pages,
                "bytes": len(pdf),
                "peak_mb": round(peak_rss_mb() - before),
            }
        ),
        flush=True,
    )


def main(sizes):
    configure("intranet.settings.production")
    import django

    django.setup()
    ensure_full_size_data()
    headings = ("recommendations", 15), ("groups", 6), ("query s", 8), ("PDF s", 7), ("pages", 6)
    headings += ("MB out", 7), ("+peak MB", 9)
    print(" ".join(f"{name:>{width}}" for name, width in headings))
    for size in sizes:
        answer = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=False
        )
        lines = [line for line in answer.stdout.splitlines() if line.startswith("{")]
        if answer.returncode or not lines:
            print(f"{size:>15} failed (exit {answer.returncode}): {answer.stderr.strip()[-500:]}", flush=True)
            continue
        f = json.loads(lines[-1])
        print(
            f"{f['size']:>15,} {f['groups']:>6} {f['query_s']:>8} {f['pdf_s']:>7} {f['pages']:>6,} "
            f"{f['bytes'] / 1e6:>7.1f} {f['peak_mb']:>9,}",
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        configure("intranet.settings.production")
        one(int(sys.argv[2]))
    else:
        main([int(size) for size in sys.argv[1:]] or SIZES)
