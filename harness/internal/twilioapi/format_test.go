package twilioapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormatContentType(t *testing.T) {
	tests := []struct {
		name  string
		input Format
		want  string
	}{
		{name: "xml", input: XML, want: "application/xml"},
		{name: "json", input: JSON, want: "application/json"},
		{name: "csv", input: CSV, want: "text/csv"},
		{name: "unknown value is xml", input: Format(42), want: "application/xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.input.ContentType()); diff != "" {
				t.Errorf("ContentType() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatString(t *testing.T) {
	tests := []struct {
		name  string
		input Format
		want  string
	}{
		{name: "xml", input: XML, want: "xml"},
		{name: "json", input: JSON, want: "json"},
		{name: "csv", input: CSV, want: "csv"},
		{name: "unknown value is xml", input: Format(-1), want: "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.input.String()); diff != "" {
				t.Errorf("String() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitExt(t *testing.T) {
	type split struct{ Name, Ext string }
	tests := []struct {
		name  string
		input string
		want  split
	}{
		{name: "json", input: "CA123.json", want: split{"CA123", "json"}},
		{name: "csv", input: "Calls.csv", want: split{"Calls", "csv"}},
		{name: "no extension", input: "CA123", want: split{"CA123", ""}},
		{name: "empty", input: "", want: split{"", ""}},
		{name: "last dot wins", input: "a.b.json", want: split{"a.b", "json"}},
		{name: "trailing dot", input: "CA123.", want: split{"CA123", ""}},
		{name: "only extension", input: ".json", want: split{"", "json"}},
		{name: "extension kept as sent", input: "CA123.JSON", want: split{"CA123", "JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got split
			got.Name, got.Ext = SplitExt(tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SplitExt(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	type result struct {
		Format Format
		OK     bool
	}
	tests := []struct {
		name  string
		input string
		want  result
	}{
		{name: "json", input: "json", want: result{JSON, true}},
		{name: "csv", input: "csv", want: result{CSV, true}},
		{name: "xml", input: "xml", want: result{XML, true}},
		{name: "none is the 2010 default, xml", input: "", want: result{XML, true}},
		{name: "case-sensitive", input: "JSON", want: result{JSON, false}},
		{name: "unknown", input: "html", want: result{JSON, false}},
		{name: "with dot", input: ".json", want: result{JSON, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			got.Format, got.OK = FormatOf(tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FormatOf(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}
