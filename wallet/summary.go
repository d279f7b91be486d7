package wallet

// Summarize reads the summary of a credential document, as the backpack
// shows it: for a presented credential, which is no holding.
func Summarize(doc map[string]any) Summary { return summarize(doc) }
