// Showing payload bytes: as text when they are valid UTF-8 without control characters, else as hex.
const strict = new TextDecoder('utf-8', { fatal: true })

export function asText (bytes) {
  try {
    const text = strict.decode(bytes)
    return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text
  } catch (e) {
    return null
  }
}

export function asHex (bytes, max = 4096) {
  const shown = bytes.subarray(0, max)
  const hex = Array.from(shown, b => b.toString(16).padStart(2, '0')).join(' ')
  return bytes.length > max ? `${hex} … (${bytes.length} bytes)` : hex
}

export function fromBase64 (text) {
  const raw = atob(text)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}
