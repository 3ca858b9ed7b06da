'use strict'
// What every MQTT 5 feature suite in this folder needs: MQTT.js 5.0 clients connected to the brokers the Java
// runner started for the file (dev.magpie.clients.MqttJsMqtt5Test), an inbox to await messages in order, and
// promise forms of MQTT.js's callback calls. Every client a suite opens is closed by closeAll().
const assert = require('node:assert')
const mqtt = require('mqtt')
const mqttPacket = require('mqtt-packet')
const env = require('../env')

/** How long an expected packet may take on a loaded CI machine. */
const WAIT_MS = 5000
/** How long "nothing arrives" is watched for: long enough for a wrongly sent packet to show up. */
const QUIET_MS = 400

const open = new Set()
let sequence = 0

/** A client id unique across the suites run against one broker. */
function uniqueId (name) {
  sequence += 1
  return `${name}-${process.pid}-${sequence}`
}

/**
 * The URL of a broker listener. broker 'default' has every MQTT 5 feature on (tcp and ws); broker
 * 'restricted' has them off; broker 'scram' takes only users of its user database, by password or
 * SCRAM-SHA-256 — as MqttJsMqtt5Test configures them (tcp only for the last two).
 */
function url ({ transport = 'tcp', broker = 'default' } = {}) {
  if (broker === 'restricted') return `mqtt://127.0.0.1:${env.port('restricted_tcp')}`
  if (broker === 'scram') return `mqtt://127.0.0.1:${env.port('scram_tcp')}`
  return transport === 'ws' ? `ws://127.0.0.1:${env.port('ws')}/mqtt` : `mqtt://127.0.0.1:${env.port('tcp')}`
}

/** Resolves with the first `event` the emitter sends, or rejects after timeoutMs. */
function once (emitter, event, timeoutMs = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(event, listener)
      reject(new Error(`no '${event}' within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (...args) => {
      clearTimeout(timer)
      resolve(args.length > 1 ? args : args[0])
    }
    emitter.once(event, listener)
  })
}

/** Resolves with the next packet of kind cmd ('publish', 'disconnect', ...) MQTT.js takes off the connection. */
function nextPacket (client, cmd, timeoutMs = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const listener = (packet) => {
      if (packet.cmd !== cmd) return
      clearTimeout(timer)
      client.removeListener('packetreceive', listener)
      resolve(packet)
    }
    const timer = setTimeout(() => {
      client.removeListener('packetreceive', listener)
      reject(new Error(`no ${cmd} within ${timeoutMs} ms`))
    }, timeoutMs)
    client.on('packetreceive', listener)
  })
}

/** Messages a client receives, in order; next() awaits one, none() checks that no more come. */
class Inbox {
  constructor (client) {
    this.queue = []
    this.waiters = []
    client.on('message', (topic, payload, packet) => this.push({ topic, text: payload.toString(), payload, packet }))
  }

  push (message) {
    const waiter = this.waiters.shift()
    if (waiter) waiter(message)
    else this.queue.push(message)
  }

  next (timeoutMs = WAIT_MS) {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift())
    return new Promise((resolve, reject) => {
      const waiter = (message) => { clearTimeout(timer); resolve(message) }
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(new Error(`no message within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  async take (count) {
    const got = []
    for (let i = 0; i < count; i++) got.push(await this.next())
    return got
  }

  async none (quietMs = QUIET_MS) {
    await elapse(quietMs)
    assert.deepStrictEqual(this.queue.map((m) => `${m.topic}=${m.text}`), [], 'no further message expected')
  }
}

/**
 * Connects an MQTT.js 5.0 client (no reconnects, so a test sees what the broker did) and resolves with
 * { client, connack, inbox, errors } once CONNACK arrived; rejects with MQTT.js's error (its .code is the reason
 * code). errors collects what MQTT.js reports later.
 * options.clientId defaults to a unique id made from name. where picks the listener ({ transport, broker });
 * where.onWire gets every packet as it comes off the connection (see tapIncoming); where.handleAuth, when given,
 * is MQTT.js's enhanced-authentication hook (packet, callback) for the AUTH packets the broker sends.
 */
async function connect (name, options = {}, where = {}) {
  const client = mqtt.connect(url(where), {
    clientId: uniqueId(name),
    reconnectPeriod: 0,
    connectTimeout: WAIT_MS,
    ...options,
    protocolVersion: 5
  })
  open.add(client)
  // set before any byte arrives: mqtt.connect opens the socket asynchronously
  if (where.handleAuth) client.handleAuth = where.handleAuth
  if (where.onWire) tapIncoming(client, where.onWire)
  const inbox = new Inbox(client)
  // kept for the whole connection: an 'error' without a listener would crash the suite
  const errors = []
  client.on('error', (err) => errors.push(err))
  const connack = await new Promise((resolve, reject) => {
    client.once('connect', resolve)
    client.once('error', reject)
    client.once('close', () => reject(new Error('connection closed before CONNACK')))
  })
  return { client, connack, inbox, errors }
}

/** Publishes; resolves with the acknowledgement packet (QoS 1/2), rejects with its reason code as err.code. */
function publish (client, topic, payload, options = {}) {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, options, (err, packet) => (err ? reject(err) : resolve(packet)))
  })
}

/** Subscribes; resolves with the granted list from SUBACK, rejects when any filter was refused. */
function subscribe (client, filter, options = {}) {
  return new Promise((resolve, reject) => {
    client.subscribe(filter, options, (err, granted) => (err ? reject(err) : resolve(granted)))
  })
}

/** Subscribes to filters the broker is expected to refuse; resolves with the reason codes of the SUBACK. */
async function subscribeRefused (client, filter, options = {}) {
  try {
    await subscribe(client, filter, options)
  } catch (err) {
    // MQTT.js rejects with the SUBACK, whose granted list holds the reason codes
    if (err.packet && err.packet.cmd === 'suback') return err.packet.granted
    throw err
  }
  assert.fail(`SUBACK granted ${filter}`)
}

/** Ends a client: DISCONNECT with opts (e.g. { reasonCode: 4 }), or with force, the connection just dropped. */
function end (client, { force = false, ...opts } = {}) {
  open.delete(client)
  return new Promise((resolve) => client.end(force, opts, () => resolve()))
}

/** Drops every client the suite opened and did not end itself. */
async function closeAll () {
  await Promise.all([...open].map((client) => end(client, { force: true })))
}

/** Lets time pass when the passing of time is what the test needs (an expiry, a delay). */
function elapse (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Parses what arrives on a client's connection, independently of MQTT.js, which handles packets one after
 * another and so would hide how many the broker sent before an acknowledgement came back. It is set up right
 * after mqtt.connect, before any byte arrived; onPacket gets each mqtt-packet as it comes off the wire.
 */
function tapIncoming (client, onPacket) {
  const parser = mqttPacket.parser({ protocolVersion: 5 })
  parser.on('packet', onPacket)
  client.stream.on('data', (chunk) => parser.parse(chunk))
}

/** A keep-alive timer that never fires: the client announces a keep-alive but sends no PINGREQ. */
const silentTimer = { set: () => 0, clear: () => {} }

module.exports = {
  WAIT_MS, QUIET_MS, once, nextPacket, connect, publish, subscribe, subscribeRefused, end, closeAll, elapse, silentTimer
}
