// Text that goes into a mail header (subject, display names): one line, no control or bidi characters, bounded.
// nodemailer encodes what remains (RFC 2047), so nothing a user wrote can start a header of its own.

// C0/C1 controls (CR and LF among them), line and paragraph separators, bidi overrides and isolates.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+/g

export function headerText(value: string, maxLength = 200): string {
  const line = value.replace(unsafe, ' ').replace(/\s+/g, ' ').trim()
  return line.length > maxLength ? line.slice(0, maxLength - 1).trimEnd() + '…' : line
}

/**
 * An address a message may be sent to: one mailbox, no display name, no header syntax, no whitespace. Stricter than
 * RFC 5321 on purpose: what reaches the RCPT TO and the To header is exactly what a member typed and confirmed.
 */
export function isSendableAddress(value: string): boolean {
  if (value.length > 254) return false
  return /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+@[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+\.[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f.]+$/u.test(
    value,
  )
}
