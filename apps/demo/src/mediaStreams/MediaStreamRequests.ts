import { RoomEvent, type MediaStreamRequest, type Room } from '@roomcast/client';
import { byId, h } from '../dom.js';
import type { Toasts } from '../Toasts.js';
import { errorText } from './MediaStreamIndicator.js';
import { answerMessage, requestText } from './mediaStreamView.js';

/**
 * Requests to stream the meeting to an app. Moderators get a prompt per request (approve or
 * refuse) that goes away once anyone answers it; the participant who asked gets the answer as a
 * toast. `asked()` records this page's own pending requests, to tell its answers apart.
 */
export class MediaStreamRequests {
  readonly #container = byId('media-stream-requests', HTMLElement);
  readonly #mine = new Set<string>();

  constructor(
    private readonly room: Room,
    private readonly toasts: Toasts,
  ) {
    room.on(RoomEvent.MediaStreamRequested, (request) => this.#prompt(request));
    room.on(RoomEvent.MediaStreamRequestAnswered, (answer) => {
      this.#prompts(answer.request_id).forEach((prompt) => prompt.remove());
      const mine = this.#mine.delete(answer.request_id);
      const message = answerMessage(answer, mine);
      this.toasts.show(message.text, message.kind);
    });
  }

  asked(requestId: string): void {
    this.#mine.add(requestId);
  }

  #prompt(request: MediaStreamRequest): void {
    if (this.#prompts(request.request_id).length > 0) return; // Sent again after a reconnect.
    const textId = `media-stream-request-${request.request_id}`;
    const approve = h('button', { type: 'button', class: 'small primary', 'data-answer': 'approve' }, 'Approve');
    const refuse = h('button', { type: 'button', class: 'small', 'data-answer': 'refuse' }, 'Refuse');
    const prompt = h(
      'div',
      { class: 'media-stream-request', role: 'alertdialog', 'aria-labelledby': textId, 'data-request': request.request_id },
      h('p', { id: textId }, requestText(request)),
      h('div', { class: 'panel-actions' }, approve, refuse),
    );
    approve.addEventListener('click', () => void this.#answer(prompt, request, true));
    refuse.addEventListener('click', () => void this.#answer(prompt, request, false));
    this.#container.append(prompt);
    approve.focus();
  }

  async #answer(prompt: HTMLElement, request: MediaStreamRequest, approve: boolean): Promise<void> {
    if (prompt.dataset.busy) return;
    prompt.dataset.busy = 'true';
    try {
      await this.room.answerMediaStreamRequest(request.request_id, approve);
      prompt.remove();
    } catch (error) {
      // Gone (another moderator answered, or it lapsed) or refused: either way nothing is left to answer.
      prompt.remove();
      this.toasts.show(`Cannot answer the request: ${errorText(error)}`, 'error');
    }
  }

  #prompts(requestId: string): HTMLElement[] {
    return [...this.#container.querySelectorAll<HTMLElement>('[data-request]')].filter((el) => el.dataset.request === requestId);
  }
}
