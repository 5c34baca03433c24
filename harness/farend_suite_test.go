package harness_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestFarEnd runs the Ginkgo specs of the far end's documented outcomes
// (farend_test.go) under go test, next to the package's plain tests.
func TestFarEnd(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Far end")
}
