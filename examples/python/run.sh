#!/bin/sh
# Runs the Python recipe: the Acme support IVR (Flask) tested with pytest
# against `twimlharness serve`. Installs nothing: needs the Debian packages
# python3-twilio, python3-flask and python3-pytest, and TWIMLHARNESS_BIN
# naming a built twimlharness. Works from any directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-/usr/bin/python3}

if [ -z "${TWIMLHARNESS_BIN:-}" ]; then
	echo "examples/python/run.sh: set TWIMLHARNESS_BIN to a built twimlharness (go build -o /tmp/twimlharness ./cmd/twimlharness)" >&2
	exit 2
fi
if [ ! -x "$TWIMLHARNESS_BIN" ]; then
	echo "examples/python/run.sh: TWIMLHARNESS_BIN=$TWIMLHARNESS_BIN is not an executable file" >&2
	exit 2
fi
if ! "$python" -c 'import flask, pytest, requests, twilio' 2>/dev/null; then
	echo "examples/python/run.sh: $python lacks flask, pytest or twilio:" >&2
	echo "  apt-get install -y --no-install-recommends python3-twilio python3-flask python3-pytest" >&2
	exit 2
fi

# No __pycache__ or .pytest_cache left in the source tree.
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "$python" -m pytest -q -c "$here/pytest.ini" --rootdir "$here" "$@" "$here"
