#!/usr/bin/env bash
# The pre-commit hook end to end, as a user meets it: a throwaway git repository whose
# .pre-commit-config.yaml points at this repository (at a commit: `rev`, default HEAD),
# pre-commit from PyPI in a throwaway virtualenv. Checks that
#   - the first run installs the hook (pip builds the wheel with maturin from Cargo.lock),
#     fails the commit on a bad policy, including one in `POLICY.JSON` and `NOTES.MD`;
#   - the installed hook then runs with no network at all (a network namespace without one);
#   - fixing the policies makes it pass.
# Needs network for the first install only (pre-commit, maturin; crates come from Cargo.lock
# and the local cargo cache). Set CARGO_TARGET_DIR to reuse a build and save minutes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-$(git -C "$repo" rev-parse HEAD)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pre-commit
pre_commit="$work/venv/bin/pre-commit"
export PRE_COMMIT_HOME="$work/cache"

mkdir "$work/project"
cd "$work/project"
git init --quiet
git config user.email hook@example.invalid
git config user.name hook
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: iamlint
EOF
bad='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
good='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
printf '%s\n' "$bad" > POLICY.JSON
printf '# Notes\n\n```json\n%s\n```\n' "$bad" > NOTES.MD
printf '{"name": "web"}\n' > package.json
git add .

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== first run: installs the hook, then fails on the bad policies"
set +e
"$pre_commit" run --all-files > first.log 2>&1
status=$?
set -e
cat first.log
[ "$status" -eq 1 ] || fail "expected exit 1, got $status"
grep -q 'POLICY.JSON' first.log || fail "POLICY.JSON was not checked"
grep -q 'NOTES.MD' first.log || fail "NOTES.MD was not checked"
grep -q 'A001' first.log || fail "no A001 finding"
grep -q 'package.json' first.log && fail "package.json is not a policy"

echo "== the installed hook needs no network: run again without one"
set +e
unshare --net -- "$pre_commit" run --all-files > offline.log 2>&1
status=$?
set -e
cat offline.log
[ "$status" -eq 1 ] || fail "offline: expected exit 1, got $status"
grep -q 'A001' offline.log || fail "offline: no A001 finding"

echo "== fixed: passes"
printf '%s\n' "$good" > POLICY.JSON
printf '# Notes\n\n```json\n%s\n```\n' "$good" > NOTES.MD
git add .
unshare --net -- "$pre_commit" run --all-files || fail "the fixed policies still fail"
echo "pre-commit hook: OK"
