// The shell: hash routes, the navigation bar with the unread badge, and the
// banners for 429 (Retry-After) and 503 / an unreachable server (retry).
// Every screen but log-in and sign-up needs a session: without one (after
// logging out, or when the refresh token is refused) the route goes to #/login.
import * as api from './api.js';
import {h} from './dom.js';
import {t, lang} from './i18n.js';
import {forgetUser} from './session.js';
import {loginView, signupView} from './views/auth.js';
import {boardsView, boardView} from './views/boards.js';
import {postView} from './views/post.js';
import {writeView} from './views/write.js';
import {hotView, popularView, bestView} from './views/lists.js';
import {notificationsView, refreshBadge} from './views/notifications.js';
import {messagesView, conversationView} from './views/messages.js';
import {timetableView, friendTimetableView} from './views/timetable.js';
import {friendsView} from './views/friends.js';
import {gpaView} from './views/gpa.js';

const routes = [
  [/^\/login$/, loginView, true],
  [/^\/signup$/, signupView, true],
  [/^\/$/, boardsView],
  [/^\/board\/(\d+)$/, boardView],
  [/^\/post\/(\d+)$/, postView],
  [/^\/write\/(\d+)$/, writeView],
  [/^\/hot$/, hotView],
  [/^\/popular$/, popularView],
  [/^\/best$/, bestView],
  [/^\/notifications$/, notificationsView],
  [/^\/messages$/, messagesView],
  [/^\/messages\/(\d+)$/, conversationView],
  [/^\/timetable$/, timetableView],
  [/^\/friends$/, friendsView],
  [/^\/friends\/([0-9a-fA-F-]{36})\/timetable$/, friendTimetableView],
  [/^\/gpa$/, gpaView],
];

const main = () => document.getElementById('main');

function nav() {
  const link = (hash, label, extra) => h('a', {href: `#${hash}`, dataset: {nav: hash}}, label, extra);
  return h('nav', {id: 'nav'},
    link('/', t('boards')), link('/hot', 'HOT'), link('/popular', t('popular')), link('/best', 'BEST'),
    link('/timetable', t('timetable')), link('/gpa', t('gpa')), link('/friends', t('friends')),
    link('/messages', t('messages')),
    link('/notifications', t('notifications'), h('span', {id: 'badge', class: 'badge', hidden: true})),
    h('button', {id: 'logout', class: 'link', onclick: logoutNow}, t('logout')));
}

async function logoutNow() {
  await api.logout();
  forgetUser();
  // replace, so that the page left is not the one "back" returns to (the
  // hashchange draws the login screen)
  location.replace('#/login');
}

function banner(text, retry) {
  const box = document.getElementById('banner');
  box.replaceChildren(h('span', null, text));
  if (retry) box.append(h('button', {onclick: () => { box.hidden = true; render(); }}, t('retry')));
  box.hidden = false;
}

api.on('trouble', (err) => {
  if (err.status === 429) banner(t('tooMany', err.retryAfter || 1), false);
  else banner(err.status === 0 ? t('offline') : t('unavailable'), true);
});
api.on('sessionEnded', () => {
  forgetUser();
  sessionStorage.setItem('everytime.notice', t('sessionExpired'));
  location.replace('#/login');
});

let rendering = 0;
export async function render() {
  const path = (location.hash || '#/').slice(1) || '/';
  const found = routes.find(([re]) => re.test(path)) || routes[2];
  const [re, view, isPublic] = found;
  if (!isPublic && !api.signedIn()) {
    location.replace('#/login');
    return;
  }
  if (isPublic && api.signedIn()) {
    location.replace('#/');
    return;
  }
  const turn = ++rendering;
  document.getElementById('banner').hidden = true;
  const header = document.getElementById('header');
  header.replaceChildren(h('a', {href: '#/', class: 'brand'}, t('appName')));
  if (!isPublic) header.append(nav());
  for (const a of header.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === path);
  const box = h('section', {class: 'view'}, h('p', {class: 'muted'}, t('loading')));
  main().replaceChildren(box);
  const args = (path.match(re) || []).slice(1);
  try {
    const content = await view(...args);
    if (turn === rendering) box.replaceChildren(content);
  } catch (err) {
    if (turn === rendering) box.replaceChildren(h('p', {class: 'error', role: 'alert'}, err.describe ? err.describe() : String(err)));
  }
  if (!isPublic && turn === rendering) refreshBadge();
}

document.documentElement.lang = lang;
window.addEventListener('hashchange', render);
render();
