// 시간표: the week as a grid (days × hours) with one coloured block per
// course slot, timetables of a semester, course search and add (a clash is
// refused by the server with 409 and its message is shown as it came), and
// a friend's primary timetable, read-only.
import * as api from '../api.js';
import {h, errorBox, flash} from '../dom.js';
import {t} from '../i18n.js';

const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const HOUR_PX = 48;
const PALETTE = ['#f2a7a7', '#f6c48d', '#f3e08c', '#b6dd8f', '#8fd6c4', '#92c5f0', '#b3a7ef', '#e3a6dd', '#c9b79c', '#a3cfd9'];

const minutes = (hhmm) => { const [hh, mm] = hhmm.split(':').map(Number); return hh * 60 + mm; };

// semesters offered in the picker: from 2023-1 up to the current one, newest first
export function semesters(now = new Date()) {
  const out = [];
  const last = now.getFullYear() * 2 + (now.getMonth() >= 7 ? 1 : 0);
  for (let s = last; s >= 2023 * 2; s--) out.push(`${Math.floor(s / 2)}-${(s % 2) + 1}`);
  return out;
}

// the grid of a Timetable; onRemove(course) adds a remove button to blocks
export function weekGrid(courses, onRemove) {
  let first = 9 * 60;
  let last = 18 * 60;
  let days = 5;
  for (const c of courses) {
    for (const s of c.slots) {
      first = Math.min(first, Math.floor(minutes(s.start) / 60) * 60);
      last = Math.max(last, Math.ceil(minutes(s.end) / 60) * 60);
      days = Math.max(days, DAYS.indexOf(s.day) + 1);
    }
  }
  const hours = (last - first) / 60;
  const grid = h('div', {class: 'grid', id: 'timetable-grid', style: {'--days': days, height: `${hours * HOUR_PX + 28}px`}});
  grid.append(h('div', {class: 'corner'}));
  for (let d = 0; d < days; d++) grid.append(h('div', {class: 'day-head', style: {gridColumn: d + 2}}, t(`days.${DAYS[d]}`)));
  const hoursCol = h('div', {class: 'hours'});
  for (let i = 0; i < hours; i++) hoursCol.append(h('div', {class: 'hour', style: {height: `${HOUR_PX}px`}}, String(first / 60 + i)));
  grid.append(hoursCol);
  const columns = [];
  for (let d = 0; d < days; d++) {
    const col = h('div', {class: 'day', style: {gridColumn: d + 2, backgroundSize: `100% ${HOUR_PX}px`}});
    columns.push(col);
    grid.append(col);
  }
  courses.forEach((c) => {
    const colour = PALETTE[c.id % PALETTE.length];
    for (const s of c.slots) {
      const top = ((minutes(s.start) - first) / 60) * HOUR_PX;
      const height = ((minutes(s.end) - minutes(s.start)) / 60) * HOUR_PX;
      const block = h('div', {class: 'block', dataset: {course: c.id, day: s.day},
        style: {top: `${top}px`, height: `${height}px`, background: colour},
        title: `${c.course_info.title} ${s.start}–${s.end} ${s.room}`},
      h('strong', null, c.course_info.title), h('span', null, c.professor), h('span', null, s.room),
      onRemove ? h('button', {class: 'remove', title: t('remove'), onclick: () => onRemove(c)}, '×') : null);
      columns[DAYS.indexOf(s.day)].append(block);
    }
  });
  return grid;
}

const slotText = (c) => c.slots.map((s) => `${t(`days.${s.day}`)} ${s.start}-${s.end}`).join(', ');

export async function timetableView() {
  const choices = semesters();
  let semester = localStorage.getItem('everytime.semester') || choices[0];
  if (!choices.includes(semester)) choices.push(semester);
  const picker = h('select', {id: 'semester'}, choices.map((s) => h('option', {value: s, selected: s === semester}, s)));
  const body = h('div');
  const view = h('div', {id: 'timetable'}, h('div', {class: 'title-row'}, h('h1', null, t('timetable')),
    h('label', null, `${t('semester')} `, picker)), body);

  async function show() {
    delete view.dataset.semester;
    const r = await api.get('/timetables/', {semester});
    if (!r.results.length) {
      body.replaceChildren(h('p', {class: 'muted'}, t('noTimetable')),
        h('button', {id: 'new-timetable', class: 'primary', onclick: async () => {
          await api.post('/timetables/', {semester, name: t('timetableName', 1)});
          await show();
        }}, t('newTimetable')));
      view.dataset.semester = semester; // drawn (what a test waits for)
      return;
    }
    const tt = r.results.find((x) => x.is_primary) || r.results[0];
    const courseError = h('div', {id: 'course-error'});
    const results = h('ul', {class: 'course-results', id: 'course-results'});
    const query = h('input', {id: 'course-q', placeholder: t('courseSearch')});
    async function search() {
      const found = await api.get('/courses/', {semester, q: query.value.trim(), limit: 30});
      results.replaceChildren(...(found.results.length ? found.results.map((c) => h('li', {dataset: {course: c.id}},
        h('div', null, h('strong', null, `${c.course_info.title} (${c.section})`), ' ',
          h('span', {class: 'muted'}, `${c.course_info.code} · ${c.professor} · ${c.course_info.credits}${t('credits')}`),
          h('div', {class: 'meta'}, slotText(c))),
        h('button', {class: 'add-course', onclick: async () => {
          courseError.replaceChildren();
          try {
            await api.post(`/timetables/${tt.id}/courses/`, {course: c.id});
            flash(t('added'));
            await show();
          } catch (x) { courseError.replaceChildren(errorBox(x)); }
        }}, t('add')))) : [h('li', {class: 'muted empty'}, t('empty'))]));
    }
    const tabs = h('div', {class: 'tabs'}, r.results.map((x) => h('span', {class: x.id === tt.id ? 'active' : ''}, x.name)));
    body.replaceChildren(tabs,
      h('p', {class: 'muted', id: 'total-credits'}, t('totalCredits', tt.total_credits)),
      weekGrid(tt.courses, async (c) => {
        await api.del(`/timetables/${tt.id}/courses/${c.id}/`);
        await show();
      }),
      h('div', {class: 'card'}, h('h2', null, t('courseSearch')),
        h('form', {class: 'row', id: 'course-search', onsubmit: (e) => { e.preventDefault(); search(); }},
          query, h('button', {type: 'submit'}, t('search'))),
        courseError, results));
    view.dataset.semester = semester;
  }
  picker.addEventListener('change', () => {
    semester = picker.value;
    localStorage.setItem('everytime.semester', semester);
    show().catch((x) => body.replaceChildren(errorBox(x)));
  });
  await show();
  return view;
}

export async function friendTimetableView(userId) {
  const semester = localStorage.getItem('everytime.semester') || semesters()[0];
  const friends = await api.get('/friends/');
  const friend = friends.results.find((f) => f.id === userId);
  const name = friend ? friend.nickname : '';
  let content;
  try {
    const tt = await api.get(`/friends/${userId}/timetable/`, {semester});
    content = weekGrid(tt.courses, null);
  } catch (x) {
    content = x.status === 404 ? h('p', {class: 'muted'}, t('noTimetable')) : errorBox(x);
  }
  return h('div', {id: 'friend-timetable'}, h('a', {href: '#/friends'}, `← ${t('friends')}`),
    h('h1', null, t('friendTimetable', name), ' ', h('span', {class: 'muted'}, semester)), content);
}
