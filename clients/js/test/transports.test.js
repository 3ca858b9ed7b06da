'use strict'
// MQTT.js in Node over each listener kind of the broker: mqtt://, mqtts://, ws://, wss://.
const { test } = require('node:test')
const assert = require('node:assert')
const mqtt = require('mqtt')
const env = require('./env')
const { roundTrip, end } = require('./roundtrip')

const cases = [
  { name: 'mqtt:// (TCP)', url: () => `mqtt://127.0.0.1:${env.port('tcp')}`, options: () => ({}) },
  { name: 'mqtts:// (TLS, trusting the test CA)', url: () => `mqtts://localhost:${env.port('tls')}`, options: () => ({ ca: env.ca() }) },
  { name: 'ws:// (WebSocket)', url: () => `ws://127.0.0.1:${env.port('ws')}/mqtt`, options: () => ({}) },
  { name: 'wss:// (WebSocket over HTTPS)', url: () => `wss://localhost:${env.port('wss')}/mqtt`, options: () => ({ ca: env.ca() }) }
]

for (const c of cases) {
  for (const protocolVersion of [4, 5]) {
    test(`${c.name}, MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'}: publish and receive`, async () => {
      const client = mqtt.connect(c.url(), { ...c.options(), protocolVersion, reconnectPeriod: 0, connectTimeout: 10000 })
      try {
        const got = await roundTrip(client, `js/${protocolVersion}/${c.name.split(':')[0]}`, 'hello from MQTT.js')
        assert.strictEqual(got, 'hello from MQTT.js')
      } finally {
        await end(client)
      }
    })
  }
}
