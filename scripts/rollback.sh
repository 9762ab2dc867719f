#!/usr/bin/env bash
# Roll a stack back to the program of a known-good commit, refusing to delete or replace stateful resources.
#
# Usage: scripts/rollback.sh [--dry-run] [--allow-stateful-change] [--baseline FILE] [--yes] STACK REF
#
#   1. check REF out in a temporary git worktree (this checkout is left as it is)
#   2. replacement guard, offline: REF's program must still produce every stateful URN of the CURRENT
#      stack's snapshot (tests/snapshots/stateful-STACK.json of this checkout, or --baseline FILE: a
#      snapshot or a `pulumi stack export`), itself or through an alias
#   3. pulumi install + pulumi preview --save-plan in the worktree; refuse if the preview deletes or
#      replaces a stateful resource (a changed property can force a replacement without any URN change)
#   4. pulumi up --plan: exactly the previewed operations, nothing else
#
# --dry-run runs steps 1 and 2 (no cloud credentials needed) and only prints the commands of 3 and 4.
# Exit status: 0 done (or the dry run passed), 2 bad usage, 3 refused because a stateful resource would be
# removed or replaced (--allow-stateful-change overrides), otherwise the status of the command that failed.
set -euo pipefail

readonly EXIT_USAGE=2 EXIT_REFUSED=3

usage() {
  sed -n 's/^# \(Usage: .*\)/\1/p' "$0" >&2
  echo "See the comment at the top of $0 and docs/rollback.md." >&2
  exit "$EXIT_USAGE"
}

dry_run=false allow=false yes=false baseline=""
while (($#)); do
  case "$1" in
    --dry-run) dry_run=true ;;
    --allow-stateful-change) allow=true ;;
    --yes) yes=true ;;
    --baseline) (($# >= 2)) || usage; baseline="$(realpath "$2")"; shift ;;
    -h | --help) usage ;;
    -*) echo "error: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
  shift
done
(($# == 2)) || usage
stack="$1" ref="$2"

repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
if ! commit="$(git -C "$repo" rev-parse --verify --quiet "${ref}^{commit}")"; then
  echo "error: $ref is not a commit of $repo" >&2
  exit "$EXIT_USAGE"
fi
baseline="${baseline:-$repo/tests/snapshots/stateful-$stack.json}"
if [[ ! -f "$baseline" ]]; then
  echo "error: no URN baseline $baseline; run \`python -m platformctl urns --stack $stack --write\`" >&2
  exit "$EXIT_USAGE"
fi
python="${PYTHON:-$repo/.venv/bin/python}"
[[ -x "$python" ]] || python="python3"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/rollback-$stack.XXXXXX")"
worktree="$workdir/src"
cleanup() {
  git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

# Refuses with EXIT_REFUSED unless --allow-stateful-change was given.
refuse() {
  if [[ "$allow" == true ]]; then
    echo "warning: $1; continuing because of --allow-stateful-change" >&2
    return
  fi
  echo "refused: $1 (rerun with --allow-stateful-change if that is intended)" >&2
  exit "$EXIT_REFUSED"
}

# platformctl of this checkout (it may be newer than REF's), run against REF's program.
platformctl=(env "PYTHONPATH=$repo${PYTHONPATH:+:$PYTHONPATH}" "$python" -m platformctl)

# Prints a command as it can be pasted into a shell.
show() {
  printf '  $'
  printf ' %q' "$@"
  printf '\n'
}

# Prints a command; runs it unless this is a dry run.
step() {
  show "$@"
  if [[ "$dry_run" == false ]]; then
    "$@"
  fi
}

not_run="" outcome="rolled back"
if [[ "$dry_run" == true ]]; then
  not_run=" (dry run: not run)" outcome="can be rolled back"
fi

echo "Rolling back stack $stack to $commit ($ref)${not_run:+, dry run}"

echo "[1/4] worktree of $ref"
git -C "$repo" worktree add --quiet --detach "$worktree" "$commit"
echo "  $worktree"

echo "[2/4] replacement guard against $baseline"
guard=0
"${platformctl[@]}" urns --stack "$stack" --check --cwd "$worktree" --baseline "$baseline" || guard=$?
case "$guard" in
  0) ;;
  1) refuse "the program of $ref would remove or replace stateful resources of $stack (listed above)" ;;
  *) exit "$guard" ;;
esac

plan="$workdir/plan.json" preview="$workdir/preview.json"
echo "[3/4] pulumi preview, saving the plan$not_run"
step pulumi install --cwd "$worktree"
preview_command=(pulumi preview --cwd "$worktree" --stack "$stack" --save-plan "$plan" --json)
show "${preview_command[@]}"
if [[ "$dry_run" == false ]]; then
  "${preview_command[@]}" >"$preview"
  replaced=0
  "${platformctl[@]}" urns --stack "$stack" --preview-json "$preview" || replaced=$?
  case "$replaced" in
    0) ;;
    1) refuse "the preview of $ref deletes or replaces stateful resources of $stack (listed above)" ;;
    *) exit "$replaced" ;;
  esac
fi

echo "[4/4] pulumi up, constrained to the plan$not_run"
up=(pulumi up --cwd "$worktree" --stack "$stack" --plan "$plan")
[[ "$yes" == true ]] && up+=(--yes)
step "${up[@]}"

echo "Done: $stack $outcome to $commit."
