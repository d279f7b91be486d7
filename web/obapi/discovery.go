package obapi

import (
	"net/http"

	"github.com/badged/badged/obapi"
	"github.com/badged/badged/web/render"
)

// scopeText says what each scope allows, in the discovery document.
var scopeText = map[string]string{
	obapi.ScopeCredentialReadonly: "Permission to read AchievementCredentials for the authenticated entity.",
	obapi.ScopeCredentialUpsert:   "Permission to create or update AchievementCredentials for the authenticated entity.",
	obapi.ScopeProfileReadonly:    "Permission to read the profile for the authenticated entity.",
	obapi.ScopeProfileUpdate:      "Permission to update the profile for the authenticated entity.",
}

// discovery answers the Service Description Document (OB 3.0 section
// 6.3): an OpenAPI 3.0 document whose OAuth 2.0 security scheme names
// the registration, authorization, token and refresh endpoints and the
// scopes.
func (h *Handler) discovery(w http.ResponseWriter, r *http.Request) {
	base := h.Service.BaseURL()
	scopes := map[string]string{}
	for _, s := range obapi.Scopes {
		scopes[s] = scopeText[s]
	}
	name := h.Name
	if name == "" {
		name = "badged"
	}
	bearer := func(scope, summary string, ok map[string]any) map[string]any {
		return map[string]any{"summary": summary, "security": []any{map[string]any{"OAuth2ACG": []string{scope}}},
			"responses": ok}
	}
	doc := map[string]any{
		"openapi": "3.0.1",
		"info": map[string]any{
			"title":                    name + " Open Badges API",
			"description":              "The Open Badges 3.0 API of " + name + ": a learner's backpack.",
			"version":                  "3.0",
			"termsOfService":           base + "/help",
			"x-imssf-privacyPolicyUrl": base + "/help",
		},
		"servers": []any{map[string]any{"url": base + obapi.PathBase, "description": name}},
		"tags":    []any{map[string]any{"name": "OpenBadgeCredentials"}, map[string]any{"name": "Discovery"}},
		"paths": map[string]any{
			"/credentials": map[string]any{
				"get": bearer(obapi.ScopeCredentialReadonly, "getCredentials", map[string]any{
					"200": map[string]any{"description": "The learner's credentials, one page (limit, offset, since); X-Total-Count and Link headers."}}),
				"post": bearer(obapi.ScopeCredentialUpsert, "upsertCredential", map[string]any{
					"200": map[string]any{"description": "The credential was held already."},
					"201": map[string]any{"description": "The credential was verified and kept."}}),
			},
			"/profile": map[string]any{
				"get": bearer(obapi.ScopeProfileReadonly, "getProfile", map[string]any{"200": map[string]any{"description": "The learner's profile."}}),
				"put": bearer(obapi.ScopeProfileUpdate, "putProfile", map[string]any{"200": map[string]any{"description": "The changed profile."}}),
			},
			"/discovery": map[string]any{"get": map[string]any{"summary": "getServiceDescription",
				"responses": map[string]any{"200": map[string]any{"description": "This document."}}}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"OAuth2ACG": map[string]any{
					"type":                    "oauth2",
					"description":             "OAuth 2.0 Authorization Code Grant authorization, with PKCE (S256) and dynamic client registration",
					"x-imssf-name":            name,
					"x-imssf-registrationUrl": base + obapi.PathRegister,
					"flows": map[string]any{
						"authorizationCode": map[string]any{
							"authorizationUrl":      base + obapi.PathAuthorize,
							"tokenUrl":              base + obapi.PathToken,
							"refreshUrl":            base + obapi.PathToken,
							"x-imssf-revocationUrl": base + obapi.PathRevoke,
							"scopes":                scopes,
						},
					},
				},
			},
		},
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	render.JSON(w, http.StatusOK, doc)
}
