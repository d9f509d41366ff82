// The local Slack emulator's page. It renders the channel as the Slack fake
// recorded it and sends what the visitor does back through the fake, which
// signs it exactly as Slack would. Block Kit is rendered by hand: headers,
// sections (text, fields, button accessories), context, dividers, actions,
// images, input blocks in modals, files.

const $ = (id) => document.getElementById(id);
const state = { user: localStorage.getItem('golive-user') || '', snapshot: null };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function userName(id) {
  const user = state.snapshot?.users.find((u) => u.id === id);
  return user ? user.name : id;
}

// Slack mrkdwn: the text arrives with &, <, > escaped, and <...> holds mentions and links.
function mrkdwn(text) {
  const tokens = [];
  let html = String(text).replace(/<([^>|]+)(?:\|([^>]+))?>/g, (_, target, label) => {
    let out;
    if (target.startsWith('@')) out = `<span class="mention">@${escapeHtml(userName(target.slice(1)))}</span>`;
    else if (target.startsWith('!subteam^')) out = `<span class="mention">@${escapeHtml(label || target.slice(9))}</span>`;
    else if (target.startsWith('!')) out = `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
    else if (target.startsWith('#')) out = `<span class="mention">#${escapeHtml(label || target.slice(1))}</span>`;
    else out = `<a href="${escapeHtml(target)}" target="_blank" rel="noreferrer">${escapeHtml(label || target)}</a>`;
    tokens.push(out);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  html = escapeHtml(html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  html = html
    .replace(/```([\s\S]*?)```/g, (_, code) => `<pre>${code}</pre>`)
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>');
  return html.replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

function textObject(t) {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text) : escapeHtml(t.text);
}

function buttonHtml(el, ctx) {
  const style = el.style ? ` class="${el.style}"` : '';
  const data = `data-action="${escapeHtml(el.action_id)}" data-block="${escapeHtml(ctx.blockId)}" data-value="${escapeHtml(el.value ?? '')}" data-channel="${escapeHtml(ctx.channel)}" data-ts="${escapeHtml(ctx.ts)}"`;
  if (el.type === 'button') return `<button type="button"${style} ${data}>${textObject(el.text)}</button>`;
  return `<span class="muted">[${escapeHtml(el.type)}]</span>`;
}

function renderBlocks(blocks, ctx) {
  return (blocks || [])
    .map((block) => {
      const c = { ...ctx, blockId: block.block_id || '' };
      switch (block.type) {
        case 'header':
          return `<div class="block block-header">${textObject(block.text)}</div>`;
        case 'section': {
          const text = block.text ? `<div>${textObject(block.text)}</div>` : '';
          const fields = block.fields ? `<div class="fields">${block.fields.map((f) => `<div>${textObject(f)}</div>`).join('')}</div>` : '';
          const accessory = block.accessory ? (block.accessory.type === 'image' ? `<img class="block-image" style="max-width:80px" src="${escapeHtml(block.accessory.image_url)}" alt="${escapeHtml(block.accessory.alt_text || '')}">` : buttonHtml(block.accessory, c)) : '';
          return `<div class="block block-section"><div>${text}${fields}</div>${accessory}</div>`;
        }
        case 'context':
          return `<div class="block block-context">${(block.elements || []).map((e) => (e.type === 'image' ? `<img src="${escapeHtml(e.image_url)}" alt="" width="16">` : textObject(e))).join(' ')}</div>`;
        case 'divider':
          return '<hr class="block block-divider">';
        case 'actions':
          return `<div class="block block-actions">${(block.elements || []).map((e) => buttonHtml(e, c)).join('')}</div>`;
        case 'image':
          return `<div class="block">${block.title ? `<div>${textObject(block.title)}</div>` : ''}<img class="block-image" src="${escapeHtml(block.image_url)}" alt="${escapeHtml(block.alt_text || '')}"></div>`;
        case 'rich_text':
          return `<div class="block">${escapeHtml(JSON.stringify(block.elements))}</div>`;
        default:
          return `<div class="block muted">[${escapeHtml(block.type)} block]</div>`;
      }
    })
    .join('');
}

function renderMessage(m, ephemeral) {
  const body = m.blocks ? renderBlocks(m.blocks, { channel: m.channel, ts: m.ts }) : `<div>${mrkdwn(m.text)}</div>`;
  const files = (m.files || []).map((f) => `<a class="file" href="${escapeHtml(f.url)}" download="${escapeHtml(f.name)}">📎 ${escapeHtml(f.title || f.name)}</a>`).join(' ');
  const when = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString();
  const note = ephemeral ? '<div class="ephemeral-note">Only visible to you</div>' : '';
  const edited = m.updated ? ' <span class="muted">(edited)</span>' : '';
  return `<div class="message${ephemeral ? ' ephemeral' : ''}" data-ts="${escapeHtml(m.ts)}">${note}<div class="meta"><b>golive</b> APP ${when}${edited}</div>${body}${files}</div>`;
}

function renderModal(open) {
  const modal = $('modal');
  if (!open) {
    modal.classList.add('hidden');
    modal.innerHTML = '';
    return;
  }
  const { view, id, errors } = open;
  const inputs = (view.blocks || [])
    .map((block) => {
      if (block.type !== 'input') return renderBlocks([block], { channel: '', ts: '' });
      const el = block.element || {};
      const name = `${block.block_id}::${el.action_id}`;
      const error = errors && errors[block.block_id] ? `<div class="modal-error">${escapeHtml(errors[block.block_id])}</div>` : '';
      let field;
      if (el.type === 'static_select') {
        field = `<select name="${escapeHtml(name)}"><option value=""></option>${(el.options || []).map((o) => `<option value="${escapeHtml(o.value)}">${textObject(o.text)}</option>`).join('')}</select>`;
      } else if (el.multiline) {
        field = `<textarea name="${escapeHtml(name)}" rows="3">${escapeHtml(el.initial_value || '')}</textarea>`;
      } else {
        field = `<input name="${escapeHtml(name)}" value="${escapeHtml(el.initial_value || '')}">`;
      }
      return `<div class="modal-input"><label>${textObject(block.label)}</label>${field}${error}</div>`;
    })
    .join('');
  modal.innerHTML = `<form class="modal-box" data-view="${escapeHtml(id)}"><div class="modal-title">${textObject(view.title)}</div>${inputs}<div class="modal-buttons"><button type="button" data-close>${textObject(view.close || { type: 'plain_text', text: 'Cancel' })}</button><button type="submit" class="primary">${textObject(view.submit || { type: 'plain_text', text: 'Submit' })}</button></div></form>`;
  modal.classList.remove('hidden');
}

async function refresh() {
  const res = await fetch(`/emulator/state?user=${encodeURIComponent(state.user)}`);
  state.snapshot = await res.json();
  const snap = state.snapshot;
  $('channel-name').textContent = `# ${snap.channel.name}`;
  $('channel-title').textContent = `# ${snap.channel.name}`;
  const select = $('user');
  if (select.options.length !== snap.users.length) {
    select.innerHTML = snap.users.map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${escapeHtml(u.id)})</option>`).join('');
    if (!snap.users.some((u) => u.id === state.user)) state.user = snap.users[0]?.id || '';
    select.value = state.user;
  }
  const items = [...snap.messages.map((m) => ({ m, e: false })), ...snap.ephemerals.map((m) => ({ m, e: true }))].sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = items.map(({ m, e }) => renderMessage(m, e)).join('');
  if (atBottom) box.scrollTop = box.scrollHeight;
  renderModal(snap.view);
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId: state.user, ...body }) });
  return res.json();
}

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const raw = $('command').value.trim();
  const match = /^\/golive\b\s*(.*)$/.exec(raw);
  if (!match) {
    alert('Only /golive commands are understood here, e.g. /golive help');
    return;
  }
  $('command').value = '/golive ';
  await post('/emulator/command', { text: match[1] });
  await refresh();
});

$('user').addEventListener('change', async (event) => {
  state.user = event.target.value;
  localStorage.setItem('golive-user', state.user);
  await refresh();
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (button) {
    await post('/emulator/click', { channel: button.dataset.channel, ts: button.dataset.ts, actionId: button.dataset.action, blockId: button.dataset.block, value: button.dataset.value });
    await refresh();
  }
  if (event.target.closest('button[data-close]')) renderModal(null);
});

document.addEventListener('submit', async (event) => {
  const form = event.target.closest('form[data-view]');
  if (!form) return;
  event.preventDefault();
  const values = {};
  for (const [name, value] of new FormData(form)) {
    const [blockId, actionId] = name.split('::');
    (values[blockId] ||= {})[actionId] = value;
  }
  await post('/emulator/submit', { viewId: form.dataset.view, values });
  await refresh();
});

new EventSource('/emulator/events').onmessage = () => void refresh();
await refresh();
