// 친구: friends (each with a link to their timetable), requests received
// (accept / reject) and sent, and a request by login id.
import * as api from '../api.js';
import {h, fields, errorBox, flash} from '../dom.js';
import {t} from '../i18n.js';

export async function friendsView() {
  const [friends, requests] = await Promise.all([api.get('/friends/'), api.get('/friends/requests/')]);
  const err = h('div');
  // the same route drawn again (the shell redraws on hashchange)
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const answer = (id, verb) => async () => {
    try { await api.post(`/friends/requests/${id}/${verb}/`); reload(); } catch (x) { err.replaceChildren(errorBox(x)); }
  };
  const form = h('form', {class: 'row', id: 'friend-request', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.post('/friends/requests/', {login_id: fields(form).login_id});
      flash(t('requested'));
      reload();
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }}, h('input', {name: 'login_id', placeholder: t('loginId'), required: true}), h('button', {type: 'submit'}, t('addFriend')));
  const received = requests.received || [];
  const sent = requests.sent || [];
  return h('div', {id: 'friends'}, h('h1', null, t('friends')),
    h('div', {class: 'card'}, form, err),
    h('ul', {class: 'friend-list'}, friends.results.length ? friends.results.map((f) => h('li', null,
      h('strong', null, f.nickname), ' ', h('span', {class: 'muted'}, f.login_id), ' ',
      h('a', {href: `#/friends/${f.id}/timetable`}, t('timetable')))) : h('li', {class: 'muted empty'}, t('empty'))),
    received.length ? h('div', {class: 'card'}, h('h2', null, t('friendRequests')), h('ul', null, received.map((r) => h('li', null,
      h('strong', null, r.from_user.nickname), ' ',
      h('button', {class: 'accept', onclick: answer(r.id, 'accept')}, t('accept')), ' ',
      h('button', {class: 'reject', onclick: answer(r.id, 'reject')}, t('reject')))))) : null,
    sent.length ? h('div', {class: 'card'}, h('h2', null, t('sentRequests')),
      h('ul', null, sent.map((r) => h('li', null, r.to_user.nickname)))) : null);
}
