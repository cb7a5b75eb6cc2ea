package wire

// parseMagicVersion reads the magic and version that open a connection's
// first frame. The version is checked before anything after it, so that a
// newer peer is told about the version rather than about its layout.
func parseMagicVersion(p *parser) {
	var m [4]byte
	p.array("magic", m[:])
	if p.err == nil && m != Magic {
		p.fail("magic", "got %q, want %q (not an nport peer)", m[:], Magic[:])
	}
	checkVersion(p)
}

// checkVersion reads a version byte and refuses any but ProtocolVersion.
func checkVersion(p *parser) {
	v := p.u8("version")
	if p.err == nil && v != ProtocolVersion {
		p.err = versionError(p.t, v)
	}
}

// appendMagicVersion is the encoder's side of parseMagicVersion.
func appendMagicVersion(b []byte) []byte {
	return append(append(b, Magic[:]...), ProtocolVersion)
}
