// A small MQTT 3.1.1 client over WebSocket, enough for the dashboard's live view: CONNECT with a user name
// and password, SUBSCRIBE / UNSUBSCRIBE, receiving PUBLISH at QoS 0, 1 (and 2, should a broker send it),
// PINGREQ keep-alive and DISCONNECT. It publishes nothing: the publish form goes through the REST API.
// Section numbers are those of the OASIS MQTT Version 3.1.1 specification; [MQTT-x.y.z-n] are its rules.
//
//   const client = new MqttWsClient({ url: 'wss://host:8443/mqtt', username: 'admin', password: 'secret' })
//   client.addEventListener('message', e => console.log(e.detail.topic, e.detail.payload))
//   await client.connect()
//   await client.subscribe('sensors/#', 1)

const CONNECT = 1
const CONNACK = 2
const PUBLISH = 3
const PUBACK = 4
const PUBREC = 5
const PUBREL = 6
const PUBCOMP = 7
const SUBSCRIBE = 8
const SUBACK = 9
const UNSUBSCRIBE = 10
const UNSUBACK = 11
const PINGREQ = 12
const PINGRESP = 13
const DISCONNECT = 14

/** The largest Remaining Length four bytes can encode (2.2.3). */
const MAX_REMAINING_LENGTH = 268435455

/** CONNACK return codes (3.2.2.3, table 3.1). */
const CONNACK_REASONS = {
  1: 'the broker does not accept MQTT 3.1.1',
  2: 'the client identifier was rejected',
  3: 'the MQTT service is unavailable',
  4: 'bad user name or password',
  5: 'not authorized'
}

const utf8 = new TextEncoder()
const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/** Remaining Length (2.2.3): 7 bits a byte, low groups first, high bit set while more bytes follow. */
export function encodeRemainingLength (length) {
  if (!Number.isInteger(length) || length < 0 || length > MAX_REMAINING_LENGTH) {
    throw new RangeError(`remaining length ${length} is outside 0..${MAX_REMAINING_LENGTH}`)
  }
  const bytes = []
  do {
    let digit = length % 128
    length = Math.floor(length / 128)
    if (length > 0) digit |= 0x80
    bytes.push(digit)
  } while (length > 0)
  return bytes
}

/**
 * Reads a Remaining Length at offset; returns {value, size} or null if the bytes are not all there yet.
 * Throws on a fifth length byte, which 2.2.3 does not allow.
 */
export function decodeRemainingLength (buffer, offset) {
  let value = 0
  let multiplier = 1
  for (let i = 0; i < 4; i++) {
    if (offset + i >= buffer.length) return null
    const digit = buffer[offset + i]
    value += (digit & 0x7f) * multiplier
    if ((digit & 0x80) === 0) return { value, size: i + 1 }
    multiplier *= 128
  }
  throw new Error('malformed Remaining Length: more than four bytes')
}

/**
 * A UTF-8 encoded string (1.5.3): a two-byte big-endian length, then the bytes. The string must not hold
 * U+0000 [MQTT-1.5.3-2] and its encoding fits 65,535 bytes. Lone surrogates cannot be encoded [MQTT-1.5.3-1]:
 * TextEncoder would turn them into U+FFFD, so they are refused here instead.
 */
export function encodeString (text) {
  if (text.includes('\u0000')) throw new Error('an MQTT string must not contain U+0000 [MQTT-1.5.3-2]')
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new Error('an MQTT string must be well-formed UTF-16 (no lone surrogates) [MQTT-1.5.3-1]')
  }
  return withLength(utf8.encode(text))
}

function withLength (bytes) {
  if (bytes.length > 65535) throw new RangeError('an MQTT string or binary field holds at most 65,535 bytes')
  const out = new Uint8Array(2 + bytes.length)
  out[0] = bytes.length >> 8
  out[1] = bytes.length & 0xff
  out.set(bytes, 2)
  return out
}

/** A whole packet: fixed header (2.2) with type and flags, Remaining Length, then the parts. */
export function packet (type, flags, ...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0)
  const head = [(type << 4) | flags, ...encodeRemainingLength(length)]
  const out = new Uint8Array(head.length + length)
  out.set(head, 0)
  let at = head.length
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

function u16 (n) { return Uint8Array.of(n >> 8, n & 0xff) }

/** CONNECT (3.1): protocol name "MQTT" and level 4 [MQTT-3.1.2-2], flags, keep alive, then the payload (3.1.3). */
export function connectPacket ({ clientId, username, password, keepAlive, cleanSession = true }) {
  let flags = cleanSession ? 0x02 : 0
  const payload = [encodeString(clientId)]
  if (username !== undefined && username !== null) {
    flags |= 0x80 // 3.1.2.8 User Name Flag
    payload.push(encodeString(username))
    if (password !== undefined && password !== null) {
      flags |= 0x40 // 3.1.2.9; a password without a user name is not allowed [MQTT-3.1.2-22]
      payload.push(withLength(utf8.encode(password))) // binary data (3.1.3.5), here the UTF-8 of what was typed
    }
  }
  return packet(CONNECT, 0, encodeString('MQTT'), Uint8Array.of(4, flags), u16(keepAlive), ...payload)
}

/**
 * Cuts a byte stream into packets. A WebSocket message may carry several packets or part of one
 * [MQTT-6.0.0-2], so the bytes are kept until a packet is complete.
 */
export class PacketReader {
  /** @param maxPacketBytes larger packets end the connection: a page must not buffer whatever a peer announces */
  constructor (maxPacketBytes = 4 * 1024 * 1024) {
    this.buffer = new Uint8Array(0)
    this.maxPacketBytes = maxPacketBytes
  }

  /** Adds bytes; returns the packets now complete as {type, flags, body}. */
  push (bytes) {
    const joined = new Uint8Array(this.buffer.length + bytes.length)
    joined.set(this.buffer, 0)
    joined.set(bytes, this.buffer.length)
    this.buffer = joined
    const packets = []
    let at = 0
    for (;;) {
      if (this.buffer.length - at < 2) break
      const length = decodeRemainingLength(this.buffer, at + 1)
      if (length === null) break
      if (length.value > this.maxPacketBytes) throw new Error(`a packet of ${length.value} bytes is over this page's limit of ${this.maxPacketBytes}`)
      const start = at + 1 + length.size
      if (this.buffer.length < start + length.value) break
      packets.push({ type: this.buffer[at] >> 4, flags: this.buffer[at] & 0x0f, body: this.buffer.subarray(start, start + length.value) })
      at = start + length.value
    }
    this.buffer = this.buffer.slice(at)
    return packets
  }
}

/** The parts of a PUBLISH (3.3): flags DUP, QoS, RETAIN (3.3.1), topic name, packet id if QoS > 0, payload. */
export function parsePublish (flags, body) {
  const qos = (flags >> 1) & 0x03
  if (qos === 3) throw new Error('PUBLISH with QoS 3 [MQTT-3.3.1-4]')
  const topicLength = (body[0] << 8) | body[1]
  const topic = utf8Strict.decode(body.subarray(2, 2 + topicLength)) // must be valid UTF-8 [MQTT-1.5.3-1]
  let at = 2 + topicLength
  let packetId = null
  if (qos > 0) {
    packetId = (body[at] << 8) | body[at + 1]
    at += 2
  }
  return { topic, qos, retain: (flags & 0x01) === 1, dup: (flags & 0x08) !== 0, packetId, payload: body.slice(at) }
}

/**
 * One connection. Events: 'message' (detail: {topic, payload: Uint8Array, qos, retain, dup, time: Date}),
 * 'pingresp' and 'close' (detail: {reason}). Not reconnecting by itself: the live view decides.
 */
export class MqttWsClient extends EventTarget {
  constructor ({ url, clientId, username, password, keepAlive = 30, maxPacketBytes }) {
    super()
    this.url = url
    this.clientId = clientId || `magpie-dashboard-${Math.random().toString(36).slice(2, 10)}`
    this.username = username
    this.password = password
    this.keepAlive = keepAlive
    this.reader = new PacketReader(maxPacketBytes)
    this.pending = new Map() // packet id -> {resolve, reject} of a SUBSCRIBE or UNSUBSCRIBE
    this.received = new Set() // QoS 2 packet ids between PUBREC and PUBREL (4.3.3)
    this.nextId = 1
    this.socket = null
    this.timer = null
    this.lastSent = 0
    this.awaitingPong = false
    this.closed = false
  }

  /** Opens the WebSocket and sends CONNECT; resolves on a CONNACK that accepts, rejects otherwise. */
  connect () {
    return new Promise((resolve, reject) => {
      this.connecting = { resolve, reject }
      // the "mqtt" subprotocol is required [MQTT-6.0.0-3]; frames are binary [MQTT-6.0.0-1]
      const socket = new WebSocket(this.url, ['mqtt'])
      socket.binaryType = 'arraybuffer'
      this.socket = socket
      socket.onopen = () => {
        this.send(connectPacket({ clientId: this.clientId, username: this.username, password: this.password, keepAlive: this.keepAlive }))
      }
      socket.onmessage = (event) => {
        if (typeof event.data === 'string') {
          this.fail('the broker sent a text frame; MQTT uses binary frames [MQTT-6.0.0-1]')
          return
        }
        try {
          for (const p of this.reader.push(new Uint8Array(event.data))) this.handle(p)
        } catch (e) {
          this.fail(`malformed packet from the broker: ${e.message}`)
        }
      }
      socket.onerror = () => { /* the close event that follows says why */ }
      socket.onclose = (event) => {
        this.stopTimer()
        const reason = this.closeReason || (event.code === 1000 ? 'closed' : `connection closed (WebSocket code ${event.code})`)
        if (this.connecting) {
          this.connecting.reject(new Error(reason))
          this.connecting = null
        }
        for (const p of this.pending.values()) p.reject(new Error(reason))
        this.pending.clear()
        if (!this.closed) {
          this.closed = true
          this.dispatchEvent(new CustomEvent('close', { detail: { reason } }))
        }
      }
    })
  }

  /** SUBSCRIBE (3.8) one filter; resolves with the granted QoS, rejects on 0x80 Failure (3.9.3). */
  subscribe (filter, qos = 0) {
    const id = this.packetId()
    // fixed header flags 0010 [MQTT-3.8.1-1]; the payload is filter + requested QoS (3.8.3)
    this.send(packet(SUBSCRIBE, 0x02, u16(id), encodeString(filter), Uint8Array.of(qos)))
    return this.await(id).then(codes => {
      if (codes[0] === 0x80) throw new Error(`the broker refused the subscription to ${filter} (not allowed for this user?)`)
      return codes[0]
    })
  }

  /** UNSUBSCRIBE (3.10) one filter; resolves on UNSUBACK. */
  unsubscribe (filter) {
    const id = this.packetId()
    this.send(packet(UNSUBSCRIBE, 0x02, u16(id), encodeString(filter))) // flags 0010 [MQTT-3.10.1-1]
    return this.await(id)
  }

  /** DISCONNECT (3.14), then the client closes the connection [MQTT-3.14.4-1]. */
  disconnect () {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.send(packet(DISCONNECT, 0))
      this.closeReason = 'disconnected'
      this.socket.close(1000)
    }
    this.stopTimer()
  }

  // ---- inside ----

  packetId () {
    const id = this.nextId
    this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1 // non-zero [MQTT-2.3.1-1]
    return id
  }

  await (id) {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
  }

  send (bytes) {
    this.socket.send(bytes)
    this.lastSent = Date.now()
  }

  handle ({ type, flags, body }) {
    switch (type) {
      case CONNACK: {
        const code = body[1]
        if (code !== 0) {
          // the server closes after a refusing CONNACK [MQTT-3.2.2-5]
          this.closeReason = `refused: ${CONNACK_REASONS[code] || 'return code ' + code}`
          this.socket.close()
          return
        }
        this.startTimer()
        if (this.connecting) { this.connecting.resolve(); this.connecting = null }
        return
      }
      case PUBLISH: {
        const message = parsePublish(flags, body)
        if (message.qos === 1) {
          this.send(packet(PUBACK, 0, u16(message.packetId))) // 4.3.2: acknowledge with PUBACK
        } else if (message.qos === 2) {
          this.send(packet(PUBREC, 0, u16(message.packetId))) // 4.3.3: PUBREC, then deliver only once
          if (this.received.has(message.packetId)) return
          this.received.add(message.packetId)
        }
        message.time = new Date()
        this.dispatchEvent(new CustomEvent('message', { detail: message }))
        return
      }
      case PUBREL: {
        const id = (body[0] << 8) | body[1]
        this.received.delete(id)
        this.send(packet(PUBCOMP, 0, u16(id)))
        return
      }
      case SUBACK:
      case UNSUBACK: {
        const id = (body[0] << 8) | body[1]
        const waiting = this.pending.get(id)
        if (waiting) {
          this.pending.delete(id)
          waiting.resolve(Array.from(body.subarray(2)))
        }
        return
      }
      case PINGRESP:
        this.awaitingPong = false
        this.dispatchEvent(new Event('pingresp'))
        return
      default:
        this.fail(`unexpected packet type ${type} from the broker`)
    }
  }

  /**
   * Keep alive (3.1.2.10): the client must send some packet within each keep-alive period
   * [MQTT-3.1.2-23]; when idle it sends PINGREQ (3.12). No PINGRESP within a period means the link is gone.
   */
  startTimer () {
    if (!this.keepAlive) return
    const period = this.keepAlive * 1000
    this.timer = setInterval(() => {
      if (this.awaitingPong && Date.now() - this.pingSentAt > period) {
        this.fail('no answer to PINGREQ within the keep-alive period')
      } else if (Date.now() - this.lastSent >= period * 0.75) {
        this.send(packet(PINGREQ, 0))
        this.awaitingPong = true
        this.pingSentAt = Date.now()
      }
    }, Math.min(1000, period / 4))
  }

  stopTimer () {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  fail (reason) {
    this.closeReason = reason
    if (this.socket) this.socket.close()
  }
}
