#!/usr/bin/env bash
# govulncheck over the whole module, offline: the vulnerability database is
# built from the golang.org/x/vulndb module (its OSV files) served by the Go
# module proxy, since vuln.go.dev cannot be reached from CI. Fails when a
# vulnerability is reachable from badged's code (standard library included:
# the toolchain is part of what ships).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
vulndb=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
govulncheck=golang.org/x/vuln/cmd/govulncheck@v1.9.0
db=${VULNDB_DIR:-$(mktemp -d)/vulndb}
if [ ! -f "$db/index/db.json" ]; then
  src=$(go mod download -json "$vulndb" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src/data/osv" ] || { echo "vulncheck: $vulndb has no data/osv" >&2; exit 1; }
  go run "golang.org/x/vulndb/cmd/indexdb@${vulndb#*@}" -vulns "$src/data/osv" -out "$db"
fi
go run "$govulncheck" -db "file://$db" ./...
