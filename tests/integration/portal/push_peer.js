// A local Web Push service for tests: HTTPS endpoints that check the VAPID JWT (RFC 8292, with
// node's crypto) and decrypt the aes128gcm payload (RFC 8291, with npm http_ece), plus a plain
// HTTP control port. Prints {"push_port", "control_port", "ca"} on its first stdout line.
// Endpoint names choose behaviour: gone-* 410, missing-* 404, flaky-* 500 twice then 201,
// slow-* held until POST /release; anything else 201.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const { execFileSync } = require('child_process');
const ece = require(path.join(__dirname, '../../browser/node_modules/http_ece'));

const dir = process.argv[2] || fs.mkdtempSync('/tmp/push-peer-');
fs.mkdirSync(dir, { recursive: true });
const key = path.join(dir, 'peer-key.pem');
const cert = path.join(dir, 'peer-cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
  '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

const devices = new Map();  // name -> { ecdh, auth }
const received = [];        // accepted, decrypted messages
const rejected = [];        // what failed verification, and why
const attempts = new Map(); // name -> count
const held = [];            // slow-* responses waiting for /release
let pushPort = 0;

function b64url(buf) { return Buffer.from(buf).toString('base64url'); }

function verifyVapid(req) {
  const h = req.headers.authorization || '';
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(h);
  if (!m) throw new Error('no vapid authorization: ' + h);
  const [head, claims, sig] = m[1].split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url'));
  if (header.alg !== 'ES256' || header.typ !== 'JWT') throw new Error('bad jwt header');
  const pub = Buffer.from(m[2], 'base64url');
  if (pub.length !== 65 || pub[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const jwk = { kty: 'EC', crv: 'P-256', x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) };
  const ok = crypto.verify('sha256', Buffer.from(head + '.' + claims), {
    key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig, 'base64url'));
  if (!ok) throw new Error('jwt signature does not verify');
  const c = JSON.parse(Buffer.from(claims, 'base64url'));
  const now = Date.now() / 1000;
  if (c.aud !== 'https://127.0.0.1:' + pushPort) throw new Error('aud ' + c.aud);
  if (!(c.exp > now && c.exp <= now + 24 * 3600)) throw new Error('exp ' + c.exp);
  if (!/^(mailto:|https:)/.test(c.sub || '')) throw new Error('sub ' + c.sub);
  return { k: m[2], claims: c };
}

function onPush(req, res, body) {
  const name = decodeURIComponent(req.url.slice('/push/'.length));
  const n = (attempts.get(name) || 0) + 1;
  attempts.set(name, n);
  const dev = devices.get(name);
  if (name.startsWith('gone-')) { res.writeHead(410); return res.end('gone'); }
  if (name.startsWith('missing-')) { res.writeHead(404); return res.end('no such subscription'); }
  if (name.startsWith('flaky-') && n <= 2) { res.writeHead(500); return res.end('try later'); }
  try {
    if (!dev) throw new Error('unknown device ' + name);
    const vapid = verifyVapid(req);
    if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('content-encoding');
    if (!/^\d+$/.test(req.headers.ttl || '')) throw new Error('ttl');
    const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: dev.ecdh, authSecret: dev.auth });
    received.push({ device: name, urgency: req.headers.urgency || null, topic: req.headers.topic || null,
      ttl: Number(req.headers.ttl), payload: JSON.parse(plain.toString('utf8')), vapid_key: vapid.k,
      at_ms: performance.timeOrigin + performance.now() });
  } catch (e) {
    rejected.push({ device: name, error: String(e.message || e) });
    res.writeHead(400);
    return res.end(String(e.message || e));
  }
  if (name.startsWith('slow-')) return held.push(res);
  res.writeHead(201, { Location: '/msg/' + received.length });
  res.end();
}

const push = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url.startsWith('/push/')) return onPush(req, res, Buffer.concat(chunks));
    res.writeHead(404); res.end();
  });
});
push.keepAliveTimeout = 60000;

function json(res, status, v) { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); }

const control = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/device') {  // a new browser-side subscription: keys only this peer knows
    const name = u.searchParams.get('name');
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = crypto.randomBytes(16);
    devices.set(name, { ecdh, auth });
    return json(res, 200, { endpoint: `https://127.0.0.1:${pushPort}/push/${encodeURIComponent(name)}`,
      keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } });
  }
  if (u.pathname === '/times') return json(res, 200, { at_ms: received.map((r) => r.at_ms), rejected: rejected.length });
  if (u.pathname === '/received') return json(res, 200, { received, rejected,
    attempts: Object.fromEntries(attempts), held: held.length });
  if (u.pathname === '/release' && req.method === 'POST') {
    while (held.length) { const r = held.pop(); r.writeHead(201); r.end(); }
    return json(res, 200, { ok: true });
  }
  json(res, 404, {});
});

push.listen(0, '127.0.0.1', () => {
  pushPort = push.address().port;
  control.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ push_port: pushPort, control_port: control.address().port, ca: cert }) + '\n');
  });
});
process.stdin.on('end', () => process.exit(0));  // dies with the test
process.stdin.resume();
