#!/usr/bin/env bash
# The project's test command: vet, then every test with the race detector.
# The cross-check against the independent npm implementation (interop/) runs
# when Node.js is installed; its packages are installed here from the pinned
# lockfile. With CI=true, tests that need something missing fail instead of
# skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
# The approved toolchain (go.mod asks for it; a machine's own Go is older and
# has known standard-library vulnerabilities): fetched from the module proxy.
export GOTOOLCHAIN=go1.27.3

if command -v npm >/dev/null 2>&1; then
  if [ ! -d interop/node_modules ] || [ interop/package-lock.json -nt interop/node_modules ]; then
    (cd interop && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

go vet ./...
go test -race -count=1 -timeout 45m "$@" ./...
