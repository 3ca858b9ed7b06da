'use strict'
// Broker.stop() seen by MQTT.js 5.0 clients: DISCONNECT 0x8B (Server shutting down) with a reason string, then
// the connection closed (spec 3.14.2.1). The Java runner stops the broker when asked on MAGPIE_CONTROL_URL;
// this file has the broker to itself, so nothing else runs after the stop.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, once, closeAll } = require('./harness')

function controlUrl () {
  const value = process.env.MAGPIE_CONTROL_URL
  if (!value) throw new Error('MAGPIE_CONTROL_URL is not set: run this through the Java test (MqttJsMqtt5Test)')
  return value
}

describe('Server shutting down (spec 3.14.2.1)', () => {
  afterEach(closeAll)

  it('every connected client, over TCP and WebSocket, gets DISCONNECT 0x8B and is closed', async () => {
    const clients = [await connect('shutdown-tcp'), await connect('shutdown-ws', {}, { transport: 'ws' })]
    const seen = clients.map(({ client }) => Promise.all([once(client, 'disconnect'), once(client, 'close')]))
    const response = await fetch(`${controlUrl()}/broker/stop`, { method: 'POST' })
    assert.strictEqual(response.status, 204)
    for (const [disconnect] of await Promise.all(seen)) {
      assert.strictEqual(disconnect.reasonCode, 0x8B)
      assert.match(disconnect.properties.reasonString, /shutting down/)
    }
  })
})
