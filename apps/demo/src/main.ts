import { readLaunchParams } from './launchParams.js';
import { startMeeting } from './meeting.js';
import { pageElements, showError } from './pageElements.js';

/**
 * Entry point. `/?room=<room>&token=<token>&autojoin=1` joins at once (no clicks, for links and
 * tests); otherwise a small form asks for the token (a real lobby is a later feature).
 */
function main(): void {
  const page = pageElements();
  const params = readLaunchParams(location.search);
  page.joinRoom.value = params.room;
  page.joinToken.value = params.token;
  if (params.room) page.roomName.textContent = params.room;
  page.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = page.joinToken.value.trim();
    if (!token) {
      showError(page, 'A participant token is needed to join.');
      return;
    }
    void startMeeting(page, { room: page.joinRoom.value.trim(), token, autojoin: false });
  });
  if (params.autojoin && params.token) void startMeeting(page, params);
}

main();
