package signin

// Text is the sign-in page's text in each language.
var Text = map[string]map[string]string{
	"en": {
		"title":        "Sign in to badged",
		"demo":         "Demo mode: the sign-ins below are",
		"demoAccounts": "demo accounts",
		"demoRest":     "of badged's built-in demo identity provider, not real eduID or institution logins.",
		"learners":     "Learners",
		"staff":        "Staff",
		"signInWith":   "Sign in with",
		"noProviders":  "No sign-in provider is configured.",
		"signOut":      "Sign out",
		"failed":       "Signing in did not work.",
		"details":      "Technical details",
		"requestID":    "Request ID",
		"language":     "Nederlands",
		"otherLang":    "nl",
	},
	"nl": {
		"title":        "Aanmelden bij badged",
		"demo":         "Demomodus: de aanmeldingen hieronder zijn",
		"demoAccounts": "demo-accounts",
		"demoRest":     "van de ingebouwde demo-identiteitsprovider van badged, geen echte eduID- of instellingsaccounts.",
		"learners":     "Lerenden",
		"staff":        "Medewerkers",
		"signInWith":   "Aanmelden met",
		"noProviders":  "Er is geen aanmeldprovider ingesteld.",
		"signOut":      "Afmelden",
		"failed":       "Aanmelden is niet gelukt.",
		"details":      "Technische details (in het Engels)",
		"requestID":    "Verzoek-ID",
		"language":     "English",
		"otherLang":    "en",
	},
}
