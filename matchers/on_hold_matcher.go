package matchers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveBeenOnHold succeeds when the call was put on hold in a conference
// (the Participants API's Hold), whether or not it is still.
//
//	Expect(customer).To(HaveBeenOnHold())
//	Expect(agent).NotTo(HaveBeenOnHold())
func HaveBeenOnHold() types.GomegaMatcher {
	return &onHoldMatcher{}
}

type onHoldMatcher struct {
	got []string // the conferences it was held in, with the hold music
}

func (m *onHoldMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveBeenOnHold", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	for _, e := range conferenceEvents(c, harness.ActionHeld) {
		m.got = append(m.got, "in "+strconv.Quote(e.Conference)+", hearing "+e.URL)
	}
	return len(m.got) > 0, nil
}

func (m *onHoldMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have been on hold in a conference, but it never was%s", subject(actual), callAndConference(actual))
}

func (m *onHoldMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s never to have been on hold in a conference, but it was:\n    %s%s", subject(actual),
		strings.Join(m.got, "\n    "), callAndConference(actual))
}

func (m *onHoldMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
