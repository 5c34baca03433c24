package reminder_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestReminder runs the Ginkgo specs of the appointment reminder under go
// test.
func TestReminder(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Appointment Reminder Suite")
}
