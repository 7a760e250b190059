// 알림: the list (GET /notifications/, newest first, cursor), reading one or
// all, and the unread badge in the navigation bar. Not on every server yet:
// a 404 shows "준비 중" and no badge.
import * as api from '../api.js';
import {h, when, comingSoon, errorBox} from '../dom.js';
import {t} from '../i18n.js';

function paintBadge(count) {
  const badge = document.getElementById('badge');
  if (!badge) return;
  badge.hidden = !count;
  badge.textContent = count > 99 ? '99+' : String(count || '');
}

export async function refreshBadge() {
  try {
    const r = await api.get('/notifications/', {limit: 1});
    paintBadge(r.unread_count);
  } catch { paintBadge(0); }
}

function target(n) {
  if (n.post) return `#/post/${n.post}`;
  if (n.conversation) return `#/messages/${n.conversation}`;
  if (n.kind === 'friend_request' || n.kind === 'friend_accept') return '#/friends';
  return null;
}

export async function notificationsView() {
  const list = h('ul', {class: 'notifications'});
  const more = h('button', {class: 'more', hidden: true}, t('more'));
  const readAll = h('button', {id: 'read-all'}, t('markAllRead'));
  const view = h('div', {id: 'notifications'}, h('div', {class: 'title-row'}, h('h1', null, t('notifications')), readAll), list, more);
  let cursor = null;
  async function page() {
    const r = await api.get('/notifications/', {cursor, limit: 20});
    if (!cursor && !r.results.length) list.append(h('li', {class: 'muted empty'}, t('empty')));
    for (const n of r.results) {
      const href = target(n);
      const item = h('li', {class: n.is_read ? 'read' : 'unread'},
        h('a', {href: href || '#/notifications', onclick: async () => {
          if (!n.is_read) await api.post(`/notifications/${n.id}/read/`).catch(() => {});
        }}, h('span', null, n.text), h('span', {class: 'meta'}, when(n.created_at))));
      list.append(item);
    }
    cursor = r.next;
    more.hidden = !cursor;
    paintBadge(r.unread_count);
  }
  more.addEventListener('click', () => page().catch((x) => view.append(errorBox(x))));
  readAll.addEventListener('click', async () => {
    await api.post('/notifications/read_all/');
    for (const li of list.querySelectorAll('.unread')) li.className = 'read';
    paintBadge(0);
  });
  try {
    await page();
  } catch (x) {
    if (x.status === 404) return h('div', {id: 'notifications'}, h('h1', null, t('notifications')), comingSoon());
    throw x;
  }
  return view;
}
