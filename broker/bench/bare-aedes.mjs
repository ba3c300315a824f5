// The baseline of the broker benchmark: aedes with no hooks at all, on a noDelay TCP listener,
// in plain JavaScript so that its memory is aedes's alone. With --coalesce, its sockets gather
// their writes as fsbus-broker's do (broker/dist, built by the benchmark), so the price of
// fsbus-broker's checks alone can be read too. Prints its port, runs until killed.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const coalesce = process.argv.includes('--coalesce')
  ? (await import('../dist/listeners/listeners.js')).coalesceWrites
  : (socket) => socket;
const broker = await Aedes.createBroker();
const server = createServer({ noDelay: true }, (socket) => broker.handle(coalesce(socket)));
server.listen(0, '127.0.0.1', () => {
  // eslint-disable-next-line no-console -- the benchmark reads the port from stdout
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => {
  server.close();
  broker.close();
});
