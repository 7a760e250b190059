// Writing a post: title, content, anonymity (when the board allows it),
// question, and images. The post is created first (POST /posts/), then each
// image is uploaded to POST /posts/{id}/media/ with a progress bar.
import * as api from '../api.js';
import {h, fields, errorBox} from '../dom.js';
import {t} from '../i18n.js';
import {go} from '../session.js';

export async function writeView(boardId) {
  const board = await api.get(`/boards/${boardId}/`);
  const err = h('div', {class: 'form-error'});
  const bar = h('progress', {id: 'upload-progress', max: 1, value: 0});
  const barBox = h('div', {class: 'progress', hidden: true}, h('span', null, t('uploading')), ' ', bar,
    h('span', {id: 'upload-percent'}, '0%'));
  const files = h('input', {type: 'file', name: 'images', id: 'images', accept: 'image/jpeg,image/png,image/gif,image/webp', multiple: true});
  const previews = h('div', {class: 'previews'});
  files.addEventListener('change', () => {
    previews.replaceChildren(...[...files.files].map((f) => h('img', {src: URL.createObjectURL(f), alt: f.name})));
  });
  const submit = h('button', {type: 'submit', class: 'primary', id: 'submit-post'}, t('submit'));
  const form = h('form', {id: 'write-form', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const f = fields(form);
    err.replaceChildren();
    submit.disabled = true;
    let created = null;
    try {
      created = await api.post('/posts/', {board: Number(boardId), title: f.title, content: f.content,
        is_anonymous: !!f.is_anonymous, is_question: f.is_question});
      const list = [...files.files];
      for (let i = 0; i < list.length; i++) {
        barBox.hidden = false;
        await api.upload(`/posts/${created.id}/media/`, list[i], (done) => {
          const whole = (i + done) / list.length;
          bar.value = whole;
          document.getElementById('upload-percent').textContent = `${Math.round(whole * 100)}%`;
        });
      }
      go(`/post/${created.id}`);
    } catch (x) {
      // a post made without all of its images is still shown, with the error
      err.replaceChildren(errorBox(x));
      if (created) err.append(h('a', {href: `#/post/${created.id}`}, created.title));
    }
    submit.disabled = false;
  }},
  h('h1', null, `${board.name} · ${t('write')}`),
  h('input', {name: 'title', placeholder: t('title'), required: true, maxlength: 200}),
  h('textarea', {name: 'content', placeholder: t('content'), required: true, rows: 8}),
  h('label', {class: 'file'}, `${t('images')} `, files), previews, barBox,
  h('div', {class: 'row'},
    board.allow_anonymous ? h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'is_anonymous', id: 'anonymous'}), t('anonymous')) : null,
    h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'is_question'}), t('question'))),
  err,
  h('div', {class: 'row'}, h('a', {href: `#/board/${boardId}`, class: 'button'}, t('cancel')), submit));
  return form;
}
