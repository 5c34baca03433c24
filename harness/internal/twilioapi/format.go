package twilioapi

import "strings"

// Format is a representation of a resource, chosen by the extension of the
// request's path.
type Format int

// The representations the 2010-04-01 API serves.
const (
	// XML is the 2010 API's default: a path with no extension, or ".xml".
	XML Format = iota
	// JSON is ".json".
	JSON
	// CSV is ".csv": a header row named as the JSON fields, then one row a
	// record.
	CSV
)

// ContentType returns the Content-Type of the representation.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case CSV:
		return "text/csv"
	}
	return "application/xml"
}

// String returns the extension of the representation, without its dot.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case CSV:
		return "csv"
	}
	return "xml"
}

// SplitExt splits the last segment of a path into its name and its
// extension, without the dot: "CA….json" is "CA…" and "json"; "CA…" has
// none.
func SplitExt(segment string) (name, ext string) {
	i := strings.LastIndexByte(segment, '.')
	if i < 0 {
		return segment, ""
	}
	return segment[:i], segment[i+1:]
}

// FormatOf returns the representation an extension asks for: "json",
// "csv", "xml", and "" (the 2010 API's default, XML). ok is false for any
// other extension.
func FormatOf(ext string) (f Format, ok bool) {
	switch ext {
	case "json":
		return JSON, true
	case "csv":
		return CSV, true
	case "xml", "":
		return XML, true
	}
	return JSON, false
}
