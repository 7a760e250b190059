// A small DOM builder: h('button', {class: 'x', onclick: fn}, 'text', child).
// Text always goes in as text nodes, never as HTML.
import {t} from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') {
      for (const [prop, value] of Object.entries(v)) {
        if (prop.startsWith('--')) el.style.setProperty(prop, String(value));
        else el.style[prop] = value;
      }
    }
    else if (k in el && k !== 'list' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// the time of a post or comment, as people read it
export function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// a form's named fields as an object
export function fields(form) {
  const o = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    o[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return o;
}

// the short message a screen shows for a failed call
export function errorBox(err) {
  return h('p', {class: 'error', role: 'alert'}, err.describe ? err.describe() : String(err.message || err));
}

// a route answered 404 that the API names: a feature not on this server yet
export function comingSoon() {
  return h('p', {class: 'soon'}, t('comingSoon'));
}

export function flash(text) {
  // one notice at a time: a new one replaces the one still showing
  for (const old of document.querySelectorAll('.flash')) old.remove();
  const el = h('div', {class: 'flash', role: 'status'}, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 2500);
}
