"""`make run`: debug on, SQLite and the filesystem broker unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import DJANGO_DEBUG

DEBUG = True if DJANGO_DEBUG is None else DJANGO_DEBUG
INTERNAL_IPS = ["127.0.0.1"]
