package bake

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/badged/badged"
)

// Limits on what this package reads and writes.
const (
	// MaxImageSize is the largest image, PNG or SVG, that is read or baked.
	MaxImageSize = 16 << 20
	// MaxPayloadSize is the largest credential that is read or baked, also
	// after decompressing a compressed iTXt chunk.
	MaxPayloadSize = 2 << 20
)

// Image kinds returned by [Extract].
const (
	KindPNG = "png"
	KindSVG = "svg"
)

// ErrNoCredential is wrapped by the error of the Extract functions when the
// image is well formed but holds no Open Badges 3.0 credential.
var ErrNoCredential = errors.New("no openbadgecredential in image")

// format of a payload.
type format int

const (
	formatJSON format = iota + 1
	formatJWT
)

// payloadFormat says whether payload is a JSON credential or a compact JWS,
// and refuses anything else.
func payloadFormat(payload []byte) (format, error) {
	if len(payload) == 0 {
		return 0, badged.Errorf(badged.Invalid, "the credential to bake is empty")
	}
	if len(payload) > MaxPayloadSize {
		return 0, badged.Errorf(badged.TooLarge, "the credential is larger than %d bytes", MaxPayloadSize)
	}
	p := bytes.TrimSpace(payload)
	if len(p) > 0 && p[0] == '{' {
		if !json.Valid(p) {
			return 0, badged.Errorf(badged.Invalid, "the credential to bake is not valid JSON")
		}
		return formatJSON, nil
	}
	if isCompactJWS(p) {
		return formatJWT, nil
	}
	return 0, badged.Errorf(badged.Invalid, "the credential to bake is neither a JSON object nor a compact JWT")
}

// isCompactJWS reports whether p looks like header.payload.signature in
// base64url, without checking the parts' contents.
func isCompactJWS(p []byte) bool {
	dots := 0
	for _, c := range p {
		switch {
		case c == '.':
			dots++
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return dots == 2 && p[0] != '.'
}

// Extract returns the credential baked into a PNG or SVG image and the kind
// of image, [KindPNG] or [KindSVG]. It sniffs the image type from its first
// bytes. Errors are those of [ExtractPNG] and [ExtractSVG], or Invalid when
// data is neither.
func Extract(data []byte) (payload []byte, kind string, err error) {
	if bytes.HasPrefix(data, pngSignature) {
		p, err := ExtractPNG(data)
		return p, KindPNG, err
	}
	if looksLikeXML(data) {
		p, err := ExtractSVG(data)
		return p, KindSVG, err
	}
	return nil, "", badged.Errorf(badged.Invalid, "the file is neither a PNG nor an SVG image")
}

// looksLikeXML reports whether data starts, after an optional UTF-8 byte
// order mark and white space, with '<'.
func looksLikeXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}
