package bookingagent_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestBookingAgent runs the Ginkgo specs of the booking agent under go
// test.
func TestBookingAgent(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Booking Agent Suite")
}
