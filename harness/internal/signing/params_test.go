package signing

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParamsAdd(t *testing.T) {
	tests := []struct {
		name  string
		start Params
		add   []Param
		want  Params
	}{
		{
			name: "into nil",
			add:  []Param{{Name: "To", Value: "+1"}},
			want: Params{{Name: "To", Value: "+1"}},
		},
		{
			name: "each at its place",
			add:  []Param{{Name: "To", Value: "t"}, {Name: "CallSid", Value: "c"}, {Name: "From", Value: "f"}, {Name: "AccountSid", Value: "a"}, {Name: "Zz", Value: "z"}},
			want: Params{{Name: "AccountSid", Value: "a"}, {Name: "CallSid", Value: "c"}, {Name: "From", Value: "f"}, {Name: "To", Value: "t"}, {Name: "Zz", Value: "z"}},
		},
		{
			name:  "byte order: upper case before lower case",
			start: Params{{Name: "B", Value: "1"}},
			add:   []Param{{Name: "a", Value: "2"}, {Name: "A", Value: "3"}, {Name: "_", Value: "4"}},
			want:  Params{{Name: "A", Value: "3"}, {Name: "B", Value: "1"}, {Name: "_", Value: "4"}, {Name: "a", Value: "2"}},
		},
		{
			name:  "prefixes before longer names",
			start: Params{{Name: "Called", Value: ""}, {Name: "CalledZip", Value: ""}},
			add:   []Param{{Name: "CalledCity", Value: "x"}, {Name: "Call", Value: "y"}, {Name: "CallSid", Value: "z"}},
			want:  Params{{Name: "Call", Value: "y"}, {Name: "CallSid", Value: "z"}, {Name: "Called", Value: ""}, {Name: "CalledCity", Value: "x"}, {Name: "CalledZip", Value: ""}},
		},
		{
			// Add does not check names: it inserts before the one present.
			name:  "a name already present is inserted again",
			start: Params{{Name: "A", Value: "1"}, {Name: "B", Value: "old"}, {Name: "C", Value: "3"}},
			add:   []Param{{Name: "B", Value: "new"}},
			want:  Params{{Name: "A", Value: "1"}, {Name: "B", Value: "new"}, {Name: "B", Value: "old"}, {Name: "C", Value: "3"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := append(Params(nil), tt.start...)
			for _, kv := range tt.add {
				p.Add(kv.Name, kv.Value)
			}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if !p.Sorted() {
				t.Errorf("Sorted() = false after Add")
			}
		})
	}
}

func TestParamsSet(t *testing.T) {
	tests := []struct {
		name  string
		start Params
		set   []Param
		want  Params
	}{
		{
			name: "into nil",
			set:  []Param{{Name: "CallStatus", Value: "ringing"}},
			want: Params{{Name: "CallStatus", Value: "ringing"}},
		},
		{
			name:  "replaces in place",
			start: Params{{Name: "AccountSid", Value: "a"}, {Name: "CallStatus", Value: ""}, {Name: "To", Value: "t"}},
			set:   []Param{{Name: "CallStatus", Value: "ringing"}},
			want:  Params{{Name: "AccountSid", Value: "a"}, {Name: "CallStatus", Value: "ringing"}, {Name: "To", Value: "t"}},
		},
		{
			name:  "inserts at its place",
			start: Params{{Name: "AccountSid", Value: "a"}, {Name: "To", Value: "t"}},
			set:   []Param{{Name: "From", Value: "f"}, {Name: "Zz", Value: "z"}, {Name: "A", Value: "0"}},
			want:  Params{{Name: "A", Value: "0"}, {Name: "AccountSid", Value: "a"}, {Name: "From", Value: "f"}, {Name: "To", Value: "t"}, {Name: "Zz", Value: "z"}},
		},
		{
			name:  "twice keeps one",
			start: Params{{Name: "A", Value: "1"}},
			set:   []Param{{Name: "B", Value: "first"}, {Name: "B", Value: "second"}, {Name: "A", Value: "2"}},
			want:  Params{{Name: "A", Value: "2"}, {Name: "B", Value: "second"}},
		},
		{
			name:  "to the empty value",
			start: Params{{Name: "A", Value: "1"}},
			set:   []Param{{Name: "A", Value: ""}},
			want:  Params{{Name: "A", Value: ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := append(Params(nil), tt.start...)
			for _, kv := range tt.set {
				p.Set(kv.Name, kv.Value)
			}
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if !p.Sorted() {
				t.Errorf("Sorted() = false after Set")
			}
		})
	}
}

func TestParamsGet(t *testing.T) {
	p := Params{{Name: "A", Value: "1"}, {Name: "Called", Value: ""}, {Name: "Caller", Value: "+1"}, {Name: "b", Value: "lower"}}
	tests := []struct {
		name   string
		input  string
		want   string
		wantOK bool
	}{
		{name: "first", input: "A", want: "1", wantOK: true},
		{name: "empty value", input: "Called", want: "", wantOK: true},
		{name: "middle", input: "Caller", want: "+1", wantOK: true},
		{name: "last", input: "b", want: "lower", wantOK: true},
		{name: "missing", input: "B"},
		{name: "prefix of a name", input: "Call"},
		{name: "empty name", input: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := p.Get(tt.input)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.input, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParamsSort(t *testing.T) {
	tests := []struct {
		name       string
		input      Params
		want       Params
		wantSorted bool // Sorted() before sorting
	}{
		{name: "nil", wantSorted: true},
		{name: "one", input: Params{{Name: "A", Value: "1"}}, want: Params{{Name: "A", Value: "1"}}, wantSorted: true},
		{name: "sorted", input: Params{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, want: Params{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, wantSorted: true},
		{
			name:  "appended out of order",
			input: Params{{Name: "To", Value: "t"}, {Name: "Digits", Value: "1"}, {Name: "AccountSid", Value: "a"}, {Name: "msg", Value: "Gather End"}, {Name: "FinishedOnKey", Value: "#"}},
			want:  Params{{Name: "AccountSid", Value: "a"}, {Name: "Digits", Value: "1"}, {Name: "FinishedOnKey", Value: "#"}, {Name: "To", Value: "t"}, {Name: "msg", Value: "Gather End"}},
		},
		{
			name:  "byte order, not case folded",
			input: Params{{Name: "b", Value: ""}, {Name: "B", Value: ""}, {Name: "a", Value: ""}, {Name: "A", Value: ""}},
			want:  Params{{Name: "A", Value: ""}, {Name: "B", Value: ""}, {Name: "a", Value: ""}, {Name: "b", Value: ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := append(Params(nil), tt.input...)
			if got := p.Sorted(); got != tt.wantSorted {
				t.Errorf("Sorted() = %v, want %v", got, tt.wantSorted)
			}
			p.Sort()
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if !p.Sorted() {
				t.Errorf("Sorted() = false after Sort")
			}
		})
	}
}

func TestParamsValues(t *testing.T) {
	tests := []struct {
		name  string
		input Params
		want  url.Values
	}{
		{name: "nil", want: url.Values{}},
		{name: "values", input: Params{{Name: "A", Value: "1"}, {Name: "B", Value: ""}}, want: url.Values{"A": {"1"}, "B": {""}}},
		{name: "repeated name in order", input: Params{{Name: "A", Value: "1"}, {Name: "A", Value: "2"}}, want: url.Values{"A": {"1", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.input.Values()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
