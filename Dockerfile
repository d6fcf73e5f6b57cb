# PeerCircle production image: gunicorn by default; the same image runs the Celery
# worker and beat and the one-shot migration (see docker-compose.yml).
#
#   docker build -t peercircle .
#   docker run --rm -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... \
#       -e REDIS_URL=... -p 8000:8000 peercircle
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles

# An unprivileged user to run everything as. The code stays owned by root, so
# the running process cannot modify it; only /app/var and the user's home are
# writable (gunicorn >= 25.1 puts its control socket in ~/.gunicorn/).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, rebuilt only when the lock changes:
# exactly the pinned versions of requirements/base.txt (what running needs,
# compiled from pyproject.toml by `make lock` for Python 3.12 on Linux), and
# nothing they did not list (--no-deps). The code runs from /app (PYTHONPATH);
# the project itself is not installed.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-deps -r requirements/base.txt \
    && pip check

# The source (see .dockerignore for what stays out).
COPY . .

# The Spanish catalogue is compiled (pure Python) and static files are collected at build
# time; WhiteNoise serves them. The
# production settings insist on SECRET_KEY and ALLOWED_HOSTS and refuse an
# e-mail backend that delivers nothing, so throwaway values are given to this
# one command only: they are not ARG or ENV, so they are neither kept in the
# image's environment nor usable at run time.
RUN python scripts/compile_translations.py \
    && SECRET_KEY=collectstatic-build-only-dummy-key-never-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=build.invalid \
    ALLOW_CONSOLE_EMAIL=true \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/beat /app/var/uploads \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
