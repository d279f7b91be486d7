//go:build race

package verifier_test

// raceEnabled: the race detector multiplies allocations, so memory bounds
// are only logged.
const raceEnabled = true
