package callcentre_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestCallCentre runs the Ginkgo specs of the call centre under go test.
func TestCallCentre(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Call Centre Suite")
}
