/** The elements index.html declares, looked up once; a missing one is a bug in the page. */
export interface PageElements {
  roomName: HTMLElement;
  status: HTMLElement;
  statusDetail: HTMLElement;
  error: HTMLElement;
  joinForm: HTMLFormElement;
  joinRoom: HTMLInputElement;
  joinToken: HTMLInputElement;
  meeting: HTMLElement;
  toggleCamera: HTMLButtonElement;
  toggleMicrophone: HTMLButtonElement;
  toggleScreen: HTMLButtonElement;
  enableAudio: HTMLButtonElement;
  leave: HTMLButtonElement;
  local: HTMLElement;
  grid: HTMLElement;
}

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks #${id}`);
  return element;
}

export function pageElements(): PageElements {
  return {
    roomName: byId('room-name', HTMLElement),
    status: byId('status', HTMLElement),
    statusDetail: byId('status-detail', HTMLElement),
    error: byId('error', HTMLElement),
    joinForm: byId('join-form', HTMLFormElement),
    joinRoom: byId('join-room', HTMLInputElement),
    joinToken: byId('join-token', HTMLInputElement),
    meeting: byId('meeting', HTMLElement),
    toggleCamera: byId('toggle-camera', HTMLButtonElement),
    toggleMicrophone: byId('toggle-microphone', HTMLButtonElement),
    toggleScreen: byId('toggle-screen', HTMLButtonElement),
    enableAudio: byId('enable-audio', HTMLButtonElement),
    leave: byId('leave', HTMLButtonElement),
    local: byId('local', HTMLElement),
    grid: byId('grid', HTMLElement),
  };
}

export function showError(page: PageElements, message: string | null): void {
  page.error.textContent = message ?? '';
  page.error.hidden = message === null;
}
