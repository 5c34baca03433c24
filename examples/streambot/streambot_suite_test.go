package streambot_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestStreamBot runs the Ginkgo specs of the answering bot under go test.
func TestStreamBot(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Stream Bot Suite")
}
