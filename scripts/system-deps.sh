#!/usr/bin/env bash
# Debian packages the tests need: Chromium for browser tests, fonts and Pango for
# WeasyPrint, poppler for turning PDFs into images, PostgreSQL's client for backups, gettext for
# the translation catalogues (make messages, and the test that the compiled one is current); with "bench", wrk for the load tests.
# Installs only what is missing.
set -euo pipefail
need=()
if [ "${1:-}" = "bench" ]; then command -v wrk >/dev/null 2>&1 || need+=(wrk); fi
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)  # Chinese, Japanese and Korean names on badges
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)  # make backup and restore, and their test
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)  # make messages; locale/*/django.mo is committed
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
