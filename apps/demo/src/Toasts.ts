import { h } from './dom.js';
import { icon } from './icons.js';
import type { ToastKind } from './roomEventMessages.js';

const MAX_VISIBLE = 4;

/**
 * Short notices in a corner. The container is a polite live region (screen readers read each new
 * toast without moving focus); errors stay longer and are announced as alerts. Each toast has a
 * close button, so keyboard users can dismiss it too.
 */
export class Toasts {
  constructor(private readonly container: HTMLElement) {}

  show(text: string, kind: ToastKind = 'info'): HTMLElement {
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, icon('close'));
    const toast = h('div', { class: 'toast', 'data-kind': kind, role: kind === 'error' ? 'alert' : undefined }, h('span', {}, text), close);
    const dismiss = (): void => toast.remove();
    close.addEventListener('click', dismiss);
    this.container.append(toast);
    while (this.container.childElementCount > MAX_VISIBLE) this.container.firstElementChild?.remove();
    setTimeout(dismiss, kind === 'error' ? 12_000 : 6_000);
    return toast;
  }
}
