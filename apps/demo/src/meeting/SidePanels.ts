import { setIcon, type IconName } from '../icons.js';

export interface SidePanel {
  toggle: HTMLButtonElement;
  panel: HTMLElement;
  icon: IconName;
  label: string;
}

/**
 * The side panels (people, control room): one open at a time, beside the stage on wide screens
 * and as a sheet over it on phones. Opening moves focus to the panel's heading; closing (its close
 * button, the toggle again, or Escape) returns focus to the toggle, so keyboard users never lose
 * their place.
 */
export class SidePanels {
  #open: SidePanel | undefined;

  constructor(
    private readonly sidebar: HTMLElement,
    private readonly panels: SidePanel[],
    signal: AbortSignal,
  ) {
    for (const entry of panels) {
      setIcon(entry.toggle, entry.icon);
      const label = entry.toggle.appendChild(document.createElement('span'));
      label.className = 'label';
      label.textContent = entry.label;
      entry.toggle.setAttribute('aria-controls', entry.panel.id);
      entry.toggle.addEventListener('click', () => (this.#open === entry ? this.close() : this.open(entry)));
      entry.panel.querySelector('[data-close]')?.addEventListener('click', () => this.close());
    }
    // On the document, not the panel: focus may have left it (a button that went away).
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.#open) this.close();
    }, { signal });
    this.#render();
  }

  open(entry: SidePanel): void {
    this.#open = entry;
    this.#render();
    this.sidebar.scrollTop = 0; // A panel opens at its top, not where another one was scrolled to.
    entry.panel.querySelector<HTMLElement>('h2')?.focus();
  }

  close(): void {
    const closing = this.#open;
    this.#open = undefined;
    this.#render();
    closing?.toggle.focus();
  }

  #render(): void {
    for (const entry of this.panels) {
      const open = entry === this.#open;
      entry.panel.hidden = !open;
      entry.toggle.setAttribute('aria-expanded', String(open));
    }
    this.sidebar.hidden = this.#open === undefined;
    // The stage resizes; the grid's ResizeObserver re-fits the tiles.
  }
}
