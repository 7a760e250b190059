// The school's boards, and a board's posts page by page ("더 보기" follows
// the answer's cursor).
import * as api from '../api.js';
import {h, when, errorBox} from '../dom.js';
import {t} from '../i18n.js';
import {currentUser} from '../session.js';

export async function boardsView() {
  const me = await currentUser();
  const boards = await api.get('/boards/', {school: me.school && me.school.id});
  const byCategory = new Map();
  for (const b of boards.results) {
    if (!byCategory.has(b.category)) byCategory.set(b.category, []);
    byCategory.get(b.category).push(b);
  }
  return h('div', {id: 'boards'},
    h('h1', null, me.school ? me.school.name : t('boards')),
    [...byCategory].map(([category, list]) => h('div', {class: 'card'},
      h('h2', null, category),
      h('ul', {class: 'board-list'}, list.map((b) => h('li', null,
        h('a', {href: `#/board/${b.id}`, class: 'board-link'}, b.name),
        b.description ? h('span', {class: 'muted'}, ' ', b.description) : null))))));
}

export function postItem(p) {
  return h('li', {class: 'post-item', dataset: {id: p.id}},
    h('a', {href: `#/post/${p.id}`},
      h('strong', {class: 'post-title'}, p.title),
      h('p', {class: 'post-excerpt'}, p.content.length > 80 ? `${p.content.slice(0, 80)}…` : p.content),
      h('div', {class: 'meta'},
        h('span', null, when(p.created_at)), h('span', null, p.author.nickname),
        p.media && p.media.length ? h('span', {class: 'has-image'}, t('images')) : null,
        h('span', {class: 'likes'}, `♥ ${p.like_count}`),
        h('span', {class: 'comments'}, `${t('comments')} ${p.comment_count}`))));
}

// A cursor list of posts with "더 보기": onMissing() answers what to show
// when the route is not on this server (404 before the first page).
export function postList(path, query, onMissing) {
  const list = h('ul', {class: 'post-list'});
  const more = h('button', {class: 'more', id: 'more', hidden: true}, t('more'));
  const box = h('div', null, list, more);
  let cursor = null;
  async function page() {
    more.disabled = true;
    try {
      const r = await api.get(path, {...query, cursor});
      if (!cursor && r.results.length === 0) list.append(h('li', {class: 'muted empty'}, t('empty')));
      list.append(...r.results.map(postItem));
      cursor = r.next;
      more.hidden = !cursor;
    } catch (err) {
      if (err.status === 404 && !cursor && onMissing) box.replaceChildren(onMissing());
      else box.append(errorBox(err));
    }
    more.disabled = false;
  }
  more.addEventListener('click', page);
  return {box, ready: page()};
}

export async function boardView(id) {
  const board = await api.get(`/boards/${id}/`);
  const {box, ready} = postList(`/boards/${id}/posts/`, {limit: 20});
  await ready;
  return h('div', {id: 'board', dataset: {id}},
    h('div', {class: 'title-row'}, h('h1', null, board.name),
      h('a', {href: `#/write/${id}`, class: 'button primary', id: 'write'}, t('write'))),
    board.description ? h('p', {class: 'muted'}, board.description) : null,
    box);
}
