package twilioapi

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDate(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		input time.Time
		want  string
	}{
		{name: "utc", input: time.Date(2010, 8, 31, 20, 36, 28, 0, time.UTC), want: "Tue, 31 Aug 2010 20:36:28 +0000"},
		{name: "other zone in utc", input: time.Date(2025, 1, 6, 10, 0, 0, 0, paris), want: "Mon, 06 Jan 2025 09:00:00 +0000"},
		{name: "crosses midnight back", input: time.Date(2025, 1, 7, 0, 30, 0, 0, paris), want: "Mon, 06 Jan 2025 23:30:00 +0000"},
		{name: "negative offset crosses midnight forward", input: time.Date(2025, 1, 5, 23, 0, 0, 0, time.FixedZone("", -5*3600)), want: "Mon, 06 Jan 2025 04:00:00 +0000"},
		{name: "fraction dropped", input: time.Date(2025, 1, 6, 9, 0, 0, 999999999, time.UTC), want: "Mon, 06 Jan 2025 09:00:00 +0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Date(tt.input)); diff != "" {
				t.Errorf("Date() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDateFilter(t *testing.T) {
	tests := []struct {
		name    string
		filter  string
		input   string
		want    DateFilter
		wantErr *InputError
	}{
		{
			name: "day is its midnight utc", filter: "StartTime", input: "2025-01-06",
			want: DateFilter{Name: "StartTime", At: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), Day: true},
		},
		{
			name: "suffix kept in the name", filter: "StartTime<", input: "2025-01-06",
			want: DateFilter{Name: "StartTime<", At: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), Day: true},
		},
		{
			name: "rfc 3339 utc", filter: "EndTime>", input: "2025-01-06T09:00:00Z",
			want: DateFilter{Name: "EndTime>", At: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)},
		},
		{
			name: "rfc 3339 with an offset, in utc", filter: "StartTime", input: "2025-01-06T01:30:00+02:00",
			want: DateFilter{Name: "StartTime", At: time.Date(2025, 1, 5, 23, 30, 0, 0, time.UTC)},
		},
		{
			name: "rfc 3339 with a fraction", filter: "StartTime", input: "2025-01-06T09:00:00.5-05:00",
			want: DateFilter{Name: "StartTime", At: time.Date(2025, 1, 6, 14, 0, 0, 5e8, time.UTC)},
		},
		{
			name: "garbage", filter: "StartTime<", input: "yesterday",
			wantErr: &InputError{Param: "StartTime<", Message: "StartTime< must be a date as YYYY-MM-DD or an RFC 3339 time: yesterday"},
		},
		{
			name: "empty", filter: "StartTime", input: "",
			wantErr: &InputError{Param: "StartTime", Message: "StartTime must be a date as YYYY-MM-DD or an RFC 3339 time: "},
		},
		{
			name: "no such month", filter: "StartTime", input: "2025-13-01",
			wantErr: &InputError{Param: "StartTime", Message: "StartTime must be a date as YYYY-MM-DD or an RFC 3339 time: 2025-13-01"},
		},
		{
			name: "time without a zone", filter: "StartTime>", input: "2025-01-06T09:00:00",
			wantErr: &InputError{Param: "StartTime>", Message: "StartTime> must be a date as YYYY-MM-DD or an RFC 3339 time: 2025-01-06T09:00:00"},
		},
		{
			name: "rfc 2822 is not accepted", filter: "DateCreated", input: "Mon, 06 Jan 2025 09:00:00 +0000",
			wantErr: &InputError{Param: "DateCreated", Message: "DateCreated must be a date as YYYY-MM-DD or an RFC 3339 time: Mon, 06 Jan 2025 09:00:00 +0000"},
		},
		{
			name: "day without padding", filter: "StartTime", input: "2025-1-6",
			wantErr: &InputError{Param: "StartTime", Message: "StartTime must be a date as YYYY-MM-DD or an RFC 3339 time: 2025-1-6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDateFilter(tt.filter, tt.input)
			if tt.wantErr != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("ParseDateFilter(%q, %q) error = %v, want an *InputError", tt.filter, tt.input, err)
				}
				if diff := cmp.Diff(tt.wantErr, ie); diff != "" {
					t.Errorf("ParseDateFilter error mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDateFilter(%q, %q): %v", tt.filter, tt.input, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseDateFilter mismatch (-want +got):\n%s", diff)
			}
			if got.At.Location() != time.UTC {
				t.Errorf("ParseDateFilter At in %v, want UTC", got.At.Location())
			}
		})
	}
}

func TestDateFilterMatch(t *testing.T) {
	utc := func(day, h, m, s, ns int) time.Time { return time.Date(2025, 1, day, h, m, s, ns, time.UTC) }
	bound := utc(6, 9, 0, 0, 0)
	plus2 := time.FixedZone("", 2*3600)
	tests := []struct {
		name  string
		input DateFilter
		at    time.Time
		want  bool
	}{
		{name: "on or before: at the bound", input: DateFilter{Name: "StartTime<", At: bound}, at: bound, want: true},
		{name: "on or before: just before", input: DateFilter{Name: "StartTime<", At: bound}, at: bound.Add(-time.Nanosecond), want: true},
		{name: "on or before: just after", input: DateFilter{Name: "StartTime<", At: bound}, at: bound.Add(time.Nanosecond), want: false},
		{name: "on or before: same instant in another zone", input: DateFilter{Name: "StartTime<", At: bound}, at: bound.In(plus2), want: true},
		{name: "on or after: at the bound", input: DateFilter{Name: "StartTime>", At: bound}, at: bound, want: true},
		{name: "on or after: just after", input: DateFilter{Name: "StartTime>", At: bound}, at: bound.Add(time.Nanosecond), want: true},
		{name: "on or after: just before", input: DateFilter{Name: "StartTime>", At: bound}, at: bound.Add(-time.Nanosecond), want: false},
		{name: "day: its midnight", input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true}, at: utc(6, 0, 0, 0, 0), want: true},
		{name: "day: its last instant", input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true}, at: utc(6, 23, 59, 59, 999999999), want: true},
		{name: "day: the instant before", input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true}, at: utc(5, 23, 59, 59, 999999999), want: false},
		{name: "day: the next midnight", input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true}, at: utc(7, 0, 0, 0, 0), want: false},
		{
			name:  "day: the next day locally, the day in utc",
			input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true},
			at:    time.Date(2025, 1, 7, 1, 0, 0, 0, plus2), want: true,
		},
		{
			name:  "day: the day locally, the day before in utc",
			input: DateFilter{Name: "StartTime", At: utc(6, 0, 0, 0, 0), Day: true},
			at:    time.Date(2025, 1, 6, 1, 0, 0, 0, plus2), want: false,
		},
		{name: "day of an instant: earlier that day", input: DateFilter{Name: "StartTime", At: bound}, at: utc(6, 0, 0, 0, 1), want: true},
		{name: "day of an instant: next day", input: DateFilter{Name: "StartTime", At: bound}, at: utc(7, 0, 0, 0, 0), want: false},
		{name: "zero time: on or before", input: DateFilter{Name: "StartTime<", At: bound}, at: time.Time{}, want: false},
		{name: "zero time: on or after", input: DateFilter{Name: "StartTime>", At: time.Time{}}, at: time.Time{}, want: false},
		{name: "zero time: day", input: DateFilter{Name: "StartTime", At: time.Time{}, Day: true}, at: time.Time{}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.input.Match(tt.at); got != tt.want {
				t.Errorf("%+v.Match(%v) = %v, want %v", tt.input, tt.at, got, tt.want)
			}
		})
	}
}

// TestDateFilterParseThenMatch checks the filters as a list request gives
// them: "StartTime>=2025-01-06" is the name "StartTime>" and the value.
func TestDateFilterParseThenMatch(t *testing.T) {
	at := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter string
		value  string
		want   bool
	}{
		{name: "day", filter: "StartTime", value: "2025-01-06", want: true},
		{name: "other day", filter: "StartTime", value: "2025-01-05", want: false},
		{name: "on or after the day", filter: "StartTime>", value: "2025-01-06", want: true},
		{name: "on or before the day's midnight", filter: "StartTime<", value: "2025-01-06", want: false},
		{name: "on or before the instant, with an offset", filter: "StartTime<", value: "2025-01-06T11:00:00+02:00", want: true},
		{name: "on or after the instant, with an offset", filter: "StartTime>", value: "2025-01-06T11:00:01+02:00", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseDateFilter(tt.filter, tt.value)
			if err != nil {
				t.Fatalf("ParseDateFilter: %v", err)
			}
			if got := f.Match(at); got != tt.want {
				t.Errorf("%s=%s matches %v: %v, want %v", tt.filter, tt.value, at, got, tt.want)
			}
		})
	}
}

// FuzzParseDateFilter checks that any value either parses to a bound in
// UTC or is an *InputError naming the filter.
func FuzzParseDateFilter(f *testing.F) {
	for _, v := range []string{"2025-01-06", "2025-01-06T09:00:00Z", "2025-01-06T01:30:00+02:00", "yesterday", ""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, err := ParseDateFilter("StartTime<", value)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != "StartTime<" {
				t.Fatalf("ParseDateFilter(%q) error = %#v, want an *InputError for StartTime<", value, err)
			}
			return
		}
		if got.At.Location() != time.UTC || got.Name != "StartTime<" {
			t.Fatalf("ParseDateFilter(%q) = %+v, want a bound in UTC", value, got)
		}
		if !got.At.IsZero() && !got.Match(got.At) {
			t.Fatalf("ParseDateFilter(%q) = %+v does not match its own bound", value, got)
		}
	})
}
