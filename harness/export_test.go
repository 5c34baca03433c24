package harness

// VerificationsOf is how many caller ID verifications s holds, for tests
// of what a long-lived server keeps.
func VerificationsOf(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dir.verifications)
}
