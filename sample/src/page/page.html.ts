/**
 * The sample's one page: pick an endpoint, connect, send messages, and see every message
 * and the `CloseEvent` (code, reason) as they arrive. Plain HTML and script, no build.
 * The ids are stable: test/browser/sample.browser.e2e-spec.ts drives this page.
 */
export const PAGE_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>nestjs-ws-errors sample</title>
  <style>
    body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 52em; padding: 0 1em; }
    fieldset { margin-bottom: 1em; }
    label { display: inline-block; margin: 0 1em .4em 0; }
    input[type=text] { width: 12em; }
    #log { font: 13px/1.5 ui-monospace, monospace; list-style: none; padding: 0; border-top: 1px solid #ccc; }
    #log li { border-bottom: 1px solid #eee; padding: .2em 0; white-space: pre-wrap; word-break: break-all; }
    #log li.close { color: #a00; } #log li.open { color: #070; } #log li.sent { color: #555; }
    code { background: #f4f4f4; padding: 0 .2em; }
  </style>
</head>
<body>
  <h1>nestjs-ws-errors sample</h1>
  <fieldset>
    <legend>Connect</legend>
    <label>Endpoint
      <select id="endpoint">
        <option value="items">/items/:itemId/ws (path param + session cookie)</option>
        <option value="ws">/ws (query q: integer, default handler: 1008)</option>
        <option value="strict">/strict (query q: integer, custom filter: 1003)</option>
      </select>
    </label><br>
    <label>Item id <input id="item-id" type="text" value="foo"></label>
    <label>Cookie <code>session</code> <input id="cookie" type="text" placeholder="(none)"></label>
    <label>Query <input id="query" type="text" placeholder="q=3"></label><br>
    <button id="connect">Connect</button>
    <button id="disconnect" disabled>Disconnect</button>
    URL: <code id="url"></code>
    Status: <strong id="status">idle</strong>
  </fieldset>
  <fieldset>
    <legend>Send</legend>
    <label>Event <input id="event" type="text" value="echo"></label>
    <label>Message <input id="message" type="text" value="hello"></label>
    <button id="send" disabled>Send</button>
  </fieldset>
  <p>Last close: code <strong id="close-code"></strong>, reason <code id="close-reason"></code>,
     clean <span id="close-clean"></span></p>
  <ul id="log"></ul>
  <script>
    (function () {
      var $ = function (id) { return document.getElementById(id); };
      var socket = null;
      var count = 0;

      function log(kind, text) {
        var li = document.createElement('li');
        li.className = kind;
        li.textContent = '[' + kind + '] ' + text;
        $('log').appendChild(li);
        return li;
      }

      function setStatus(status) {
        $('status').textContent = status;
        var open = status === 'open';
        $('send').disabled = !open;
        $('disconnect').disabled = !(open || status === 'connecting');
        $('connect').disabled = open || status === 'connecting';
      }

      function buildUrl() {
        var endpoint = $('endpoint').value;
        var path = endpoint === 'items' ? '/items/' + encodeURIComponent($('item-id').value) + '/ws' : '/' + endpoint;
        var query = $('query').value.replace(/^\\?/, '');
        var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
        return scheme + location.host + path + (query ? '?' + query : '');
      }

      // Same origin as this page, so the browser sends the cookie with the upgrade request.
      function applyCookie() {
        var value = $('cookie').value;
        document.cookie = value
          ? 'session=' + encodeURIComponent(value) + '; path=/; SameSite=Strict'
          : 'session=; path=/; max-age=0';
      }

      $('connect').onclick = function () {
        if (socket) socket.close();
        applyCookie();
        var url = buildUrl();
        $('url').textContent = url;
        ['close-code', 'close-reason', 'close-clean'].forEach(function (id) { $(id).textContent = ''; });
        var ws = new WebSocket(url);
        socket = ws;
        setStatus('connecting');
        ws.onopen = function () { if (socket === ws) setStatus('open'); log('open', url); };
        ws.onmessage = function (event) {
          count += 1;
          var text = typeof event.data === 'string' ? event.data : '(binary)';
          var shown = text;
          try { var parsed = JSON.parse(text); if (parsed && 'data' in parsed) shown = String(parsed.data); } catch (e) {}
          var li = log('message', shown);
          li.id = 'message-' + count;
          li.dataset.raw = text;
        };
        ws.onerror = function () { log('error', 'the browser reports an error (a close event follows)'); };
        ws.onclose = function (event) {
          var li = log('close', event.code + ' ' + (event.reason || '(no reason)'));
          li.dataset.code = String(event.code);
          li.dataset.reason = event.reason;
          $('close-code').textContent = String(event.code);
          $('close-reason').textContent = event.reason;
          $('close-clean').textContent = String(event.wasClean);
          if (socket === ws) { socket = null; setStatus('closed'); }
        };
      };

      $('disconnect').onclick = function () { if (socket) socket.close(1000, 'bye'); };

      $('send').onclick = function () {
        if (!socket) return;
        var frame = JSON.stringify({ event: $('event').value, data: $('message').value });
        socket.send(frame);
        log('sent', frame);
      };

      $('endpoint').onchange = function () {
        var items = $('endpoint').value === 'items';
        $('item-id').disabled = !items;
        if (!items && !$('query').value) $('query').value = 'q=3';
      };
    })();
  </script>
</body>
</html>
`;
