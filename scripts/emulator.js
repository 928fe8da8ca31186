#!/usr/bin/env node
// Starts one local AWS emulator on a free 127.0.0.1 port and prints {"service", "endpoint"} as one JSON line.
// It stops when its standard input closes, so it never outlives the test process that started it.
//   node scripts/emulator.js dynamodb          (AWS's DynamoDB Local: scripts/install-dynamodb-local.sh installs it; needs Java 17)
//   node --openssl-legacy-provider scripts/emulator.js s3 <directory> [--events]
'use strict';

const service = process.argv[2];

function announce(port) {
  print({ service, endpoint: `http://127.0.0.1:${port}` });
}

function print(document) {
  process.stdout.write(JSON.stringify(document) + '\n');
}

function toEventBridge(record) {
  const created = record.eventName.startsWith('ObjectCreated');
  const { bucket, object } = record.s3;
  const detail = {
    version: '0',
    bucket: { name: bucket.name },
    object: created
      ? { key: decodeURIComponent(object.key), size: object.size, etag: object.eTag, sequencer: object.sequencer }
      : { key: decodeURIComponent(object.key), sequencer: object.sequencer },
    'request-id': record.responseElements['x-amz-request-id'],
    requester: '000000000000',
    'source-ip-address': record.requestParameters.sourceIPAddress,
    reason: created ? 'PutObject' : 'DeleteObject',
  };
  if (!created) detail['deletion-type'] = 'Permanently Deleted';
  return {
    version: '0',
    id: require('crypto').randomUUID(),
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: '000000000000',
    time: record.eventTime.replace(/\.\d+Z$/, 'Z'),
    region: record.awsRegion,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail,
  };
}

// S3 sends one "Object Deleted" per key of a DeleteObjects request; s3rver sends none, so add them.
function reportMultiObjectDeletes() {
  const objects = require('@20minutes/s3rver/lib/controllers/object');
  const S3Event = require('@20minutes/s3rver/lib/models/event');
  const deleteMultiple = objects.deleteMultipleObjects;
  objects.deleteMultipleObjects = async function deleteMultipleObjectsWithEvents(ctx) {
    const store = ctx.store;
    const deleted = [];
    ctx.store = Object.create(store, {
      deleteObject: {
        value: async (bucket, key) => {
          await store.deleteObject(bucket, key);
          deleted.push(key);
        },
      },
    });
    try {
      await deleteMultiple(ctx);
    } finally {
      ctx.store = store;
    }
    for (const key of deleted) {
      const data = { bucket: ctx.params.bucket, eventType: 'Delete', S3Item: { key } };
      ctx.app.emit('event', new S3Event(data, { reqHeaders: ctx.headers, sourceIp: ctx.ip }));
    }
  };
}

// AWS's DynamoDB Local, in memory, through a small launcher that binds it to 127.0.0.1 (its own command line binds
// every interface) and reports the free port it got.
function startDynamoDbLocal() {
  const path = require('path');
  const home = path.join(__dirname, '..', 'node_modules', '.dynamodb-local');
  if (!require('fs').existsSync(path.join(home, 'DynamoDBLocal.jar'))) {
    throw new Error(`${home}/DynamoDBLocal.jar is missing: run scripts/install-dynamodb-local.sh`);
  }
  const launcher = path.join(__dirname, 'dynamodb-local', 'LoopbackDynamoDbLocal.java');
  const child = require('child_process').spawn('java', [
    '-Djava.library.path=./DynamoDBLocal_lib', '-cp', 'DynamoDBLocal.jar:DynamoDBLocal_lib/*', launcher, '0',
  ], { cwd: home, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = require('readline').createInterface({ input: child.stdout });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code} before it listened`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{"port"')) return; // its start-up banner
      announce(JSON.parse(line).port);
      resolve(() => new Promise((stopped) => {
        child.once('exit', stopped);
        child.kill('SIGTERM');
      }));
    });
  });
}

async function start() {
  if (service === 'dynamodb') {
    return startDynamoDbLocal();
  }
  if (service === 's3') {
    const directory = process.argv[3];
    if (!directory) throw new Error('s3 needs a directory for its objects');
    const S3rver = require('@20minutes/s3rver');
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, allowMismatchedSignatures: true });
    // With --events, each object change is printed as the EventBridge document S3 would send, one per line,
    // so a test can deliver it to the size-tracking function like the EventBridge rule does.
    if (process.argv.includes('--events')) {
      reportMultiObjectDeletes();
      server.on('event', (notification) => notification.Records.forEach((record) => print(toEventBridge(record))));
    }
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
