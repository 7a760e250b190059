// Log in, and sign up with the school picker (GET /schools/).
import * as api from '../api.js';
import {h, fields, errorBox} from '../dom.js';
import {t} from '../i18n.js';
import {go} from '../session.js';

function notice() {
  const text = sessionStorage.getItem('everytime.notice');
  sessionStorage.removeItem('everytime.notice');
  return text ? h('p', {class: 'notice'}, text) : null;
}

export async function loginView() {
  const err = h('div', {class: 'form-error'});
  const form = h('form', {id: 'login-form', class: 'card auth', onsubmit: async (e) => {
    e.preventDefault();
    const f = fields(form);
    err.replaceChildren();
    try {
      await api.login(f.login_id, f.password);
      go('/');
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }},
  h('h1', null, t('login')), notice(),
  h('label', null, t('loginId'), h('input', {name: 'login_id', autocomplete: 'username', required: true})),
  h('label', null, t('password'), h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true})),
  err,
  h('button', {type: 'submit', class: 'primary'}, t('login')),
  h('p', {class: 'muted'}, t('noAccount'), ' ', h('a', {href: '#/signup', id: 'to-signup'}, t('signup'))));
  return form;
}

export async function signupView() {
  const schools = await api.get('/schools/');
  const err = h('div', {class: 'form-error'});
  const year = new Date().getFullYear();
  const years = [];
  for (let y = year; y >= year - 10; y--) years.push(h('option', {value: y}, String(y)));
  const form = h('form', {id: 'signup-form', class: 'card auth', onsubmit: async (e) => {
    e.preventDefault();
    const f = fields(form);
    err.replaceChildren();
    try {
      await api.signup({login_id: f.login_id, password: f.password, email: f.email, nickname: f.nickname,
        school_id: Number(f.school_id), admission_year: Number(f.admission_year)});
      go('/');
    } catch (x) { err.replaceChildren(errorBox(x)); }
  }},
  h('h1', null, t('signup')),
  h('label', null, t('school'), h('select', {name: 'school_id', required: true},
    h('option', {value: ''}, t('chooseSchool')),
    schools.results.map((s) => h('option', {value: s.id}, s.name)))),
  h('label', null, t('admissionYear'), h('select', {name: 'admission_year'}, years)),
  h('label', null, t('loginId'), h('input', {name: 'login_id', autocomplete: 'username', required: true})),
  h('label', null, t('password'), h('input', {name: 'password', type: 'password', autocomplete: 'new-password', required: true})),
  h('label', null, t('email'), h('input', {name: 'email', type: 'email', autocomplete: 'email', required: true})),
  h('label', null, t('nickname'), h('input', {name: 'nickname', required: true})),
  err,
  h('button', {type: 'submit', class: 'primary'}, t('signup')),
  h('p', {class: 'muted'}, t('haveAccount'), ' ', h('a', {href: '#/login'}, t('login'))));
  return form;
}
