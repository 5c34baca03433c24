package warmtransfer_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestWarmTransfer runs the Ginkgo specs of the support line's warm
// transfer under go test.
func TestWarmTransfer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Warm Transfer Suite")
}
