package record

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/sys/cpu"

	"github.com/nport/nport/wire"
)

// Cipher is a record AEAD, by its wire name (wire.Cipher*).
type Cipher string

// The ciphers.
const (
	ChaCha20Poly1305 Cipher = wire.CipherChaCha20Poly1305
	AES256GCM        Cipher = wire.CipherAES256GCM
)

// hasAESGCM reports whether this CPU seals AES-GCM in hardware (AES and
// carry-less multiplication instructions), where it is several times
// faster than ChaCha20-Poly1305; without them it is slower, and not
// constant-time in software, so it is never offered.
var hasAESGCM = cpu.X86.HasAES && cpu.X86.HasPCLMULQDQ ||
	cpu.ARM64.HasAES && cpu.ARM64.HasPMULL ||
	runtime.GOARCH == "s390x" && cpu.S390X.HasAES && cpu.S390X.HasAESGCM

// Offer returns the ciphers this end offers, best first: AES-256-GCM
// where the CPU has AES instructions, ChaCha20-Poly1305 always.
func Offer() []Cipher {
	if hasAESGCM {
		return []Cipher{AES256GCM, ChaCha20Poly1305}
	}
	return []Cipher{ChaCha20Poly1305}
}

// Choose returns the cipher a daemon picks among those a client offers:
// AES-256-GCM when both have AES instructions, else ChaCha20-Poly1305,
// which every nport speaks (an empty offer means it).
func Choose(offered []string) Cipher {
	if hasAESGCM && slices.Contains(offered, string(AES256GCM)) {
		return AES256GCM
	}
	return ChaCha20Poly1305
}

// ParseCipher reads a cipher name from a tunnel reply; empty means
// ChaCha20-Poly1305.
func ParseCipher(name string) (Cipher, error) {
	switch c := Cipher(name); c {
	case "":
		return ChaCha20Poly1305, nil
	case ChaCha20Poly1305, AES256GCM:
		return c, nil
	}
	return "", fmt.Errorf("record: unknown cipher %q (this nport speaks %s and %s: upgrade the older side)", name, AES256GCM, ChaCha20Poly1305)
}

// aead returns the AEAD of cipher c with key k.
func (c Cipher) aead(k []byte) (cipher.AEAD, error) {
	switch c {
	case ChaCha20Poly1305:
		return chacha20poly1305.New(k)
	case AES256GCM:
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	}
	return nil, fmt.Errorf("unknown cipher %q", string(c))
}
