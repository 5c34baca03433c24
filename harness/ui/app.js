// The twimlharness inspector: the calls of a running server (live, through
// the control API and its event stream), or of a saved report (the same
// views, reading the data the report carries). No library, no network
// beyond the server it came from.
'use strict';
(function () {
  const base = '/_harness/';
  const dataEl = document.getElementById('twimlharness-report');
  const report = dataEl ? JSON.parse(dataEl.textContent) : null;
  const main = document.getElementById('main');
  if (report) document.body.classList.add('report');

  // h builds an element: h('a', {href: '#'}, 'text', child…). Text is
  // always text: nothing is parsed as HTML.
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === undefined || kid === null || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  // show puts what a view draws in the page, instead of what was there.
  const show = (...kids) => main.replaceChildren(h('div', { class: 'view' }, kids));
  const short = (sid) => (sid ? sid.slice(0, 10) + '…' : '');
  const badge = (text, cls) => h('span', { class: 'badge ' + (cls || '') }, text);
  const statusBadge = (st) => badge(st, 'status-' + st);

  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return d.toISOString().replace('T', ' ').replace('Z', '');
  }
  function fmtDur(ms) {
    if (!ms) return '0s';
    const s = ms / 1000;
    if (s < 60) return (Math.round(s * 10) / 10) + 's';
    const m = Math.floor(s / 60);
    return m + 'm' + String(Math.round(s - m * 60)).padStart(2, '0') + 's';
  }
  function offset(from, iso) {
    const ms = new Date(iso) - new Date(from);
    const sign = ms < 0 ? '-' : '+';
    const a = Math.abs(ms);
    const m = Math.floor(a / 60000);
    const s = ((a % 60000) / 1000).toFixed(3).padStart(6, '0');
    return sign + m + ':' + s;
  }

  // ---- data: the control API, or the report's own ----
  async function get(path, as) {
    const r = await fetch(base + path, { headers: { Accept: as === 'text' ? 'text/plain' : 'application/json' } });
    const body = await r.text();
    if (!r.ok) {
      let msg = body;
      try { msg = JSON.parse(body).error; } catch (e) { /* not JSON */ }
      throw new Error(r.status + ': ' + msg);
    }
    return as === 'text' ? body : JSON.parse(body);
  }
  async function send(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(base + path, init);
    const text = await r.text();
    let out = text;
    try { out = JSON.parse(text); } catch (e) { /* text */ }
    if (!r.ok) throw new Error(r.status + ': ' + (out && out.error ? out.error : text));
    return out;
  }
  const missing = (what) => Promise.reject(new Error(what + ' is not in this report'));

  const api = report ? {
    list(q) {
      const status = q.get('status') || '', number = q.get('number') || '';
      const since = q.get('since'), until = q.get('until');
      const off = +(q.get('offset') || 0), lim = +(q.get('limit') || 50);
      const all = report.calls.slice().reverse().filter((c) =>
        (!status || c.status === status) &&
        (!number || c.from.includes(number) || c.to.includes(number)) &&
        (!since || new Date(c.created) >= new Date(since)) &&
        (!until || new Date(c.created) < new Date(until)));
      return Promise.resolve({ calls: all.slice(off, off + lim), total: all.length, offset: off, limit: lim, now: report.now });
    },
    summary: (sid) => report.calls.find((c) => c.sid === sid) || missing('call ' + sid),
    record: (sid) => report.records[sid] || missing('call ' + sid),
    svg: (sid) => (report.diagrams[sid] || {}).svg || '',
    mermaid: (sid) => (report.diagrams[sid] || {}).mermaid || '',
    transcript: (sid) => report.transcripts[sid] || '',
    conferences: () => ({ conferences: report.conferences || [] }),
    conference: (sid) => (report.conferences || []).find((c) => c.sid === sid) || missing('conference ' + sid),
    conferenceSVG: (sid) => ((report.conference_diagrams || {})[sid] || {}).svg || '',
    conferenceMermaid: (sid) => ((report.conference_diagrams || {})[sid] || {}).mermaid || '',
  } : {
    list: (q) => get('calls?' + q.toString()),
    summary: (sid) => get('calls/' + sid + '/summary'),
    record: (sid) => get('calls/' + sid + '/record'),
    svg: (sid) => get('calls/' + sid + '/diagram.svg', 'text'),
    mermaid: (sid) => get('calls/' + sid + '/diagram', 'text'),
    transcript: (sid) => get('calls/' + sid + '/transcript', 'text'),
    conferences: () => get('conferences'),
    conference: (sid) => get('conferences/' + sid + '/record'),
    conferenceSVG: (sid) => get('conferences/' + sid + '/diagram.svg', 'text'),
    conferenceMermaid: (sid) => get('conferences/' + sid + '/diagram', 'text'),
  };

  // ---- the clock and the live connection ----
  const clockEl = document.getElementById('clock');
  const connEl = document.getElementById('conn');
  function showClock(now) { if (now) clockEl.textContent = 'virtual time ' + fmtTime(now); }
  let clockTimer = 0;
  function refreshClock() {
    if (report || clockTimer) return;
    clockTimer = setTimeout(() => {
      clockTimer = 0;
      get('clock').then((c) => showClock(c.now), () => {});
    }, 200);
  }
  // view is what the page shows; onCall lets it follow the calls as they change.
  let view = { onCall() {} };
  if (report) {
    connEl.textContent = 'report';
    showClock(report.now);
  } else {
    const es = new EventSource(base + 'events');
    es.addEventListener('open', () => { connEl.textContent = 'live'; connEl.className = 'conn live'; });
    es.addEventListener('error', () => { connEl.textContent = 'reconnecting'; connEl.className = 'conn down'; });
    es.addEventListener('hello', (ev) => showClock(JSON.parse(ev.data).now));
    es.addEventListener('call', (ev) => { view.onCall(JSON.parse(ev.data)); refreshClock(); });
    es.addEventListener('reset', () => route());
  }

  // ---- routes ----
  function route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query] = hash.split('?');
    const q = new URLSearchParams(query || '');
    const parts = path.split('/').filter(Boolean);
    document.querySelectorAll('header nav a').forEach((a) => a.classList.remove('active'));
    const nav = (name) => { const a = document.querySelector('[data-nav="' + name + '"]'); if (a) a.classList.add('active'); };
    view = { onCall() {} };
    let done;
    if (parts[0] === 'calls' && parts[1]) { nav('calls'); done = callPage(parts[1]); }
    else if (parts[0] === 'conferences' && parts[1]) { nav('conferences'); done = conferencePage(parts[1]); }
    else if (parts[0] === 'conferences') { nav('conferences'); done = conferenceList(); }
    else if (parts[0] === 'control' && !report) { nav('control'); done = controlPage(); }
    else { nav('calls'); done = callList(q); }
    Promise.resolve(done).catch((err) => { show(h('p', { class: 'error' }, String(err.message || err))); });
  }
  window.addEventListener('hashchange', route);

  // ---- the list of calls ----
  const statuses = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'];
  function callRow(c, fresh) {
    return h('tr', { 'data-sid': c.sid, class: fresh ? 'fresh' : null },
      h('td', { class: 'mono' }, fmtTime(c.created)),
      h('td', { class: 'mono' }, h('a', { href: '#/calls/' + c.sid }, short(c.sid))),
      h('td', {}, c.direction),
      h('td', { class: 'mono' }, c.from),
      h('td', { class: 'mono' }, c.to),
      h('td', {}, statusBadge(c.status), c.answered_by ? ' ' + c.answered_by : ''),
      h('td', { class: 'mono' }, fmtDur(c.duration_ms)),
      h('td', {}, c.requests),
      h('td', {}, c.errors ? badge(c.errors + ' error' + (c.errors > 1 ? 's' : ''), 'level-error') : '',
        c.warnings ? badge(c.warnings + ' warning' + (c.warnings > 1 ? 's' : ''), 'level-warning') : ''),
      h('td', {}, c.parent_call_sid ? h('a', { href: '#/calls/' + c.parent_call_sid }, 'leg of ' + short(c.parent_call_sid)) :
        (c.legs || []).length ? (c.legs.length + ' leg' + (c.legs.length > 1 ? 's' : '')) : ''));
  }
  function matches(c, q) {
    const st = q.get('status'), num = q.get('number');
    return (!st || c.status === st) && (!num || c.from.includes(num) || c.to.includes(num)) && !q.get('since') && !q.get('until');
  }
  async function callList(q) {
    if (!q.get('limit')) q.set('limit', '50');
    const page = await api.list(q);
    showClock(page.now);
    const off = page.offset, lim = page.limit;
    const form = h('form', { class: 'filters', id: 'filters' },
      h('label', {}, 'Status', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
        statuses.map((s) => h('option', { value: s, selected: q.get('status') === s }, s)))),
      h('label', {}, 'Number (from or to)', h('input', { name: 'number', value: q.get('number') || '', placeholder: '+1415…' })),
      h('label', {}, 'Created since', h('input', { name: 'since', value: q.get('since') || '', placeholder: '2025-01-06T09:00:00Z', size: 22 })),
      h('label', {}, 'before', h('input', { name: 'until', value: q.get('until') || '', placeholder: 'RFC 3339', size: 22 })),
      h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h('a', { href: '#/' }, 'clear'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const nq = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) nq.set(k, v);
      location.hash = '#/?' + nq.toString();
    });
    const tbody = h('tbody', { id: 'calls' }, page.calls.map((c) => callRow(c)));
    const countEl = h('span', { id: 'count' });
    const pager = h('div', { class: 'pager' });
    let total = page.total;
    const at = (o) => { const nq = new URLSearchParams(q); nq.set('offset', String(Math.max(0, o))); return '#/?' + nq.toString(); };
    const link = (ok, o, id, text) => (ok ? h('a', { href: at(o), id }, text) : h('span', { class: 'muted' }, text));
    // showCount says which calls the page shows, and links to the pages
    // around it: the total grows as calls come.
    const showCount = () => {
      const rows = tbody.children.length;
      countEl.textContent = !total ? 'no calls yet' : rows ? (off + 1) + '–' + (off + rows) + ' of ' + total + ' calls' :
        'no calls past ' + off + ' (' + total + ' in all)';
      const last = Math.max(0, Math.ceil(total / lim) - 1) * lim;
      pager.replaceChildren(link(off > 0, 0, 'newest', '« newest'), link(off > 0, off - lim, 'newer', '← newer'), countEl,
        link(off + lim < total, off + lim, 'older', 'older →'), link(off < last, last, 'oldest', 'oldest »'));
    };
    showCount();
    show(h('h1', {}, 'Calls'), form, pager,
      h('table', {}, h('thead', {}, h('tr', {}, ['Created (virtual)', 'SID', 'Direction', 'From', 'To', 'Status', 'Duration', 'Requests', 'Problems', 'Legs'].map((t) => h('th', {}, t)))), tbody));
    view = {
      onCall(c) {
        const row = tbody.querySelector('tr[data-sid="' + c.sid + '"]');
        if (row) { row.replaceWith(callRow(c, true)); return; }
        if (off !== 0 || !matches(c, q)) return;
        tbody.prepend(callRow(c, true));
        total++;
        while (tbody.children.length > lim) tbody.lastElementChild.remove();
        showCount();
      },
    };
  }

  // ---- one call ----
  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }
  function timebar(rec) {
    const st = (rec.events || []).filter((e) => e.kind === 'status');
    const start = new Date(rec.created), end = rec.ended ? new Date(rec.ended) : new Date(st.length ? st[st.length - 1].time : rec.created);
    const span = Math.max(1, end - start);
    const bar = h('div', { class: 'timebar', title: 'the call on the virtual clock' });
    st.forEach((e, i) => {
      const next = i + 1 < st.length ? new Date(st[i + 1].time) : end;
      const w = (next - new Date(e.time)) / span * 100;
      if (w > 0) bar.append(h('span', { class: e.status, style: 'width:' + w + '%', title: e.status + ' ' + fmtDur(next - new Date(e.time)) }));
    });
    return [bar, h('div', { class: 'legend' }, st.map((e, i) => {
      const next = i + 1 < st.length ? new Date(st[i + 1].time) : end;
      return h('span', {}, e.status + ' at ' + offset(rec.created, e.time) + (next - new Date(e.time) > 0 ? ' for ' + fmtDur(next - new Date(e.time)) : ''));
    }))];
  }
  // lanes draws the call and its legs on one virtual time axis: when each
  // was created, answered (the solid part) and ended.
  function lanes(rec, sum, legs) {
    if (!legs.length) return null;
    const t = (iso) => new Date(iso).getTime();
    const all = [{ label: 'this call', c: sum, rec }].concat(legs.map((l) => ({ label: l.to, c: l })));
    const from = t(rec.created);
    const end = (c) => (c.ended ? t(c.ended) : t(c.created) + c.duration_ms);
    const to = Math.max(...all.map(({ c }) => end(c)), from + 1);
    const pct = (ms) => ((ms - from) / (to - from)) * 100;
    return h('div', { class: 'lanes', title: 'the call and its legs on the virtual clock' }, all.map(({ label, c }) => {
      const s0 = pct(t(c.created)), s1 = pct(end(c));
      const talk = c.duration_ms ? pct(end(c) - c.duration_ms) : s1;
      return h('div', { class: 'lane' }, h('span', { class: 'lane-label mono' }, c.sid === sum.sid ? label : h('a', { href: '#/calls/' + c.sid }, label)),
        h('span', { class: 'lane-track' },
          h('span', { class: 'lane-ring', style: 'left:' + s0 + '%;width:' + Math.max(0.3, talk - s0) + '%', title: 'created at ' + offset(rec.created, c.created) }),
          c.duration_ms ? h('span', { class: 'lane-talk', style: 'left:' + talk + '%;width:' + Math.max(0.3, s1 - talk) + '%', title: 'in progress for ' + fmtDur(c.duration_ms) }) : null),
        h('span', { class: 'lane-status' }, statusBadge(c.status), ' ', offset(rec.created, c.created), ' → ', c.ended ? offset(rec.created, c.ended) : 'now'));
    }));
  }
  // prettyXML indents a TwiML document; anything that is not XML comes back as it was.
  function prettyXML(text) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) return text;
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const attrs = (el) => Array.from(el.attributes).map((a) => ' ' + a.name + '="' + esc(a.value).replace(/"/g, '&quot;') + '"').join('');
    const out = [];
    const walk = (el, depth) => {
      const pad = '  '.repeat(depth);
      const kids = Array.from(el.childNodes).filter((n) => n.nodeType !== 3 || n.textContent.trim());
      if (!kids.length) { out.push(pad + '<' + el.tagName + attrs(el) + '/>'); return; }
      if (kids.length === 1 && kids[0].nodeType === 3) {
        out.push(pad + '<' + el.tagName + attrs(el) + '>' + esc(kids[0].textContent.trim()) + '</' + el.tagName + '>');
        return;
      }
      out.push(pad + '<' + el.tagName + attrs(el) + '>');
      for (const k of kids) {
        if (k.nodeType === 1) walk(k, depth + 1);
        else if (k.nodeType === 3) out.push(pad + '  ' + esc(k.textContent.trim()));
      }
      out.push(pad + '</' + el.tagName + '>');
    };
    walk(doc.documentElement, 0);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + out.join('\n');
  }
  function webhook(e, created) {
    const r = e.request;
    const failed = r.error || r.reply_status >= 400;
    const reply = r.error ? 'error: ' + r.error : r.reply_status ? String(r.reply_status) : 'no reply yet';
    const sig = (r.headers || {})['X-Twilio-Signature'];
    const params = Object.entries(r.params || {}).sort(([a], [b]) => a.localeCompare(b));
    const ct = ((r.reply_headers || {})['Content-Type'] || [''])[0];
    const body = r.reply_body || '';
    return h('details', { class: 'webhook', 'data-seq': r.seq, 'data-key': 'webhook-' + r.seq },
      h('summary', {}, h('span', { class: 'mono' }, offset(created, r.time)), ' ', h('b', {}, r.kind), ' ', r.method, ' ',
        h('span', { class: 'mono' }, r.url), ' → ', h('span', { class: failed ? 'reply-bad' : '' }, reply)),
      h('div', { class: 'body' },
        h('h3', {}, 'Parameters'),
        h('table', { class: 'params' }, h('tbody', {}, params.map(([k, v]) => h('tr', { class: v.join('') ? null : 'empty' }, h('td', { class: 'mono' }, k), h('td', { class: 'mono' }, v.join(', ')))))),
        sig ? facts([['X-Twilio-Signature', h('code', {}, sig[0])]]) : null,
        h('h3', {}, 'Reply'),
        facts([['Status', reply], ['Content-Type', ct]]),
        body ? h('pre', { class: 'twiml' }, /xml/.test(ct) || body.trimStart().startsWith('<') ? prettyXML(body) : body) : h('p', { class: 'muted' }, 'no body')));
  }
  function errorLink(code) {
    // 99xxx are the harness's own codes; the rest are Twilio's, with a page each.
    return code >= 99000 ? String(code) : h('a', { href: 'https://www.twilio.com/docs/api/errors/' + code, target: '_blank', rel: 'noopener' }, String(code));
  }
  function diagramBox(svgText, mermaidText) {
    const box = h('div', { class: 'diagram', id: 'diagram' });
    if (svgText) box.innerHTML = svgText; // drawn by the server, every text escaped
    else box.append(h('pre', {}, mermaidText || 'no diagram'));
    return [box, mermaidText ? h('details', { 'data-key': 'mermaid' }, h('summary', {}, 'Mermaid source (paste into GitHub or mermaid.live)'), h('pre', { class: 'body mermaid-source' }, mermaidText)) : null];
  }
  // eventText says what an event was: its words, or the request it made.
  function eventText(e) {
    const r = e.request, a = e.api_request;
    if (r) return [r.kind, ' ', r.method, ' ', h('span', { class: 'mono' }, r.url), ' → ', r.error ? 'error: ' + r.error : (r.reply_status || 'no reply yet')];
    if (a) return [a.method, ' ', h('span', { class: 'mono' }, a.path), ' → ', a.status];
    return e.text || '';
  }
  function generic(obj) {
    return facts(Object.entries(obj).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => [k, String(v)]));
  }
  async function callPage(sid) {
    const [sum, rec, svg, mmd, transcript] = await Promise.all([api.summary(sid), api.record(sid),
      Promise.resolve(api.svg(sid)).catch(() => ''), api.mermaid(sid), api.transcript(sid)]);
    const events = rec.events || [];
    const hooks = events.filter((e) => e.kind === 'request' && e.request);
    const notes = rec.notifications || [];
    const recs = rec.recordings || [];
    const legs = sum.legs || [];
    const legLines = await Promise.all(legs.map((l) => Promise.resolve(api.summary(l)).catch(() => null)));
    const sec = (id, title, ...kids) => h('section', { id }, h('h2', {}, title), kids);
    show(
      h('h1', {}, 'Call ', h('span', { class: 'mono' }, sid), ' ', statusBadge(rec.status)),
      facts([['From', rec.from], ['To', rec.to], ['Direction', rec.direction], ['Answered by', rec.answered_by],
        ['Created', fmtTime(rec.created)], ['Answered', fmtTime(rec.answered)], ['Ended', fmtTime(rec.ended)],
        ['Duration', fmtDur(rec.duration_ms)], ['Price', rec.price],
        ['Parent', rec.parent_call_sid ? h('a', { href: '#/calls/' + rec.parent_call_sid }, rec.parent_call_sid) : ''],
        ['Legs', legs.length ? legs.map((l, i) => [i ? ', ' : '', h('a', { href: '#/calls/' + l, class: 'mono' }, l)]) : '']]),
      h('nav', { class: 'tabs' }, [['#diagram-sec', 'Diagram'], ['#timeline', 'Timeline'], ['#webhooks', 'Webhooks (' + hooks.length + ')'],
        ['#notifications', 'Notifications (' + notes.length + ')'], ['#recordings', 'Recordings (' + recs.length + ')'],
        ['#media', 'Streams & conversations'], ['#transcript', 'Transcript']].map(([href, t]) => h('a', { href: '#/calls/' + sid, onclick: (ev) => { ev.preventDefault(); document.querySelector(href).scrollIntoView(); } }, t))),
      timebar(rec),
      lanes(rec, sum, legLines.filter(Boolean)),
      sec('diagram-sec', 'Sequence diagram', diagramBox(svg, mmd)),
      sec('timeline', 'Timeline (virtual time since the call was created)',
        h('table', {}, h('tbody', {}, events.map((e) => h('tr', { class: 'event kind-' + e.kind },
          h('td', { class: 'mono' }, offset(rec.created, e.time)), h('td', {}, e.kind), h('td', {}, e.action || e.status || ''),
          h('td', {}, eventText(e))))))),
      sec('webhooks', 'Webhooks', hooks.length ? hooks.map((e) => webhook(e, rec.created)) : h('p', { class: 'muted' }, 'none')),
      sec('notifications', 'Notifications', notes.length ? h('table', {}, h('tbody', {}, notes.map((n) => h('tr', {},
        h('td', { class: 'mono' }, offset(rec.created, n.time)), h('td', {}, badge(n.level, 'level-' + n.level)),
        h('td', {}, errorLink(n.code)), h('td', {}, n.message, n.url ? h('div', { class: 'mono muted' }, n.method + ' ' + n.url) : ''))))) :
        h('p', { class: 'muted' }, 'none')),
      sec('recordings', 'Recordings', recs.length ? recs.map((r) => h('div', { class: 'recording' },
        facts([['SID', r.sid], ['Source', r.source], ['Status', r.status], ['Duration', fmtDur((r.duration_ns || 0) / 1e6)]]),
        report ? h('p', { class: 'muted' }, 'Open the inspector of a running server to play it.') :
          h('audio', { controls: true, preload: 'none', src: base + 'calls/' + sid + '/recordings/' + r.sid + '.wav' }))) : h('p', { class: 'muted' }, 'none')),
      sec('media', 'Media streams and ConversationRelay sessions',
        (rec.streams || []).map((s) => h('details', { class: 'stream', 'data-key': 'stream-' + s.sid }, h('summary', {}, 'Stream ', s.name || s.sid, ' ', s.url || ''),
          h('div', { class: 'body' }, generic(s), h('p', { class: 'muted' }, (s.messages || []).length + ' messages')))),
        (rec.conversations || []).map((cv) => h('details', { class: 'conversation', open: true },
          h('summary', {}, 'ConversationRelay ', cv.session_id, ' ', cv.url, ' ', cv.status ? badge(cv.status) : ''),
          h('div', { class: 'body' }, generic(cv), h('table', {}, h('tbody', {}, (cv.turns || []).map((t) => h('tr', {},
            h('td', { class: 'mono' }, offset(rec.created, t.time)), h('td', {}, t.speaker), h('td', {}, t.kind), h('td', {}, t.text,
              t.interrupted ? badge('interrupted') : '')))))))),
        !(rec.streams || []).length && !(rec.conversations || []).length ? h('p', { class: 'muted' }, 'none') : null),
      sec('transcript', 'Transcript', h('pre', { class: 'transcript' }, transcript)));
    let pending = 0;
    view = {
      onCall(c) {
        if (c.sid !== sid && !legs.includes(c.sid) && c.parent_call_sid !== sid) return;
        if (pending) return;
        pending = setTimeout(() => {
          // Drawn again, the page keeps where it was and what was open.
          pending = 0;
          const y = window.scrollY;
          const open = new Set(Array.from(main.querySelectorAll('details[open][data-key]')).map((d) => d.dataset.key));
          callPage(sid).then(() => {
            main.querySelectorAll('details[data-key]').forEach((d) => { if (open.has(d.dataset.key)) d.open = true; });
            window.scrollTo(0, y);
          });
        }, 300);
      },
    };
  }

  // ---- conferences ----
  async function conferenceList() {
    const { conferences } = await api.conferences();
    show(h('h1', {}, 'Conferences'), conferences.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['Created (virtual)', 'SID', 'Name', 'Status', 'Participants'].map((t) => h('th', {}, t)))),
      h('tbody', {}, conferences.slice().reverse().map((c) => h('tr', {}, h('td', { class: 'mono' }, fmtTime(c.created)),
        h('td', { class: 'mono' }, h('a', { href: '#/conferences/' + c.sid }, short(c.sid))), h('td', {}, c.name),
        h('td', {}, badge(c.status)), h('td', {}, (c.participants || []).length))))) : h('p', { class: 'muted' }, 'No conference yet.'));
  }
  async function conferencePage(sid) {
    const [rec, svg, mmd] = await Promise.all([api.conference(sid), Promise.resolve(api.conferenceSVG(sid)).catch(() => ''), api.conferenceMermaid(sid)]);
    show(h('h1', {}, 'Conference ', rec.name, ' ', badge(rec.status)),
      facts([['SID', rec.sid], ['Created', fmtTime(rec.created)], ['Ended', fmtTime(rec.ended)], ['Why it ended', rec.reason_conference_ended]]),
      h('h2', {}, 'Participants'), h('ul', {}, (rec.participants || []).map((p) => h('li', {}, h('a', { href: '#/calls/' + p.call_sid, class: 'mono' }, p.call_sid), ' ', p.label || ''))),
      h('h2', {}, 'Sequence diagram'), diagramBox(svg, mmd),
      h('h2', {}, 'Events'), h('table', {}, h('tbody', {}, (rec.events || []).map((e) => h('tr', {}, h('td', { class: 'mono' }, offset(rec.created, e.time)),
        h('td', {}, e.name || e.event || ''), h('td', { class: 'mono' }, e.call_sid || ''))))));
  }

  // ---- the control panel: each form calls the control API ----
  function controlForm(title, help, fields, submit) {
    const out = h('pre', { class: 'out' });
    const form = h('form', { class: 'control' }, fields, h('button', { type: 'submit', class: 'primary' }, title));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(form));
      out.classList.remove('error');
      try {
        const reply = await submit(data, ev.submitter);
        out.textContent = typeof reply === 'string' ? reply : JSON.stringify(reply, null, 2);
        refreshClock();
      } catch (err) {
        out.classList.add('error');
        out.textContent = String(err.message || err);
      }
    });
    return h('section', { class: 'control-form', 'data-form': title }, h('h2', {}, title), h('p', { class: 'muted' }, help), form, out);
  }
  const json = (text, what) => {
    if (!text || !text.trim()) return undefined;
    try { return JSON.parse(text); } catch (e) { throw new Error(what + ' is not JSON: ' + e.message); }
  };
  const field = (label, name, attrs) => h('label', {}, label, h('input', Object.assign({ name }, attrs || {})));
  const area = (label, name, placeholder) => h('label', {}, label, h('textarea', { name, placeholder }));
  async function controlPage() {
    const clock = await get('clock');
    showClock(clock.now);
    show(h('h1', {}, 'Control'),
      h('p', { class: 'muted' }, 'Each form calls the control API under ' + base + ' with this page\'s credentials; the reply is shown below it.'),
      controlForm('Place an inbound call', 'POST calls: a caller dials one of the server\'s numbers, whose application answers.', [
        field('From', 'from', { placeholder: '+14155550123', required: true }), field('To (a number of the server)', 'to', { placeholder: '+15005550006', required: true }),
        area('Caller (a PartySpec, optional)', 'caller', '{"steps": [{"press": "1"}]}')],
      (d) => send('POST', 'calls', { from: d.from, to: d.to, caller: json(d.caller, 'Caller') })),
      controlForm('Set a party', 'PUT parties/{address}: how the far end at that address behaves when called (an empty spec: the default party).', [
        field('Address', 'address', { placeholder: '+14155550123', required: true }),
        area('PartySpec', 'spec', '{"answer": "busy"}')],
      (d) => (d.spec && d.spec.trim() ? send('PUT', 'parties/' + encodeURIComponent(d.address), json(d.spec, 'PartySpec')) :
        send('DELETE', 'parties/' + encodeURIComponent(d.address)))),
      controlForm('Add a number', 'POST numbers: an incoming number and the application that answers it.', [
        field('Phone number', 'phone_number', { placeholder: '+15005550006', required: true }),
        field('Voice URL', 'voice_url', { placeholder: 'http://127.0.0.1:3000/voice', required: true, size: 36 })],
      (d) => send('POST', 'numbers', { phone_number: d.phone_number, voice_url: d.voice_url })),
      controlForm('Advance the clock', 'POST clock/advance: run what is due and move virtual time (in the manual mode; the other modes move by themselves).', [
        field('Seconds', 'seconds', { type: 'number', step: 'any', min: '0', value: '30', required: true })],
      (d) => send('POST', 'clock/advance', { seconds: Number(d.seconds) })),
      controlForm('Run until nothing is left', 'POST clock/run: every call plays out to its end.', [], () => send('POST', 'clock/run')),
      controlForm('Switch the clock', 'PUT clock: manual, auto or scaled (rate virtual seconds per real second). Now: ' + clock.mode + (clock.rate ? ' ×' + clock.rate : '') + '.', [
        h('label', {}, 'Mode', h('select', { name: 'mode' }, ['manual', 'auto', 'scaled'].map((m) => h('option', { value: m, selected: m === clock.mode }, m)))),
        field('Rate (scaled)', 'rate', { type: 'number', step: 'any', min: '0', placeholder: '10' })],
      (d) => send('PUT', 'clock', d.mode === 'scaled' ? { mode: d.mode, rate: Number(d.rate || 1) } : { mode: d.mode })),
      controlForm('Reset', 'POST reset: back to the start, every call forgotten; keep what is ticked.', [
        ['numbers', 'parties', 'clock', 'public_urls'].map((k) => h('label', { class: 'check' }, k, h('input', { type: 'checkbox', name: 'keep_' + k })))],
      (d) => send('POST', 'reset', { keep: Object.keys(d).filter((k) => k.startsWith('keep_')).map((k) => k.slice(5)) })));
  }

  route();
})();
