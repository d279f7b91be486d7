// Package benchmarks holds end-to-end benchmarks of badged's services on
// real storage, the figures docs/benchmarks.md reports beyond the
// per-operation ones of the credential packages.
//
// BenchmarkAward10k creates 10,000 direct awards through
// [issuer.Service.DirectAward] and claims each through
// [issuer.Service.ClaimAward], which issues and stores a signed credential
// (eddsa-rdfc-2022 and VC-JWT), on bbolt and on PostgreSQL:
//
//	go test -run '^$' -bench BenchmarkAward10k -benchtime 1x ./benchmarks
//
// scripts/bench.sh runs it too.
package benchmarks
