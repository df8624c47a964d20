// Proof of work for the complaint form: find a nonce such that SHA-256("<challenge>:<nonce>")
// starts with the number of zero bits the signed challenge names (see supervision/spamguard.py).
// Plain JavaScript SHA-256 so it also works on pages not served over HTTPS.
(function () {
  "use strict";
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function utf8(text) { return new TextEncoder().encode(text); }

  function sha256(bytes) {
    var length = bytes.length, blocks = ((length + 9 + 63) >> 6) << 4, w = new Array(blocks).fill(0), i;
    for (i = 0; i < length; i++) w[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
    w[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    w[blocks - 1] = length * 8;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var m = new Array(64);
    function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
    for (var b = 0; b < blocks; b += 16) {
      for (i = 0; i < 16; i++) m[i] = w[b + i] | 0;
      for (i = 16; i < 64; i++) {
        var s0 = rotr(m[i - 15], 7) ^ rotr(m[i - 15], 18) ^ (m[i - 15] >>> 3);
        var s1 = rotr(m[i - 2], 17) ^ rotr(m[i - 2], 19) ^ (m[i - 2] >>> 10);
        m[i] = (m[i - 16] + s0 + m[i - 7] + s1) | 0;
      }
      var a = h[0], c1 = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + m[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & c1) ^ (a & c) ^ (c1 & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = c1; c1 = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + c1) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h;
  }

  function zeroBits(h) {
    var bits = 0;
    for (var i = 0; i < 8; i++) {
      if (h[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(h[i]);
    }
    return bits;
  }

  function difficulty(challenge) {
    // The challenge is Django's signed "payload:timestamp:signature"; the payload is base64 JSON.
    try {
      var payload = challenge.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(payload + "===".slice((payload.length + 3) % 4))).b;
    } catch (err) { return 16; }
  }

  var form = document.querySelector("form[data-pow]");
  if (!form) return;
  var challenge = form.querySelector("input[name=challenge]").value;
  var proof = form.querySelector("input[name=proof]");
  var button = form.querySelector("button[type=submit]");
  var status = document.getElementById("pow-status");
  var bits = difficulty(challenge), nonce = 0;
  button.disabled = true;
  function work() {
    var stop = nonce + 5000;
    for (; nonce < stop; nonce++) {
      if (zeroBits(sha256(utf8(challenge + ":" + nonce))) >= bits) {
        proof.value = String(nonce);
        button.disabled = false;
        form.setAttribute("data-pow-done", "true");
        if (status) status.textContent = status.getAttribute("data-done") || "✔";
        return;
      }
    }
    setTimeout(work, 0);
  }
  work();
})();
