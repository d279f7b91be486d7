// Package login signs people in to badged with OpenID Connect: it is the
// relying party of the identity providers an operator configures, and it
// owns the user records those sign-ins create.
//
// # Providers
//
// Providers are configuration, not code ([ParseProviders]): each has a
// name, a kind (learner or staff), an issuer URL, a client ID and secret,
// scopes, and the claims badged reads. Learners sign in with eduID; staff
// with their institution's provider, and are mapped to their institution
// by a claim (by default schac_home_organization) that must equal the
// SCHAC home of an institution known to badged.
//
// # Staff and their institution
//
// A staff provider is believed only for the institutions it speaks for:
// its configuration names their SCHAC homes ([ProviderConfig.SCHACHomes];
// ["*"] for a federation such as SURFconext, which sets the claim itself
// from its members' registered metadata). A staff sign-in whose claim
// names another institution is refused (Forbidden) and stores nothing.
//
// A pending staff invitation binds at sign-in only when all of these
// hold: the provider is a staff provider that speaks for the
// institution's SCHAC home, the signed-in identity's claim equals that
// SCHAC home, and the provider vouches for the invited email address
// (email_verified, or trustEmail). The email alone never binds: the same
// address signed in through another institution's provider leaves the
// invitation pending ([Result.Waiting]), and a learner provider binds
// nothing.
//
// # The flow
//
// [Service.Begin] starts the authorization code flow with PKCE (S256), a
// random state and a random nonce. They travel in a short-lived cookie
// that is encrypted and authenticated (AES-256-GCM) and so bound to the
// browser that started the flow; the web layer sets it. [Service.Finish]
// checks the state against it, spends it (a flow finishes once), redeems
// the code with the PKCE verifier, verifies the ID token (signature by
// the provider's JWKS, issuer, audience, expiry, nonce), optionally reads
// userinfo, creates or updates the [User], binds the pending staff
// invitations of the staff member's institution sent to their verified
// email, and starts a
// server-side session through package auth.
//
// # Users
//
// A user's ID is derived from the provider's issuer and the subject, so
// the same person at the same provider is always the same user. For
// learners the eduID subject (a pairwise identifier) is kept as well:
// that is what badges are awarded to.
package login
