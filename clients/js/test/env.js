'use strict'
// What the Java test that started the broker tells us: ports of its listeners and the CA that signed
// its server certificate (MAGPIE_* variables). Every script is run by JUnit (dev.magpie.clients.MqttJsTest).
const fs = require('node:fs')

function required (name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run this through the Java test (MqttJsTest), which starts the broker`)
  return value
}

module.exports = {
  port: (kind) => Number(required(`MAGPIE_${kind.toUpperCase()}_PORT`)),
  ca: () => fs.readFileSync(required('MAGPIE_CA')),
  caPath: () => required('MAGPIE_CA')
}
