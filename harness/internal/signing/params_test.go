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
			add:  []Param{{"To", "+1"}},
			want: Params{{"To", "+1"}},
		},
		{
			name: "each at its place",
			add:  []Param{{"To", "t"}, {"CallSid", "c"}, {"From", "f"}, {"AccountSid", "a"}, {"Zz", "z"}},
			want: Params{{"AccountSid", "a"}, {"CallSid", "c"}, {"From", "f"}, {"To", "t"}, {"Zz", "z"}},
		},
		{
			name:  "byte order: upper case before lower case",
			start: Params{{"B", "1"}},
			add:   []Param{{"a", "2"}, {"A", "3"}, {"_", "4"}},
			want:  Params{{"A", "3"}, {"B", "1"}, {"_", "4"}, {"a", "2"}},
		},
		{
			name:  "prefixes before longer names",
			start: Params{{"Called", ""}, {"CalledZip", ""}},
			add:   []Param{{"CalledCity", "x"}, {"Call", "y"}, {"CallSid", "z"}},
			want:  Params{{"Call", "y"}, {"CallSid", "z"}, {"Called", ""}, {"CalledCity", "x"}, {"CalledZip", ""}},
		},
		{
			// Add does not check names: it inserts before the one present.
			name:  "a name already present is inserted again",
			start: Params{{"A", "1"}, {"B", "old"}, {"C", "3"}},
			add:   []Param{{"B", "new"}},
			want:  Params{{"A", "1"}, {"B", "new"}, {"B", "old"}, {"C", "3"}},
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
			set:  []Param{{"CallStatus", "ringing"}},
			want: Params{{"CallStatus", "ringing"}},
		},
		{
			name:  "replaces in place",
			start: Params{{"AccountSid", "a"}, {"CallStatus", ""}, {"To", "t"}},
			set:   []Param{{"CallStatus", "ringing"}},
			want:  Params{{"AccountSid", "a"}, {"CallStatus", "ringing"}, {"To", "t"}},
		},
		{
			name:  "inserts at its place",
			start: Params{{"AccountSid", "a"}, {"To", "t"}},
			set:   []Param{{"From", "f"}, {"Zz", "z"}, {"A", "0"}},
			want:  Params{{"A", "0"}, {"AccountSid", "a"}, {"From", "f"}, {"To", "t"}, {"Zz", "z"}},
		},
		{
			name:  "twice keeps one",
			start: Params{{"A", "1"}},
			set:   []Param{{"B", "first"}, {"B", "second"}, {"A", "2"}},
			want:  Params{{"A", "2"}, {"B", "second"}},
		},
		{
			name:  "to the empty value",
			start: Params{{"A", "1"}},
			set:   []Param{{"A", ""}},
			want:  Params{{"A", ""}},
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
	p := Params{{"A", "1"}, {"Called", ""}, {"Caller", "+1"}, {"b", "lower"}}
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
		{name: "one", input: Params{{"A", "1"}}, want: Params{{"A", "1"}}, wantSorted: true},
		{name: "sorted", input: Params{{"A", "1"}, {"B", "2"}}, want: Params{{"A", "1"}, {"B", "2"}}, wantSorted: true},
		{
			name:  "appended out of order",
			input: Params{{"To", "t"}, {"Digits", "1"}, {"AccountSid", "a"}, {"msg", "Gather End"}, {"FinishedOnKey", "#"}},
			want:  Params{{"AccountSid", "a"}, {"Digits", "1"}, {"FinishedOnKey", "#"}, {"To", "t"}, {"msg", "Gather End"}},
		},
		{
			name:  "byte order, not case folded",
			input: Params{{"b", ""}, {"B", ""}, {"a", ""}, {"A", ""}},
			want:  Params{{"A", ""}, {"B", ""}, {"a", ""}, {"b", ""}},
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
		{name: "values", input: Params{{"A", "1"}, {"B", ""}}, want: url.Values{"A": {"1"}, "B": {""}}},
		{name: "repeated name in order", input: Params{{"A", "1"}, {"A", "2"}}, want: url.Values{"A": {"1", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.input.Values()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
