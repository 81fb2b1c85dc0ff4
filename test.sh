#!/usr/bin/env bash
# Set up like ./run.sh, then run the whole test suite. Arguments go to pytest (./test.sh -k seed).
set -euo pipefail
cd "$(dirname "$0")"
bash bin/setup.sh
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
exec .venv/bin/python -m pytest "$@"
