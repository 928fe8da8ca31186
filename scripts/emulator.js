#!/usr/bin/env node
// Starts one local AWS emulator on a free 127.0.0.1 port and prints {"service", "endpoint"} as one JSON line.
// It stops when its standard input closes, so it never outlives the test process that started it.
//   node scripts/emulator.js dynamodb
//   node --openssl-legacy-provider scripts/emulator.js s3 <directory>
'use strict';

const service = process.argv[2];

function announce(port) {
  process.stdout.write(JSON.stringify({ service, endpoint: `http://127.0.0.1:${port}` }) + '\n');
}

async function start() {
  if (service === 'dynamodb') {
    const dynalite = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise((resolve, reject) => dynalite.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    announce(dynalite.address().port);
    return () => dynalite.close();
  }
  if (service === 's3') {
    const directory = process.argv[3];
    if (!directory) throw new Error('s3 needs a directory for its objects');
    const S3rver = require('@20minutes/s3rver');
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, allowMismatchedSignatures: true });
    const { port } = await server.run();
    announce(port);
    return () => server.close();
  }
  throw new Error(`unknown service '${service}': use dynamodb or s3`);
}

start().then((stop) => {
  process.stdin.resume();
  process.stdin.on('end', () => Promise.resolve(stop()).finally(() => process.exit(0)));
}).catch((err) => {
  process.stderr.write(`emulator ${service} failed to start: ${err.message}\n`);
  process.exit(1);
});
