package matchers

// ReportedTranscript exposes reportedTranscript to the tests.
var ReportedTranscript = reportedTranscript
