// Package badgeimage owns badge images: it turns the bytes someone uploads
// into an image badged can serve to anyone, draws the default image of a
// badge class that has none, and names images by their content.
//
// # Uploads
//
// [Sanitize] accepts a PNG, a JPEG or an SVG, sniffed from its
// content (a file name or Content-Type is never trusted), and return a new
// document, never the one uploaded:
//
//   - PNG and JPEG: the header is read first, and an image wider or taller
//     than [MaxEdge] pixels is refused before any pixel is decoded, so a
//     small file declaring a huge image (a decompression bomb) costs
//     nothing. The pixels are then decoded, scaled down to at most
//     [ServedEdge] pixels a side, and encoded again as a PNG that holds
//     only its pixels: no text, time, colour profile or other chunk
//     survives.
//   - SVG: the XML is read token by token and written out again from an
//     allowlist of elements and attributes (shapes, paths, text, gradients,
//     patterns, masks, filters, groups, definitions, use). What could run
//     code or reach the network is refused, not stripped, so that the
//     person uploading learns why: script, foreignObject, event handler
//     attributes, javascript: URLs, any reference other than a local
//     #fragment (href, xlink:href, url()), CSS functions and at-rules other
//     than a harmless few, processing instructions and DOCTYPE
//     declarations (of XML entities; a bare SVG DOCTYPE naming its DTD,
//     which is never read, is dropped). Editor metadata (Inkscape, Sodipodi, RDF,
//     metadata elements) and baked credentials are dropped. Documents are
//     limited to [MaxSVGElements] elements nested at most [MaxSVGDepth]
//     deep, and get a viewBox (derived from width and height when
//     missing).
//
// Every error for bad input is a *badged.Error of kind Invalid (TooLarge
// beyond [MaxBytes]) whose message can be shown to the person who
// uploaded the file.
//
// Sanitizing is idempotent: sanitizing an image's output again gives the
// same bytes, so an image stored by its SHA-256 keeps its name.
//
// # Default images
//
// [Default] draws a badge class's name and issuer as a PNG on a colour of
// the name's, with text whose contrast meets WCAG AA; [DefaultSVG] draws
// its initials on the same colour, for thumbnails.
package badgeimage
