package verifier

import (
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/jsonld"
)

// WithJSONLD makes the verifier expand and canonicalize with p instead of
// the processor given to [New]: a server whose operator added contexts
// (contexts.Loader.WithDir) verifies with the same contexts it issues with.
func WithJSONLD(p *jsonld.Processor) Option {
	return func(v *Verifier) {
		v.ld = p
		v.proofs = dataintegrity.New(p)
	}
}
