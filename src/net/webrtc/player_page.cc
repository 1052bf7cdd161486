#include "net/webrtc/player_page.h"

namespace nvcast::webrtc {

// A WHEP client in a few lines of JavaScript: offer to receive video, POST it, apply the answer.
// ?token=… in the page's address becomes the bearer token. window.nvcast exposes the peer
// connection for tests.
const char kPlayerPage[] = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nvcast</title>
<style>
  body { margin: 0; background: #111; color: #ddd; font: 14px system-ui, sans-serif; }
  video { display: block; width: 100vw; height: calc(100vh - 2em); background: #000; object-fit: contain; }
  #status { height: 2em; line-height: 2em; padding: 0 1em; }
</style>
</head>
<body>
<video id="video" autoplay muted playsinline controls></video>
<div id="status">connecting…</div>
<script>
const status = document.getElementById('status');
const video = document.getElementById('video');
window.nvcast = { state: 'connecting' };

async function watch() {
  const pc = new RTCPeerConnection();
  window.nvcast.pc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.ontrack = (event) => { video.srcObject = event.streams[0] || new MediaStream([event.track]); };
  pc.onconnectionstatechange = () => {
    window.nvcast.state = pc.connectionState;
    status.textContent = pc.connectionState;
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const headers = { 'Content-Type': 'application/sdp' };
  const token = new URLSearchParams(location.search).get('token');
  if (token) headers['Authorization'] = 'Bearer ' + token;
  const response = await fetch('/whep', { method: 'POST', headers, body: offer.sdp });
  if (response.status !== 201) throw new Error('WHEP: ' + response.status + ' ' + (await response.text()));
  window.nvcast.resource = response.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  addEventListener('pagehide', () => {
    fetch(window.nvcast.resource, { method: 'DELETE', headers, keepalive: true });
  });
}

watch().catch((error) => {
  window.nvcast.state = 'failed';
  window.nvcast.error = String(error);
  status.textContent = String(error);
});
</script>
</body>
</html>
)html";

}  // namespace nvcast::webrtc
