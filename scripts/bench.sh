#!/usr/bin/env bash
# bench.sh: benchmark badged against the independent npm implementation
# (Digital Bazaar's stack and jose, pinned in interop/package-lock.json) in
# one run on this machine, and write docs/benchmarks.md.
#
# Usage: scripts/bench.sh [OUTPUT.md]   (default docs/benchmarks.md)
# Needs: go, node >= 20, and `cd interop && npm ci` done.
# Environment: BENCHTIME (default 2s) for the Go side and the node side's
# measured seconds per operation. AWARD_BENCH=0 skips the award flow
# benchmark (benchmarks.BenchmarkAward10k: 10,000 direct awards created and
# claimed on bbolt and on PostgreSQL, TEST_POSTGRES_DSN or 127.0.0.1:5432,
# skipped without it), which runs on every core, as a deployment would;
# AWARD_RUNS (default 3) times, the bound judged on each store's median
# ratio (a single run on a shared VM moves by a tenth either way).
#
# Both sides run on one core: Go with -cpu 1 (GOMAXPROCS=1), node with its
# single JavaScript thread and UV_THREADPOOL_SIZE=1. Every operation works on
# testdata/credential-3kb.json. This script is the only source of
# docs/benchmarks.md: rerun it rather than editing the numbers by hand.
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
out=${1:-docs/benchmarks.md}
benchtime=${BENCHTIME:-2s}
credential=testdata/credential-3kb.json
packages=(./credential/dataintegrity ./credential/jose ./verifier)

command -v go >/dev/null || { echo "bench.sh: go is not on PATH" >&2; exit 1; }
command -v node >/dev/null || { echo "bench.sh: node is not on PATH" >&2; exit 1; }
[ -d interop/node_modules ] || { echo "bench.sh: run 'cd interop && npm ci' first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go_cmd="go test -run '^\$' -bench . -benchtime $benchtime -cpu 1 ${packages[*]}"
node_cmd="UV_THREADPOOL_SIZE=1 node interop/bench.mjs --seconds ${benchtime%s} $credential"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench.sh: $go_cmd" >&2
go test -run '^$' -bench . -benchtime "$benchtime" -cpu 1 "${packages[@]}" | tee "$tmp/go.txt" >&2
echo "bench.sh: $node_cmd" >&2
UV_THREADPOOL_SIZE=1 node interop/bench.mjs --seconds "${benchtime%s}" "$credential" \
	>"$tmp/node.json" 2>"$tmp/node.err"
cat "$tmp/node.json" "$tmp/node.err" >&2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

award_runs=${AWARD_RUNS:-3}
award_cmd="go test -run '^\$' -bench BenchmarkAward10k -benchtime 1x -count $award_runs -timeout 30m ./benchmarks"
: >"$tmp/award.txt"
award_load_before=
award_load_after=
if [ "${AWARD_BENCH:-1}" != 0 ]; then
	award_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "bench.sh: $award_cmd" >&2
	go test -run '^$' -bench BenchmarkAward10k -benchtime 1x -count "$award_runs" -timeout 30m ./benchmarks | tee "$tmp/award.txt" >&2
	award_load_after=$(cut -d' ' -f1-3 /proc/loadavg)
fi

# The verify API under load (scripts/loadtest.sh: wrk against
# `badged serve --verifier-only` on this machine), saturated and paced.
verify_pace=${VERIFY_PACE_MS:-1}
verify_duration=${VERIFY_DURATION:-20s}
verify_cmd="PACE_MS=$verify_pace scripts/loadtest.sh $verify_duration 8 1"
: >"$tmp/load.txt"
verify_load_before=
verify_load_after=
if [ "${VERIFY_BENCH:-1}" != 0 ] && command -v wrk >/dev/null; then
	verify_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "bench.sh: $verify_cmd" >&2
	PACE_MS=$verify_pace LOADTEST_RESULTS="$tmp/load.txt" bash scripts/loadtest.sh "$verify_duration" 8 1 | tee "$tmp/load.md" >&2
	verify_load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elif [ "${VERIFY_BENCH:-1}" != 0 ]; then
	echo "bench.sh: wrk is not installed (apt-get install wrk): the verify API is not measured" >&2
fi

cpus=$(nproc)
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
go_cpu=$(sed -n 's/^cpu: *//p' "$tmp/go.txt" | head -1 | sed 's/[[:space:]]*$//')
[ -n "$go_cpu" ] && [ "$go_cpu" != "$cpu_model" ] && cpu_model="$cpu_model (Go reports: $go_cpu)"
go_version=$(go version)
node_version=$(node --version)
date=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)

# Go results as "pkg/Name ops_per_s ns_per_op" (pkg = last path element).
awk '
	/^pkg: / { n = split($2, p, "/"); pkg = p[n] }
	/^Benchmark/ && $4 == "ns/op" {
		# No -N suffix to strip: with -cpu 1 the names carry none.
		printf "%s/%s %.1f %s\n", pkg, $1, 1e9 / $3, $3
	}' "$tmp/go.txt" >"$tmp/go.ops"
# Node results as "name ops_per_s".
tr -d '{}"' <"$tmp/node.json" | tr ',' '\n' | tr ':' ' ' >"$tmp/node.ops"

awk -v load_before="$load_before" -v load_after="$load_after" -v cpus="$cpus" \
	-v cpu_model="$cpu_model" -v go_version="$go_version" -v node_version="$node_version" \
	-v date="$date" -v commit="$commit$dirty" -v go_cmd="$go_cmd" -v node_cmd="$node_cmd" \
	-v gofile="$tmp/go.txt" -v nodefile="$tmp/node.json" -v nodeerr="$tmp/node.err" \
	-v awardfile="$tmp/award.txt" -v award_cmd="$award_cmd" \
	-v award_load_before="$award_load_before" -v award_load_after="$award_load_after" \
	-v loadfile="$tmp/load.txt" -v loadmd="$tmp/load.md" -v verify_cmd="$verify_cmd" -v verify_pace_label="$verify_pace" \
	-v verify_load_before="$verify_load_before" -v verify_load_after="$verify_load_after" '
	FNR == NR { g[$1] = $2; next }
	{ n[$1] = $2 }
	function fmt(x) { return x == "" ? "n/a" : sprintf("%.0f", x) }
	function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.1fx", a / b) }
	function row(label, gk, nk) {
		printf "| %s | %s | %s | %s |\n", label, fmt(g[gk]), fmt(n[nk]), ratio(g[gk], n[nk])
	}
	function fv(label, k, nk,   first) {
		first = g["verifier/BenchmarkVerify/" k "/first"]
		printf "| %s | %s | %s | %s |\n", label, fmt(first), fmt(g["verifier/BenchmarkVerify/" k "/again"]), ratio(first, n[nk])
	}
	function cat(file,   line) { while ((getline line < file) > 0) print line; close(file) }
	# award prints the section of BenchmarkAward10k, whose metrics are
	# value/unit pairs after the iteration count.
	function award(   line, f, n, i, store, m, rows, floor, lb, runs, ratios, order, names, stores, k, a, b, r, t, med) {
		print "## Award flow: 10,000 direct awards created and claimed"
		print ""
		print "`benchmarks` `BenchmarkAward10k`: 10,000 direct awards created through `issuer.Service.DirectAward` in"
		print "batches of 250 rows (as the bulk worker does), then each claimed through `ClaimAward` from 8 goroutines"
		print "(as many learners would); every claim issues a credential (a status list index, an eddsa-rdfc-2022"
		print "proof and a VC-JWT of the same credential) and stores it, so 10,000 signed credentials are stored."
		print "Every core of the machine, fresh store (a bbolt file in a temporary directory; a new PostgreSQL schema)."
		print ""
		rows = 0
		while ((getline line < awardfile) > 0) {
			n = split(line, f, /[ \t]+/)
			if (f[1] !~ /^BenchmarkAward10k\//) continue
			store = f[1]; sub(/^BenchmarkAward10k\//, "", store); sub(/-[0-9]+$/, "", store)
			delete m
			for (i = 3; i < n; i += 2) m[f[i + 1]] = f[i]
			if (!rows++) {
				print "| Store | run | total s | awards/s | create s | claim (and issue) s | sign only, all cores s | ratio |"
				print "|---|---:|---:|---:|---:|---:|---:|---:|"
			}
			runs[store]++
			ratios[store, runs[store]] = m["x-sign"] + 0
			if (!(store in order)) { order[store] = ++stores; names[stores] = store }
			printf "| %s | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %.2fx |\n", store, runs[store], m["s/run"], m["awards/s"], m["create-s/run"], m["claim-s/run"], m["sign-s/run"], m["x-sign"]
			if (store == "bolt" && (floor == "" || m["s/run"] + 0 < floor + 0)) floor = m["s/run"]
		}
		close(awardfile)
		print ""
		# The bound is judged on the median ratio of each store: a single run on
		# a shared VM moves by a tenth either way.
		for (i = 1; i <= stores; i++) {
			store = names[i]
			k = runs[store]
			for (a = 1; a <= k; a++) r[a] = ratios[store, a]
			for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++) if (r[b] < r[a]) { t = r[a]; r[a] = r[b]; r[b] = t }
			med = k % 2 ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
			printf "**%s: median ratio of %d runs %.2fx (bound <= 4x): %s.**\n\n", store, k, med, med <= 4 ? "holds" : "does NOT hold"
		}
		print "Ratio: the award flow'"'"'s total time over the time the same run takes just to sign the same 10,000"
		print "credentials (eddsa-rdfc-2022 and VC-JWT) on every core (`sign-s/run`, measured right after the flow,"
		print "so both meet the same load); issue #12 bounds it at 4x."
		print ""
		print "Where the time goes (docs/operations.md, \"How awards are written\"): a claim is one write. bbolt"
		print "commits concurrent claims in groups, and a commit costs the B+tree pages it writes (some 20 per"
		print "claim, two fsyncs per group); PostgreSQL runs on the same two cores as badged, and a claim costs"
		print "two round trips (the award, and its part of a group write: one statement per table for the claims"
		print "that arrived together); the lineage and the key are remembered, a free index is read once per 32"
		print "claims. What is left over signing is mostly the inserts and index updates of the server, the JSON"
		print "and mail rendering of badged, garbage collection, and, with 8 claimers, time waiting for the disk to sync."
		print ""
		if (floor == "")
			print "**Floor (bbolt under 60 s on this machine): not measured.**"
		else
			printf "**Floor (bbolt under 60 s on this machine): %s** (%.1f s).\n", floor + 0 < 60 ? "holds" : "does NOT hold", floor
		print ""
		printf "- Load average (1/5/15 min) before: %s; after: %s\n", award_load_before, award_load_after
		split(award_load_before, lb, " ")
		if (lb[1] + 0 >= 0.5)
			print "- **The machine was shared with other work during the run**: claims wait on fsync, so other processes'"'"' disk and CPU use move these figures by tens of percent."
		print "- Command:"
		print ""
		print "```"
		print award_cmd
		print "```"
		print ""
		print "```"
		cat(awardfile)
		print "```"
		print ""
	}
	# verifyAPI prints the section of the verify API under load: each run
	# of scripts/loadtest.sh beside the proof-only capacity of every core,
	# from the one-core proof benchmarks of this same run.
	function verifyAPI(   line, f, cap, name, share, rows, bound, p) {
		print "## Verify API under load (issue #12)"
		print ""
		print "`scripts/loadtest.sh`: wrk on this machine POSTs the ~3 KB credential to `/credentials/verify` of"
		print "`badged serve --verifier-only` (every check, and the VC-API answer) from 8 connections: *saturated*,"
		print "each connection sending its next request as soon as the last is answered (the most the server"
		print "does, with wrk on the same cores), and *paced*, each connection waiting " verify_pace_label " ms after each"
		print "answer (a steady load below saturation: the latency a client sees at that load). The same"
		print "credential is sent again and again, as a partner system re-checking does: what depends only on its"
		print "content (schema, JSON-LD, the proof under the key its DID document gives now) is remembered by its"
		print "SHA-256 (`verifier/memo.go`); the key, the validity dates and the status list are checked every time."
		print "The proof-only capacity is what every core could do checking nothing but the proof"
		print "(`credential/dataintegrity` and `credential/jose` `BenchmarkVerify` above, times " cpus " cores)."
		print ""
		print "| Format | Load | verifications/s | proof-only capacity, all cores | share | p50 ms | p99 ms |"
		print "|---|---|---:|---:|---:|---:|---:|"
		rows = 0
		while ((getline line < loadfile) > 0) {
			split(line, f, " ")
			if (f[2] == "rdfc") { name = "eddsa-rdfc-2022"; cap = cpus * g["dataintegrity/BenchmarkVerify/eddsa-rdfc-2022"] }
			else { name = "VC-JWT (EdDSA)"; cap = cpus * g["jose/BenchmarkVerify"] }
			share = cap > 0 ? sprintf("%.0f%%", 100 * f[3] / cap) : "n/a"
			printf "| %s | %s | %.0f | %.0f | %s | %.2f | %.2f |\n", name, f[1], f[3], cap, share, f[4], f[5]
			if (f[1] == "paced" && f[2] == "rdfc" && cap > 0) { bound = (f[3] / cap >= 0.4 && f[5] + 0 < 10); p = sprintf("%.0f%% of the capacity, p99 %.1f ms", 100 * f[3] / cap, f[5]) }
			rows++
		}
		close(loadfile)
		print ""
		if (!rows)
			print "**Bound (eddsa-rdfc-2022 at >= 40% of the proof-only capacity, p99 < 10 ms): not measured** (wrk missing, or VERIFY_BENCH=0)."
		else if (p == "")
			print "**Bound (eddsa-rdfc-2022 at >= 40% of the proof-only capacity, p99 < 10 ms): not measured** (no paced run)."
		else
			printf "**Bound (eddsa-rdfc-2022 paced: >= 40%% of the proof-only capacity, p99 < 10 ms): %s** (%s).\n", bound ? "holds" : "does NOT hold", p
		print ""
		print "The saturated rows show the most the server answers; their tail is the queueing of 8 connections"
		print "and wrk on the same " cpus " cores, not verification. The VC-JWT proof check is cheap (a JWS signature),"
		print "so its share of a proof-only capacity is lower for the same work around it; the bound is"
		print "issue #12'"'"'s, for eddsa-rdfc-2022."
		print ""
		printf "- Load average (1/5/15 min) before: %s; after: %s\n", verify_load_before, verify_load_after
		print "- Command: `" verify_cmd "`"
		print ""
		print "```"
		cat(loadmd)
		print "```"
		print ""
	}
	END {
		split(load_before, lb, " ")
		split(load_after, la, " ")
		shared = (lb[1] + 0 >= 0.5 || la[1] + 0 >= 0.5)
		print "# Benchmarks: badged vs the Digital Bazaar stack"
		print ""
		print "Generated by `scripts/bench.sh`; do not edit by hand, rerun the script. Both implementations"
		print "ran in the same run on the same machine, one core each, on `testdata/credential-3kb.json`"
		print "(a realistic ~3 KB Open Badges 3.0 credential). Throughput is operations per second;"
		print "the ratio is badged / Digital Bazaar (higher is better for badged)."
		print ""
		print "| Operation | badged ops/s | Digital Bazaar ops/s | ratio |"
		print "|---|---:|---:|---:|"
		row("eddsa-rdfc-2022 sign", "dataintegrity/BenchmarkSign/eddsa-rdfc-2022", "rdfc_sign")
		row("eddsa-rdfc-2022 verify", "dataintegrity/BenchmarkVerify/eddsa-rdfc-2022", "rdfc_verify")
		row("eddsa-jcs-2022 sign", "dataintegrity/BenchmarkSign/eddsa-jcs-2022", "jcs_sign")
		row("eddsa-jcs-2022 verify", "dataintegrity/BenchmarkVerify/eddsa-jcs-2022", "jcs_verify")
		row("VC-JWT (EdDSA) sign", "jose/BenchmarkSign", "jwt_sign")
		row("VC-JWT (EdDSA) verify", "jose/BenchmarkVerify", "jwt_verify")
		print ""
		rs = g["dataintegrity/BenchmarkSign/eddsa-rdfc-2022"]; rv = g["dataintegrity/BenchmarkVerify/eddsa-rdfc-2022"]
		ns = n["rdfc_sign"]; nv = n["rdfc_verify"]
		if (rs == "" || rv == "" || ns == "" || nv == "") {
			print "**Floor (eddsa-rdfc-2022 sign and verify each >= 4x Digital Bazaar on one core): not measured.**"
		} else {
			holds = (rs / ns >= 4 && rv / nv >= 4)
			printf "**Floor (eddsa-rdfc-2022 sign and verify each >= 4x Digital Bazaar on one core): %s** (sign %.1fx, verify %.1fx).\n", \
				holds ? "holds" : "does NOT hold", rs / ns, rv / nv
		}
		print ""
		print "What each side measures:"
		print ""
		print "- badged sign/verify: `credential/dataintegrity` and `credential/jose` `BenchmarkSign`/`BenchmarkVerify`."
		print "  Data Integrity verify is given the public key (no DID resolution); JWT verify parses the compact"
		print "  token and checks the signature."
		print "- Digital Bazaar: `interop/bench.mjs` (@digitalbazaar/vc `issue`/`verifyCredential` with the"
		print "  eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites; jose `SignJWT`/`jwtVerify`), sequential awaited"
		print "  operations after a warm-up, an in-memory Ed25519 key, did:key resolved by an offline loader."
		print "  Its verify also resolves the did:key and checks the credential'"'"'s shape and dates, so it does"
		print "  somewhat more than badged'"'"'s proof-only verify; the full verifier below does more still."
		print ""
		print "## badged full verifier"
		print ""
		print "`verifier` `BenchmarkVerify`: every check (format, context, JSON-LD, OB 3.0 JSON schema, structure,"
		print "proof, signer via did:key, validity, and status, which fetches the Bitstring Status List from memory"
		print "and verifies that list credential'"'"'s own eddsa-rdfc-2022 proof) of the same credential issued by a did:key."
		print ""
		print "*First*: a credential the verifier has not seen (nothing remembered). *Again*: the same credential"
		print "once more, as a partner re-checking sends it: its schema, JSON-LD and proof findings are remembered"
		print "by the SHA-256 of its content (the key, dates and status are checked again)."
		print ""
		print "| Input | badged ops/s, first | badged ops/s, again | first vs Digital Bazaar verify of the same format |"
		print "|---|---:|---:|---:|"
		fv("eddsa-rdfc-2022", "eddsa-rdfc-2022", "rdfc_verify")
		fv("eddsa-jcs-2022", "eddsa-jcs-2022", "jcs_verify")
		fv("VC-JWT", "vc-jwt", "jwt_verify")
		print ""
		print "(Digital Bazaar verifies proofs only, without schema or status checks; the ratio is for orientation.)"
		print ""
		if (award_load_before != "") award()
		if (verify_load_before != "") verifyAPI()
		print "## Run"
		print ""
		printf "- Date: %s; commit %s\n", date, commit
		printf "- Machine: %s CPUs (`nproc`), %s\n", cpus, cpu_model
		printf "- %s; Node %s\n", go_version, node_version
		printf "- Load average (1/5/15 min) before: %s; after: %s\n", load_before, load_after
		if (shared)
			print "- **The machine was shared with other work during the run** (load average at or above 0.5), so every figure is noisy and a single row'"'"'s ratio can move severalfold between runs (the two sides ran one after the other, not at once, so they may have met different load). Rerun on an idle machine for figures to quote."
		print "- Command: `scripts/bench.sh`, which runs:"
		print ""
		print "```"
		print go_cmd
		print node_cmd
		print "```"
		print ""
		print "### Raw output"
		print ""
		print "```"
		cat(gofile)
		cat(nodefile)
		cat(nodeerr)
		print "```"
	}' "$tmp/go.ops" "$tmp/node.ops" >"$tmp/benchmarks.md"

mkdir -p "$(dirname "$out")"
# The verifier service's load test (scripts/loadtest.sh) has its own
# section, written from its runs: keep it.
if [ -f "$out" ] && grep -q '^## Verifier service' "$out"; then
  { echo; sed -n '/^## Verifier service/,$p' "$out"; } >>"$tmp/benchmarks.md"
fi
mv "$tmp/benchmarks.md" "$out"
echo "bench.sh: wrote $out" >&2
