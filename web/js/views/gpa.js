// 학점계산기: the GPA of the primary timetables (GET /me/gpa/) and a grade
// for each course (PUT /me/courses/{id}/grade/, DELETE to clear it). The
// grades offered follow the school's scale: minus grades only on 4.3.
import * as api from '../api.js';
import {h, errorBox, comingSoon, flash} from '../dom.js';
import {t} from '../i18n.js';

const GRADES_45 = ['A+', 'A0', 'B+', 'B0', 'C+', 'C0', 'D+', 'D0', 'F', 'P', 'NP'];
const GRADES_43 = ['A+', 'A0', 'A-', 'B+', 'B0', 'B-', 'C+', 'C0', 'C-', 'D+', 'D0', 'D-', 'F', 'P', 'NP'];

const fmt = (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(2));

function summary(g) {
  return h('div', {class: 'card gpa-summary', id: 'gpa-summary'},
    h('div', null, h('span', {class: 'muted'}, t('gpaTotal')), h('strong', {id: 'gpa-value'}, `${fmt(g.gpa)} / ${g.scale}`)),
    h('div', null, h('span', {class: 'muted'}, t('gpaMajor')), h('strong', null, fmt(g.major_gpa))),
    h('div', null, h('span', {class: 'muted'}, t('gpaCredits')), h('strong', null, String(g.credits))),
    h('table', {class: 'semesters'}, (g.semesters || []).map((s) => h('tr', null,
      h('td', null, s.semester), h('td', null, fmt(s.gpa)), h('td', null, fmt(s.major_gpa)), h('td', null, `${s.credits}${t('credits')}`)))));
}

export async function gpaView() {
  let gpa;
  try {
    gpa = await api.get('/me/gpa/');
  } catch (x) {
    if (x.status === 404) return h('div', {id: 'gpa'}, h('h1', null, t('gpa')), comingSoon());
    throw x;
  }
  const history = await api.get('/me/courses/');
  const holder = h('div', null, summary(gpa));
  const grades = Number(gpa.scale) === 4.3 ? GRADES_43 : GRADES_45;
  const err = h('div');
  async function save(course, grade, major) {
    err.replaceChildren();
    try {
      if (grade) await api.put(`/me/courses/${course.id}/grade/`, {grade, is_major: major});
      else await api.del(`/me/courses/${course.id}/grade/`);
      holder.replaceChildren(summary(await api.get('/me/gpa/')));
      flash(t('saved'));
    } catch (x) { err.replaceChildren(x.status === 404 ? comingSoon() : errorBox(x)); }
  }
  const semesters = history.results.map((s) => h('div', {class: 'card'}, h('h2', null, `${s.semester} · ${s.credits}${t('credits')}`),
    h('table', {class: 'grades'}, s.courses.map((c) => {
      const select = h('select', {class: 'grade', dataset: {course: c.id}},
        h('option', {value: ''}, t('ungraded')), grades.map((g) => h('option', {value: g, selected: c.grade === g}, g)));
      const major = h('input', {type: 'checkbox', checked: !!c.is_major});
      const changed = () => save(c, select.value, major.checked);
      select.addEventListener('change', changed);
      major.addEventListener('change', changed);
      return h('tr', null, h('td', null, c.course_info.title), h('td', null, `${c.course_info.credits}${t('credits')}`),
        h('td', null, select), h('td', null, h('label', {class: 'check'}, major, t('major'))));
    }))));
  return h('div', {id: 'gpa'}, h('h1', null, t('gpa')), holder, err,
    h('h2', null, t('myCourses')), semesters.length ? semesters : h('p', {class: 'muted'}, t('empty')));
}
