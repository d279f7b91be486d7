package openid4vci

// Formats of credential configurations.
const (
	FormatLDP = "ldp_vc"      // Data Integrity eddsa-rdfc-2022
	FormatJWT = "jwt_vc_json" // Open Badges 3.0 VC-JWT
)

// Configuration is one entry of credential_configurations_supported. A new
// format (SD-JWT VC) is one more entry in [Configurations].
type Configuration struct {
	ID     string
	Format string
	// SignAs is the format the [Issuer] is asked for (issuance's
	// "ldp_vc" or "jwt").
	SignAs string
	// Metadata is the entry as published, without the fields every entry
	// shares (proof types, binding methods), which [Metadata] adds.
	Metadata map[string]any
}

var obTypes = []any{"VerifiableCredential", "OpenBadgeCredential"}

var obContexts = []any{
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}

// Configurations are the credential configurations badged offers: an Open
// Badge as eddsa-rdfc-2022 JSON-LD and as a VC-JWT.
var Configurations = []Configuration{
	{ID: "OpenBadgeCredential_ldp_vc", Format: FormatLDP, SignAs: "ldp_vc", Metadata: map[string]any{
		"cryptographic_suites_supported": []any{"eddsa-rdfc-2022"},
		"credential_definition":          map[string]any{"@context": obContexts, "type": obTypes},
	}},
	{ID: "OpenBadgeCredential_jwt_vc_json", Format: FormatJWT, SignAs: "jwt", Metadata: map[string]any{
		"credential_signing_alg_values_supported": []any{"EdDSA"},
		"credential_definition":                   map[string]any{"type": obTypes},
	}},
}

// ConfigurationByID returns the configuration id, and false when there is none.
func ConfigurationByID(id string) (Configuration, bool) {
	for _, c := range Configurations {
		if c.ID == id {
			return c, true
		}
	}
	return Configuration{}, false
}

func configurationIDs() []string {
	ids := make([]string, len(Configurations))
	for i, c := range Configurations {
		ids[i] = c.ID
	}
	return ids
}
