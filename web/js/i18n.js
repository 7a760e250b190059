// The UI's words, Korean first; English when the browser prefers it
// (navigator.languages: the first of ko/en it names decides). Server
// messages follow the same choice through Accept-Language (api.js).

const MESSAGES = {
  ko: {
    appName: '에브리타임', login: '로그인', signup: '회원가입', logout: '로그아웃',
    loginId: '아이디', password: '비밀번호', email: '이메일', nickname: '닉네임',
    school: '학교', admissionYear: '입학년도', chooseSchool: '학교를 선택하세요',
    noAccount: '계정이 없으신가요?', haveAccount: '이미 계정이 있으신가요?',
    boards: '게시판', hot: 'HOT 게시물', popular: '실시간 인기 글', best: 'BEST 게시판',
    notifications: '알림', messages: '쪽지함', timetable: '시간표', gpa: '학점계산기',
    friends: '친구', more: '더 보기', write: '글 쓰기', title: '제목', content: '내용',
    anonymous: '익명', question: '질문', submit: '완료', cancel: '취소', images: '사진',
    uploading: '사진 올리는 중', comments: '댓글', reply: '대댓글', writeComment: '댓글을 입력하세요.',
    writeReply: '대댓글을 입력하세요.', like: '공감', liked: '공감함', scrap: '스크랩', scrapped: '스크랩함',
    report: '신고', sendMessage: '쪽지 보내기', messagePlaceholder: '쪽지 내용을 입력하세요.',
    send: '보내기', sent: '보냈습니다.', reported: '신고했습니다.', chooseReason: '신고 사유를 선택하세요.',
    reasons: {inappropriate: '게시판 성격에 부적절함', abuse: '욕설/비하', obscene: '음란물/불건전한 만남 및 대화',
      commercial: '상업적 광고 및 판매', fraud: '낚시/놀람/도배', spam: '유출/사칭/사기', political: '정당/정치인 비하 및 선거운동'},
    empty: '아직 아무것도 없습니다.', deleted: '삭제된 댓글입니다.', loading: '불러오는 중…',
    comingSoon: '준비 중인 기능입니다.', retry: '다시 시도', tooMany: '요청이 너무 많습니다. {0}초 후에 다시 시도하세요.',
    unavailable: '서버가 잠시 응답하지 않습니다. 잠시 후 다시 시도하세요.', offline: '서버에 연결할 수 없습니다.',
    sessionExpired: '로그인이 만료되었습니다. 다시 로그인하세요.', markAllRead: '모두 읽음',
    period: {week: '주간', month: '월간', year: '연간', all: '전체'},
    semester: '학기', newTimetable: '새 시간표 만들기', timetableName: '시간표 {0}',
    courseSearch: '강의 검색', search: '검색', add: '추가', remove: '빼기', credits: '학점',
    totalCredits: '총 {0}학점', added: '추가했습니다.', days: {MON: '월', TUE: '화', WED: '수', THU: '목', FRI: '금', SAT: '토', SUN: '일'},
    friendTimetable: '{0}님의 시간표', addFriend: '친구 요청', friendRequests: '받은 친구 요청',
    sentRequests: '보낸 친구 요청', accept: '수락', reject: '거절', requested: '요청했습니다.',
    gpaTotal: '전체 평점', gpaMajor: '전공 평점', gpaCredits: '취득 학점', grade: '성적', major: '전공',
    ungraded: '-', saved: '저장했습니다.', myCourses: '내 수강 과목', conversation: '대화',
    from: '보낸 사람', me: '나', noTimetable: '이 학기의 시간표가 없습니다.', fieldRequired: '필수 항목입니다.',
    langName: '한국어', back: '뒤로',
  },
  en: {
    appName: 'Everytime', login: 'Log in', signup: 'Sign up', logout: 'Log out',
    loginId: 'User ID', password: 'Password', email: 'Email', nickname: 'Nickname',
    school: 'School', admissionYear: 'Admission year', chooseSchool: 'Choose your school',
    noAccount: 'No account yet?', haveAccount: 'Already have an account?',
    boards: 'Boards', hot: 'HOT posts', popular: 'Popular now', best: 'BEST',
    notifications: 'Notifications', messages: 'Messages', timetable: 'Timetable', gpa: 'GPA calculator',
    friends: 'Friends', more: 'More', write: 'Write', title: 'Title', content: 'Content',
    anonymous: 'Anonymous', question: 'Question', submit: 'Post', cancel: 'Cancel', images: 'Images',
    uploading: 'Uploading images', comments: 'Comments', reply: 'Reply', writeComment: 'Write a comment.',
    writeReply: 'Write a reply.', like: 'Like', liked: 'Liked', scrap: 'Scrap', scrapped: 'Scrapped',
    report: 'Report', sendMessage: 'Send a message', messagePlaceholder: 'Write your message.',
    send: 'Send', sent: 'Sent.', reported: 'Reported.', chooseReason: 'Choose a reason.',
    reasons: {inappropriate: 'Inappropriate for the board', abuse: 'Abuse', obscene: 'Obscene',
      commercial: 'Advertising', fraud: 'Bait or flooding', spam: 'Leaks, impersonation or fraud', political: 'Political'},
    empty: 'Nothing here yet.', deleted: 'This comment was deleted.', loading: 'Loading…',
    comingSoon: 'Coming soon.', retry: 'Retry', tooMany: 'Too many requests. Try again in {0} seconds.',
    unavailable: 'The server is not answering for a moment. Try again shortly.', offline: 'Cannot reach the server.',
    sessionExpired: 'Your session expired. Please log in again.', markAllRead: 'Mark all read',
    period: {week: 'Week', month: 'Month', year: 'Year', all: 'All'},
    semester: 'Semester', newTimetable: 'New timetable', timetableName: 'Timetable {0}',
    courseSearch: 'Course search', search: 'Search', add: 'Add', remove: 'Remove', credits: 'credits',
    totalCredits: '{0} credits', added: 'Added.', days: {MON: 'Mon', TUE: 'Tue', WED: 'Wed', THU: 'Thu', FRI: 'Fri', SAT: 'Sat', SUN: 'Sun'},
    friendTimetable: "{0}'s timetable", addFriend: 'Add friend', friendRequests: 'Requests received',
    sentRequests: 'Requests sent', accept: 'Accept', reject: 'Reject', requested: 'Requested.',
    gpaTotal: 'GPA', gpaMajor: 'Major GPA', gpaCredits: 'Credits', grade: 'Grade', major: 'Major',
    ungraded: '-', saved: 'Saved.', myCourses: 'My courses', conversation: 'Conversation',
    from: 'From', me: 'Me', noTimetable: 'No timetable for this semester.', fieldRequired: 'Required.',
    langName: 'English', back: 'Back',
  },
};

// 'ko' or 'en' from the browser's ordered preferences
export function pickLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'ko';
}

export const lang = pickLanguage(navigator.languages && navigator.languages.length
  ? navigator.languages : [navigator.language]);

// t('tooMany', 30) and t('reasons.spam'): the message, {0}… filled in
export function t(key, ...args) {
  let v = key.split('.').reduce((o, k) => (o == null ? o : o[k]), MESSAGES[lang]);
  if (v == null) v = key;
  return String(v).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}
