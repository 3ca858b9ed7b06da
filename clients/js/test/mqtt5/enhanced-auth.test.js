'use strict'
// Enhanced authentication of MQTT.js 5.0 clients (spec 4.12) with SCRAM-SHA-256 (RFC 5802 / RFC 7677) against the
// broker's user database, as an application using MQTT.js would write it: the client-first-message as
// Authentication Data in CONNECT, the broker's challenge answered in MQTT.js's handleAuth hook, the server
// signature in CONNACK checked before the connection is trusted. The SCRAM client below is written from the RFCs
// with node's crypto, independently of the broker's Java code, so one implementation checks the other.
const { describe, it, after } = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const mqttPacket = require('mqtt-packet')
const { connect, publish, subscribe, closeAll } = require('./harness')

const METHOD = 'SCRAM-SHA-256'
const CONTINUE = 0x18
const REAUTHENTICATE = 0x19
const USER = process.env.MAGPIE_SCRAM_USER
const PASSWORD = process.env.MAGPIE_SCRAM_PASSWORD
const SCRAM_BROKER = { broker: 'scram' }

const hmac = (key, text) => crypto.createHmac('sha256', key).update(text).digest()
const sha256 = (data) => crypto.createHash('sha256').update(data).digest()

/** One SCRAM-SHA-256 exchange, client side, without channel binding (gs2 header "n,,"). */
class Scram {
  constructor (user, password) {
    this.password = password
    // RFC 5802 5.1: "=" and "," in a user name are escaped as =3D and =2C
    this.bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${crypto.randomBytes(18).toString('base64')}`
    this.clientNonce = this.bare.slice(this.bare.indexOf(',r=') + 3)
    this.serverSignature = null
  }

  clientFirst () {
    return Buffer.from(`n,,${this.bare}`)
  }

  /** The client-final-message (with the proof) answering the server-first-message. */
  clientFinal (serverFirstData) {
    const serverFirst = serverFirstData.toString()
    const attrs = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]))
    // RFC 5802 5.1: the server's nonce must start with ours, or this is not our exchange
    assert.ok(attrs.r.startsWith(this.clientNonce), `server nonce ${attrs.r} does not extend ${this.clientNonce}`)
    const iterations = Number(attrs.i)
    assert.ok(iterations >= 4096, `RFC 7677 asks for at least 4096 iterations, got ${attrs.i}`)
    const salted = crypto.pbkdf2Sync(this.password, Buffer.from(attrs.s, 'base64'), iterations, 32, 'sha256')
    // c=biws is base64("n,,"): the gs2 header repeated, as no channel binding is used
    const withoutProof = `c=biws,r=${attrs.r}`
    const authMessage = `${this.bare},${serverFirst},${withoutProof}`
    const clientKey = hmac(salted, 'Client Key')
    const clientSignature = hmac(sha256(clientKey), authMessage)
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ clientSignature[i]))
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage)
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)
  }

  /** Whether the server-final-message proves that the broker holds this user's credential. */
  serverVerified (serverFinalData) {
    if (!this.serverSignature || !serverFinalData) return false
    const expected = Buffer.from(`v=${this.serverSignature.toString('base64')}`)
    return expected.length === serverFinalData.length && crypto.timingSafeEqual(expected, serverFinalData)
  }
}

/**
 * MQTT.js's handleAuth hook for one SCRAM exchange: answers the broker's challenge (AUTH 0x18) with the
 * client-final-message; an AUTH 0x00 (end of a re-authentication) goes to onSuccess. challenges counts the rounds.
 */
function scramHook (session, onSuccess = () => {}) {
  const hook = (packet, callback) => {
    assert.strictEqual(packet.properties.authenticationMethod, METHOD)
    if (packet.reasonCode === CONTINUE) {
      hook.challenges += 1
      let data
      try {
        data = session.scram.clientFinal(packet.properties.authenticationData)
      } catch (err) {
        callback(err)
        return
      }
      callback(null, { cmd: 'auth', reasonCode: CONTINUE, properties: { authenticationMethod: METHOD, authenticationData: data } })
      return
    }
    onSuccess(packet)
    callback()
  }
  hook.challenges = 0
  return hook
}

/** Connects with SCRAM-SHA-256 as user/password; session.scram is the exchange in progress. */
function scramConnect (name, password, session = {}) {
  session.scram = new Scram(USER, password)
  const hook = scramHook(session, (packet) => session.onReauthenticated(packet))
  session.hook = hook
  return connect(name, {
    properties: { authenticationMethod: METHOD, authenticationData: session.scram.clientFirst() }
  }, { ...SCRAM_BROKER, handleAuth: hook })
}

describe('Enhanced authentication with SCRAM-SHA-256 (spec 4.12)', () => {
  after(closeAll)

  it('connects after one challenge, and the CONNACK proves the broker knows the password [MQTT-4.12.0-2] [MQTT-4.12.0-5]', async () => {
    const session = {}
    const { client, connack, inbox } = await scramConnect('scram-ok', PASSWORD, session)
    assert.strictEqual(connack.reasonCode, 0)
    assert.strictEqual(session.hook.challenges, 1, 'one AUTH 0x18 from the broker before CONNACK')
    assert.strictEqual(connack.properties.authenticationMethod, METHOD)
    assert.ok(session.scram.serverVerified(connack.properties.authenticationData),
      `server-final-message ${connack.properties.authenticationData} does not carry the expected signature`)

    await subscribe(client, 'scram/js/#', { qos: 1 })
    await publish(client, 'scram/js/in', 'authenticated', { qos: 1 })
    const message = await inbox.next()
    assert.deepStrictEqual([message.topic, message.text], ['scram/js/in', 'authenticated'])
  })

  it('a wrong password gets CONNACK 0x86 Bad User Name or Password [MQTT-4.12.0-4]', async () => {
    const session = {}
    const err = await scramConnect('scram-wrong', `${PASSWORD}!`, session).then(
      () => assert.fail('connected with a wrong password'), (e) => e)
    assert.strictEqual(err.code, 0x86, `refused with ${err.message}`)
    assert.strictEqual(session.hook.challenges, 1, 'the proof was sent and refused, not the user')
  })

  it('re-authenticates on a live connection with AUTH 0x19, verified by the final AUTH 0x00 [MQTT-4.12.1-1] [MQTT-4.12.1-2]', async () => {
    const session = {}
    const { client, inbox } = await scramConnect('scram-reauth', PASSWORD, session)
    await subscribe(client, 'scram/reauth/#', { qos: 1 })

    // MQTT.js 5.16 has no public call to start a re-authentication, so the AUTH 0x19 is written to its stream
    // with mqtt-packet; the challenge and the final AUTH 0x00 then go through handleAuth like those at CONNECT.
    session.scram = new Scram(USER, PASSWORD)
    const reauthenticated = new Promise((resolve) => { session.onReauthenticated = resolve })
    mqttPacket.writeToStream({
      cmd: 'auth',
      reasonCode: REAUTHENTICATE,
      properties: { authenticationMethod: METHOD, authenticationData: session.scram.clientFirst() }
    }, client.stream, { protocolVersion: 5 })
    const done = await reauthenticated
    assert.strictEqual(done.reasonCode, 0, 'AUTH 0x00 Success ends the re-authentication')
    assert.strictEqual(session.hook.challenges, 2, 'one challenge at CONNECT, one at the re-authentication')
    assert.ok(session.scram.serverVerified(done.properties.authenticationData), 'server signature of the re-authentication')

    assert.ok(client.connected, 'still connected after the re-authentication')
    await publish(client, 'scram/reauth/after', 'still in', { qos: 1 })
    assert.strictEqual((await inbox.next()).text, 'still in')
  })

  it('a user of the database still logs in with user name and password on the same listener (spec 3.1.3.5, 3.1.3.6)', async () => {
    const { connack } = await connect('scram-password', { username: USER, password: Buffer.from(PASSWORD) }, SCRAM_BROKER)
    assert.strictEqual(connack.reasonCode, 0)
    assert.strictEqual(connack.properties?.authenticationMethod, undefined, 'no method in CONNACK without one in CONNECT [MQTT-4.12.0-6]')
  })
})
