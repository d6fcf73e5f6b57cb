"""Settings of the server `make bench` measures: the production settings, plus a URL module
with the trivial view (bench/urls.py). Never used outside the benchmark."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
