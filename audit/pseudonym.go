package audit

import "strings"

// LearnerPrefix begins the actor of an entry recorded for a learner acting
// on their own award (a request, a claim, a rejection): a pseudonym such
// as "learner:3k9…", never their user ID. Only their wallet can derive
// it, and deleting their account deletes the wallet, so the entries stay
// in the trail but no longer lead to anyone. "learner" alone is a learner
// whose pseudonym could not be derived.
const LearnerPrefix = "learner:"

// IsLearner reports whether actor is a learner's pseudonym.
func IsLearner(actor string) bool {
	return actor == "learner" || strings.HasPrefix(actor, LearnerPrefix)
}
