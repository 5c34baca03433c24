package harness_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestHarnessSpecs runs the package's Ginkgo specs under go test, next to
// its plain tests: the far end's documented outcomes (farend_test.go) and
// conferences (conference_test.go). A package has one RunSpecs.
func TestHarnessSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Harness specs")
}
