// A post: its images, like, scrap, report, 쪽지 to the author, and its
// comments with their replies (each comment can be liked, replied to,
// reported, and its author sent a 쪽지).
import * as api from '../api.js';
import {h, when, fields, errorBox, flash, comingSoon} from '../dom.js';
import {t} from '../i18n.js';

const REASONS = ['inappropriate', 'abuse', 'obscene', 'commercial', 'fraud', 'spam', 'political'];

// a small inline form under `anchor`, one open at a time per anchor: its
// button again closes it, another button's form replaces it.
// build(close) makes the form; close() removes it (after it was sent).
function inlineForm(anchor, kind, build) {
  const open = anchor.querySelector(':scope > .inline');
  if (open) open.remove();
  if (open && open.dataset.kind === kind) return;
  const box = h('div', {class: 'inline', dataset: {kind}});
  box.append(build(() => box.remove()));
  anchor.append(box);
}

function reportForm(kind, id, done) {
  const err = h('div');
  const form = h('form', {class: 'report-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.post(`/${kind}/${id}/report/`, {reason: fields(form).reason});
      flash(t('reported'));
      done();
    } catch (x) { err.replaceChildren(x.status === 404 && x.code === 'not_found' ? comingSoon() : errorBox(x)); }
  }},
  h('select', {name: 'reason', required: true}, h('option', {value: ''}, t('chooseReason')),
    REASONS.map((r) => h('option', {value: r}, t(`reasons.${r}`)))),
  h('button', {type: 'submit'}, t('report')), err);
  return form;
}

function messageForm(source, done) {
  const err = h('div');
  const form = h('form', {class: 'message-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.post('/messages/', {...source, content: fields(form).content});
      flash(t('sent'));
      done();
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }},
  h('textarea', {name: 'content', required: true, placeholder: t('messagePlaceholder')}),
  h('button', {type: 'submit', class: 'primary'}, t('send')), err);
  return form;
}

// a like or scrap toggle: POST to set, DELETE to clear
function toggle(path, on, labels, count, onChange) {
  const btn = h('button', {class: `toggle${on ? ' on' : ''}`});
  const paint = () => {
    btn.textContent = `${on ? labels[1] : labels[0]}${count === null ? '' : ` ${count}`}`;
    btn.classList.toggle('on', on);
  };
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      if (on) await api.del(path); else await api.post(path);
      on = !on;
      if (count !== null) count += on ? 1 : -1;
      paint();
      if (onChange) onChange(on);
    } catch (x) { flash(x.describe()); }
    btn.disabled = false;
  });
  paint();
  return btn;
}

function commentBox(postId, parent, reload) {
  const err = h('div');
  const form = h('form', {class: parent ? 'comment-form reply-form' : 'comment-form', onsubmit: async (e) => {
    e.preventDefault();
    const f = fields(form);
    try {
      await api.post(`/posts/${postId}/comments/`,
        {content: f.content, is_anonymous: f.is_anonymous, ...(parent ? {parent} : {})});
      form.reset();
      await reload();
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }},
  h('input', {name: 'content', required: true, placeholder: parent ? t('writeReply') : t('writeComment')}),
  h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'is_anonymous', checked: true}), t('anonymous')),
  h('button', {type: 'submit', class: 'primary'}, t('submit')), err);
  return form;
}

function commentItem(postId, c, reload, isReply) {
  const actions = h('div', {class: 'actions'});
  const item = h('li', {class: isReply ? 'comment reply' : 'comment', dataset: {id: c.id}},
    h('div', {class: 'meta'}, h('strong', {class: 'author'}, c.is_deleted ? '' : c.author.nickname),
      h('span', null, when(c.created_at))),
    h('p', {class: 'comment-content'}, c.is_deleted ? t('deleted') : c.content),
    c.is_deleted ? null : actions);
  if (!c.is_deleted) {
    if (!isReply) {
      actions.append(h('button', {class: 'link reply-button',
        onclick: () => inlineForm(item, 'reply', () => commentBox(postId, c.id, reload))}, t('reply')));
    }
    actions.append(c.is_mine ? h('span', {class: 'muted'}, `♥ ${c.like_count}`)
      : toggle(`/comments/${c.id}/like/`, false, [`♥ ${t('like')}`, `♥ ${t('liked')}`], c.like_count));
    if (!c.is_mine) {
      actions.append(
        h('button', {class: 'link', onclick: () => inlineForm(item, 'message', (close) => messageForm({comment: c.id}, close))}, t('sendMessage')),
        h('button', {class: 'link', onclick: () => inlineForm(item, 'report', (close) => reportForm('comments', c.id, close))}, t('report')));
    }
  }
  if (c.replies && c.replies.length) {
    item.append(h('ul', {class: 'replies'}, c.replies.map((r) => commentItem(postId, r, reload, true))));
  }
  return item;
}

export async function postView(id) {
  const p = await api.get(`/posts/${id}/`);
  const comments = h('ul', {id: 'comments', class: 'comments'});
  const more = h('button', {class: 'more', hidden: true}, t('more'));
  let cursor = null;
  async function loadComments(reset) {
    if (reset) { cursor = null; comments.replaceChildren(); }
    const r = await api.get(`/posts/${id}/comments/`, {cursor, limit: 50});
    comments.append(...r.results.map((c) => commentItem(id, c, () => loadComments(true), false)));
    cursor = r.next;
    more.hidden = !cursor;
  }
  more.addEventListener('click', () => loadComments(false));
  await loadComments(true);

  const actions = h('div', {class: 'actions post-actions'});
  const view = h('article', {id: 'post', class: 'card', dataset: {id}},
    h('div', {class: 'meta'}, h('strong', {class: 'author'}, p.author.nickname), h('span', null, when(p.created_at))),
    h('h1', {class: 'post-title'}, p.title),
    h('p', {class: 'post-content'}, p.content),
    h('div', {class: 'media'}, (p.media || []).map((m) => h('img', {src: m.url, alt: '', class: 'post-image'}))),
    actions,
    h('h2', null, t('comments')), comments, more,
    commentBox(id, null, () => loadComments(true)));
  const likeCount = h('span', {id: 'like-count'}, String(p.like_count));
  actions.append(
    p.is_mine ? h('span', {class: 'muted'}, '♥ ', likeCount)
      : toggle(`/posts/${id}/like/`, p.is_liked, [`♥ ${t('like')}`, `♥ ${t('liked')}`], p.like_count),
    toggle(`/posts/${id}/scrap/`, p.is_scrapped, [`★ ${t('scrap')}`, `★ ${t('scrapped')}`], p.scrap_count));
  if (!p.is_mine) {
    actions.append(
      h('button', {class: 'link', id: 'message-author', onclick: () => inlineForm(actions, 'message', (close) => messageForm({post: Number(id)}, close))}, t('sendMessage')),
      h('button', {class: 'link', id: 'report-post', onclick: () => inlineForm(actions, 'report', (close) => reportForm('posts', id, close))}, t('report')));
  }
  return view;
}
