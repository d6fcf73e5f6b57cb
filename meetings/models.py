"""Models for meetings; filled in by its feature issue."""

from django.db import models  # noqa: F401
