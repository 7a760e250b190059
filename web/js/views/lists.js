// HOT (/posts/hot/), 실시간 인기 글 (/posts/popular/) and BEST (/posts/best/,
// by period). popular and BEST may not be on this server yet: "준비 중".
import * as api from '../api.js';
import {h, comingSoon, errorBox} from '../dom.js';
import {t} from '../i18n.js';
import {currentUser} from '../session.js';
import {postList, postItem} from './boards.js';

export async function hotView() {
  const {box, ready} = postList('/posts/hot/', {limit: 20}, comingSoon);
  await ready;
  return h('div', {id: 'hot'}, h('h1', null, t('hot')), box);
}

export async function popularView() {
  const me = await currentUser();
  const list = h('ul', {class: 'post-list'});
  const view = h('div', {id: 'popular'}, h('h1', null, t('popular')), list);
  try {
    const r = await api.get('/posts/popular/', {school: me.school && me.school.id});
    list.append(...(r.results.length ? r.results.map(postItem) : [h('li', {class: 'muted empty'}, t('empty'))]));
  } catch (err) {
    list.replaceWith(err.status === 404 ? comingSoon() : errorBox(err));
  }
  return view;
}

export async function bestView() {
  const me = await currentUser();
  const holder = h('div');
  const tabs = h('div', {class: 'tabs'});
  async function show(period) {
    for (const b of tabs.children) b.classList.toggle('active', b.dataset.period === period);
    const {box, ready} = postList('/posts/best/', {school: me.school && me.school.id, period, limit: 20}, comingSoon);
    holder.replaceChildren(box);
    await ready;
  }
  for (const p of ['week', 'month', 'year', 'all']) {
    tabs.append(h('button', {dataset: {period: p}, onclick: () => show(p)}, t(`period.${p}`)));
  }
  await show('week');
  return h('div', {id: 'best'}, h('h1', null, t('best')), tabs, holder);
}
