// 쪽지함: conversations (most recent first, unread counts) and one
// conversation's messages, oldest first, with a reply box.
import * as api from '../api.js';
import {h, when, fields, errorBox} from '../dom.js';
import {t} from '../i18n.js';

export async function messagesView() {
  const r = await api.get('/messages/');
  return h('div', {id: 'messages'}, h('h1', null, t('messages')),
    h('ul', {class: 'conversations'}, r.results.length ? r.results.map((c) => h('li', null,
      h('a', {href: `#/messages/${c.id}`},
        h('strong', null, c.counterpart.nickname),
        c.unread_count ? h('span', {class: 'badge'}, String(c.unread_count)) : null,
        h('p', {class: 'post-excerpt'}, c.last_message ? c.last_message.content : ''),
        h('span', {class: 'meta'}, when(c.updated_at))))) : h('li', {class: 'muted empty'}, t('empty'))));
}

export async function conversationView(id) {
  const list = h('ul', {class: 'chat'});
  const more = h('button', {class: 'more', hidden: true}, t('more'));
  let cursor = null;
  async function page(reset) {
    if (reset) { cursor = null; list.replaceChildren(); }
    const r = await api.get(`/messages/${id}/`, {cursor, limit: 50});
    list.append(...r.results.map((m) => h('li', {class: m.is_mine ? 'mine' : 'theirs'},
      h('span', {class: 'meta'}, m.is_mine ? t('me') : t('anonymous'), ' · ', when(m.created_at)),
      h('p', null, m.content))));
    cursor = r.next;
    more.hidden = !cursor;
  }
  more.addEventListener('click', () => page(false));
  await page(true);
  const err = h('div');
  const form = h('form', {class: 'message-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.post(`/messages/${id}/`, {content: fields(form).content});
      form.reset();
      await page(true);
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }}, h('textarea', {name: 'content', required: true, placeholder: t('messagePlaceholder')}),
  h('button', {type: 'submit', class: 'primary'}, t('send')), err);
  return h('div', {id: 'conversation', class: 'card'},
    h('a', {href: '#/messages'}, `← ${t('messages')}`), h('h1', null, t('conversation')), list, more, form);
}
