package matchers_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// machineCall runs a call that answering machine detection finds to be a
// machine, once its 7-second greeting has ended.
func machineCall(t *testing.T) *harness.Call {
	t.Helper()
	srv := harness.NewServer(t, harness.WithParty(to, scenario.AnsweringMachine(7*time.Second)))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"},
		"MachineDetection": {"DetectMessageEnd"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return c
}

func TestHaveAnsweredBy(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).NotTo(HaveAnsweredBy(gomega.Not(gomega.BeEmpty())))
	g.Expect(machineCall(t)).To(HaveAnsweredBy("machine_end_beep"))
}

func TestHaveAnsweredByFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	machine := machineCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveAnsweredBy", func() { gomega.Expect(c).To(HaveAnsweredBy("human")) },
			[]string{`to be answered by "human", but detection reported nothing (no answering machine detection)`}},
		{"HaveAnsweredBy after detection", func() { gomega.Expect(machine).To(HaveAnsweredBy("human")) },
			[]string{"Expected call " + machine.SID() + ` to be answered by "human", but detection reported "machine_end_beep"`}},
	})
}
