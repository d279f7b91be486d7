package bake

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/badged/badged"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngKeyword is the iTXt keyword of an OB 3.0 credential.
const pngKeyword = "openbadgecredential"

// chunk is one PNG chunk, its data aliasing the image.
type chunk struct {
	typ  string
	data []byte
	raw  []byte // length, type, data and CRC as they appear in the image
}

// PNG returns a copy of img with payload, a JSON credential or a compact
// JWT, baked into it as an uncompressed iTXt chunk with the keyword
// "openbadgecredential" just before IEND. Any credential already baked in is
// replaced, other chunks are kept as they are, and bytes after IEND are
// dropped.
//
// The error is Invalid when img is not a well-formed PNG or payload is
// neither JSON nor a compact JWT, and TooLarge beyond [MaxImageSize] or
// [MaxPayloadSize].
func PNG(img []byte, payload []byte) ([]byte, error) {
	if _, err := payloadFormat(payload); err != nil {
		return nil, err
	}
	chunks, err := readChunks(img)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(img)+len(payload)+len(pngKeyword)+32)
	out = append(out, pngSignature...)
	for _, c := range chunks {
		if c.typ == "iTXt" && bytes.HasPrefix(c.data, []byte(pngKeyword+"\x00")) {
			continue
		}
		if c.typ == "IEND" {
			out = appendChunk(out, "iTXt", itxt(payload))
		}
		out = append(out, c.raw...)
	}
	return out, nil
}

// itxt returns the data of an uncompressed iTXt chunk holding text: keyword,
// NUL, compression flag 0, method 0, empty language tag and translated
// keyword (each NUL terminated), then the text.
func itxt(text []byte) []byte {
	d := make([]byte, 0, len(pngKeyword)+5+len(text))
	d = append(d, pngKeyword...)
	d = append(d, 0, 0, 0, 0, 0)
	return append(d, text...)
}

func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// ExtractPNG returns the credential baked into img: the text of its iTXt
// chunk with the keyword "openbadgecredential", a JSON credential or a
// compact JWT. A compressed chunk is inflated up to [MaxPayloadSize].
//
// The error wraps [ErrNoCredential] when img holds no such chunk. It is
// Invalid when img is not a PNG, is truncated, has a bad CRC, or holds more
// than one credential, and TooLarge beyond the size limits.
func ExtractPNG(img []byte) ([]byte, error) {
	chunks, err := readChunks(img)
	if err != nil {
		return nil, err
	}
	var found []byte
	for _, c := range chunks {
		if c.typ != "iTXt" {
			continue
		}
		text, ok, err := parseITXt(c.data)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if found != nil {
			return nil, badged.Errorf(badged.Invalid, "the PNG holds more than one openbadgecredential chunk")
		}
		found = text
	}
	if found == nil {
		return nil, badged.Wrap(badged.Invalid, ErrNoCredential, "the PNG holds no Open Badges credential")
	}
	if len(bytes.TrimSpace(found)) == 0 {
		return nil, badged.Errorf(badged.Invalid, "the PNG's openbadgecredential chunk is empty")
	}
	return found, nil
}

// parseITXt returns the text of an iTXt chunk if its keyword is
// openbadgecredential; ok is false for other keywords.
func parseITXt(d []byte) (text []byte, ok bool, err error) {
	keyword, rest, found := bytes.Cut(d, []byte{0})
	if !found {
		return nil, false, badged.Errorf(badged.Invalid, "the PNG has a malformed iTXt chunk (no keyword terminator)")
	}
	if string(keyword) != pngKeyword {
		return nil, false, nil
	}
	if len(rest) < 2 {
		return nil, false, badged.Errorf(badged.Invalid, "the PNG's openbadgecredential chunk is truncated")
	}
	compressed, method := rest[0], rest[1]
	rest = rest[2:]
	// Language tag and translated keyword, each NUL terminated.
	for range 2 {
		_, after, found := bytes.Cut(rest, []byte{0})
		if !found {
			return nil, false, badged.Errorf(badged.Invalid, "the PNG's openbadgecredential chunk is truncated")
		}
		rest = after
	}
	switch {
	case compressed == 0:
		if len(rest) > MaxPayloadSize {
			return nil, false, badged.Errorf(badged.TooLarge, "the baked credential is larger than %d bytes", MaxPayloadSize)
		}
		return bytes.Clone(rest), true, nil
	case compressed == 1 && method == 0:
		zr, err := zlib.NewReader(bytes.NewReader(rest))
		if err != nil {
			return nil, false, badged.Errorf(badged.Invalid, "the PNG's compressed openbadgecredential chunk is corrupt: %v", err)
		}
		text, err := io.ReadAll(io.LimitReader(zr, MaxPayloadSize+1))
		if err != nil {
			return nil, false, badged.Errorf(badged.Invalid, "the PNG's compressed openbadgecredential chunk is corrupt: %v", err)
		}
		if len(text) > MaxPayloadSize {
			return nil, false, badged.Errorf(badged.TooLarge, "the baked credential is larger than %d bytes", MaxPayloadSize)
		}
		return text, true, nil
	default:
		return nil, false, badged.Errorf(badged.Invalid, "the PNG's openbadgecredential chunk has an unknown compression (flag %d, method %d)", compressed, method)
	}
}

// readChunks splits a PNG into its chunks up to and including IEND,
// checking the signature, that IHDR comes first, every length and every
// CRC.
func readChunks(img []byte) ([]chunk, error) {
	if len(img) > MaxImageSize {
		return nil, badged.Errorf(badged.TooLarge, "the image is larger than %d bytes", MaxImageSize)
	}
	if !bytes.HasPrefix(img, pngSignature) {
		return nil, badged.Errorf(badged.Invalid, "the file is not a PNG image")
	}
	var chunks []chunk
	rest := img[len(pngSignature):]
	for {
		if len(rest) < 12 {
			return nil, badged.Errorf(badged.Invalid, "the PNG is truncated (no IEND chunk)")
		}
		n := binary.BigEndian.Uint32(rest)
		if n > 1<<31-1 {
			return nil, badged.Errorf(badged.Invalid, "the PNG has a chunk with an invalid length")
		}
		if uint64(n) > uint64(len(rest)-12) {
			return nil, badged.Errorf(badged.Invalid, "the PNG is truncated (a chunk is longer than the file)")
		}
		typ := rest[4:8]
		for _, c := range typ {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return nil, badged.Errorf(badged.Invalid, "the PNG has a chunk with an invalid type")
			}
		}
		data := rest[8 : 8+n]
		want := binary.BigEndian.Uint32(rest[8+n:])
		if crc32.ChecksumIEEE(rest[4:8+n]) != want {
			return nil, badged.Errorf(badged.Invalid, "the PNG is corrupt (bad CRC in a %s chunk)", typ)
		}
		c := chunk{typ: string(typ), data: data, raw: rest[:12+n]}
		if len(chunks) == 0 && c.typ != "IHDR" {
			return nil, badged.Errorf(badged.Invalid, "the PNG does not start with an IHDR chunk")
		}
		chunks = append(chunks, c)
		rest = rest[12+n:]
		if c.typ == "IEND" {
			return chunks, nil
		}
	}
}
