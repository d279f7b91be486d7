package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/jsonld"
	"github.com/mr-tron/base58"
)

// JSON-LD contexts of DID documents.
const (
	ContextDIDv1    = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextJWS2020  = "https://w3id.org/security/suites/jws-2020/v1"
)

// Document is a W3C DID document, with the parts badged reads and writes:
// the verification methods, and the authentication and assertionMethod
// relationships that say what each may be used for.
type Document struct {
	// Context is the @context: strings, or inline context objects in
	// documents read from elsewhere. Always written as an array.
	Context []any
	ID      string
	// Controller is written as a string when it has one entry.
	Controller         []string
	VerificationMethod []VerificationMethod
	Authentication     []MethodRef
	AssertionMethod    []MethodRef
}

// documentJSON is Document on the wire, where @context and controller may
// be a single value or an array.
type documentJSON struct {
	Context            json.RawMessage      `json:"@context,omitempty"`
	ID                 string               `json:"id"`
	Controller         json.RawMessage      `json:"controller,omitempty"`
	VerificationMethod []VerificationMethod `json:"verificationMethod,omitempty"`
	Authentication     []MethodRef          `json:"authentication,omitempty"`
	AssertionMethod    []MethodRef          `json:"assertionMethod,omitempty"`
}

// MarshalJSON writes d as a DID document.
func (d Document) MarshalJSON() ([]byte, error) {
	w := documentJSON{
		ID:                 d.ID,
		VerificationMethod: d.VerificationMethod,
		Authentication:     d.Authentication,
		AssertionMethod:    d.AssertionMethod,
	}
	var err error
	if d.Context != nil {
		if w.Context, err = json.Marshal(d.Context); err != nil {
			return nil, err
		}
	}
	switch len(d.Controller) {
	case 0:
	case 1:
		w.Controller, err = json.Marshal(d.Controller[0])
	default:
		w.Controller, err = json.Marshal(d.Controller)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a DID document. Members badged does not use are
// ignored.
func (d *Document) UnmarshalJSON(b []byte) error {
	var w documentJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var ctx []any
	if err := jsonld.DecodeOneOrMany(w.Context, &ctx); err != nil {
		return badged.Errorf(badged.Invalid, "DID document @context: %v", err)
	}
	var controller []string
	if err := jsonld.DecodeOneOrMany(w.Controller, &controller); err != nil {
		return badged.Errorf(badged.Invalid, "DID document controller: %v", err)
	}
	*d = Document{
		Context:            ctx,
		ID:                 w.ID,
		Controller:         controller,
		VerificationMethod: w.VerificationMethod,
		Authentication:     w.Authentication,
		AssertionMethod:    w.AssertionMethod,
	}
	return nil
}

// Method returns the verification method of d whose id is id, looking in
// verificationMethod and at methods embedded in authentication and
// assertionMethod. Relative ids ("#key-1") in d count as d.ID + id. The
// returned method has an absolute id and, when it had none, d.ID as its
// controller.
func (d *Document) Method(id string) (VerificationMethod, bool) {
	for _, vm := range d.methods() {
		if d.absolute(vm.ID) == id {
			vm.ID = id
			if vm.Controller == "" {
				vm.Controller = d.ID
			}
			return vm, true
		}
	}
	return VerificationMethod{}, false
}

// Key returns the public key of the verification method id (absolute),
// as [Resolver.ResolveKey] returns it for a resolved document: with d.ID
// as its controller and whether d lists it under assertionMethod and
// authentication. The
// error is a *badged.Error: NotFound when d does not list the method,
// Invalid when its key cannot be read.
func (d *Document) Key(id string) (*Key, error) {
	vm, ok := d.Method(id)
	if !ok {
		return nil, badged.Errorf(badged.NotFound, "verification method %s is not in the DID document of %s", short(id), short(d.ID))
	}
	return d.keyOf(vm)
}

func (d *Document) keyOf(vm VerificationMethod) (*Key, error) {
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, err
	}
	return &Key{VerificationMethod: vm, PublicKey: pub, Controller: d.ID,
		AssertionMethod: d.HasAssertionMethod(vm.ID), Authentication: d.listed(d.Authentication, vm.ID)}, nil
}

// listed reports whether the method id (absolute) is among refs, by
// reference or embedded.
func (d *Document) listed(refs []MethodRef, id string) bool {
	for _, ref := range refs {
		if d.absolute(ref.id()) == id {
			return true
		}
	}
	return false
}

// HasAssertionMethod reports whether the method id (absolute) is listed,
// by reference or embedded, under d's assertionMethod.
func (d *Document) HasAssertionMethod(id string) bool {
	return d.listed(d.AssertionMethod, id)
}

func (d *Document) methods() []VerificationMethod {
	vms := append([]VerificationMethod(nil), d.VerificationMethod...)
	for _, refs := range [][]MethodRef{d.AssertionMethod, d.Authentication} {
		for _, ref := range refs {
			if ref.Method != nil {
				vms = append(vms, *ref.Method)
			}
		}
	}
	return vms
}

// absolute resolves a method id relative to d ("#key-1").
func (d *Document) absolute(id string) string {
	if strings.HasPrefix(id, "#") {
		return d.ID + id
	}
	return id
}

// clone returns a deep copy of d, so cached documents are never shared.
func (d *Document) clone() *Document {
	c := *d
	c.Context = cloneContext(d.Context)
	c.Controller = append([]string(nil), d.Controller...)
	c.VerificationMethod = cloneMethods(d.VerificationMethod)
	c.Authentication = cloneRefs(d.Authentication)
	c.AssertionMethod = cloneRefs(d.AssertionMethod)
	return &c
}

// cloneContext copies a @context, inline context objects included.
func cloneContext(ctx []any) []any {
	if ctx == nil {
		return nil
	}
	out := make([]any, len(ctx))
	for i, c := range ctx {
		if s, ok := c.(string); ok {
			out[i] = s
			continue
		}
		if b, err := json.Marshal(c); err == nil {
			var v any
			if json.Unmarshal(b, &v) == nil {
				out[i] = v
			}
		}
	}
	return out
}

func cloneMethods(vms []VerificationMethod) []VerificationMethod {
	if vms == nil {
		return nil
	}
	out := make([]VerificationMethod, len(vms))
	for i, vm := range vms {
		out[i] = vm.clone()
	}
	return out
}

func cloneRefs(refs []MethodRef) []MethodRef {
	if refs == nil {
		return nil
	}
	out := make([]MethodRef, len(refs))
	for i, ref := range refs {
		out[i] = ref
		if ref.Method != nil {
			vm := ref.Method.clone()
			out[i].Method = &vm
		}
	}
	return out
}

// MethodRef is an entry of a verification relationship (assertionMethod,
// authentication): the id of a method listed in verificationMethod, or a
// method embedded in place.
type MethodRef struct {
	ID     string              // the referenced method's id, when Method is nil
	Method *VerificationMethod // the embedded method, if any
}

func (r MethodRef) id() string {
	if r.Method != nil {
		return r.Method.ID
	}
	return r.ID
}

// MarshalJSON writes the reference as a string, or the embedded method.
func (r MethodRef) MarshalJSON() ([]byte, error) {
	if r.Method != nil {
		return json.Marshal(r.Method)
	}
	return json.Marshal(r.ID)
}

// UnmarshalJSON reads a string reference or an embedded method.
func (r *MethodRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var vm VerificationMethod
		if err := json.Unmarshal(b, &vm); err != nil {
			return err
		}
		*r = MethodRef{ID: vm.ID, Method: &vm}
		return nil
	}
	var id string
	if err := json.Unmarshal(b, &id); err != nil {
		return err
	}
	*r = MethodRef{ID: id}
	return nil
}

// VerificationMethod is a public key in a DID document. badged writes
// Type "Multikey" with PublicKeyMultibase; it reads Multikey,
// Ed25519VerificationKey2020, EcdsaSecp256r1VerificationKey2019
// (publicKeyMultibase), Ed25519VerificationKey2018 (publicKeyBase58),
// JsonWebKey and JsonWebKey2020 (publicKeyJwk).
type VerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
	PublicKeyBase58    string `json:"publicKeyBase58,omitempty"`
	PublicKeyJwk       *JWK   `json:"publicKeyJwk,omitempty"`
}

// NewMultikeyMethod returns a Multikey verification method for pub,
// controlled by controller, whose id is controller#<the key's multikey>:
// an id that names the key, so a rotated key never reuses an old key's id.
// Keys other than Ed25519 and P-256 are an error of kind badged.Invalid.
func NewMultikeyMethod(controller string, pub crypto.PublicKey) (VerificationMethod, error) {
	mk, err := EncodeMultikey(pub)
	if err != nil {
		return VerificationMethod{}, err
	}
	return VerificationMethod{ID: controller + "#" + mk, Type: "Multikey", Controller: controller, PublicKeyMultibase: mk}, nil
}

// PublicKey returns the method's key: an ed25519.PublicKey or a P-256
// *ecdsa.PublicKey. An unsupported type, a missing key, or a malformed or
// mismatched key is an error of kind badged.Invalid.
func (vm VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	var pub crypto.PublicKey
	var err error
	switch vm.Type {
	case "Multikey", "Ed25519VerificationKey2020", "EcdsaSecp256r1VerificationKey2019":
		if vm.PublicKeyMultibase == "" {
			return nil, badged.Errorf(badged.Invalid, "verification method %s has no publicKeyMultibase", short(vm.ID))
		}
		pub, err = DecodeMultikey(vm.PublicKeyMultibase)
	case "Ed25519VerificationKey2018":
		b, derr := base58.Decode(vm.PublicKeyBase58)
		if derr != nil || len(b) != ed25519.PublicKeySize {
			return nil, badged.Errorf(badged.Invalid, "verification method %s: publicKeyBase58 is not a base58 Ed25519 key", short(vm.ID))
		}
		pub = ed25519.PublicKey(b)
	case "JsonWebKey", "JsonWebKey2020":
		if vm.PublicKeyJwk == nil {
			return nil, badged.Errorf(badged.Invalid, "verification method %s has no publicKeyJwk", short(vm.ID))
		}
		pub, err = vm.PublicKeyJwk.PublicKey()
	default:
		return nil, badged.Errorf(badged.Invalid, "verification method %s: type %q is not supported", short(vm.ID), vm.Type)
	}
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "verification method %s: %s", short(vm.ID), badged.MessageOf(err))
	}
	switch pub.(type) {
	case ed25519.PublicKey:
		if vm.Type == "EcdsaSecp256r1VerificationKey2019" {
			return nil, badged.Errorf(badged.Invalid, "verification method %s: type %s holds an Ed25519 key", short(vm.ID), vm.Type)
		}
	case *ecdsa.PublicKey:
		if strings.HasPrefix(vm.Type, "Ed25519") {
			return nil, badged.Errorf(badged.Invalid, "verification method %s: type %s holds a P-256 key", short(vm.ID), vm.Type)
		}
	}
	return pub, nil
}

func (vm VerificationMethod) clone() VerificationMethod {
	if vm.PublicKeyJwk != nil {
		k := *vm.PublicKeyJwk
		vm.PublicKeyJwk = &k
	}
	return vm
}
