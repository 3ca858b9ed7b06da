'use strict'
// The dashboard's own MQTT 3.1.1 client (magpie-server/.../dashboard/js/mqtt-ws.js), the one its live view runs in
// the browser, here in Node with the `ws` package as the WebSocket: byte vectors of the codec, then against the
// broker JUnit started (dev.magpie.server.cli.ServeDashboardBrowserTest): login refusal, SUBSCRIBE, PUBLISH at
// QoS 1 with one-, two- and three-byte Remaining Lengths and multi-byte UTF-8, UNSUBSCRIBE, keep-alive, DISCONNECT.
const { test, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const mqtt = require('mqtt')
globalThis.WebSocket = require('ws')

const MODULE = path.resolve(__dirname, '../../../magpie-server/src/main/resources/dev/magpie/server/dashboard/js/mqtt-ws.js')
let m
const wsUrl = () => `ws://127.0.0.1:${process.env.MAGPIE_WS_PORT}/mqtt`
const user = () => process.env.MAGPIE_ADMIN_USER
const password = () => process.env.MAGPIE_ADMIN_PASSWORD
let publisher

before(async () => {
  m = await import(pathToFileURL(MODULE).href)
})
after(() => { if (publisher) publisher.end(true) })

const hex = (bytes) => Buffer.from(bytes).toString('hex')

test('Remaining Length uses 1 to 4 bytes at the boundaries of 2.2.3 and refuses more', () => {
  const cases = [[0, '00'], [127, '7f'], [128, '8001'], [16383, 'ff7f'], [16384, '808001'], [2097151, 'ffff7f'],
    [2097152, '80808001'], [268435455, 'ffffff7f']]
  for (const [value, bytes] of cases) {
    assert.strictEqual(hex(m.encodeRemainingLength(value)), bytes, `encode ${value}`)
    assert.deepStrictEqual(m.decodeRemainingLength(Buffer.from(bytes, 'hex'), 0), { value, size: bytes.length / 2 }, `decode ${bytes}`)
  }
  assert.throws(() => m.encodeRemainingLength(268435456), RangeError)
  assert.throws(() => m.decodeRemainingLength(Buffer.from('ffffffff01', 'hex'), 0), /more than four bytes/)
  assert.strictEqual(m.decodeRemainingLength(Buffer.from('80', 'hex'), 0), null, 'incomplete: wait for more bytes')
})

test('CONNECT is the bytes of 3.1 and strings are UTF-8 with a length, without U+0000 or lone surrogates', () => {
  const connect = m.connectPacket({ clientId: 'c', username: 'ü', password: 'p', keepAlive: 30 })
  assert.strictEqual(hex(connect), '10' + '14' + // CONNECT, remaining length 20
    '00044d515454' + '04' + 'c2' + '001e' + // "MQTT", level 4, user+password+clean session, keep alive 30
    '000163' + '0002c3bc' + '000170') // client id "c", user "ü" (2 UTF-8 bytes), password "p"
  assert.strictEqual(hex(m.encodeString('a€')), '000461e282ac')
  assert.throws(() => m.encodeString('a\u0000b'), /MQTT-1.5.3-2/)
  assert.throws(() => m.encodeString('\ud800'), /MQTT-1.5.3-1/)
})

test('packets split across WebSocket messages, or several in one, are cut correctly [MQTT-6.0.0-2]', () => {
  const body = new TextEncoder().encode('x'.repeat(300))
  const big = m.packet(3, 0x02, m.encodeString('a/b'), Uint8Array.of(0, 7), body) // QoS 1, two-byte length
  const ping = m.packet(13, 0)
  const reader = new m.PacketReader()
  assert.deepStrictEqual(reader.push(big.subarray(0, 2)), [])
  assert.deepStrictEqual(reader.push(big.subarray(2, 100)), [])
  const rest = new Uint8Array(big.length - 100 + ping.length)
  rest.set(big.subarray(100), 0)
  rest.set(ping, big.length - 100)
  const packets = reader.push(rest)
  assert.deepStrictEqual(packets.map(p => p.type), [3, 13])
  const publish = m.parsePublish(packets[0].flags, packets[0].body)
  assert.deepStrictEqual({ topic: publish.topic, qos: publish.qos, packetId: publish.packetId, length: publish.payload.length },
    { topic: 'a/b', qos: 1, packetId: 7, length: 300 })
})

test('a packet over the reader\'s limit is refused before it is buffered', () => {
  const reader = new m.PacketReader(1000)
  assert.throws(() => reader.push(Uint8Array.of(0x30, ...m.encodeRemainingLength(1001))), /over this page's limit/)
  assert.strictEqual(new m.PacketReader(1000).push(m.packet(3, 0, m.encodeString('t'), new Uint8Array(997))).length, 1, '1000 bytes pass')
})

test('a wrong password is refused with the CONNACK reason', async () => {
  const client = new m.MqttWsClient({ url: wsUrl(), username: user(), password: password() + 'x' })
  await assert.rejects(client.connect(), /bad user name or password|not authorized/)
})

test('subscribe, receive QoS 1 messages of every length class intact, unsubscribe, keep alive, disconnect', async () => {
  const client = new m.MqttWsClient({ url: wsUrl(), username: user(), password: password(), keepAlive: 1 })
  const received = []
  const waiters = []
  client.addEventListener('message', e => { received.push(e.detail); waiters.splice(0).forEach(w => w()) })
  const next = (count) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages`)), 10000)
    const check = () => { if (received.length >= count) { clearTimeout(timer); resolve() } else waiters.push(check) }
    check()
  })
  await client.connect()
  assert.strictEqual(await client.subscribe('js/dashboard/#', 1), 1)

  publisher = mqtt.connect(`mqtt://127.0.0.1:${process.env.MAGPIE_TCP_PORT}`, { reconnectPeriod: 0 })
  await new Promise((resolve, reject) => { publisher.once('connect', resolve); publisher.once('error', reject) })
  const payloads = ['short', 'ünïcødé ✓ '.repeat(20), 'z'.repeat(20000)] // 1-, 2- and 3-byte Remaining Length
  for (const p of payloads) await publisher.publishAsync('js/dashboard/ü', p, { qos: 1 })
  await next(3)
  assert.deepStrictEqual(received.map(r => new TextDecoder().decode(r.payload)), payloads)
  assert.deepStrictEqual(received.map(r => [r.topic, r.qos, r.retain]), payloads.map(() => ['js/dashboard/ü', 1, false]))

  // keep alive 1 s: idle, the client pings and the broker answers (without PINGREQ it would drop us at 1.5 s)
  const pongs = await new Promise((resolve) => {
    let n = 0
    client.addEventListener('pingresp', () => { if (++n === 2) resolve(n) })
  })
  assert.strictEqual(pongs, 2)

  await client.unsubscribe('js/dashboard/#')
  assert.strictEqual(await client.subscribe('js/marker', 0), 0)
  await publisher.publishAsync('js/dashboard/ü', 'after unsubscribe', { qos: 1 })
  await publisher.publishAsync('js/marker', 'marker', { qos: 1 })
  await next(4)
  assert.strictEqual(received[3].topic, 'js/marker', 'nothing arrived for the unsubscribed filter before the marker')

  const closed = new Promise(resolve => client.addEventListener('close', e => resolve(e.detail.reason)))
  client.disconnect()
  assert.strictEqual(await closed, 'disconnected')
})
