#!/usr/bin/env bash
# arctl as a user installs it, not as the source tree runs it: build the wheel, install it with its
# dependencies into a fresh virtual environment outside the repository, then, from a folder that is not the
# repository, `arctl init` a workspace and run the daily job on a copy of the demo workspace. The shipped
# plans, templates, profiles and law tables must come from inside the wheel. Run by `.ci/run` and
# `make installed-check`; about two minutes, most of it installing the dependencies.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d /tmp/arctl-installed.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "installed-check: $*" >&2; exit 1; }

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$REPO"
wheel="$(ls "$WORK"/dist/arctl-*.whl)"
"$WORK/venv/bin/python" -m pip install --quiet "$wheel[pdf]"

cd "$WORK"
located="$("$WORK/venv/bin/python" -c 'import arctl, pathlib; print(pathlib.Path(arctl.__file__).resolve())')"
case "$located" in
  "$WORK/venv/"*) ;;
  *) fail "arctl imported from $located, not from the installed wheel" ;;
esac

"$WORK/venv/bin/arctl" --version
"$WORK/venv/bin/arctl" init "$WORK/fresh" >/dev/null
[ -f "$WORK/fresh/arctl.yaml" ] || fail "arctl init wrote no arctl.yaml"
for folder in plans templates profiles outbox reports exports/invoices exports/customers exports/bank; do
  [ -d "$WORK/fresh/$folder" ] || fail "arctl init made no $folder/"
done
(cd "$WORK/fresh" && "$WORK/venv/bin/arctl" plan check standard >/dev/null) || fail "arctl plan check standard (the shipped plan) failed in a new workspace"

mkdir "$WORK/demo"
cp -r "$REPO/examples/demo/arctl.yaml" "$REPO/examples/demo/exports" "$WORK/demo/"
status=0
(cd "$WORK/demo" && "$WORK/venv/bin/arctl" run --as-of 2026-11-26 >"$WORK/run.out" 2>&1) || status=$?
if [ "$status" -ne 0 ]; then
  cat "$WORK/run.out" >&2
  fail "arctl run on the demo exited $status"
fi
documents="$(find "$WORK/demo/outbox/2026-11-26" -name '*.eml' -o -name '*.pdf' | wc -l)"
[ "$documents" -gt 10 ] || fail "arctl run wrote $documents e-mails and PDFs (expected the demo's documents)"
[ -f "$WORK/demo/reports/2026-11-26/aging.xlsx" ] || fail "arctl run wrote no aging.xlsx"
echo "installed-check: the wheel $(basename "$wheel") ran init, plan check and the demo's daily run ($documents documents)"
