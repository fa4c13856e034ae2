#!/usr/bin/env bash
# `make prod-check`: Django's deployment checks under the production settings, with example values
# for what production requires, failing on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
env -u DATABASE_URL -u STRIPE_API_BASE \
  DJANGO_SETTINGS_MODULE=festival.settings.production \
  SECRET_KEY="example-$(printf 'k%.0s' {1..60})" \
  ALLOWED_HOSTS=festival.example.org \
  REDIS_URL=redis://127.0.0.1:6379/0 \
  CSRF_TRUSTED_ORIGINS=https://festival.example.org \
  SITE_URL=https://festival.example.org \
  STRIPE_SECRET_KEY=sk_live_example \
  STRIPE_WEBHOOK_SECRET=whsec_example_endpoint_secret \
  $PY manage.py check --deploy --fail-level WARNING
