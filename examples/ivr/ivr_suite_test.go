package ivr_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestIVR runs the Ginkgo specs of the clinic's phone menu under go test.
func TestIVR(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Clinic IVR Suite")
}
