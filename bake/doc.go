// Package bake puts an Open Badges 3.0 credential into a badge image and
// takes it out again ("baking", OB 3.0 section 5.3).
//
// # PNG
//
// The credential is the text of one uncompressed iTXt chunk with the keyword
// "openbadgecredential", placed before IEND. [PNG] replaces any such chunk
// already there; [ExtractPNG] checks every chunk's length and CRC and also
// reads a compressed iTXt written by other tools.
//
// # SVG
//
// The root <svg> element declares
// xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" and its first child
// is an <openbadges:credential> element. A credential secured with an
// embedded proof (JSON) is the element's CDATA content; a VC-JWT (compact
// JWS) is the value of its verify attribute:
//
//	<openbadges:credential><![CDATA[{"@context": ...}]]></openbadges:credential>
//	<openbadges:credential verify="eyJhbGciOi..."/>
//
// # Limits
//
// Images and payloads are untrusted. Inputs larger than [MaxImageSize] and
// payloads larger than [MaxPayloadSize] are refused, a DOCTYPE with an
// internal subset (where XML entities are declared) is refused, and malformed
// input gives an error, never a panic. Errors are *badged.Error values of
// kind Invalid or TooLarge whose message can be shown to the person who
// uploaded the image.
package bake
