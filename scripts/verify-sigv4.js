#!/usr/bin/env node
// Checks AWS Signature Version 4 on requests the way API Gateway's IAM authorization does, with an implementation
// that is not the one under test: @smithy/signature-v4, which the AWS SDK for JavaScript uses.
//
// Speaks JSON lines. The first line on stdin sets what a valid request carries:
//   {"accessKeyId": "...", "secretAccessKey": "...", "sessionToken": "..." | null, "region": "...", "service": "execute-api"}
// Each following line is one request:
//   {"method": "POST", "path": "/prod/plot", "query": "a=b", "headers": {"Name": "value", ...}, "body": "<base64>"}
// and gets one answer line: {"ok": true} or {"ok": false, "status": 403, "message": "<API Gateway's message>"}.
'use strict';

const crypto = require('crypto');
const readline = require('readline');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const MAX_SKEW_MS = 5 * 60 * 1000;
const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key '
  + 'and signing method. Consult the service documentation for details.';
let expected = null;

const refuse = (message) => ({ ok: false, status: 403, message });

function parseAuthorization(value) {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(value || '');
  if (!match) return null;
  const [accessKeyId, date, region, service, terminator, ...rest] = match[1].split('/');
  if (rest.length > 0 || terminator !== 'aws4_request') return null;
  return { accessKeyId, date, region, service, signedHeaders: match[2].split(';'), signature: match[3] };
}

function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text || '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

function parseQuery(text) {
  const query = {};
  for (const pair of (text || '').split('&').filter(Boolean)) {
    const [rawName, rawValue = ''] = pair.split('=');
    const name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    if (name in query) query[name] = [].concat(query[name], value); else query[name] = value;
  }
  return query;
}

async function verify(request) {
  const headers = {};
  for (const [name, value] of Object.entries(request.headers || {})) headers[name.toLowerCase()] = String(value);
  const body = Buffer.from(request.body || '', 'base64');

  if (!headers.authorization) return refuse('Missing Authentication Token');
  const auth = parseAuthorization(headers.authorization);
  if (!auth) return refuse(`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${headers.authorization}`);
  if (auth.accessKeyId !== expected.accessKeyId) return refuse('The security token included in the request is invalid.');

  const amzDate = parseAmzDate(headers['x-amz-date']);
  if (!amzDate) return refuse("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (Math.abs(Date.now() - amzDate.getTime()) > MAX_SKEW_MS) {
    return refuse(`Signature expired: ${headers['x-amz-date']} is now earlier or later than the allowed 5 minutes.`);
  }
  if (auth.date !== headers['x-amz-date'].slice(0, 8)) return refuse('Credential should be scoped to a valid date.');
  if (auth.region !== expected.region) return refuse(`Credential should be scoped to a valid region, not '${auth.region}'.`);
  if (auth.service !== expected.service) return refuse(`Credential should be scoped to correct service: '${expected.service}'.`);
  if (!auth.signedHeaders.includes('host')) return refuse("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  for (const name of auth.signedHeaders) {
    if (!(name in headers)) return refuse(`The request signature we calculated does not match the signature you provided: signed header '${name}' is missing.`);
  }

  // Temporary credentials are only valid with their session token.
  const token = headers['x-amz-security-token'];
  if (expected.sessionToken) {
    if (!token) return refuse('The security token included in the request is invalid.');
    if (token !== expected.sessionToken) return refuse('The security token included in the request is invalid.');
  } else if (token) {
    return refuse('The security token included in the request is invalid.');
  }

  // The signature covers the payload's hash: a body that is not the one signed makes the signature wrong.
  const payloadHash = crypto.createHash('sha256').update(body).digest('hex');
  if (headers['x-amz-content-sha256'] && headers['x-amz-content-sha256'] !== payloadHash) {
    return refuse(MISMATCH);
  }

  // Recompute over exactly the headers the client signed.
  const signed = {};
  for (const name of auth.signedHeaders) signed[name] = headers[name];
  const tokenSigned = auth.signedHeaders.includes('x-amz-security-token');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: expected.accessKeyId,
      secretAccessKey: expected.secretAccessKey,
      // The signer adds and signs the token header when it has one: only when the client signed it.
      sessionToken: tokenSigned ? token : undefined,
    },
    region: expected.region,
    service: expected.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const [hostname, port] = headers.host.split(':');
  const resigned = await signer.sign({
    method: request.method,
    protocol: 'https:',
    hostname,
    port: port ? Number(port) : undefined,
    path: request.path,
    query: parseQuery(request.query),
    headers: signed,
    body,
  }, { signingDate: amzDate });
  const recomputed = parseAuthorization(resigned.headers.authorization);
  if (!recomputed || recomputed.signature !== auth.signature
      || recomputed.signedHeaders.join(';') !== auth.signedHeaders.join(';')) {
    return refuse(MISMATCH);
  }
  return { ok: true };
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      const message = JSON.parse(line);
      if (expected === null) {
        expected = message;
        answer = { ok: true, ready: true };
      } else {
        answer = await verify(message);
      }
    } catch (error) {
      answer = { ok: false, status: 403, message: `verifier could not read the request: ${error.message}` };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
});
