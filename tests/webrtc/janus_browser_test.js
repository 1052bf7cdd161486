// Many viewers through a WebRTC server: nvcast streams plain RTP into Debian's Janus (streaming
// plugin, the mountpoint documented in docs/webrtc.md), and headless Chromium watches it through
// Janus's HTTP API. Checks that the browser decodes the stream at its frame rate and that the
// picture moves.  node janus_browser_test.js NVCAST_EXE OUT_DIR
'use strict';
const { spawn } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { chromium } = require('playwright-core');

const [nvcast, outDir] = process.argv.slice(2);
const fps = 30, seconds = 12;
const children = [];
function fail(message, extra) {
  console.log(JSON.stringify({ case: 'janus', ok: false, error: message, ...extra }));
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}
const freeTcp = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const freeUdp = () => new Promise((resolve) => {
  const s = dgram.createSocket('udp4').bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

function janusConfig(dir, httpPort, rtpPort) {
  const lib = '/usr/lib/x86_64-linux-gnu/janus';
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${lib}/plugins"
  transports_folder = "${lib}/transports"
  events_folder = "${lib}/events"
  loggers_folder = "${lib}/loggers"
  debug_level = 4
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  ice_ignore_list = "vmnet"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_videoroom.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so"
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`);
  fs.writeFileSync(path.join(dir, 'janus.transport.http.jcfg'), `general: {
  base_path = "/janus"
  http = true
  port = ${httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
}
cors: {
}
`);
  // The mountpoint of docs/webrtc.md, on a free port.
  fs.writeFileSync(path.join(dir, 'janus.plugin.streaming.jcfg'), `general: {
}
nvcast: {
  type = "rtp"
  id = 1
  description = "nvcast"
  media = (
    {
      type = "video"
      mid = "v"
      port = ${rtpPort}
      pt = 96
      codec = "h264"
      fmtp = "profile-level-id=42e01f;packetization-mode=1"
    }
  )
}
`);
}

(async () => {
  const httpPort = await freeTcp(), rtpPort = await freeUdp();
  const dir = path.join(outDir, 'janus-config');
  janusConfig(dir, httpPort, rtpPort);
  let janusLog = '';
  const janus = spawn('janus', ['-C', path.join(dir, 'janus.jcfg'), '-F', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(janus);
  janus.stdout.on('data', (d) => { janusLog += d; });
  janus.stderr.on('data', (d) => { janusLog += d; });
  // Janus is up when its HTTP API answers.
  const up = Date.now();
  for (;;) {
    try { if ((await fetch(`http://127.0.0.1:${httpPort}/janus/info`)).ok) break; } catch (e) { /* not yet */ }
    if (Date.now() - up > 20000) fail('Janus did not start', { log: janusLog.slice(-3000) });
    await new Promise((r) => setTimeout(r, 200));
  }
  let nvOut = '', nvErr = '';
  const nv = spawn(nvcast, ['stream', `synthetic:640x360@${fps}:${seconds * fps}`, '-c', 'h264', '--tune', 'll',
                            '--gop', '30', '--to', `rtp://127.0.0.1:${rtpPort}`, '--pt', '96'],
                   { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(nv);
  nv.stdout.on('data', (d) => { nvOut += d; });
  nv.stderr.on('data', (d) => { nvErr += d; });
  const nvDone = new Promise((resolve) => nv.on('exit', (code) => resolve(code)));

  const browser = await chromium.launch({
    executablePath: process.env.NVCAST_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${httpPort}/janus/info`);  // same origin as the API
  // Janus's HTTP API by hand: create, attach the streaming plugin, watch mountpoint 1, answer
  // its offer, start; then keep long-polling (that is also the session's keepalive).
  await page.evaluate(async () => {
    const api = '/janus';
    const tx = () => Math.random().toString(36).slice(2);
    const post = async (url, body) => (await fetch(url, { method: 'POST', body: JSON.stringify({ transaction: tx(), ...body }) })).json();
    const session = (await post(api, { janus: 'create' })).data.id;
    const handle = (await post(`${api}/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data.id;
    const pc = new RTCPeerConnection();
    window.janusPc = pc;
    const video = document.createElement('video');
    video.autoplay = true; video.muted = true; video.style.width = '640px'; video.style.height = '360px';
    document.body.innerHTML = '';
    document.body.appendChild(video);
    pc.ontrack = (e) => { video.srcObject = e.streams[0] || new MediaStream([e.track]); };
    await post(`${api}/${session}/${handle}`, { janus: 'message', body: { request: 'watch', id: 1 } });
    let offer = null;
    while (!offer) {
      const ev = await (await fetch(`${api}/${session}?maxev=1&rid=${Date.now()}`)).json();
      if (ev.jsep) offer = ev.jsep;
    }
    await pc.setRemoteDescription(offer);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await post(`${api}/${session}/${handle}`, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: answer.sdp } });
    (async () => { for (;;) await fetch(`${api}/${session}?maxev=1&rid=${Date.now()}`); })();
  });
  const samples = [];
  let shot = false;
  let nvCode = null;
  nvDone.then((c) => { nvCode = c; });
  while (nvCode === null) {
    const s = await page.evaluate(async () => {
      let out = null;
      (await window.janusPc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video')
          out = { framesDecoded: r.framesDecoded || 0, frameWidth: r.frameWidth, frameHeight: r.frameHeight, t: performance.now() };
      });
      return out;
    });
    if (s) samples.push(s);
    if (!shot && s && s.framesDecoded > 60) {
      await page.screenshot({ path: path.join(outDir, 'janus-player-1.png') });
      await new Promise((r) => setTimeout(r, 300));
      await page.screenshot({ path: path.join(outDir, 'janus-player-2.png') });
      shot = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await browser.close();
  for (const c of children) c.kill('SIGTERM');
  const result = { case: 'janus', nvcast_exit: nvCode };
  if (nvCode !== 0) fail(`nvcast failed: ${nvErr.slice(-1500)}`, result);
  const decoding = samples.filter((s) => s.framesDecoded > 0);
  if (decoding.length < 2) fail('the browser decoded nothing through Janus', { ...result, log: janusLog.slice(-2000) });
  const first = decoding[0], last = decoding[decoding.length - 1];
  const expected = (last.t - first.t) / 1000 * fps;
  result.frames_decoded = last.framesDecoded;
  result.decode_rate_share = (last.framesDecoded - first.framesDecoded) / expected;
  result.size = `${last.frameWidth}x${last.frameHeight}`;
  if (expected < fps * 3) fail('the browser watched for less than 3 s', result);
  if (result.decode_rate_share < 0.95) fail('the browser decoded fewer than 95% of the frames that passed', result);
  if (result.size !== '640x360') fail('decoded size is not 640x360', result);
  if (!shot) fail('no screenshot taken', result);
  result.picture_moves = !fs.readFileSync(path.join(outDir, 'janus-player-1.png'))
    .equals(fs.readFileSync(path.join(outDir, 'janus-player-2.png')));
  if (!result.picture_moves) fail('the player shows a still picture', result);
  result.ok = true;
  console.log(JSON.stringify(result));
  process.exit(0);
})().catch((e) => fail(String(e && e.stack || e)));
