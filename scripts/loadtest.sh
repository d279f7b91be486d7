#!/usr/bin/env bash
# Load test of the stateless verifier (issue 5, acceptance 4): starts
# `badged serve --verifier-only` on loopback and runs wrk against
# POST /credentials/verify with the ~3 KB credential of
# testdata/credential-3kb.json signed by a did:key (so its key resolves
# locally, no network), once as eddsa-rdfc-2022 and once as a VC-JWT.
# Prints verifications/s and p50/p99 latency per format as a Markdown table.
#
#   scripts/loadtest.sh [DURATION] [CONNECTIONS] [THREADS]   (default 20s 8 1)
#
# Each connection sends its next request as soon as the last is answered
# (the most the server does: "saturated"). With PACE_MS=N set as well, a
# second run per format has every connection wait N ms after each answer,
# so the server is loaded at a steady rate below saturation ("paced"): the
# latency a client sees at that load, rather than the queueing at the
# limit. LOADTEST_RESULTS=FILE also writes one line per run to FILE:
# "load format verifications/s p50_ms p99_ms max_ms requests errors".
# Needs wrk (Debian package wrk) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
export PATH=$PATH:/usr/local/go/bin
DURATION=${1:-20s}
CONNS=${2:-8}
THREADS=${3:-1}
PACE_MS=${PACE_MS:-0}
RESULTS=${LOADTEST_RESULTS:-/dev/null}
command -v wrk >/dev/null || { echo "loadtest: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/badged" ./cmd/badged
"$work/badged" keys generate --out "$work/key.json" >/dev/null

# The credential without its status entry (its list is not reachable from
# here) and with the did:key as issuer.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
doc = json.load(open("testdata/credential-3kb.json"))
doc.pop("credentialStatus", None)
doc["issuer"].pop("id", None)
json.dump(doc, open(work + "/credential.json", "w"))
PY
"$work/badged" issue --key "$work/key.json" --format di-rdfc "$work/credential.json" > "$work/rdfc.json"
"$work/badged" issue --key "$work/key.json" --format jwt "$work/credential.json" > "$work/vc.jwt"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
cred = json.load(open(work + "/rdfc.json"))
json.dump({"verifiableCredential": cred, "options": {}}, open(work + "/body-rdfc.json", "w"))
tok = open(work + "/vc.jwt").read().strip()
json.dump({"verifiableCredential": tok, "options": {}}, open(work + "/body-jwt.json", "w"))
PY

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr=127.0.0.1:$port
# A stateless node: run from an empty directory to show nothing is written.
# wrk is one client, so the per-client rate limit is off (it would answer
# 429 after a minute's worth); the cap on verifications at once and the
# verifier's per-request limits stay at their defaults, so the figures are
# those of the normal path with its limits.
(cd "$work" && mkdir node && cd node && BADGED_RATE_VERIFY=-1 exec "$work/badged" serve --verifier-only --addr "$addr") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://$addr/healthz" >/dev/null

: >"$RESULTS"
for f in rdfc jwt; do
  out=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@$work/body-$f.json" "http://$addr/credentials/verify")
  echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r["verified"] else "not verified: %s" % r["errors"])'
  cat > "$work/$f.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body-$f.json", "rb")
wrk.body = f:read("*a")
f:close()
if $PACE_MS > 0 and os.getenv("PACED") == "1" then
  delay = function() return $PACE_MS end
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, errors))
end
LUA
done

echo "wrk -t$THREADS -c$CONNS -d$DURATION -s <format>.lua http://$addr/credentials/verify  ($(nproc) cores, $(go version | cut -d' ' -f3))"
echo
echo "| format | load | body | verifications/s | p50 ms | p99 ms | max ms | requests | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
loads=saturated
[ "$PACE_MS" -gt 0 ] && loads="saturated paced"
for f in rdfc jwt; do
  # Warm up (connections, caches), then measure.
  wrk -t"$THREADS" -c"$CONNS" -d3s -s "$work/$f.lua" "http://$addr/credentials/verify" >/dev/null
  for load in $loads; do
    paced=0 label="saturated, $CONNS connections"
    [ "$load" = paced ] && paced=1 label="paced, $CONNS connections each waiting ${PACE_MS} ms"
    line=$(PACED=$paced wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$work/$f.lua" "http://$addr/credentials/verify" | grep '^RESULT')
    read -r _ rps p50 p99 max n errs <<<"$line"
    name=$([ "$f" = rdfc ] && echo eddsa-rdfc-2022 || echo "VC-JWT (EdDSA)")
    echo "| $name | $label | $(stat -c %s "$work/body-$f.json") B | $rps | $p50 | $p99 | $max | $n | $errs |"
    echo "$load $f $rps $p50 $p99 $max $n $errs" >>"$RESULTS"
  done
done
if [ -n "$(ls -A "$work/node")" ]; then
  echo "loadtest: the verifier-only node wrote files: $(ls -A "$work/node")" >&2
  exit 1
fi
