package sid

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// draw is one call on a Generator: SID(prefix), or Token() when token is
// set.
type draw struct {
	token  bool
	prefix string
}

// run makes the draws on g and returns what they gave.
func run(t *testing.T, g *Generator, draws []draw) []string {
	t.Helper()
	got := make([]string, 0, len(draws))
	for _, d := range draws {
		if d.token {
			got = append(got, g.Token())
		} else {
			got = append(got, g.SID(d.prefix))
		}
	}
	return got
}

// These values are what the harness has always produced; the golden
// transcripts under harness/testdata depend on them (CA14a93a… is the first
// call of every default-seeded server).
func TestGeneratorPinned(t *testing.T) {
	tests := []struct {
		name  string
		seed  uint64
		draws []draw
		want  []string
	}{
		{
			name:  "seed 1 SIDs",
			seed:  1,
			draws: []draw{{prefix: "CA"}, {prefix: "CA"}, {prefix: "AC"}, {prefix: "RE"}},
			want: []string{
				"CA14a93a1715e9855b46650264436bba03",
				"CAb44ab7e9fbca3ae8e904340c46efafb1",
				"ACdf66238ec5375b9b285fcc7999ae5de6",
				"RE1a253fdaa8e440644080eeab89099b57",
			},
		},
		{
			name:  "seed 1 tokens",
			seed:  1,
			draws: []draw{{token: true}, {token: true}, {token: true}},
			want: []string{
				"d6b8192b-9e43-3d6c-54a5-e7877dac813d",
				"d372ec32-e2da-95e9-6691-b6ef91847c10",
				"7ad00f54-4600-68d7-3b08-2b1aa0c4b788",
			},
		},
		{
			name:  "seed 1 empty prefix",
			seed:  1,
			draws: []draw{{prefix: ""}},
			want:  []string{"14a93a1715e9855b46650264436bba03"},
		},
		{
			name:  "seed 2",
			seed:  2,
			draws: []draw{{prefix: "CA"}, {token: true}},
			want:  []string{"CAcfe62e41b4104b5532fd9f7b3932b426", "0f4f4cd9-dfd7-c25a-a3dc-b1d0f934dc6e"},
		},
		{
			name:  "seed 0",
			seed:  0,
			draws: []draw{{prefix: "CA"}, {token: true}},
			want:  []string{"CA7973602763d2113f7c3caed18b3225be", "da438883-2fe7-c877-5612-6b25db495885"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, New(tt.seed), tt.draws)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeneratorShape(t *testing.T) {
	sidRE := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tokenRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	tests := []struct {
		name   string
		prefix string
	}{
		{name: "two letters", prefix: "CA"},
		{name: "empty", prefix: ""},
		{name: "long", prefix: "prefix-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(42)
			for range 100 {
				s := g.SID(tt.prefix)
				if len(s) != len(tt.prefix)+32 || s[:len(tt.prefix)] != tt.prefix || !sidRE.MatchString(s[len(tt.prefix):]) {
					t.Fatalf("SID(%q) = %q, want the prefix and 32 lowercase hex digits", tt.prefix, s)
				}
				if tok := g.Token(); !tokenRE.MatchString(tok) {
					t.Fatalf("Token() = %q, want 8-4-4-4-12 lowercase hex digits", tok)
				}
			}
		})
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	draws := []draw{{prefix: "CA"}, {token: true}, {prefix: "RE"}, {token: true}, {token: true}, {prefix: "CA"}}
	tests := []struct {
		name string
		seed uint64
	}{
		{name: "zero", seed: 0},
		{name: "default", seed: 1},
		{name: "large", seed: 1<<64 - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := run(t, New(tt.seed), draws)
			got := run(t, New(tt.seed), draws)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeneratorSeedsDiffer(t *testing.T) {
	draws := []draw{{prefix: "CA"}, {token: true}}
	seen := map[string]uint64{}
	for _, seed := range []uint64{0, 1, 2, 3, 1 << 32, 1<<64 - 1} {
		for _, v := range run(t, New(seed), draws) {
			if prev, ok := seen[v]; ok {
				t.Errorf("seeds %d and %d both give %q", prev, seed, v)
			}
			seen[v] = seed
		}
	}
}

func TestGeneratorIndependentStreams(t *testing.T) {
	tok := draw{token: true}
	ca := draw{prefix: "CA"}
	tests := []struct {
		name   string
		before []draw
		next   draw
		want   string
	}{
		{name: "first SID, nothing drawn", next: ca, want: "CA14a93a1715e9855b46650264436bba03"},
		{name: "first SID after a token", before: []draw{tok}, next: ca, want: "CA14a93a1715e9855b46650264436bba03"},
		{name: "first SID after many tokens", before: []draw{tok, tok, tok, tok, tok, tok, tok}, next: ca, want: "CA14a93a1715e9855b46650264436bba03"},
		{name: "second SID with tokens around", before: []draw{tok, ca, tok, tok}, next: ca, want: "CAb44ab7e9fbca3ae8e904340c46efafb1"},
		{name: "first token after SIDs", before: []draw{ca, ca, ca}, next: tok, want: "d6b8192b-9e43-3d6c-54a5-e7877dac813d"},
		{name: "second token with SIDs around", before: []draw{ca, tok, ca}, next: tok, want: "d372ec32-e2da-95e9-6691-b6ef91847c10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(1)
			run(t, g, tt.before)
			if got := run(t, g, []draw{tt.next})[0]; got != tt.want {
				t.Errorf("next = %q, want %q", got, tt.want)
			}
		})
	}
}
