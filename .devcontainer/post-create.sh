#!/usr/bin/env bash
# Runs once when the dev container is created: what scripts/setup.sh cannot take from Ubuntu 24.04's
# apt, then setup.sh itself (PostgreSQL, RabbitMQ, the DuckDB library, the build).
set -euo pipefail
cd "$(dirname "$0")/.."

# Ubuntu's chromium package only installs the snap, which does not run in a container. The browser
# tests need a Chromium binary and nothing else: take Playwright's build (the version the tests'
# Microsoft.Playwright package drives) with its system libraries, where CHROMIUM_PATH points.
if [ ! -x /usr/local/bin/chromium ]; then
  npx --yes playwright@1.64.1 install --with-deps chromium
  chrome=$(find "$HOME/.cache/ms-playwright" -path '*/chromium-*/chrome-linux*/chrome' -type f | head -n 1)
  [ -n "$chrome" ] || { echo "post-create: Playwright's Chromium not found" >&2; exit 1; }
  sudo ln -sf "$chrome" /usr/local/bin/chromium
fi

./scripts/setup.sh
