// aedes for the peer comparison (magpie-bench/run-peers.sh): 127.0.0.1:PORT, anonymous (aedes accepts every
// client unless an authenticate hook is set), in-memory persistence (aedes' default, nothing on disk), TCP_NODELAY
// on every accepted socket. Prints "READY PORT" once listening; exits on SIGTERM/SIGINT.
//   node server.mjs 1883
import net from 'node:net'
import { Aedes } from 'aedes'

const port = Number(process.argv[2] || 1883)
const broker = await Aedes.createBroker()
const server = net.createServer({ noDelay: true }, broker.handle)
server.listen(port, '127.0.0.1', () => console.log('READY ' + port))
const stop = () => server.close(() => broker.close(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
