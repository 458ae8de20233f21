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
    #asyncapi-doc article { border: 1px solid #ddd; margin: .8em 0; padding: .2em .8em .6em; }
    #asyncapi-doc h3 { margin: .4em 0; font-size: 1.05em; }
    #asyncapi-doc h4 { margin: .6em 0 .2em; font-size: .95em; }
    #asyncapi-doc ul { margin: .2em 0; padding-left: 1.2em; }
    #asyncapi-doc table { border-collapse: collapse; font-size: 13px; }
    #asyncapi-doc td, #asyncapi-doc th { border: 1px solid #ddd; padding: .15em .4em; text-align: left; vertical-align: top; }
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
  <section id="asyncapi">
    <h2>AsyncAPI document</h2>
    <p>What a client author needs, generated from the gateways: <a href="/asyncapi.json">/asyncapi.json</a>
       (AsyncAPI 3.0). Channels, their handshake parameters, messages and close codes:</p>
    <div id="asyncapi-doc">loading…</div>
  </section>
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

      // The AsyncAPI document, rendered as plain lists: no viewer, no build.
      function el(tag, text, className) {
        var node = document.createElement(tag);
        if (text !== undefined) node.textContent = text;
        if (className) node.className = className;
        return node;
      }
      function refName(ref) { return ref.split('/').pop(); }
      function describeSchema(schema) {
        if (!schema || Object.keys(schema).length === 0) return 'any';
        if (schema.$ref) return refName(schema.$ref);
        if (schema.type === 'array') return 'array of ' + describeSchema(schema.items || {});
        var parts = [schema.type || 'any'];
        if (schema.const !== undefined) parts = [JSON.stringify(schema.const)];
        if (schema.enum) parts.push('one of ' + schema.enum.join(', '));
        if (schema.minimum !== undefined || schema.maximum !== undefined) {
          parts.push((schema.minimum !== undefined ? schema.minimum : '…') + '–' + (schema.maximum !== undefined ? schema.maximum : '…'));
        }
        if (schema.minLength !== undefined || schema.maxLength !== undefined) {
          parts.push('length ' + (schema.minLength || 0) + '–' + (schema.maxLength !== undefined ? schema.maxLength : '…'));
        }
        if (schema.pattern) parts.push('pattern ' + schema.pattern);
        if (schema.type === 'object' && schema.properties) {
          parts = ['{ ' + Object.keys(schema.properties).map(function (name) {
            return name + ((schema.required || []).indexOf(name) === -1 ? '?' : '') + ': ' + describeSchema(schema.properties[name]);
          }).join('; ') + ' }'];
        }
        return parts.join(', ');
      }
      function propertyList(title, schema) {
        var li = el('li');
        li.appendChild(el('strong', title + ': '));
        li.appendChild(el('span', schema ? describeSchema(schema) : 'none'));
        return li;
      }
      function renderChannel(id, channel, operations) {
        var article = el('article');
        article.dataset.address = channel.address || '';
        article.appendChild(el('h3', (channel.address || '(every path)') + ' — ' + channel.title));
        article.appendChild(el('h4', 'Handshake'));
        var handshake = el('ul');
        Object.keys(channel.parameters || {}).forEach(function (name) {
          var parameter = channel.parameters[name];
          handshake.appendChild(propertyList('path {' + name + '}', parameter['x-schema'] || { type: 'string' }));
        });
        var ws = channel.bindings.ws;
        handshake.appendChild(propertyList('query', ws.query));
        handshake.appendChild(propertyList('headers', ws.headers));
        if (ws['x-cookies']) handshake.appendChild(propertyList('cookies', ws['x-cookies']));
        article.appendChild(handshake);
        article.appendChild(el('h4', 'Messages'));
        var messages = el('ul', undefined, 'messages');
        Object.keys(operations).forEach(function (opId) {
          var operation = operations[opId];
          if (operation.channel.$ref !== '#/channels/' + id) return;
          operation.messages.forEach(function (ref) {
            var message = channel.messages[refName(ref.$ref)];
            var data = message.payload.properties && message.payload.properties.data;
            var li = el('li', (operation.action === 'receive' ? 'client → server ' : 'server → client ') + message.name + ': ' +
              describeSchema(data || message.payload));
            messages.appendChild(li);
          });
        });
        article.appendChild(messages);
        article.appendChild(el('h4', 'Close codes'));
        var table = el('table', undefined, 'close-codes');
        var head = el('tr');
        ['code', 'reason', 'when', 'phase', 'retry'].forEach(function (title) { head.appendChild(el('th', title)); });
        table.appendChild(head);
        channel['x-close-codes'].forEach(function (entry) {
          var row = el('tr');
          row.dataset.code = String(entry.code);
          [entry.to ? entry.code + '–' + entry.to : String(entry.code), entry.reason, entry.when, entry.phase,
           entry.retry ? (entry.backoff ? 'yes, with backoff' : 'yes') : 'no'].forEach(function (text) { row.appendChild(el('td', text)); });
          table.appendChild(row);
        });
        article.appendChild(table);
        return article;
      }
      fetch('/asyncapi.json').then(function (response) { return response.json(); }).then(function (doc) {
        var target = $('asyncapi-doc');
        target.textContent = '';
        Object.keys(doc.channels).forEach(function (id) { target.appendChild(renderChannel(id, doc.channels[id], doc.operations)); });
      }).catch(function (error) { $('asyncapi-doc').textContent = 'could not load /asyncapi.json: ' + error; });

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
