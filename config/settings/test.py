"""pytest: fast hashing, in-memory mail, eager Celery; the database comes from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import CELERY_EAGER_FROM_ENV, EMAIL_CONFIG, EMAIL_URL_FROM_ENV, REDIS_URL

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory mail, unless a test starts a worker that must talk to a real SMTP sink.
if EMAIL_URL_FROM_ENV:
    vars().update(EMAIL_CONFIG)
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True if CELERY_EAGER_FROM_ENV is None else CELERY_EAGER_FROM_ENV
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "peercircle-tests",
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
TEST_REDIS_URL = REDIS_URL
