# Sourced by the other scripts: make sure .venv exists with pip up to date, then install
# the project with the extras given as "$1" (e.g. "[test]"; empty for the service alone).
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# requirements.lock pins every dependency (constraints: versions only, nothing extra installed).
.venv/bin/python -m pip install --quiet -c requirements.lock -e ".${1:-}"
