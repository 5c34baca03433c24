package matchers_test

import (
	"regexp"
	"testing"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveSaid(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveSaid("Press 2"))
	g.Expect(c).To(HaveSaid(regexp.MustCompile(`Billing is \w+`)))
	g.Expect(c).To(HaveSaid(gomega.HavePrefix("Thanks")))
	g.Expect(c).NotTo(HaveSaid("sales"))
}

func TestHavePlayed(t *testing.T) {
	_, c := menuCall(t)
	gomega.NewWithT(t).Expect(c).To(HavePlayed("beep.mp3"))
}

func TestHaveSaidFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveSaid", func() { gomega.Expect(c).To(HaveSaid("Press 1 for sales")) },
			[]string{`to have said "Press 1 for sales", but it said:`, `"Press 2 for billing"`, `"Billing is busy. Leave a message."`, `"Thanks"`}},
		{"HavePlayed", func() { gomega.Expect(c).To(HavePlayed("hold.mp3")) },
			[]string{`to have played "hold.mp3", but it played:`, `"https://cdn.example.com/beep.mp3"`}},
	})
}
