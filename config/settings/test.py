"""pytest: fast hashing, in-memory mail, eager Celery; the database comes from DATABASE_URL."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory mail, unless a test starts a worker that must talk to a real SMTP sink (EMAIL_URL).
vars().update(env.email_url("EMAIL_URL", default="memorymail://"))
# Tasks run inline, unless a test starts a real worker (CELERY_TASK_ALWAYS_EAGER=false).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "peercircle-tests",
    }
}
# Uploads go to a folder of this test process's own, never to var/uploads.
MEDIA_ROOT = tempfile.mkdtemp(prefix="peercircle-uploads-")
STORAGES = {
    "default": UPLOADS_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
