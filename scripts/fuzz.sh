#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, default 5000x: a count of
# executions): the parsers of everything a verifier reads from strangers.
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" failure when the time runs
# out mid-execution on a loaded machine (golang/go#75804, fixed in Go 1.27).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
fuzztime=${FUZZTIME:-5000x}
targets=(
  "./credential FuzzParse"
  "./credential/jose FuzzParse"
  "./did FuzzDecodeMultikey"
  "./did FuzzResolveKeyDIDKey"
  "./bake FuzzExtractPNG"
  "./bake FuzzExtractSVG"
  "./badgeimage FuzzSanitize"
  "./statuslist FuzzDecode"
  "./verifier FuzzVerify"
  "./credential/ecdsasd FuzzParseDerived"
  "./openid4vci FuzzHolders"
  "./openid4vp FuzzParseQuery"
)
for t in "${targets[@]}"; do
  set -- $t
  if ! grep -q "func $2(" "$1"/*_test.go; then
    echo "fuzz target $2 not found in $1" >&2
    exit 1
  fi
  echo "fuzz $1 $2 ($fuzztime)"
  go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x
done
