"""Production settings plus what only the load benchmark needs: a ceiling view and query counts."""

from intranet.settings.production import *  # noqa: F403
from intranet.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that it counts every query of the request, the session and the user included.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
