#!/usr/bin/env bash
# Start the web server, one Celery worker and one Celery beat; stop all of them on Ctrl-C.
# Started by `make run`, which installs requirements/base.txt, creates var/ and its folders
# (Makefile, target var-dirs), migrates and seeds first.
set -uo pipefail
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
VENV="${VENV:-.venv}"
# The web server, the worker and beat read HOST and PORT: the settings make SITE_URL (the start
# of every link in e-mails, calendar files and certificates) http://HOST:PORT unless it is set.
export HOST PORT
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
if [[ ! -d var/broker/queue ]]; then
  echo "var/ is missing: start PeerCircle with 'make run'." >&2
  exit 2
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping PeerCircle…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Stopped."
}
trap cleanup INT TERM EXIT

"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle \
  >var/worker.log 2>&1 &
pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel=INFO >var/beat.log 2>&1 &
pids+=($!)
"$VENV/bin/python" manage.py runserver "$HOST:$PORT" &
pids+=($!)

# The address links point to, as the settings work it out (SITE_URL from the environment or
# .env, else this server's address).
SITE_URL="$("$VENV/bin/python" -c 'from django.conf import settings; print(settings.SITE_URL)' 2>/dev/null)"
URL="http://$HOST:$PORT/"
[[ "$HOST" == *:* ]] && URL="http://[$HOST]:$PORT/"
sleep 2
cat <<MSG

  PeerCircle is running at $URL
  Links in e-mails, calendar files and certificates start with ${SITE_URL:-(settings not readable)}

  Demo logins (password: peercircle-demo)
    organizer@example.com   organizes a closed consultation group and an open support group
    member@example.com      belongs to both
    applicant@example.com   has an application waiting with the closed group
    newcomer@example.com    belongs to no group yet
    admin@example.com       site admin (also at http://$HOST:$PORT/admin/); after the password
                            it asks for a two-step code: .venv/bin/python manage.py demo_code

  E-mails sent while you browse (sign-up links) are printed in this terminal;
  e-mails sent by the Celery worker (offers, decisions, reminders) are in var/worker.log.
  Celery worker and beat logs: var/worker.log, var/beat.log. Press Ctrl-C to stop everything.

MSG
wait -n "${pids[@]}"
