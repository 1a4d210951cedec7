#!/usr/bin/env bash
# The Rasa side of Gongyou's NLU: a Python 3.10 virtualenv with Rasa, a model trained from
# nlu/data, and `rasa run --enable-api`.
#
#   bash scripts/rasa.sh setup        create .venv-rasa (skipped when the requirements are unchanged)
#   bash scripts/rasa.sh train        train var/rasa-models/<hash>.tar.gz (skipped when it exists)
#   bash scripts/rasa.sh serve        setup + train + serve on 127.0.0.1:${RASA_PORT:-5005}
#   bash scripts/rasa.sh model-path   print the model path for the current data and pipeline
#   bash scripts/rasa.sh python       print the virtualenv's python
#
# Overrides (all optional): RASA_VENV, RASA_CONFIG, RASA_DATA, RASA_DICTIONARY,
# RASA_MODELS_DIR, RASA_PORT, RASA_PYTHON (a Python 3.10 interpreter to use).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Nothing phones home: Rasa's telemetry stays off in every subcommand.
export RASA_TELEMETRY_ENABLED=false
# Rasa's training cache outside the checkout (a fresh clone restores unchanged components).
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-${XDG_CACHE_HOME:-$HOME/.cache}/gongyou/rasa}"
# TensorFlow's C++ start-up chatter is not useful here.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
REQUIREMENTS="$ROOT/nlu/rasa/requirements.txt"
CONFIG="${RASA_CONFIG:-config.yml}"
DATA="${RASA_DATA:-nlu/data}"
DICTIONARY="${RASA_DICTIONARY:-nlu/dictionary}"
MODELS_DIR="${RASA_MODELS_DIR:-var/rasa-models}"
PORT="${RASA_PORT:-5005}"
STAMP="$VENV/.gongyou-requirements.sha256"

log() { printf 'rasa.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_python310() { [[ -x "$1" ]] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

# Print a working Python 3.10 interpreter, or fail with a message that says where we looked.
find_python310() {
  local candidate root
  if [[ -n "${RASA_PYTHON:-}" ]]; then
    is_python310 "$RASA_PYTHON" && { echo "$RASA_PYTHON"; return; }
    die "RASA_PYTHON=$RASA_PYTHON is not a working Python 3.10"
  fi
  # pyenv's own installs first: real interpreters, not shims. With pyenv's shims early on PATH
  # (make puts uv's folder first, and pip's uv lives beside them), 'uv python find' queried the
  # python3.10 shim, which re-entered pyenv without end: seen hanging for minutes.
  if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; else root="${PYENV_ROOT:-$HOME/.pyenv}"; fi
  for candidate in "$root"/versions/3.10*/bin/python; do
    if is_python310 "$candidate"; then echo "$candidate"; return; fi
  done
  if command -v uv >/dev/null 2>&1; then
    # uv may answer with a pyenv shim that does not run, so the candidate is checked, and a
    # query that does not answer in a minute is given up.
    candidate="$(timeout 60 uv python find 3.10 2>/dev/null || true)"
    if [[ -n "$candidate" ]] && is_python310 "$candidate"; then echo "$candidate"; return; fi
  fi
  die "Rasa 3.6 needs Python 3.10 and none was found (tried RASA_PYTHON,
  $root/versions/3.10*/bin/python, 'uv python find 3.10'). Install one, e.g. 'uv python install 3.10' or
  'pyenv install 3.10', then run this again."
}

requirements_hash() {
  local py="$1"
  { cat "$REQUIREMENTS"; "$py" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-64
}

cmd_setup() {
  local py hash started
  py="$(find_python310)"
  hash="$(requirements_hash "$py")"
  if [[ -x "$VENV/bin/rasa" && -f "$STAMP" && "$(cat "$STAMP")" == "$hash" ]]; then
    log "virtualenv $VENV is up to date"
    return
  fi
  started=$SECONDS
  log "creating $VENV with $py"
  rm -rf "$VENV"
  # venv (not `uv venv`) so that pip and setuptools are present inside, as Rasa expects.
  "$py" -m venv "$VENV"
  if command -v uv >/dev/null 2>&1; then
    # Same pinned set, only much faster than pip (TensorFlow alone is ~560 MB).
    uv pip install --python "$VENV/bin/python" -r "$REQUIREMENTS"
  else
    "$VENV/bin/python" -m pip install --disable-pip-version-check -r "$REQUIREMENTS"
  fi
  "$VENV/bin/rasa" --version >/dev/null
  echo "$hash" >"$STAMP"
  log "virtualenv ready in $((SECONDS - started)) s"
}

# The Rasa part of the config: everything above the service's own `gongyou:` section.
rasa_config_part() { sed '/^gongyou:/,$d' "$CONFIG"; }

model_hash() {
  {
    rasa_config_part
    # Each data and dictionary file, by name and content, in a stable order.
    find "$DATA" "$DICTIONARY" -type f 2>/dev/null | LC_ALL=C sort | while read -r file; do
      printf '%s\n' "$file"
      cat "$file"
    done
    cat "$REQUIREMENTS"
  } | sha256sum | cut -c1-16
}

model_path() { echo "$MODELS_DIR/nlu-$(model_hash).tar.gz"; }

cmd_train() {
  local model started
  [[ -d "$DATA" ]] || die "no training data at $DATA"
  [[ -x "$VENV/bin/rasa" ]] || die "no Rasa virtualenv at $VENV: run 'bash scripts/rasa.sh setup' first"
  model="$(model_path)"
  if [[ -f "$model" ]]; then
    log "model $model is up to date"
    return
  fi
  mkdir -p "$MODELS_DIR"
  TRAIN_TMP="$(mktemp -d "$MODELS_DIR/.train-XXXXXX")"
  trap 'rm -rf "$TRAIN_TMP"' EXIT
  started=$SECONDS
  log "training $model from $DATA with $CONFIG"
  # `-u` is the NLU data; `-d` would be the (dialogue) domain, which an NLU-only model has none of.
  "$VENV/bin/rasa" train nlu -c "$CONFIG" -u "$DATA" --out "$TRAIN_TMP" \
    --fixed-model-name "$(basename "$model" .tar.gz)"
  # Moved into place only when complete, so an interrupted run never leaves a half model.
  mv "$TRAIN_TMP/$(basename "$model")" "$model"
  rm -rf "$TRAIN_TMP"
  trap - EXIT
  log "model trained in $((SECONDS - started)) s"
}

cmd_serve() {
  local model
  cmd_setup
  cmd_train
  model="$(model_path)"
  log "serving $model on 127.0.0.1:$PORT"
  exec "$VENV/bin/rasa" run --enable-api -i 127.0.0.1 -p "$PORT" -m "$model"
}

case "${1:-}" in
  setup) cmd_setup ;;
  train) cmd_train ;;
  serve) cmd_serve ;;
  model-path) model_path ;;
  python) echo "$VENV/bin/python" ;;
  *)
    echo "usage: bash scripts/rasa.sh setup|train|serve|model-path|python" >&2
    exit 2
    ;;
esac
