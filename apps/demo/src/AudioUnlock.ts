/**
 * Browsers refuse to play sound before the user interacts with the page (a deep link joins with
 * no click). Blocked `<audio>` elements are collected and played when the user clicks the button.
 */
export class AudioUnlock {
  readonly #blocked = new Set<HTMLMediaElement>();

  constructor(private readonly button: HTMLButtonElement) {
    button.addEventListener('click', () => this.#unlock());
  }

  play(element: HTMLMediaElement): void {
    element.play().catch(() => {
      if (!element.isConnected) return;
      this.#blocked.add(element);
      this.button.hidden = false;
    });
  }

  #unlock(): void {
    for (const element of this.#blocked) void element.play().catch(() => undefined);
    this.#blocked.clear();
    this.button.hidden = true;
  }
}
