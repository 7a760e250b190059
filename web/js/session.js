// Who is signed in (GET /accounts/me/, fetched once per session) and moving
// between screens; shared by the shell and the screens.
import * as api from './api.js';

let me = null;
export async function currentUser() {
  if (!me) me = await api.get('/accounts/me/');
  return me;
}
export function forgetUser() { me = null; }
export function go(hash) { location.hash = hash; }
