package twilioapi

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInputError(t *testing.T) {
	var err error = &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: x"}
	if diff := cmp.Diff("PageSize must be a positive integer: x", err.Error()); diff != "" {
		t.Errorf("Error() mismatch (-want +got):\n%s", diff)
	}
}

func TestFormGetRaw(t *testing.T) {
	form := Form{"To": {"  +15550100 \t", "second"}, "Empty": {""}, "Blank": {"   "}}
	tests := []struct {
		name    string
		input   string
		wantGet string
		wantRaw string
	}{
		{name: "trimmed by Get, not by Raw", input: "To", wantGet: "+15550100", wantRaw: "  +15550100 \t"},
		{name: "empty", input: "Empty", wantGet: "", wantRaw: ""},
		{name: "blank", input: "Blank", wantGet: "", wantRaw: "   "},
		{name: "absent", input: "From", wantGet: "", wantRaw: ""},
		{name: "case-sensitive names", input: "to", wantGet: "", wantRaw: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.wantGet, form.Get(tt.input)); diff != "" {
				t.Errorf("Get(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
			if diff := cmp.Diff(tt.wantRaw, form.Raw(tt.input)); diff != "" {
				t.Errorf("Raw(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

func TestFormHas(t *testing.T) {
	form := Form{"Present": {"x"}, "Empty": {""}, "NoValues": {}}
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{name: "with a value", input: "Present", want: true},
		{name: "present but empty", input: "Empty", want: true},
		{name: "key without values", input: "NoValues", want: true},
		{name: "absent", input: "Absent", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := form.Has(tt.input); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
}

func TestFormList(t *testing.T) {
	tests := []struct {
		name  string
		input string // a request body
		want  []string
	}{
		{name: "repeated key", input: "StatusCallbackEvent=initiated&StatusCallbackEvent=answered", want: []string{"initiated", "answered"}},
		{name: "separated by spaces", input: "StatusCallbackEvent=initiated+ringing++answered", want: []string{"initiated", "ringing", "answered"}},
		{name: "both", input: "StatusCallbackEvent=initiated+ringing&StatusCallbackEvent=%20completed%09", want: []string{"initiated", "ringing", "completed"}},
		{name: "empty value", input: "StatusCallbackEvent=", want: nil},
		{name: "blank value", input: "StatusCallbackEvent=+++", want: nil},
		{name: "absent", input: "Other=x", want: nil},
		{name: "duplicates kept", input: "StatusCallbackEvent=answered+answered", want: []string{"answered", "answered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.input)
			if err != nil {
				t.Fatalf("url.ParseQuery: %v", err)
			}
			if diff := cmp.Diff(tt.want, Form(q).List("StatusCallbackEvent")); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormURL(t *testing.T) {
	tests := []struct {
		name    string
		input   []string // the values of Url; nil is absent
		want    string
		wantErr error
	}{
		{name: "absent", input: nil, want: ""},
		{name: "empty", input: []string{""}, want: ""},
		{name: "blank", input: []string{"   "}, want: ""},
		{name: "https", input: []string{"https://example.com/twiml?x=1"}, want: "https://example.com/twiml?x=1"},
		{name: "http with a port", input: []string{"http://localhost:8080/a"}, want: "http://localhost:8080/a"},
		{name: "trimmed", input: []string{"  https://example.com/a \n"}, want: "https://example.com/a"},
		{name: "ip address", input: []string{"http://127.0.0.1/a"}, want: "http://127.0.0.1/a"},
		{name: "ipv6", input: []string{"http://[::1]:80/a"}, want: "http://[::1]:80/a"},
		{name: "underscore in the path", input: []string{"https://example.com/a_b"}, want: "https://example.com/a_b"},
		{name: "underscore in the user", input: []string{"https://a_b@example.com/"}, want: "https://a_b@example.com/"},
		{name: "upper-case scheme", input: []string{"HTTPS://example.com/"}, want: "HTTPS://example.com/"},
		{name: "first value only", input: []string{"https://example.com/1", "nope"}, want: "https://example.com/1"},
		{name: "relative", input: []string{"/twiml"}, wantErr: ErrNotURL},
		{name: "no scheme", input: []string{"example.com/twiml"}, wantErr: ErrNotURL},
		{name: "ftp", input: []string{"ftp://example.com/a"}, wantErr: ErrNotURL},
		{name: "mailto", input: []string{"mailto:a@example.com"}, wantErr: ErrNotURL},
		{name: "no host", input: []string{"https:///a"}, wantErr: ErrNotURL},
		{name: "port only", input: []string{"https://:80/a"}, wantErr: ErrNotURL},
		{name: "underscore in the host", input: []string{"https://my_host.example.com/a"}, wantErr: ErrNotURL},
		{name: "does not parse", input: []string{"http://[::1/a"}, wantErr: ErrNotURL},
		{name: "control character", input: []string{"http://example.com/\x7f"}, wantErr: ErrNotURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := Form{}
			if tt.input != nil {
				form["Url"] = tt.input
			}
			got, err := form.URL("Url")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("URL() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("URL() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr bool
	}{
		{name: "https", input: "https://example.com/a"},
		{name: "http", input: "http://example.com"},
		{name: "empty", input: "", wantErr: true},
		{name: "relative", input: "a/b", wantErr: true},
		{name: "ftp", input: "ftp://example.com/", wantErr: true},
		{name: "underscore in the host", input: "http://a_b.example.com", wantErr: true},
		{name: "does not parse", input: "http://%zz", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckURL(tt.input); (err != nil) != tt.wantErr {
				t.Errorf("CheckURL(%q) = %v, want error: %v", tt.input, err, tt.wantErr)
			}
		})
	}
}

func TestMethod(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    string
		wantErr error
	}{
		{name: "empty is post", input: "", want: "POST"},
		{name: "blank is post", input: "  ", want: "POST"},
		{name: "lower-case get", input: "get", want: "GET"},
		{name: "mixed-case post", input: "Post", want: "POST"},
		{name: "spaces trimmed", input: " GET\t", want: "GET"},
		{name: "put", input: "PUT", wantErr: ErrNotMethod},
		{name: "delete", input: "delete", wantErr: ErrNotMethod},
		{name: "garbage", input: "GETS", wantErr: ErrNotMethod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Method(tt.input)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Method(%q) error = %v, want %v", tt.input, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Method(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
			form := Form{"Method": {tt.input}}
			got, err = form.Method("Method")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Form.Method(%q) = %q, %v, want %q, %v", tt.input, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFormMethodAbsent(t *testing.T) {
	got, err := Form{}.Method("StatusCallbackMethod")
	if err != nil {
		t.Fatalf("Method: %v", err)
	}
	if diff := cmp.Diff("POST", got); diff != "" {
		t.Errorf("Method() of an absent parameter mismatch (-want +got):\n%s", diff)
	}
}

func TestFormInt(t *testing.T) {
	type result struct {
		N     int
		Given bool
	}
	tests := []struct {
		name    string
		input   []string // the values of Timeout; nil is absent
		want    result
		wantErr error
	}{
		{name: "absent", input: nil, want: result{0, false}},
		{name: "empty is absent", input: []string{""}, want: result{0, false}},
		{name: "blank is absent", input: []string{" "}, want: result{0, false}},
		{name: "in range", input: []string{"30"}, want: result{30, true}},
		{name: "low bound", input: []string{"5"}, want: result{5, true}},
		{name: "high bound", input: []string{"600"}, want: result{600, true}},
		{name: "whitespace trimmed", input: []string{" 42\n"}, want: result{42, true}},
		{name: "plus sign", input: []string{"+7"}, want: result{7, true}},
		{name: "leading zeros", input: []string{"007"}, want: result{7, true}},
		{name: "below", input: []string{"4"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "above", input: []string{"601"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "negative", input: []string{"-1"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "garbage", input: []string{"ten"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "fraction", input: []string{"5.5"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "inner space", input: []string{"1 0"}, want: result{0, true}, wantErr: ErrNotInt},
		{name: "overflow", input: []string{"99999999999999999999"}, want: result{0, true}, wantErr: ErrNotInt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := Form{}
			if tt.input != nil {
				form["Timeout"] = tt.input
			}
			var got result
			var err error
			got.N, got.Given, err = form.Int("Timeout", 5, 600)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Int() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Int() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormBool(t *testing.T) {
	type result struct {
		B     bool
		Given bool
	}
	tests := []struct {
		name    string
		input   []string // the values of Record; nil is absent
		want    result
		wantErr error
	}{
		{name: "absent", input: nil, want: result{false, false}},
		{name: "empty is absent", input: []string{""}, want: result{false, false}},
		{name: "true", input: []string{"true"}, want: result{true, true}},
		{name: "upper case", input: []string{"TRUE"}, want: result{true, true}},
		{name: "false", input: []string{"false"}, want: result{false, true}},
		{name: "mixed case false", input: []string{"False"}, want: result{false, true}},
		{name: "yes", input: []string{"yes"}, want: result{false, true}, wantErr: ErrNotBool},
		{name: "one", input: []string{"1"}, want: result{false, true}, wantErr: ErrNotBool},
		// Bool reads the value as sent, unlike Get and Int: spaces are an error.
		{name: "spaces not trimmed", input: []string{" true"}, want: result{false, true}, wantErr: ErrNotBool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := Form{}
			if tt.input != nil {
				form["Record"] = tt.input
			}
			var got result
			var err error
			got.B, got.Given, err = form.Bool("Record")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Bool() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Bool() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormChoice(t *testing.T) {
	allowed := []string{"Enable", "DetectMessageEnd"}
	tests := []struct {
		name    string
		input   []string // the values of MachineDetection; nil is absent
		want    string
		wantErr error
	}{
		{name: "absent is the default", input: nil, want: "none"},
		{name: "empty is the default", input: []string{""}, want: "none"},
		{name: "allowed", input: []string{"Enable"}, want: "Enable"},
		{name: "another allowed", input: []string{"DetectMessageEnd"}, want: "DetectMessageEnd"},
		{name: "case-sensitive", input: []string{"enable"}, wantErr: ErrNotChoice},
		{name: "not trimmed", input: []string{"Enable "}, wantErr: ErrNotChoice},
		{name: "unknown", input: []string{"Disable"}, wantErr: ErrNotChoice},
		{name: "default itself is not allowed unless listed", input: []string{"none"}, wantErr: ErrNotChoice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := Form{}
			if tt.input != nil {
				form["MachineDetection"] = tt.input
			}
			got, err := form.Choice("MachineDetection", "none", allowed...)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Choice() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Choice() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
